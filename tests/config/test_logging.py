"""What Baton's log says about ordinary refusals."""

import logging

from django.urls import reverse


def test_a_403_is_logged_on_one_line_with_its_reason(client_for, viewer, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client_for(viewer).get(reverse("troubleshoot:tree_import"))
    assert response.status_code == 403
    [record] = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    line = logging.Formatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert line == (
        "WARNING django.request: Forbidden (Permission denied): /trees/import/"
        " (Your role does not allow this.)"
    )
