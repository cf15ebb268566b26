"""Tenants and people: accounts, teams, users and roles, sign-up, the members pages,
the email login backend and the websocket's login. The bottom layer: imports nothing
else of troubleshoot."""
