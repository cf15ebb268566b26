"""Escalation analytics (`/analytics/`): rates, timings, hot steps, outcomes, people."""
