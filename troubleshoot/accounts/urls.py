from django.contrib.auth import views as auth_views
from django.urls import path

from troubleshoot.accounts import invitation_views, views
from troubleshoot.accounts.forms import LoginForm

# Sign-in and people pages sit at the top level (no namespace): login, members, ...
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url="/password/done/"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/members/", views.members, name="members"),
    path("account/members/<int:member_id>/role/", views.member_role, name="member_role"),
    path("account/members/<int:member_id>/team/", views.member_team, name="member_team"),
    path("account/members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("account/members/<int:member_id>/restore/", views.member_restore, name="member_restore"),
    path("account/teams/add/", views.team_add, name="team_add"),
    path("account/time-zone/", views.account_time_zone, name="account_time_zone"),
    path("account/profile/", views.profile, name="profile"),
    # Invitations: their own views, apart from the sign-in pages.
    path("account/invitations/", invitation_views.invitation_create, name="invitation_create"),
    path(
        "account/invitations/<int:invitation_id>/resend/",
        invitation_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "account/invitations/<int:invitation_id>/revoke/",
        invitation_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", invitation_views.invitation_accept, name="invitation_accept"),
]
