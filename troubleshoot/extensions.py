"""Extension points other apps fill in, so troubleshoot never imports them.

SESSION_PANELS: template names rendered in the session page's sidebar, in order,
with `session`, `request`, `user` and `can_work` in the context. An app appends its
panel in AppConfig.ready(), e.g. handoffs adds "handoffs/_session_panel.html".
"""

SESSION_PANELS: list[str] = []
