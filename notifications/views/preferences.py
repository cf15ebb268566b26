"""Per-user notification preferences: email, desktop and push alerts, working hours,
and the browsers subscribed to Web Push."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from notifications import services
from notifications.forms import PreferenceForm, WorkingHoursForm
from notifications.reach import selectors as reach_selectors
from notifications.reach import services as reach_services
from notifications.reach import vapid
from troubleshoot.accounts.roles import member_required


def _page(request, *, form=None, hours_form=None, status=200):
    availability = reach_selectors.availability_for_user(request.user)
    row = availability["row"]
    if form is None:
        form = PreferenceForm(initial=reach_selectors.alert_preferences_for_user(request.user))
    if hours_form is None:
        hours_form = WorkingHoursForm(
            initial={
                "work_start": row.work_start if row else None,
                "work_end": row.work_end if row else None,
                "work_days": list(row.work_days if row else "12345"),
            }
        )
    context = {
        "form": form,
        "hours_form": hours_form,
        "availability": availability,
        "subscriptions": reach_selectors.push_subscriptions_for_user(request.user),
        "vapid_public_key": vapid.public_key(),
    }
    return render(request, "notifications/preferences.html", context, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.preference_update(user=request.user, **form.cleaned_data)
            messages.success(request, "Your notification preferences were saved.")
            return redirect("notifications:preferences")
        return _page(request, form=form, status=400)
    return _page(request)


@member_required
@require_POST
def working_hours(request):
    form = WorkingHoursForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            reach_services.working_hours_update(
                user=request.user,
                start=data["work_start"],
                end=data["work_end"],
                days="".join(data["work_days"]),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Your working hours were saved.")
            return redirect("notifications:preferences")
    return _page(request, hours_form=form, status=400)
