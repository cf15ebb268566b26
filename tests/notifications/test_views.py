"""The bell, the notifications page, preferences: who sees and changes what."""

import pytest
from django.urls import reverse

from notifications.models import EmailPreference, Notification, NotificationPreference
from notifications.services import notify_user
from tests.notifications.conftest import escalate


def bell_for(user, n=1, **kw):
    made = []
    for i in range(n):
        made.append(
            notify_user(
                account_id=user.account_id,
                recipient_id=user.pk,
                kind="test",
                title=kw.get("title", f"Notification {i}"),
                body="",
                link=kw.get("link", "/sessions/7/pickup/"),
            )
        )
    return made


def test_every_page_shows_the_bell_with_unread_count(client_for, sam):
    bell_for(sam, 3)
    html = client_for(sam).get(reverse("notifications:preferences")).content.decode()
    assert 'id="bell-badge"' in html
    assert '>3<span class="sr-only"> unread' in html
    assert reverse("notifications:panel") in html
    assert "baton:notification_created from:body" in html


def test_panel_lists_latest_twenty_of_my_notifications_only(client_for, sam, alice):
    bell_for(sam, 25)
    bell_for(alice, 1, title="Alice private thing")
    response = client_for(sam).get(reverse("notifications:panel"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="bell-item unread"') == 20
    assert "Notification 24" in html and "Notification 4<" not in html
    assert "Alice private thing" not in html
    assert 'hx-swap-oob="true"' in html  # the badge updates with the panel


def test_panel_query_count_is_constant(client_for, sam, django_assert_max_num_queries):
    client = client_for(sam)
    bell_for(sam, 2)
    with django_assert_max_num_queries(4):  # session, user, count, latest 20
        client.get(reverse("notifications:panel"))
    bell_for(sam, 40)
    with django_assert_max_num_queries(4):
        client.get(reverse("notifications:panel"))


def test_titles_with_html_are_escaped_in_the_panel(client_for, alice, sam):
    escalate(alice, problem_summary="<script>alert(1)</script>")
    html = client_for(sam).get(reverse("notifications:panel")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_opening_marks_read_and_redirects_to_the_pickup_screen(client_for, sam):
    [n] = bell_for(sam)
    response = client_for(sam).post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/sessions/7/pickup/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_nobody_opens_or_reads_someone_elses_notification(client_for, sam, alice, charlie):
    [n] = bell_for(sam)
    for intruder in (alice, charlie):
        response = client_for(intruder).post(reverse("notifications:open", args=[n.pk]))
        assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_open_requires_post(client_for, sam):
    [n] = bell_for(sam)
    assert client_for(sam).get(reverse("notifications:open", args=[n.pk])).status_code == 405


def test_mark_all_read_touches_only_my_notifications(client_for, sam, alice):
    bell_for(sam, 3)
    bell_for(alice, 2)
    response = client_for(sam).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=sam, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 2


def test_mark_all_read_over_htmx_returns_the_fresh_panel(client_for, sam):
    bell_for(sam, 2)
    response = client_for(sam).post(reverse("notifications:read_all"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="bell-item unread"' not in html and "hidden" in html


def test_notifications_page_paginates(client_for, sam):
    bell_for(sam, 30)
    client = client_for(sam)
    first = client.get(reverse("notifications:list")).content.decode()
    second = client.get(reverse("notifications:list") + "?page=2").content.decode()
    assert "Notification 29" in first and "Notification 0<" not in first
    assert "Notification 0<" in second and "Page 2 of 2" in second
    assert client.get(reverse("notifications:list") + "?page=abc").status_code == 200


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("notifications:panel"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_preferences_page_saves_the_email_choice(client_for, sam):
    client = client_for(sam)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    response = client.post(reverse("notifications:preferences"), {"email": "targeted"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=sam).email == EmailPreference.TARGETED


def test_preferences_reject_an_unknown_choice_with_a_form_error(client_for, sam):
    response = client_for(sam).post(reverse("notifications:preferences"), {"email": "sms"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=sam).exists()


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x"])
def test_open_never_redirects_off_site_even_for_a_bad_row(client_for, sam, link):
    n = Notification.objects.create(
        recipient=sam, account_id=sam.account_id, kind="x", title="t", link=link
    )
    response = client_for(sam).post(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")
