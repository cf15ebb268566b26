"""Demo troubleshooting data: six MSP decision trees per account and a few sessions.

Trees are created through the import service (so they pass the publishing rules);
everything is looked up by natural key first, so seeding twice changes nothing.
"""

import json

from troubleshoot.models import Role, Session, Step, StepKind, Tree, User

Q, A, S = "question", "action", "solution"

# title, category, description, tags, nodes: (ref, kind, title, body, [(label, to)])
DEMO_TREES = [
    (
        "Outlook not syncing",
        "Email",
        "New mail does not arrive in Outlook, or sent items stay in the outbox.",
        ["outlook", "m365", "exchange", "sync"],
        [
            (
                "start",
                Q,
                "Does Outlook on the web show the new mail?",
                "Open https://outlook.office.com as the user.",
                [("Yes, webmail is fine", "status"), ("No, webmail is missing it too", "health")],
            ),
            (
                "health",
                A,
                "Check Microsoft 365 service health",
                "Admin centre → **Health → Service health**. Look for Exchange Online incidents.",
                [("No incident", "mailbox"), ("There is an incident", "incident")],
            ),
            (
                "incident",
                S,
                "Wait for Microsoft's fix and tell the client",
                "Link the incident ID in the ticket; set a reminder to check back.",
                [],
            ),
            (
                "mailbox",
                Q,
                "Is the mailbox over quota?",
                "Check **Mailbox usage** in the Exchange admin centre.",
                [("Yes, it is full", "archive"), ("No", "safe")],
            ),
            (
                "archive",
                S,
                "Free space: archive or raise the quota",
                "Enable online archiving or apply a larger licence.",
                [],
            ),
            (
                "status",
                Q,
                "What does Outlook's status bar say?",
                "Bottom of the Outlook window.",
                [
                    ("Disconnected / Trying to connect", "safe"),
                    ("Connected but not updating", "ost"),
                    ("Needs password", "creds"),
                ],
            ),
            (
                "creds",
                A,
                "Clear cached credentials",
                "Credential Manager → Windows credentials → remove *MicrosoftOffice* "
                "entries, then restart Outlook.",
                [("Done, it syncs", "fixed"), ("Didn't work", "safe")],
            ),
            (
                "safe",
                A,
                "Start Outlook in safe mode",
                "Run `outlook.exe /safe`. If it syncs, disable add-ins one by one.",
                [("Syncs in safe mode", "addin"), ("Still not syncing", "ost")],
            ),
            (
                "addin",
                S,
                "Disable the faulty add-in",
                "File → Options → Add-ins → COM Add-ins: turn off the culprit.",
                [],
            ),
            (
                "ost",
                A,
                "Rebuild the OST / new profile",
                "Close Outlook, rename the .ost file, or create a new mail profile "
                "in Control Panel → Mail.",
                [("Done, it syncs", "fixed"), ("Didn't work", "escalate")],
            ),
            ("fixed", S, "Mail syncs again", "Note what you changed in the ticket.", []),
            (
                "escalate",
                S,
                "Escalate to the messaging team",
                "Include the mailbox, the Outlook build and what you tried.",
                [],
            ),
        ],
    ),
    (
        "VPN won't connect",
        "Network",
        "Remote user cannot establish the company VPN.",
        ["vpn", "remote", "forticlient", "anyconnect"],
        [
            (
                "start",
                Q,
                "Does the user have working internet?",
                "Ask them to open a public website.",
                [("Yes", "error"), ("No", "isp")],
            ),
            (
                "isp",
                S,
                "Fix the local internet first",
                "Router restart, ISP outage check, or hotspot as a workaround.",
                [],
            ),
            (
                "error",
                Q,
                "Which error does the VPN client show?",
                "Ask for the exact text or a screenshot.",
                [
                    ("Credentials / authentication failed", "account"),
                    ("Timeout / cannot reach gateway", "port"),
                    ("Certificate error", "cert"),
                ],
            ),
            (
                "account",
                Q,
                "Is the account locked or the password expired?",
                "Check the directory (Entra ID / AD).",
                [("Locked or expired", "unlock"), ("Account is fine", "mfa")],
            ),
            ("unlock", S, "Unlock the account / reset the password", "Then retry the VPN.", []),
            (
                "mfa",
                A,
                "Check the MFA prompt arrives",
                "Have the user watch the authenticator app while connecting.",
                [("Prompt arrives and works", "client"), ("No prompt", "mfafix")],
            ),
            (
                "mfafix",
                S,
                "Re-register the user's MFA method",
                "See the MFA lockout tree for details.",
                [],
            ),
            (
                "port",
                A,
                "Test from another network",
                "Phone hotspot: some hotel and guest networks block VPN ports.",
                [("Works on hotspot", "network"), ("Fails everywhere", "gateway")],
            ),
            (
                "network",
                S,
                "The local network blocks the VPN",
                "Use the SSL VPN on port 443 or a hotspot.",
                [],
            ),
            (
                "gateway",
                A,
                "Check the VPN gateway",
                "Firewall dashboard: is the gateway up, are licences free?",
                [("Gateway problem found", "gwfix"), ("Gateway fine", "client")],
            ),
            (
                "gwfix",
                S,
                "Restore the gateway",
                "Restart the service or free licences; tell affected users.",
                [],
            ),
            (
                "cert",
                A,
                "Update the client certificate / trust chain",
                "Reinstall the company root CA and the VPN profile.",
                [("Done, it connects", "fixed"), ("Didn't work", "client")],
            ),
            (
                "client",
                A,
                "Reinstall the VPN client",
                "Remove, reboot, install the current version, import the profile.",
                [("Done, it connects", "fixed"), ("Didn't work", "escalate")],
            ),
            ("fixed", S, "VPN connects", "", []),
            ("escalate", S, "Escalate to the network team", "Attach client logs.", []),
        ],
    ),
    (
        "Printer offline",
        "Printing",
        "Windows shows the printer as offline or jobs sit in the queue.",
        ["printer", "spooler", "offline", "queue"],
        [
            (
                "start",
                Q,
                "Is the printer powered on and showing no errors?",
                "Check its display for jams, toner or paper warnings.",
                [("Yes, ready", "ping"), ("It shows an error", "device")],
            ),
            (
                "device",
                S,
                "Clear the device error",
                "Remove the jam, replace toner, load paper; print a test page.",
                [],
            ),
            (
                "ping",
                Q,
                "Does the printer answer a ping at its IP?",
                "Print the network config page to see the IP.",
                [("Yes", "spooler"), ("No", "ipchange")],
            ),
            (
                "ipchange",
                Q,
                "Did the printer's IP change?",
                "Compare with the port configured in Windows.",
                [("Yes, it changed", "reserve"), ("No, same IP but no answer", "cable")],
            ),
            (
                "reserve",
                S,
                "Reserve the IP and update the port",
                "DHCP reservation on the router, then fix the printer port.",
                [],
            ),
            (
                "cable",
                A,
                "Check cable / Wi-Fi and restart the printer",
                "",
                [("Done, it answers now", "spooler"), ("Still no answer", "vendor")],
            ),
            ("vendor", S, "Book a vendor visit", "The printer's network card may be faulty.", []),
            (
                "spooler",
                A,
                "Restart the Print Spooler and clear the queue",
                "services.msc → Print Spooler → restart; delete files in "
                "`C:\\Windows\\System32\\spool\\PRINTERS`.",
                [("Done, it prints", "fixed"), ("Didn't work", "driver")],
            ),
            (
                "driver",
                A,
                "Remove and re-add the printer with the current driver",
                "",
                [("Done, it prints", "fixed"), ("Didn't work", "escalate")],
            ),
            ("fixed", S, "Printing works again", "", []),
            (
                "escalate",
                S,
                "Escalate with the event log",
                "Attach PrintService operational log entries.",
                [],
            ),
        ],
    ),
    (
        "Slow PC",
        "Performance",
        "A workstation has become slow to start or to use.",
        ["slow", "performance", "cpu", "disk"],
        [
            (
                "start",
                Q,
                "Is it slow all the time or only at start-up?",
                "",
                [("Only at start-up", "startup"), ("All the time", "taskmgr")],
            ),
            (
                "startup",
                A,
                "Trim start-up programs",
                "Task Manager → Startup: disable what the user does not need.",
                [("Done, it's faster", "fixed"), ("Didn't help", "taskmgr")],
            ),
            (
                "taskmgr",
                Q,
                "What does Task Manager show as busy?",
                "Sort by CPU, Memory and Disk.",
                [("CPU", "cpu"), ("Memory", "memory"), ("Disk at 100%", "disk")],
            ),
            (
                "cpu",
                A,
                "Identify and deal with the busy process",
                "Update or remove it; check for a stuck Windows Update.",
                [("Done, it's fixed", "fixed"), ("Didn't help", "malware")],
            ),
            (
                "memory",
                S,
                "Add memory or reduce the load",
                "Quote a RAM upgrade if usage is constantly above 90%.",
                [],
            ),
            (
                "disk",
                Q,
                "Is there less than 10% free space?",
                "",
                [("Yes", "cleanup"), ("No", "smart")],
            ),
            (
                "cleanup",
                A,
                "Free disk space",
                "Disk Clean-up, OneDrive Files On-Demand, clear temp folders.",
                [("Done, it's faster", "fixed"), ("Didn't help", "smart")],
            ),
            (
                "smart",
                A,
                "Check the disk's health (SMART)",
                "CrystalDiskInfo or the RMM disk monitor.",
                [("Disk is failing", "replace"), ("Disk is healthy", "malware")],
            ),
            ("replace", S, "Replace the disk (SSD) and restore", "Back up first.", []),
            (
                "malware",
                A,
                "Run a full malware scan",
                "",
                [("Found and removed something", "fixed"), ("Clean", "escalate")],
            ),
            ("fixed", S, "The PC is responsive again", "", []),
            ("escalate", S, "Escalate: consider reimaging", "Document the checks done.", []),
        ],
    ),
    (
        "MFA lockout",
        "Identity",
        "User cannot complete multi-factor sign-in (new phone, lost phone, no prompts).",
        ["mfa", "authenticator", "sign-in", "entra"],
        [
            (
                "start",
                Q,
                "Why can't the user complete MFA?",
                "",
                [
                    ("New or lost phone", "verify"),
                    ("Prompts don't arrive", "time"),
                    ("Too many attempts / locked", "logs"),
                ],
            ),
            (
                "verify",
                A,
                "Verify the user's identity",
                "Call back on the number in the HR system; never trust the inbound caller alone.",
                [("Identity confirmed", "reset"), ("Cannot confirm", "deny")],
            ),
            (
                "deny",
                S,
                "Do not reset: escalate to the client's contact",
                "Possible social engineering: record the attempt.",
                [],
            ),
            (
                "reset",
                A,
                "Require re-registration of MFA",
                "Entra ID → user → Authentication methods → Require re-register MFA; "
                "issue a Temporary Access Pass.",
                [("Done, user registered", "fixed"), ("Didn't work", "logs")],
            ),
            (
                "time",
                A,
                "Check the phone's time and notifications",
                "Automatic time on, battery saver off for the authenticator app.",
                [("Done, prompts arrive", "fixed"), ("Still nothing", "number")],
            ),
            (
                "number",
                A,
                "Switch to number matching / code entry",
                "Let the user type the code from the app instead.",
                [("Done, works", "fixed"), ("Didn't work", "reset")],
            ),
            (
                "logs",
                Q,
                "What do the sign-in logs say?",
                "Entra ID → Sign-in logs, filter by user.",
                [
                    ("Blocked by conditional access", "ca"),
                    ("Smart lockout", "wait"),
                    ("Nothing unusual", "reset"),
                ],
            ),
            (
                "ca",
                S,
                "Adjust or exclude per the conditional access policy",
                "Only with the client's approval.",
                [],
            ),
            (
                "wait",
                S,
                "Wait out the lockout, then sign in once",
                "Smart lockout clears after the lockout period.",
                [],
            ),
            ("fixed", S, "User signs in with MFA", "", []),
        ],
    ),
    (
        "Network drive missing",
        "File shares",
        "A mapped drive (e.g. S:) is missing or shows a red X.",
        ["mapped drive", "share", "smb", "gpo"],
        [
            (
                "start",
                Q,
                "Can the user open the share by its full path?",
                "Run `\\\\server\\share` from Explorer.",
                [("Yes", "mapping"), ("No", "reach")],
            ),
            (
                "reach",
                Q,
                "Does the server answer by name and by IP?",
                "`ping server` and `ping 10.x.x.x`.",
                [("Neither", "vpn"), ("IP only", "dns"), ("Both answer", "perms")],
            ),
            (
                "vpn",
                Q,
                "Is the user remote?",
                "",
                [("Yes", "vpnok"), ("No, in the office", "server")],
            ),
            ("vpnok", S, "Connect the VPN first", "See the VPN tree if it fails.", []),
            (
                "server",
                S,
                "Server or network down: escalate",
                "Check other users; open an incident.",
                [],
            ),
            (
                "dns",
                A,
                "Fix name resolution",
                "`ipconfig /flushdns`; check the DNS servers handed out.",
                [("Done, name works", "mapping"), ("Didn't work", "server")],
            ),
            (
                "perms",
                A,
                "Check share and NTFS permissions",
                "Is the user in the right group? Log off and on after changes.",
                [("Done, access works", "mapping"), ("Didn't work", "creds")],
            ),
            (
                "creds",
                A,
                "Clear stale credentials",
                "Credential Manager: remove entries for the server.",
                [("Done, access works", "mapping"), ("Didn't work", "server")],
            ),
            (
                "mapping",
                A,
                "Re-run the drive mapping",
                "`gpupdate /force`, then log off and on; or map manually with reconnect.",
                [("Done, drive is back", "fixed"), ("Didn't work", "gpo")],
            ),
            (
                "gpo",
                S,
                "Fix the mapping GPO / logon script",
                "Check `gpresult /r` for the policy and its item-level targeting.",
                [],
            ),
            ("fixed", S, "The drive is back", "", []),
        ],
    ),
]


