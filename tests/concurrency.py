"""Real concurrency for race tests: each call on its own thread and database connection,
all released at the same moment. (PostgreSQL only: SQLite serialises writers.)"""

import threading
from collections.abc import Callable

from django.db import connection


def at_once(calls: list[Callable[[], object]]) -> list:
    """Run the calls together; answer each one's return value, or the exception it raised
    (any exception: the caller's assertions show the unexpected ones)."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = call()
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes
