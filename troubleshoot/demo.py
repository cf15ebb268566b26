"""Demo data of the troubleshoot app (run by `manage.py seed_demo`): people, then each
account's trees, then a few sessions on them. Every seeder is idempotent."""

from troubleshoot.accounts.demo import logins_table, seed_people
from troubleshoot.sessions.demo import seed_sessions
from troubleshoot.trees.demo import seed_trees

__all__ = ["logins_table", "seed"]


def seed(out) -> None:
    # Trees and sessions are written through durable services: after the people's
    # atomic block, never inside it.
    accounts = seed_people(out)
    trees = sessions = 0
    for account, domain in accounts:
        trees += seed_trees(account)
        sessions += seed_sessions(domain)
    out.write(f"  troubleshooting: {trees} trees and {sessions} sessions created")
