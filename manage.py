#!/usr/bin/env python
"""Django's command-line utility for Baton."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A missing production variable is a set-up mistake, not a crash: name it.
        sys.exit(f"Baton cannot start: {exc}")


if __name__ == "__main__":
    main()
