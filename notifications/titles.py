"""Notification titles: the one line a busy engineer reads in the bell or a Slack channel.

Two escalations from the same junior must not look alike, so the title carries the
ticket and the start of the problem summary.
"""

import unicodedata

SUMMARY_LIMIT = 70
ELLIPSIS = "…"

_ZWJ = "\u200d"


def _extends_previous(char: str, previous: str) -> bool:
    """True when `char` belongs to the same user-perceived character as the one before.

    A small subset of Unicode grapheme rules (UAX #29), enough for text people type:
    combining marks, variation selectors, skin-tone modifiers, emoji tag sequences and
    zero-width-joiner sequences (👩‍💻). Regional-indicator pairs (flags) are handled by
    the caller, which needs to count them.
    """
    code = ord(char)
    if char == _ZWJ or previous == _ZWJ:
        return True
    if unicodedata.category(char) in ("Mn", "Me", "Mc"):
        return True
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return True
    if 0x1F3FB <= code <= 0x1F3FF:  # skin-tone modifiers
        return True
    return 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def graphemes(text: str) -> list[str]:
    """Split text into user-perceived characters (see _extends_previous for the rules)."""
    clusters: list[str] = []
    open_flag = False  # the last cluster is a lone regional indicator waiting for its pair
    for char in text:
        if clusters and _is_regional_indicator(char) and open_flag:
            clusters[-1] += char
            open_flag = False
        elif clusters and _extends_previous(char, clusters[-1][-1]):
            clusters[-1] += char
        else:
            clusters.append(char)
            open_flag = _is_regional_indicator(char)
    return clusters


def truncate(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """Cut to `limit` characters plus "…" when longer; never inside an emoji or accent."""
    text = " ".join(text.split())  # titles are one line: fold newlines and runs of spaces
    if len(text) <= limit:  # never more clusters than code points: nothing to cut
        return text
    clusters = graphemes(text)
    if len(clusters) <= limit:
        return text
    return "".join(clusters[:limit]).rstrip() + ELLIPSIS


def escalation_title(
    *,
    requester_name: str,
    psa_ticket: str,
    problem_summary: str,
    for_you: bool = False,
    reescalated: bool = False,
) -> str:
    """`Escalation from Jane · #12345: Outlook is failing to sync email…`.

    ` · #<ticket>` only when there is a ticket; a targeted escalation says "for you";
    a session escalated again says "Re-escalation". The result is plain text: every
    page and payload escapes it for its own medium.
    """
    noun = "Re-escalation" if reescalated else "Escalation"
    lead = f"{noun} for you from" if for_you else f"{noun} from"
    return handoff_title(
        f"{lead} {_name(requester_name)}", psa_ticket=psa_ticket, problem_summary=problem_summary
    )


def handoff_title(lead: str, *, psa_ticket: str, problem_summary: str) -> str:
    """`<lead> · #<ticket>: <summary cut at 70>`, e.g.
    `Sam picked up your escalation · #12345: Outlook is failing to sync email…`.

    The caller writes the lead with its own words for what happened (the handoffs app
    knows whether it is an escalation or a parked session); this adds which problem it
    is about, so two bell lines about the same person's work do not look alike.
    """
    lead = " ".join(lead.split())
    ticket = psa_ticket.strip().lstrip("#")
    head = lead + (f" · #{ticket}" if ticket else "")
    summary = truncate(problem_summary)
    return f"{head}: {summary}" if summary else head


def _name(display_name: str) -> str:
    return " ".join(display_name.split()) or "a teammate"