def tree_document(title, category, description, tags, nodes) -> dict:
    return {
        "format": "baton-tree",
        "version": 1,
        "tree": {"title": title, "category": category, "description": description, "tags": tags},
        "start": nodes[0][0],
        "nodes": [
            {
                "ref": ref,
                "kind": kind,
                "title": node_title,
                "body": body,
                "options": [{"label": label, "to": to} for label, to in options],
            }
            for ref, kind, node_title, body, options in nodes
        ],
    }


def _seed_trees(account) -> int:
    from troubleshoot.services.trees import tree_import

    author = User.objects.members_of(account.pk).filter(role=Role.ADMIN).first()
    created = 0
    for definition in DEMO_TREES:
        if Tree.objects.filter(account=account, title=definition[0]).exists():
            continue
        tree_import(actor=author, raw=json.dumps(tree_document(*definition)))
        created += 1
    return created


def _walk(session, user, labels: list[str]) -> None:
    from troubleshoot.services.sessions import session_answer

    for label in labels:
        node = Session.objects.get(pk=session.pk).current_node
        option = node.options.get(label=label)
        session_answer(
            actor=user, session_id=session.pk, node_id=node.pk, option_id=option.pk, note=""
        )


def _seed_sessions(domain: str) -> int:
    from troubleshoot.ai_offline import offline_chat_reply
    from troubleshoot.selectors.sessions import chat_history, steps_for_session
    from troubleshoot.services import sessions as s

    junior = (
        User.objects.filter(email=f"jane@{domain}").first()
        or User.objects.filter(email=f"jill@{domain}").first()
    )
    other = (
        User.objects.filter(email=f"jim@{domain}").first()
        or User.objects.filter(email=f"joe@{domain}").first()
    )
    if junior is None or other is None:
        return 0
    trees = {t.title: t for t in Tree.objects.filter(account_id=junior.account_id)}
    created = 0

    def missing(user, summary):
        return not Session.objects.filter(user=user, problem_summary=summary).exists()

    summary = "Outlook is failing to sync email for the finance mailbox"
    if missing(junior, summary):
        session = s.session_start(
            actor=junior,
            tree_id=trees["Outlook not syncing"].pk,
            problem_summary=summary,
            client_name="Contoso Ltd",
            psa_ticket="12345",
        )
        _walk(session, junior, ["Yes, webmail is fine", "Connected but not updating"])
        s.session_add_note(
            actor=junior, session_id=session.pk, note="OST is 48 GB; user has 3 shared mailboxes."
        )
        created += 1

    summary = "VPN drops every few minutes for the sales director"
    if missing(junior, summary):
        session = s.session_start(
            actor=junior,
            kind="chat",
            problem_summary=summary,
            client_name="Fabrikam",
            first_message="FortiClient connects, then drops after 2-5 minutes. Only at home.",
        )
        steps = steps_for_session(session)
        Step.objects.create(
            session=session,
            kind=StepKind.ASSISTANT_MESSAGE,
            text=offline_chat_reply(session, chat_history(steps)),
        )
        created += 1

    summary = "Reception printer shows offline after the router swap"
    if missing(other, summary):
        session = s.session_start(
            actor=other,
            tree_id=trees["Printer offline"].pk,
            problem_summary=summary,
            client_name="Northwind Traders",
            psa_ticket="12377",
        )
        _walk(session, other, ["Yes, ready", "No", "Yes, it changed"])
        s.session_resolve(
            actor=other,
            session_id=session.pk,
            resolution_note="DHCP reservation added on the new router; printer port updated.",
        )
        created += 1
    return created


def seed_troubleshooting(out, accounts) -> None:
    trees = sessions = 0
    for account, domain in accounts:
        trees += _seed_trees(account)
        sessions += _seed_sessions(domain)
    out.write(f"  troubleshooting: {trees} trees and {sessions} sessions created")
