"""Logging filters named in settings.LOGGING."""

import logging


class ForbiddenOnOneLine(logging.Filter):
    """A 403 is an answer (a member without the role), not a fault: Django logs it with
    the PermissionDenied's whole traceback; keep one line, with the reason."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            reason = " ".join(str(record.exc_info[1]).split())
            record.msg = record.getMessage() + (f" ({reason})" if reason else "")
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
