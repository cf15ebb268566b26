"""Per-user email preference."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from notifications import selectors, services
from notifications.forms import PreferenceForm
from troubleshoot.accounts.roles import member_required


@member_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.preference_update(user=request.user, email=form.cleaned_data["email"])
            messages.success(request, "Your notification preferences were saved.")
            return redirect("notifications:preferences")
        return render(request, "notifications/preferences.html", {"form": form}, status=400)
    form = PreferenceForm(initial={"email": selectors.email_preference_for_user(request.user)})
    return render(request, "notifications/preferences.html", {"form": form})
