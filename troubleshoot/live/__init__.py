"""Live updates and background work, shared by every app: event groups and publishing
after commit, the per-process socket hub, the one websocket consumer and its routing, and
`tasking` (Celery tasks queued after commit, or run in-process when embedded). Imports only
accounts; handoffs and notifications use it too."""
