"""The sessions domain's REST endpoints (/api/v1/sessions/)."""
