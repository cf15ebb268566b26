"""The REST API's shared plumbing, at the bottom so every domain's API may use it:
token and session authentication, role permissions, the per-token rate limit,
pagination, the error format and the schema's role annotation. Each domain keeps
its own endpoints beside its services (trees/api.py, sessions/api.py, ...)."""
