"""CPU time per process, read from /proc: what figure 6 adds up.

Each process' utime + stime (clock ticks) from /proc/<pid>/stat. A group is every
process whose process group is the Proc's (daphne; a Celery worker and its pool
children), PostgreSQL is the backends connected to the bench's database (not the
server's background processes, and not the bench's own connection), Redis is the
server process (shared with whatever else uses that server: its figure is an upper
bound).
"""

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(process group, CPU seconds) of one process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    # After the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt
    # cmajflt utime stime ...
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / TICK


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _stat(int(entry))
            if found and found[0] == pgid:
                pids.append(int(entry))
    return pids


def cpu_of(pids) -> dict[int, float]:
    out = {}
    for pid in pids:
        found = _stat(pid)
        if found:
            out[pid] = found[1]
    return out


def postgres_backends(database: str) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        return [row[0] for row in cursor.fetchall()]


def redis_pid(url: str) -> int | None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        return int(client.info("server")["process_id"])
    finally:
        client.close()


class Meter:
    """Snapshot named sets of processes now and later; the difference per name."""

    def __init__(self, sources: dict):
        self.sources = sources  # name -> callable returning pids
        self.start: dict[str, dict[int, float]] = {}

    def begin(self) -> None:
        self.start = {name: cpu_of(find()) for name, find in self.sources.items()}

    def end(self) -> dict[str, float]:
        """CPU seconds per name since begin(); a process that appeared since counts
        from zero, one that exited in between is lost (none should: pools persist)."""
        used = {}
        for name, find in self.sources.items():
            before = self.start.get(name, {})
            now = cpu_of(set(find()) | set(before))
            used[name] = sum(now[pid] - before.get(pid, 0.0) for pid in now)
        return used
