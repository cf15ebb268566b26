from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# Django admin signs in through Baton's login (rate limits, MFA), not its own form.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    # allauth: password reset, email addresses and verification, re-authentication,
    # two-factor set-up, Sign in with Microsoft. /login/ etc. are in troubleshoot.
    path("accounts/", include("allauth.urls")),
    path("", include("config.api_urls")),
    # handoffs first: its /sessions/<id>/handoff/ and /pickup/ sit beside troubleshoot's
    # /sessions/ pages.
    path("", include("handoffs.urls")),
    path("", include("troubleshoot.urls")),
    path("", include("notifications.urls")),
]
