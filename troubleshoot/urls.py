from django.contrib.auth import views as auth_views
from django.urls import include, path

from troubleshoot.forms import LoginForm
from troubleshoot.views import accounts, health, home

# Account and people pages sit at the top level (no namespace): login, members, ...
urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", accounts.signup, name="signup"),
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
    path("account/members/", accounts.members, name="members"),
    path("account/members/add/", accounts.member_add, name="member_add"),
    path("account/members/<int:member_id>/role/", accounts.member_role, name="member_role"),
    path("account/members/<int:member_id>/remove/", accounts.member_remove, name="member_remove"),
    path("account/teams/add/", accounts.team_add, name="team_add"),
]

# Troubleshooting pages, namespaced "troubleshoot:" (urls_sessions also carries the
# tree routes: one include, because a namespace must be registered once).
urlpatterns += [
    path("", include("troubleshoot.urls_sessions", namespace="troubleshoot")),
]
