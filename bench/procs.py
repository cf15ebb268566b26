"""Starting and stopping the processes the bench needs, each in its own process
group so that stopping it also stops its children (daphne's, the worker's pool)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOGS = ROOT / "bench" / ".run"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def wait_for_port(port: int, timeout: float, proc=None, name: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not port_open(port):
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}; see {LOGS}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not open port {port} within {timeout:.0f} s")
        time.sleep(0.1)


class Proc:
    """A child process in its own session; stop() kills the whole group."""

    def __init__(self, name: str, args: list[str], env: dict | None = None):
        LOGS.mkdir(exist_ok=True)
        self.name = name
        self.log_path = LOGS / f"{name}.log"
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_mb(self) -> float:
        """Resident memory of the process itself (VmRSS), in MB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self, grace: float = 5.0) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass


class Services:
    """PostgreSQL and Redis: used when running, started (and later stopped) if not."""

    def __init__(self):
        self.started_postgres = False
        self.redis: Proc | None = None

    def ensure(self) -> None:
        if not port_open(5432):
            etc = "/etc/postgresql"
            clusters = sorted(os.listdir(etc)) if os.path.isdir(etc) else []
            if not clusters:
                raise RuntimeError("PostgreSQL is not running and no local cluster was found")
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"],
                check=True,
            )
            self.started_postgres = clusters[-1]
            wait_for_port(5432, 30, name="PostgreSQL")
        if not port_open(6379):
            server = shutil.which("redis-server")
            if not server:
                raise RuntimeError("Redis is not running and redis-server is not installed")
            self.redis = Proc(
                "redis", [server, "--bind", "127.0.0.1", "--port", "6379", "--save", ""]
            )
            wait_for_port(6379, 30, self.redis.proc, "redis-server")

    def stop(self) -> None:
        if self.redis:
            self.redis.stop()
        if self.started_postgres:
            version = self.started_postgres
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop"],
                check=False,
            )


def start_daphne(port: int, env: dict, *, loop: str = "uvloop") -> Proc:
    """daphne as the product starts it (`python -m config.serve`: on uvloop), or with
    loop="asyncio" the plain `daphne` command, on asyncio's own loop (a comparison)."""
    command = [str(BIN / "python"), "-m", "config.serve"]
    if loop == "asyncio":
        command = [str(BIN / "daphne")]
    proc = Proc(
        f"daphne-{port}",
        [*command, "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        env,
    )
    wait_for_port(port, 60, proc.proc, "daphne")
    return proc


def start_gunicorn(port: int, env: dict, *, workers: int = 2, threads: int = 8) -> Proc:
    """gunicorn serving the same Django over WSGI (config.wsgi), threads per process:
    the "lighter HTTP server beside daphne" shape, measured with BENCH_HTTP=gunicorn."""
    proc = Proc(
        f"gunicorn-{port}",
        [str(BIN / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", str(workers)]
        + ["-k", "gthread", "--threads", str(threads), "config.wsgi:application"],
        env,
    )
    wait_for_port(port, 60, proc.proc, "gunicorn")
    return proc


def start_worker(env: dict, concurrency: int = 4, *, queues: str = "celery") -> Proc:
    """The default queue's prefork worker (as `make worker` runs it)."""
    return _start_celery("worker", "bench", env, ["-c", str(concurrency), "-Q", queues])


def start_email_worker(env: dict, concurrency: int = 16) -> Proc:
    """The email queue's threads-pool worker (as `make worker` runs it)."""
    return _start_celery(
        "email-worker", "bench-email", env, ["-P", "threads", "-c", str(concurrency), "-Q", "email"]
    )


def _start_celery(name: str, node: str, env: dict, options: list[str]) -> Proc:
    proc = Proc(
        name,
        [str(BIN / "celery"), "-A", "config", "worker", *options, "-l", "warning"]
        + ["-n", f"{node}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env,
    )
    # Ready when it answers a ping over the broker.
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.proc.poll() is not None:
            raise RuntimeError(f"the Celery worker exited; see {proc.log_path}")
        if app.control.ping(destination=[f"{node}@{socket.gethostname()}"], timeout=0.5):
            return proc
    raise RuntimeError(f"the Celery worker {name} did not become ready within 60 s")
