from notifications.titles import escalation_title, graphemes, truncate


def title(summary, ticket="12345", **kw):
    return escalation_title(requester_name="Jane", psa_ticket=ticket, problem_summary=summary, **kw)


def test_title_names_requester_ticket_and_summary():
    assert (
        title("Outlook is failing to sync email")
        == "Escalation from Jane · #12345: Outlook is failing to sync email"
    )


def test_title_without_ticket_has_no_ticket_part():
    assert title("Printer offline", ticket="") == "Escalation from Jane: Printer offline"


def test_ticket_given_with_hash_is_not_doubled():
    assert title("VPN down", ticket="#777") == "Escalation from Jane · #777: VPN down"


def test_summary_of_exactly_70_characters_stays_whole():
    summary = "x" * 70
    assert title(summary).endswith(": " + summary)


def test_summary_of_71_characters_is_cut_to_70_with_ellipsis():
    summary = "abcdefghij" * 7 + "Z"
    assert title(summary).endswith(": " + "abcdefghij" * 7 + "…")


def test_targeted_escalation_says_for_you():
    assert title("VPN down", for_you=True) == "Escalation for you from Jane · #12345: VPN down"


def test_reescalation_says_so():
    assert title("VPN down", reescalated=True).startswith("Re-escalation from Jane")


def test_multibyte_text_is_counted_in_characters_not_bytes():
    summary = "ü" * 70
    assert title(summary).endswith(summary)
    assert title("ü" * 71).endswith("ü" * 70 + "…")


def test_cut_never_splits_an_emoji_sequence():
    family = "👩\u200d👩\u200d👧\u200d👦"  # one visible character, seven code points
    summary = "a" * 69 + family + "tail"
    cut = truncate(summary)
    assert cut == "a" * 69 + family + "…"
    flag_then_more = "b" * 69 + "🇳🇱" + "rest"
    assert truncate(flag_then_more) == "b" * 69 + "🇳🇱" + "…"
    accent = "c" * 69 + "e\u0301" + "xyz"  # e + combining acute
    assert truncate(accent) == "c" * 69 + "e\u0301…"


def test_skin_tone_and_variation_selector_stay_attached():
    assert graphemes("👍🏽❤️a") == ["👍🏽", "❤️", "a"]


def test_newlines_in_summary_fold_into_one_line():
    assert title("line one\n\nline   two", ticket="") == "Escalation from Jane: line one line two"


def test_handoff_title_adds_ticket_and_summary_to_the_lead():
    from notifications.titles import handoff_title

    assert (
        handoff_title(
            "Sam  Senior picked up your escalation", psa_ticket="#42", problem_summary="VPN down"
        )
        == "Sam Senior picked up your escalation · #42: VPN down"
    )
    assert handoff_title("Sam resolved your escalation", psa_ticket="", problem_summary="") == (
        "Sam resolved your escalation"
    )
