"""Escalating with seniors subscribed to Web Push: the push rows join the outbox
INSERT, so the request's query count does not move."""

from notifications.models import Channel, Delivery, NotificationPreference, PushSubscription
from tests.factories import make_user
from tests.factories_sessions import make_session
from tests.handoffs.test_create import _escalate_queries
from troubleshoot.models import Role


def _subscribe(user, n):
    PushSubscription.objects.create(
        user=user,
        account_id=user.account_id,
        endpoint=f"https://push.example/{user.pk}-{n}",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
    )


def test_push_subscriptions_add_no_query_to_the_escalation(
    client_for, alice, sam, acme, acme_team, tree_version, django_assert_max_num_queries
):
    without = _escalate_queries(
        client_for(alice),
        make_session(alice, tree_version=tree_version),
        django_assert_max_num_queries,
    )
    for n in range(10):
        senior = make_user(acme, Role.ENGINEER, name=f"Senior {n}", team=acme_team)
        _subscribe(senior, 1)
        _subscribe(senior, 2)
        NotificationPreference.objects.create(user=senior, push="all")
    _subscribe(sam, 1)
    session = make_session(alice, tree_version=tree_version)
    with_push = _escalate_queries(client_for(alice), session, django_assert_max_num_queries)

    assert with_push == without
    assert Delivery.objects.filter(channel=Channel.PUSH).count() == 21


def test_the_for_you_choice_lists_available_teammates_first(client_for, alice, sam, admin, acme):
    from django.urls import reverse
    from django.utils import timezone

    from notifications.models import Availability

    Availability.objects.create(user=sam, status="available", last_seen_at=timezone.now())
    Availability.objects.create(user=admin, status="busy", last_seen_at=timezone.now())
    session = make_session(alice)
    page = client_for(alice).get(reverse("handoffs:handoff_form", args=[session.pk])).text
    options = page[page.index('name="target_user"') :]
    assert f"{sam.display_name} · available" in options
    assert f"{admin.display_name} · busy" in options
    assert options.index(sam.display_name) < options.index(admin.display_name)
