from allauth.account import views as allauth_views
from django.urls import path
from django.views.generic import TemplateView

from troubleshoot.accounts import invitation_views, token_views, views

# Sign-in pages sit at the top level (no namespace), as before allauth: /login/,
# /logout/, /signup/, /password/ are allauth's views under Baton's names; the rest of
# allauth (reset, email, MFA, Microsoft) lives under /accounts/ (config/urls.py).
urlpatterns = [
    path("login/", allauth_views.LoginView.as_view(), name="login"),
    path("logout/", allauth_views.LogoutView.as_view(), name="logout"),
    path("signup/", allauth_views.SignupView.as_view(), name="signup"),
    path(
        "password/",
        allauth_views.PasswordChangeView.as_view(success_url="/password/done/"),
        name="password_change",
    ),
    path(
        "password/done/",
        TemplateView.as_view(template_name="registration/password_change_done.html"),
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
    path("account/sign-in/", views.account_signin_settings, name="account_signin_settings"),
    path("account/tokens/", token_views.api_tokens, name="api_tokens"),
    path("account/tokens/new/", token_views.token_create, name="token_create"),
    path("account/tokens/<int:token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
]
