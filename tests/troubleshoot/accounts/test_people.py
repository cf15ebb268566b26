"""Accounts, people and roles: members page, roles, access across accounts.

Sign-in (sign-up, login, throttling, reset, MFA, Microsoft) is in test_signin*.py.
"""

import pytest
from django.http import Http404
from django.urls import reverse

from tests.factories import PASSWORD, make_team, make_user
from troubleshoot.accounts.access import get_member_for_user, get_team_for_user
from troubleshoot.accounts.roles import (
    is_admin_or_above,
    is_engineer_or_above,
    is_member,
    is_owner,
)
from troubleshoot.models import Role, User

pytestmark = pytest.mark.django_db


def test_role_helpers_rank_roles(owner, admin, alice, viewer):
    assert [is_member(u) for u in (owner, admin, alice, viewer)] == [True] * 4
    assert [is_engineer_or_above(u) for u in (owner, admin, alice, viewer)] == [
        True,
        True,
        True,
        False,
    ]
    assert [is_admin_or_above(u) for u in (owner, admin, alice, viewer)] == [
        True,
        True,
        False,
        False,
    ]
    assert [is_owner(u) for u in (owner, admin, alice, viewer)] == [True, False, False, False]


def test_anonymous_and_accountless_users_have_no_role(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    operator = User.objects.create_superuser("ops@example.test", PASSWORD)
    for user in (AnonymousUser(), operator):
        assert not is_member(user)
        assert not is_engineer_or_above(user)


def test_charlie_cannot_reach_alices_teammates_or_teams(alice, sam, acme_team, charlie):
    assert get_member_for_user(alice, sam.pk) == sam
    with pytest.raises(Http404):
        get_member_for_user(charlie, sam.pk)
    with pytest.raises(Http404):
        get_team_for_user(charlie, acme_team.pk)


def test_members_page_lists_only_own_account(client_for, alice, sam, charlie):
    body = client_for(alice).get(reverse("members")).content.decode()
    assert sam.display_name in body
    assert charlie.display_name not in body


def test_admin_adds_teammate(client_for, admin, acme_team):
    response = client_for(admin).post(
        reverse("member_add"),
        {
            "display_name": "Nina New",
            "email": "nina@acme.test",
            "role": Role.ENGINEER,
            "team": acme_team.pk,
            "password": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    nina = User.objects.get(email="nina@acme.test")
    assert (nina.account_id, nina.team_id, nina.role) == (
        admin.account_id,
        acme_team.pk,
        "engineer",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "TAKEN@acme.test"}, "already exists"),
        ({"role": "superhero"}, "not one of the available choices"),
        ({"password": "123"}, "too short"),
        ({"team": "OTHER"}, "not one of the available choices"),
    ],
)
def test_add_teammate_bad_input_gets_form_error(client_for, admin, acme, globex, change, message):
    make_user(acme, email="taken@acme.test")
    other_team = make_team(globex, "Elsewhere")
    data = {
        "display_name": "Nina New",
        "email": "nina@acme.test",
        "role": Role.ENGINEER,
        "password": "a-long-pass-phrase",
    }
    data.update(change)
    if data.get("team") == "OTHER":
        data["team"] = other_team.pk
    response = client_for(admin).post(reverse("member_add"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(email="nina@acme.test").exists()


def test_viewer_and_engineer_cannot_invite(client_for, viewer, alice):
    data = {
        "display_name": "X",
        "email": "x@acme.test",
        "role": "engineer",
        "password": "a-long-pass-phrase",
    }
    for user in (viewer, alice):
        assert client_for(user).post(reverse("member_add"), data).status_code == 403
    assert not User.objects.filter(email="x@acme.test").exists()


def test_only_owner_changes_roles(client_for, owner, admin, alice):
    assert (
        client_for(alice)
        .post(reverse("member_role", args=[alice.pk]), {"role": "admin"})
        .status_code
        == 403
    )
    assert (
        client_for(admin)
        .post(reverse("member_role", args=[alice.pk]), {"role": "admin"})
        .status_code
        == 403
    )
    alice.refresh_from_db()
    assert alice.role == Role.ENGINEER
    assert (
        client_for(owner)
        .post(reverse("member_role", args=[alice.pk]), {"role": "admin"})
        .status_code
        == 302
    )
    alice.refresh_from_db()
    assert alice.role == Role.ADMIN


def test_owner_cannot_change_role_in_another_account(client_for, owner, charlie):
    response = client_for(owner).post(reverse("member_role", args=[charlie.pk]), {"role": "viewer"})
    assert response.status_code == 404
    charlie.refresh_from_db()
    assert charlie.role == Role.ENGINEER


def test_last_owner_cannot_demote_themself(client_for, owner):
    response = client_for(owner).post(reverse("member_role", args=[owner.pk]), {"role": "engineer"})
    assert response.status_code == 400
    assert "at least one owner" in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_django_admin_pages_load_for_operator(client):
    operator = User.objects.create_superuser("ops@example.test", PASSWORD)
    client.force_login(operator, backend="troubleshoot.accounts.auth_backends.EmailBackend")
    for name in (
        "admin:index",
        "admin:troubleshoot_user_changelist",
        "admin:troubleshoot_account_changelist",
    ):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("admin:troubleshoot_user_add")).status_code == 200
    assert (
        client.get(reverse("admin:troubleshoot_user_changelist") + "?role=viewer&q=ops").status_code
        == 200
    )


def test_tenant_users_cannot_use_django_admin(client_for, owner):
    response = client_for(owner).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
