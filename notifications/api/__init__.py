"""The notifications app's REST endpoints: the bell (/api/v1/notifications/) and the
outgoing webhooks admins register (/api/v1/webhooks/)."""
