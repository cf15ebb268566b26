"""Django admin for platform operators. Each domain registers its own models in its
admin module; importing them here is how Django's admin autodiscovery finds them."""

from troubleshoot.accounts import admin as accounts_admin  # noqa: F401
from troubleshoot.sessions import admin as sessions_admin  # noqa: F401
from troubleshoot.trees import admin as trees_admin  # noqa: F401
