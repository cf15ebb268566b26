"""The webhooks page: admins only, the secret shown once, actions on their own
account's webhooks only."""

import pytest
from django.urls import reverse

from notifications.models import Delivery, Webhook
from notifications.services import webhook_create
from tests.factories import make_user
from troubleshoot.models import Role

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(client_for, admin):
    client = client_for(admin)
    added = client.post(
        reverse("notifications:webhook_add"),
        {"url": "https://psa.example.test/baton", "events": ["handoff.created", "handoff.claimed"]},
    )
    assert added.status_code == 200
    webhook = Webhook.objects.get()
    assert webhook.events == ["handoff.created", "handoff.claimed"]
    assert webhook.secret.encode() in added.content
    assert added["Cache-Control"] == "no-store"
    page = client.get(reverse("notifications:webhooks"))
    assert b"psa.example.test" in page.content
    assert webhook.secret.encode() not in page.content


def test_bad_input_is_a_400_with_the_sentence(client_for, admin):
    response = client_for(admin).post(
        reverse("notifications:webhook_add"),
        {"url": "https://u:p@example.test/x", "events": ["handoff.created"]},
    )
    assert response.status_code == 400
    assert "credentials" in response.context["form"].errors["url"][0]
    assert not Webhook.objects.exists()


def test_actions_ping_turn_off_rotate_delete(client_for, admin):
    webhook = webhook_create(actor=admin, url="https://x.example.test/", events=["handoff.claimed"])
    client = client_for(admin)

    def act(action):
        return client.post(reverse("notifications:webhook_action", args=[webhook.pk, action]))

    assert act("ping").status_code == 302
    assert Delivery.objects.filter(webhook=webhook, subject="ping").count() == 1
    act("disable")
    assert Webhook.objects.get().enabled is False
    old = webhook.secret
    rotated = act("rotate")
    assert Webhook.objects.get().secret != old
    assert Webhook.objects.get().secret.encode() in rotated.content
    assert act("explode").status_code == 404
    act("delete")
    assert not Webhook.objects.exists()


def test_engineers_get_403_and_another_account_404(client_for, admin, alice, globex):
    webhook = webhook_create(actor=admin, url="https://x.example.test/", events=["handoff.claimed"])
    assert client_for(alice).get(reverse("notifications:webhooks")).status_code == 403
    other_admin = make_user(globex, Role.ADMIN)
    url = reverse("notifications:webhook_action", args=[webhook.pk, "delete"])
    assert client_for(other_admin).post(url).status_code == 404
    assert Webhook.objects.filter(pk=webhook.pk).exists()
