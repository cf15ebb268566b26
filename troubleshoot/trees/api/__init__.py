"""The trees domain's REST endpoints (/api/v1/trees/)."""
