"""The migration that adds Handoff.tree_node fills it for older handoffs from their
session's timeline."""

from datetime import timedelta
from importlib import import_module

from django.apps import apps

from tests.handoffs.analytics.conftest import T0, record_escalation, started
from troubleshoot.models import Step, StepKind

migration = import_module("handoffs.migrations.0004_handoff_tree_node_and_analytics_index")


def test_backfill_reads_where_the_walk_stood_when_handed_off(acme, alice, outlook):
    question = outlook.nodes.get(kind="question")
    yes = question.options.get(label="Yes")
    walked = started(alice, tree_version=outlook)
    Step.objects.create(session=walked, author=alice, kind=StepKind.ANSWER, node=question,
                        choice_label="Yes", next_node=yes.target,
                        created_at=T0 - timedelta(minutes=5))  # fmt: skip
    Step.objects.create(session=walked, author=alice, kind=StepKind.ANSWER, node=yes.target,
                        choice_label="Done", created_at=T0 + timedelta(hours=1),
                        next_node=outlook.nodes.get(title="Service restarted: fixed"))  # fmt: skip
    walked_handoff = record_escalation(walked, at=T0)
    unwalked_handoff = record_escalation(started(alice, tree_version=outlook), at=T0)
    chat_handoff = record_escalation(started(alice), at=T0)

    migration.backfill_tree_node(apps, None)

    for handoff in (walked_handoff, unwalked_handoff, chat_handoff):
        handoff.refresh_from_db()
    assert walked_handoff.tree_node_id == yes.target_id  # not the step taken after it
    assert unwalked_handoff.tree_node_id == outlook.start_node_id
    assert chat_handoff.tree_node_id is None
