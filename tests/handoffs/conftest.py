import pytest

from handoffs import services
from tests.factories_sessions import add_step, make_session, make_tree
from troubleshoot.models import StepKind


@pytest.fixture
def tree_version(acme, sam):
    return make_tree(acme, sam, title="Outlook not syncing", category="Email")


@pytest.fixture
def session(alice, tree_version):
    s = make_session(
        alice,
        tree_version=tree_version,
        problem_summary="Outlook is failing to sync email for the whole finance team",
        psa_ticket="12345",
        client_name="Contoso Dental",
    )
    add_step(s, alice, kind=StepKind.NOTE, note="Restarted Outlook in safe mode: no change")
    return s


@pytest.fixture
def escalate(django_capture_on_commit_callbacks):
    """escalate(actor, session, **kw) -> Handoff, with after-commit effects run."""

    def make(actor, session, **kwargs):
        kwargs.setdefault("intent", "escalate")
        kwargs.setdefault("priority", "high")
        kwargs.setdefault("engineer_notes", "Mailbox is 49 GB; suspect the OST")
        with django_capture_on_commit_callbacks(execute=True):
            return services.handoff_create(actor=actor, session_id=session.pk, **kwargs)

    return make
