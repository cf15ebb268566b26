"""The offline assistant: what Baton says when no AI model is configured.

It is honest about being offline and useful anyway: it searches the account's
published trees for the problem and lists the generic next checks for the
category the text (or the tree) points at.
"""

from troubleshoot.input.text import markdown_escape
from troubleshoot.sessions.ai import Assessment

OFFLINE_LABEL = "Offline assistant (no AI model configured)"

# category -> (words that point at it, generic next checks)
GENERIC_CHECKS: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "Email": (
        ("outlook", "email", "mail", "exchange", "mailbox", "calendar", "sync"),
        [
            "Check the Microsoft 365 service health page for Exchange incidents.",
            "Confirm the mailbox is not full and the licence is still assigned.",
            "Test Outlook on the web: if it works there, the problem is the local profile.",
            "Start Outlook in safe mode (outlook.exe /safe) to rule out add-ins.",
            "Repair or recreate the Outlook profile; check the OST size.",
        ],
    ),
    "Network": (
        ("vpn", "network", "wifi", "wi-fi", "internet", "dns", "connect", "latency", "firewall"),
        [
            "Confirm basic connectivity: ping the gateway, then 1.1.1.1, then a name.",
            "Check the VPN client version and the user's certificate or credentials.",
            "Look at the firewall / VPN concentrator logs for the user's attempts.",
            "Try another network (hotspot) to rule out the local ISP or captive portal.",
            "Flush DNS (ipconfig /flushdns) and check the DNS servers handed out.",
        ],
    ),
    "Printing": (
        ("printer", "print", "printing", "spooler", "toner", "scan", "scanner"),
        [
            "Check the printer's own display for errors, paper jams or toner.",
            "Ping the printer's IP; confirm it did not change (DHCP reservation).",
            "Restart the Print Spooler service and clear stuck jobs.",
            "Remove and re-add the printer with the current driver.",
        ],
    ),
    "Performance": (
        ("slow", "performance", "freeze", "freezing", "hang", "cpu", "memory", "disk", "boot"),
        [
            "Open Task Manager: which process uses CPU, memory or disk?",
            "Check free disk space and the disk's health (SMART).",
            "Look for pending Windows updates or a stuck update.",
            "Check startup programs and run a malware scan.",
        ],
    ),
    "Identity": (
        (
            "mfa",
            "password",
            "locked",
            "lockout",
            "login",
            "sign-in",
            "signin",
            "authenticator",
            "account",
        ),
        [
            "Check the sign-in logs (Entra ID) for the failure reason and location.",
            "Confirm the account is not locked or disabled and the password not expired.",
            "Verify the user's MFA methods; re-register the authenticator if the phone changed.",
            "Check conditional access policies that apply to the user and device.",
        ],
    ),
    "File shares": (
        (
            "drive",
            "share",
            "mapped",
            "network drive",
            "smb",
            "folder",
            "nas",
            "sharepoint",
            "onedrive",
        ),
        [
            "Can the user reach the server by name and by IP (\\\\server\\share)?",
            "Check the drive-mapping GPO or logon script ran (gpresult /r).",
            "Confirm the user's group membership gives access to the share.",
            "Check for cached credentials in Credential Manager that are out of date.",
        ],
    ),
}
FALLBACK_CHECKS = [
    "Write down exactly what the user sees (error text, screenshot) and when it started.",
    "Find out what changed recently: updates, new software, password change, new device.",
    "Check whether other users or devices have the same problem (one user vs. everyone).",
    "Restart the affected application and the device, then retest.",
]


def category_for(text: str, hint: str = "") -> str | None:
    """The category whose words appear most in the text (the hint wins if it is known)."""
    for name in GENERIC_CHECKS:
        if hint and hint.lower() in (name.lower(), name.lower().rstrip("s")):
            return name
    lowered = (text or "").lower()
    scores = {
        name: sum(word in lowered for word in words) for name, (words, _) in GENERIC_CHECKS.items()
    }
    best = max(scores, key=scores.get)
    return best if scores[best] else None


