"""The site's own CPU time: its gunicorn workers' and, on a PostgreSQL of this machine, their database
sessions', read from /proc/<pid>/stat. Unlike the machine's busy time it leaves out the load client and
whatever else runs on the machine (on a shared machine, other people's work); it leaves out Redis too, a
server shared with them."""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

from bench.memory import worker_pids


def process_cpu_seconds(pid: int) -> float | None:
    """A process's user and system CPU time so far; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_sessions(database_url: str) -> list[int]:
    """The server pids of every other session on the database (the workers' connections)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                  "AND pid <> pg_backend_pid()").fetchall()
    return [pid for (pid,) in rows]


class SiteCpu:
    """Reads of the CPU time spent so far by each of the site's processes, to subtract one from another."""

    def __init__(self, master_pid: int, database_url: str | None):
        self.master_pid = master_pid
        # A session's pid names a process in this machine's /proc only when PostgreSQL runs here too.
        local = urllib.parse.urlsplit(database_url or "").hostname in (None, "", "localhost", "127.0.0.1", "::1")
        self.database_url = database_url if local and (database_url or "").startswith("postgres") else None

    def read(self) -> dict[int, float]:
        pids = worker_pids(self.master_pid) + (database_sessions(self.database_url) if self.database_url else [])
        return {pid: seconds for pid in pids if (seconds := process_cpu_seconds(pid)) is not None}


def spent_seconds(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two reads. A process that started in between counts from its start (a worker's new
    database session); one that ended in between is lost (a few milliseconds at most)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
