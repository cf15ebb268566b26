"""Factories for trees and sessions, shared by every app's tests.

make_tree returns the published TreeVersion (its `.tree` is the Tree), built with
the real services so it is a tree that passes the publishing rules:

    start: question "Does the device power on?"
        Yes -> action "Restart the service"  (Done -> solution, Didn't work -> solution)
        No  -> solution "Replace the power supply"
"""

import itertools

from django.utils import timezone

from troubleshoot.sessions.models import Session, SessionKind, Step, StepKind
from troubleshoot.trees import services as tree_services
from troubleshoot.trees.models import NodeKind, TreeVersion

_seq = itertools.count(1)


def make_tree(
    account,
    author,
    title: str | None = None,
    category: str = "Hardware",
    published: bool = True,
    description: str = "",
    tags: str = "",
) -> TreeVersion:
    """A small valid tree; returns its published version (or its draft if not published).

    `author` must be a member of `account` (the services scope by the author's account).
    """
    assert author.account_id == account.pk, "the author must belong to the account"
    title = title or f"Tree {next(_seq)}"
    tree = tree_services.tree_create(
        actor=author, title=title, category=category, description=description, tags=tags
    )
    question = tree_services.node_create(
        actor=author, tree_id=tree.pk, kind=NodeKind.QUESTION, title="Does the device power on?"
    )
    action = tree_services.node_create(
        actor=author,
        tree_id=tree.pk,
        kind=NodeKind.ACTION,
        title="Restart the service",
        body="Open **services.msc** and restart the service.",
    )
    fixed = tree_services.node_create(
        actor=author, tree_id=tree.pk, kind=NodeKind.SOLUTION, title="Service restarted: fixed"
    )
    psu = tree_services.node_create(
        actor=author, tree_id=tree.pk, kind=NodeKind.SOLUTION, title="Replace the power supply"
    )
    tree_services.option_create(actor=author, node_id=question.pk, label="Yes", target_id=action.pk)
    tree_services.option_create(actor=author, node_id=question.pk, label="No", target_id=psu.pk)
    done, failed = list(action.options.order_by("position"))
    tree_services.option_update(
        actor=author, option_id=done.pk, label=done.label, target_id=fixed.pk
    )
    tree_services.option_update(
        actor=author, option_id=failed.pk, label=failed.label, target_id=psu.pk
    )
    if published:
        return tree_services.tree_publish(actor=author, tree_id=tree.pk)
    return tree.versions.get(number=0)


def make_session(
    user,
    *,
    tree_version: TreeVersion | None = None,
    problem_summary: str | None = None,
    psa_ticket: str = "",
    client_name: str = "",
    status: str = "active",
    kind: str | None = None,
    assignee=None,
) -> Session:
    """A session owned by `user` (kind defaults to "tree" with a version, else "chat")."""
    kind = kind or (SessionKind.TREE if tree_version else SessionKind.CHAT)
    return Session.objects.create(
        account_id=user.account_id,
        user=user,
        team_id=user.team_id,
        kind=kind,
        tree_version=tree_version,
        current_node=tree_version.start_node if tree_version else None,
        problem_summary=problem_summary or f"Problem number {next(_seq)}",
        client_name=client_name,
        psa_ticket=psa_ticket,
        status=status,
        assignee=assignee,
    )


def add_step(
    session: Session,
    author,
    *,
    kind: str = StepKind.NOTE,
    node=None,
    choice_label: str = "",
    note: str = "",
    text: str = "",
    abandoned: bool = False,
) -> Step:
    """A step written directly (no service rules): for building timelines in tests."""
    step = Step.objects.create(
        session=session,
        author=author,
        kind=kind,
        node=node,
        choice_label=choice_label,
        note=note or ("A note" if kind == StepKind.NOTE and not text else ""),
        text=text,
        abandoned=abandoned,
    )
    Session.objects.filter(pk=session.pk).update(last_activity_at=timezone.now())
    return step
