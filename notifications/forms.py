"""Forms: parse and shape input; the services decide what is allowed."""

from django import forms

from notifications.models import (
    REAL_PSA_KINDS,
    AlertPreference,
    AvailabilityStatus,
    Channel,
    DeliveryStatus,
    EmailPreference,
    IntegrationKind,
    WebhookEvent,
)
from troubleshoot.input.params import IdField, PageField
from troubleshoot.input.text import UserTextField


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label="Email me about",
        choices=EmailPreference.choices,
        widget=forms.RadioSelect,
        help_text="Slack and Teams messages are set up for the whole account by an admin.",
    )
    desktop = forms.ChoiceField(
        label="Desktop alerts about",
        choices=AlertPreference.choices,
        widget=forms.RadioSelect,
        help_text="Shown by your browser while a Baton tab is open in the background; "
        "turn them on with “Desktop alerts” in the top bar.",
    )
    push = forms.ChoiceField(
        label="Push notifications about",
        choices=AlertPreference.choices,
        widget=forms.RadioSelect,
        help_text="Reach this browser or phone even with no Baton tab open, once you "
        "turn push on for it below.",
    )
    alerts_only_when_available = forms.BooleanField(
        label="Desktop and push alerts only while I am available",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form that posts only the email choice (an older page) leaves the rest as is.
        self.fields["desktop"].required = self.fields["push"].required = False

    def clean(self):
        data = super().clean()
        for field in ("desktop", "push"):
            data[field] = data.get(field) or None
        return data


class AvailabilityForm(forms.Form):
    status = forms.ChoiceField(label="Availability", choices=AvailabilityStatus.choices)


WEEKDAYS = [
    ("1", "Mon"),
    ("2", "Tue"),
    ("3", "Wed"),
    ("4", "Thu"),
    ("5", "Fri"),
    ("6", "Sat"),
    ("7", "Sun"),
]


class WorkingHoursForm(forms.Form):
    work_start = forms.TimeField(
        label="Working hours from", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    work_end = forms.TimeField(
        label="to", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    work_days = forms.MultipleChoiceField(
        label="On",
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="In your own time zone. Outside these hours you show as away. "
        "Leave both times empty to have none.",
    )


class PushUnsubscribeForm(forms.Form):
    """reach.js posts the endpoint; the preferences page's Remove button the id."""

    endpoint = UserTextField(max_length=800, required=False)
    id = IdField(required=False)


class PushSubscriptionForm(forms.Form):
    """What PushSubscription.toJSON() gives, posted by reach.js."""

    endpoint = UserTextField(max_length=800)
    p256dh = UserTextField(max_length=200)
    auth = UserTextField(max_length=100)


class SecretInput(forms.PasswordInput):
    """Never renders the stored value back; blank on submit keeps the stored secret."""

    def __init__(self, **kwargs):
        super().__init__(render_value=False, **kwargs)


class WebhookForm(forms.Form):
    webhook_url = UserTextField(
        label="Webhook URL",
        required=False,
        max_length=500,
        widget=SecretInput(attrs={"autocomplete": "off", "placeholder": "https://…"}),
    )

    def __init__(self, *args, kind: str, has_secret: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        hint = (
            "Slack: an incoming-webhook URL (https://hooks.slack.com/services/…)."
            if kind == IntegrationKind.SLACK
            else "Teams: the HTTP URL of a Workflows “post to a channel” trigger."
        )
        if has_secret:
            hint += " A URL is saved; leave blank to keep it."
        self.fields["webhook_url"].help_text = hint

    def config_and_secrets(self) -> tuple[dict, dict]:
        return {}, {"webhook_url": self.cleaned_data["webhook_url"]}


PSA_CHOICES = [(k.value, k.label) for k in REAL_PSA_KINDS]


class PSAForm(forms.Form):
    """One form for the three PSAs; the fields a PSA does not use stay blank."""

    kind = forms.ChoiceField(label="PSA", choices=PSA_CHOICES)
    base_url = UserTextField(
        label="API URL",
        max_length=300,
        required=False,
        help_text="ConnectWise: https://api-na.myconnectwise.net · Autotask: your zone, "
        "https://webservices5.autotask.net/ATServicesRest · HaloPSA: https://you.halopsa.com",
    )
    company_id = UserTextField(label="Company id (ConnectWise)", max_length=100, required=False)
    public_key = UserTextField(label="Public key (ConnectWise)", max_length=200, required=False)
    client_id = UserTextField(
        label="Client id (ConnectWise clientId / HaloPSA)", max_length=200, required=False
    )
    username = UserTextField(label="API user name (Autotask)", max_length=200, required=False)
    integration_code = UserTextField(
        label="Integration code (Autotask)", max_length=200, required=False
    )
    tenant = UserTextField(label="Tenant (HaloPSA, hosted only)", max_length=100, required=False)
    secret = forms.CharField(
        label="Private key / secret / client secret",
        max_length=300,
        required=False,
        widget=SecretInput(attrs={"autocomplete": "off"}),
    )

    URL_KEY = {
        IntegrationKind.CONNECTWISE: "site",
        IntegrationKind.AUTOTASK: "zone_url",
        IntegrationKind.HALOPSA: "url",
    }
    SECRET_KEY = {
        IntegrationKind.CONNECTWISE: "private_key",
        IntegrationKind.AUTOTASK: "secret",
        IntegrationKind.HALOPSA: "client_secret",
    }
    # service error keys -> form fields, so "private_key is required" lands on the field
    FIELD_FOR_KEY = dict.fromkeys(("site", "zone_url", "url"), "base_url") | dict.fromkeys(
        SECRET_KEY.values(), "secret"
    )

    def config_and_secrets(self) -> tuple[dict, dict]:
        data = self.cleaned_data
        kind = data["kind"]
        config = {
            self.URL_KEY[kind]: data["base_url"],
            "company_id": data["company_id"],
            "public_key": data["public_key"],
            "client_id": data["client_id"],
            "username": data["username"],
            "integration_code": data["integration_code"],
            "tenant": data["tenant"],
        }
        return config, {self.SECRET_KEY[kind]: data["secret"]}


class TimeoutForm(forms.Form):
    unclaimed_timeout_minutes = forms.IntegerField(
        label="Re-notify admins when an escalation is unclaimed for (minutes)",
        min_value=1,
        max_value=24 * 60,
        help_text="A second reminder goes out at twice this time, then Baton stops.",
    )


class OutgoingWebhookForm(forms.Form):
    """An admin's webhook URL and the events it hears (the services check the URL)."""

    url = UserTextField(
        label="URL",
        max_length=500,
        help_text="https:// (http only outside production). Baton POSTs signed JSON to it.",
        widget=forms.URLInput(attrs={"placeholder": "https://…", "autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple, label="Events"
    )
    description = UserTextField(
        max_length=120, required=False, help_text="What receives it, e.g. “PSA sync”."
    )


class DeliveryFilterForm(forms.Form):
    """The ledger's GET parameters; a value that is not one of the choices is ignored."""

    status = forms.ChoiceField(
        choices=[("", "Any status"), *DeliveryStatus.choices], required=False
    )
    channel = forms.ChoiceField(choices=[("", "Any channel"), *Channel.choices], required=False)
    page = PageField()

    def filters(self) -> dict:
        self.is_valid()
        return {name: self.cleaned_data.get(name, "") for name in ("status", "channel")}


class PSAWritebackForm(forms.Form):
    """What resolving a session writes to its PSA ticket besides the write-up note."""

    time_entries = forms.BooleanField(
        label="Log a time entry per engineer who worked the session",
        required=False,
        help_text="Time from the session's timeline (pauses over 30 minutes not counted).",
    )
    time_as = UserTextField(
        label="Log the time as",
        max_length=60,
        required=False,
        help_text="Blank: the API user. ConnectWise: a member identifier · Autotask: a "
        "resource id (Autotask needs one) · HaloPSA: an agent id.",
    )
    resolved_status = UserTextField(
        label="Move the ticket to this status",
        max_length=60,
        required=False,
        help_text="Blank: leave the status alone. ConnectWise: the status name (e.g. "
        "Resolved) · Autotask: the status number (5 = Complete) · HaloPSA: the status "
        "id (9 = Closed).",
    )
