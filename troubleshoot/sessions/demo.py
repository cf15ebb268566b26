"""Demo sessions: a few walked, chatted and resolved sessions per account, on the demo
trees. Each is looked up by its summary first, so seeding twice changes nothing.
"""

from troubleshoot.accounts.models import User
from troubleshoot.sessions.models import Session, Step, StepKind
from troubleshoot.trees.models import Tree


def _walk(session, user, labels: list[str]) -> None:
    from troubleshoot.sessions.services import session_answer

    for label in labels:
        node = Session.objects.get(pk=session.pk).current_node
        option = node.options.get(label=label)
        session_answer(
            actor=user, session_id=session.pk, node_id=node.pk, option_id=option.pk, note=""
        )


def seed_sessions(domain: str) -> int:
    from troubleshoot.sessions import services as s
    from troubleshoot.sessions.ai.offline import offline_chat_reply
    from troubleshoot.sessions.selectors import chat_history, steps_for_session

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