def checks_for(category: str | None) -> list[str]:
    return GENERIC_CHECKS[category][1] if category in GENERIC_CHECKS else FALLBACK_CHECKS


def offline_chat_reply(session, messages: list[dict]) -> str:
    from troubleshoot.trees.selectors import suggest_trees

    latest = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    text = f"{session.problem_summary}\n{latest}"
    trees = suggest_trees(session.account_id, text)
    category = category_for(text)
    lines = [
        f"**{OFFLINE_LABEL}.** I cannot read or reason about your message the way an AI "
        "model would; here is what Baton's library and checklists suggest."
    ]
    if trees:
        lines += [
            "",
            "**Matching decision trees** (use *Start tree* to walk one in this session):",
            "",
        ]
        # Titles are typed by engineers: text, not Markdown, in this Markdown reply.
        lines += [f"- {markdown_escape(t.title)} ({markdown_escape(t.category)})" for t in trees]
    else:
        lines += ["", "No published tree in your library matches these words yet."]
    heading = f"Generic next checks for {category}" if category else "Generic first checks"
    lines += ["", f"**{heading}:**", ""]
    lines += [f"{i}. {check}" for i, check in enumerate(checks_for(category), start=1)]
    return "\n".join(lines)


def assessment_markdown(
    heading: str, likely_cause: str, next_steps: list[str], risk: str, snapshot: dict
) -> str:
    """The escalation package. Every value in it is text (the model's answer is shaped
    by what engineers typed; step titles are typed by engineers): escaped, so only the
    headings and lists here are Markdown."""
    tried = [s for s in snapshot.get("steps", []) if s.get("kind") == "answer"]
    lines = [
        f"## {heading}",
        "",
        f"**Likely cause:** {_text(likely_cause)}",
        f"**Risk:** {_text(risk)}",
    ]
    if tried:
        lines += ["", "**Already tried:**", ""]
        for step in tried:
            mark = " (backtracked)" if step.get("abandoned") else ""
            lines.append(f"- {_text(step.get('node_title'))} → {_text(step.get('choice'))}{mark}")
    if next_steps:
        lines += ["", "**Suggested next steps:**", ""]
        lines += [f"{i}. {_text(s)}" for i, s in enumerate(next_steps, start=1)]
    return "\n".join(lines) + "\n"


def _text(value) -> str:
    """One line of literal text inside the package's Markdown."""
    return markdown_escape(" ".join(str(value or "").split()))


def offline_assessment(snapshot: dict) -> Assessment:
    """Derived from the snapshot alone: what was tried, where the walk failed, and
    the generic checks for the category."""
    steps = snapshot.get("steps", [])
    tried = [s for s in steps if s.get("kind") == "answer" and not s.get("abandoned")]
    text = " ".join(
        [snapshot.get("problem_summary", ""), snapshot.get("tree_title", "")]
        + [s.get("text", "") for s in steps if s.get("kind") == "user_message"]
    )
    category = category_for(text, snapshot.get("tree_category", ""))
    if tried:
        last = tried[-1]
        likely = (
            f"Not determined (offline). The walk stopped after “{last.get('node_title')}” "
            f"answered “{last.get('choice')}”"
            + (f" in the tree “{snapshot.get('tree_title')}”" if snapshot.get("tree_title") else "")
            + ": the cause lies beyond that branch."
        )
    else:
        likely = "Not determined (offline): no tree steps were recorded before the escalation."
    done_titles = {s.get("node_title") for s in tried}
    next_steps = [c for c in checks_for(category) if c not in done_titles]
    # Without a model Baton cannot judge risk; saying so beats a made-up level.
    risk = "unknown"
    heading = "Offline assessment (no AI model configured)"
    return Assessment(
        likely_cause=likely,
        next_steps=next_steps,
        risk=risk,
        package_markdown=assessment_markdown(heading, likely, next_steps, risk, snapshot),
    )
