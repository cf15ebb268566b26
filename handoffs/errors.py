"""Domain errors the handoff services raise; views map them to status codes."""


class HandoffError(Exception):
    """Base: a sentence a person understands, and the HTTP status that fits."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class HandoffValidationError(HandoffError):
    """Bad input (400): a form field or a rule about the request itself."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class HandoffForbidden(HandoffError):
    """The user's role or relation to the handoff does not allow this (403)."""

    status_code = 403


class HandoffConflict(HandoffError):
    """The handoff is not in a state that allows this any more (409)."""

    status_code = 409


class AlreadyClaimed(HandoffConflict):
    def __init__(self, *, claimed_by_name: str, claimed_at):
        from django.utils import timezone

        when = timezone.localtime(claimed_at).strftime("%H:%M:%S") if claimed_at else "just now"
        super().__init__(f"Already claimed by {claimed_by_name} at {when}.")
        self.claimed_by_name = claimed_by_name
        self.claimed_at = claimed_at
