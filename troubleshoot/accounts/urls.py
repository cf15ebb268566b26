from django.contrib.auth import views as auth_views
from django.urls import path

from troubleshoot.accounts import token_views, views
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
    path("account/members/add/", views.member_add, name="member_add"),
    path("account/members/<int:member_id>/role/", views.member_role, name="member_role"),
    path("account/members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("account/teams/add/", views.team_add, name="team_add"),
    path("profile/", token_views.profile, name="profile"),
    path("profile/tokens/", token_views.token_create, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
]
