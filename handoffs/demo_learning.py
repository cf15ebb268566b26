"""Demo history for the learning loop (issue 18), called at the end of handoffs/demo.py:
resolved tree sessions over the last weeks that "seen before" finds (the urgent Outlook
escalation's pickup screen shows three), escalations that make the trees' hot steps,
and a proposal or two waiting in the tree editor.

Built through the real services (walk, escalate, claim, resolve with "Propose a tree
update"), then only their dates are moved back. Idempotent by problem summary.
"""

from datetime import timedelta

from django.utils import timezone

from handoffs import services
from troubleshoot.models import Account, Node, Session, Tree, TreeProposal, User
from troubleshoot.sessions import services as session_services

# (tree title, junior, senior, problem, answers to pick from the start, resolution,
#  propose a tree update?, days ago)
HISTORY = [
    (
        "Outlook not syncing",
        "jim",
        "sara",
        "Outlook stopped syncing the finance mailbox, webmail shows new mail",
        ["Yes, webmail is fine"],
        "The OST had grown past 50 GB and was corrupt: closed Outlook, renamed the OST, "
        "let it rebuild overnight and turned on the online archive for mail over a year old.",
        True,
        3,
    ),
    (
        "Outlook not syncing",
        "jane",
        "sam",
        "Outlook not syncing new email for the accounts team after the weekend",
        ["Yes, webmail is fine"],
        "Cached Exchange mode was stuck on an old profile: created a new Outlook profile "
        "and removed the old one from Control Panel > Mail.",
        False,
        9,
    ),
    (
        "Outlook not syncing",
        "jim",
        "sara",
        "Shared calendar and inbox not syncing in Outlook for the front desk",
        ["No, webmail is missing it too", "No incident"],
        "A transport rule sent the mail to quarantine: released it in Defender and fixed "
        "the rule's sender condition.",
        False,
        16,
    ),
    (
        "VPN won't connect",
        "jane",
        "sam",
        "VPN says certificate error for the sales laptops since Monday",
        ["Yes", "Certificate error"],
        "The VPN gateway's intermediate certificate had expired: installed the renewed "
        "chain on the gateway and pushed the root by GPO.",
        True,
        6,
    ),
    (
        "Printer offline",
        "jim",
        "sara",
        "Reception printer shows offline though it is on",
        ["Yes, ready", "No"],
        "The DHCP lease moved the printer: gave it a reservation and re-pointed the port.",
        False,
        12,
    ),
]


def _user(local: str, account: Account) -> User:
    domain = {"northwind": "northwind.example", "bluebird": "bluebird.example"}[account.slug]
    return User.objects.get(email=f"{local}@{domain}")


def _walk(junior: User, session: Session, answers: list[str]) -> None:
    for label in answers:
        session.refresh_from_db()
        node = Node.objects.prefetch_related("options").get(pk=session.current_node_id)
        option = next((o for o in node.options.all() if o.label == label), None)
        if option is None:
            return
        session_services.session_answer(
            actor=junior, session_id=session.pk, node_id=node.pk, option_id=option.pk
        )


def seed_learning(out) -> None:
    account = Account.objects.filter(slug="northwind").first()
    if account is None:
        return
    created = 0
    for title, junior_name, senior_name, problem, answers, fix, propose, days in HISTORY:
        tree = Tree.objects.filter(account=account, title=title).first()
        if (
            tree is None
            or Session.objects.filter(account=account, problem_summary=problem).exists()
        ):
            continue
        junior, senior = _user(junior_name, account), _user(senior_name, account)
        session = session_services.session_start(
            actor=junior, problem_summary=problem, tree_id=tree.pk, client_name="Contoso Dental"
        )
        _walk(junior, session, answers)
        handoff = services.handoff_create(
            actor=junior,
            session_id=session.pk,
            intent="escalate",
            priority="normal",
            engineer_notes="Walked the tree; stuck at this step.",
        )
        services.handoff_claim(actor=senior, handoff_id=handoff.pk)
        services.handoff_resolve(
            actor=senior, handoff_id=handoff.pk, note=fix, propose_tree_update=propose
        )
        # History, not today: move its dates back (display only).
        when = timezone.now() - timedelta(days=days)
        Session.objects.filter(pk=session.pk).update(
            created_at=when - timedelta(hours=2), resolved_at=when, last_activity_at=when
        )
        TreeProposal.objects.filter(session_id=session.pk).update(created_at=when)
        created += 1
    waiting = TreeProposal.objects.filter(tree__account=account, status="pending").count()
    out.write(f"  learning loop: {created} resolved sessions created, {waiting} proposals waiting")
