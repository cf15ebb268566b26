"""The handoffs app's REST endpoints (/api/v1/handoffs/, /api/v1/sessions/{id}/handoff/)."""
