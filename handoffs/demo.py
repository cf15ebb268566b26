"""Demo handoffs: the queue and pickup screens look real on first run.

Per account: an urgent escalation targeted to a senior, a normal escalation, a park,
one claimed and one resolved. Built through the real services (so the audit trail,
notifications and assessments are genuine); idempotent by problem summary.
"""

from django.db import transaction

from handoffs import services
from handoffs.models import Handoff
from troubleshoot.models import Account, Session, StepKind, User
from troubleshoot.sessions.models import Step

# (account slug, junior, problem, ticket, client, intent, priority, target, then)
DEMO_HANDOFFS = [
    (
        "northwind",
        "jane",
        "Outlook is failing to sync email for the whole finance team since this morning",
        "48213",
        "Contoso Dental",
        "escalate",
        "urgent",
        "sara",
        None,
    ),
    (
        "northwind",
        "jim",
        "VPN connects but no internal sites resolve for the remote sales staff",
        "48250",
        "Fabrikam Logistics",
        "escalate",
        "normal",
        None,
        None,
    ),
    (
        "northwind",
        "jane",
        "Label printer in the warehouse shows offline after the firmware update",
        "",
        "Fabrikam Logistics",
        "park",
        "low",
        None,
        None,
    ),
    (
        "northwind",
        "jim",
        "New hire locked out of MFA after changing phones",
        "48199",
        "Contoso Dental",
        "escalate",
        "high",
        None,
        "claim:sam",
    ),
    (
        "northwind",
        "jane",
        "Mapped S: drive missing for two users after the GPO change",
        "48102",
        "Tailspin Toys",
        "escalate",
        "normal",
        None,
        "resolve:sara",
    ),
    (
        "bluebird",
        "jill",
        "Slow PCs across the front office after the antivirus rollout",
        "7731",
        "Wingtip Realty",
        "escalate",
        "high",
        None,
        None,
    ),
    (
        "bluebird",
        "joe",
        "Shared mailbox permissions vanished after a license change",
        "",
        "Wingtip Realty",
        "park",
        "normal",
        None,
        None,
    ),
]

DEMO_NOTES = "Tried the usual fixes (see the timeline); needs someone with admin access."
TRIED = [
    "Restarted the application and the machine",
    "Checked the service status page: no reported outage",
    "Confirmed the user's credentials and license are valid",
]


def _user(local: str, slug: str) -> User:
    domain = {"northwind": "northwind.example", "bluebird": "bluebird.example"}[slug]
    return User.objects.get(email=f"{local}@{domain}")


def seed(out) -> None:
    created = 0
    for slug, junior, problem, ticket, client, intent, priority, target, then in DEMO_HANDOFFS:
        account = Account.objects.filter(slug=slug).first()
        if (
            account is None
            or Session.objects.filter(account=account, problem_summary=problem).exists()
        ):
            continue
        requester = _user(junior, slug)
        with transaction.atomic():
            session = Session.objects.create(
                account=account,
                user=requester,
                team=requester.team,
                kind="chat",
                problem_summary=problem,
                client_name=client,
                psa_ticket=ticket,
            )
            for text in TRIED:
                Step.objects.create(
                    session=session, author=requester, kind=StepKind.NOTE, note=text
                )
        target_id = _user(target, slug).pk if target else None
        handoff = services.handoff_create(
            actor=requester,
            session_id=session.pk,
            intent=intent,
            priority=priority,
            engineer_notes=DEMO_NOTES,
            target_user_id=target_id,
        )
        if then:
            action, who = then.split(":")
            senior = _user(who, slug)
            services.handoff_claim(actor=senior, handoff_id=handoff.pk)
            if action == "resolve":
                services.handoff_resolve(
                    actor=senior, handoff_id=handoff.pk, note="Re-linked the GPO and ran gpupdate."
                )
        created += 1
    out.write(f"  handoffs: {created} created, {Handoff.objects.count()} in total")
    # Weeks of past sessions and escalations for the analytics page (its own module).
    from handoffs.analytics.demo import seed_history

    seed_history(out)
    from handoffs.demo_learning import seed_learning

    seed_learning(out)
