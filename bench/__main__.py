"""`python -m bench`: run every figure, print the table, write bench/results.json.

Everything started here is stopped in the `finally` blocks, also on failure or ^C.
Environment: BENCH_DATABASE (default baton_bench, dropped and re-created each run),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/14, flushed), BENCH_ONLY=1,2,... to
run some figures only, BENCH_IDLE_SECONDS (default 30) for figure 3's idle wait,
BENCH_ONE_WORKER=1 to run one prefork worker on both queues (what a plain
`celery worker` does) instead of `make worker`'s two (a comparison), BENCH_HTTP=gunicorn
to post figures 1, 6, 7 and 8's requests to gunicorn (WSGI, beside daphne, which keeps
the websockets) instead of daphne (a comparison).
"""

import os
import subprocess
import sys
import time
import traceback

from bench.fakes import FakesProcess
from bench.procs import (
    BIN,
    ROOT,
    Services,
    free_port,
    start_daphne,
    start_email_worker,
    start_gunicorn,
    start_worker,
)

DB_NAME = os.environ.get("BENCH_DATABASE", "baton_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
ONLY = {f.strip() for f in os.environ.get("BENCH_ONLY", "1,2,3,4,5,6,7,8").split(",")}


def base_env(fakes: FakesProcess) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "CHANNEL_LAYER_PREFIX": "bench",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "DB_POOL_MAX": "30",
        "BATON_ALLOW_HTTP_WEBHOOKS": "1",
        "BATON_BASE_URL": "http://127.0.0.1:8000",
        "PYTHONPATH": str(ROOT),
        **fakes.env(),
    }


def fresh_database() -> None:
    pg = "postgres://postgres@127.0.0.1:5432/postgres"
    subprocess.run(
        ["psql", pg, "-qc", f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'], check=True
    )
    subprocess.run(["psql", pg, "-qc", f'CREATE DATABASE "{DB_NAME}"'], check=True)
    subprocess.run(
        [str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True
    )


def flush_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()


def main() -> int:
    started = time.monotonic()
    services, fakes = Services(), FakesProcess()
    daphne = worker = email_worker = gunicorn = None
    one_worker = os.environ.get("BENCH_ONE_WORKER") == "1"
    results: dict = {"errors": {}}
    try:
        services.ensure()
        fakes.start()
        os.environ.update(base_env(fakes))
        print(f"bench: fresh database {DB_NAME}, Redis {REDIS_URL}", flush=True)
        fresh_database()
        flush_redis()

        import django

        django.setup()
        from django.test.utils import override_settings

        from bench import (
            figure_analytics,
            figure_throughput,
            figures_cost,
            figures_http,
            figures_ws,
        )
        from bench.report import machine, markdown, write
        from bench.settings import channel_layers_for

        results["machine"] = machine()
        port = free_port()
        daphne = start_daphne(port, {"BENCH_CHANNEL_LAYER": "pubsub"})
        # Plain HTTP from gunicorn beside daphne, or from daphne itself (the product's
        # `make run` and docker-compose shape).
        http_port = port
        if os.environ.get("BENCH_HTTP") == "gunicorn":
            http_port = free_port()
            gunicorn = start_gunicorn(http_port, {})
            results["http_server"] = "gunicorn (2 processes x 8 threads) beside daphne"

        def start_workers():
            nonlocal worker, email_worker
            if one_worker:
                worker = start_worker({}, queues="celery,email")
            else:
                worker = start_worker({})
                email_worker = start_email_worker({})

        def restart_worker():
            for proc in (worker, email_worker):
                if proc is not None:
                    proc.stop()
            flush_redis()
            start_workers()

        start_workers()

        def run(number: str, name: str, fn):
            if number not in ONLY:
                return
            print(f"bench: figure {number}: {name} …", flush=True)
            t = time.monotonic()
            try:
                results[name] = fn()
            except Exception as exc:  # report it and go on with the other figures
                traceback.print_exc()
                results["errors"][name] = f"{type(exc).__name__}: {exc}"
            print(f"bench: figure {number} took {time.monotonic() - t:.0f} s", flush=True)

        run(
            "1",
            "escalate_latency",
            lambda: figures_http.escalate_latency(http_port, fakes, restart_worker),
        )
        fakes.forget()

        def both_layers():
            nonlocal daphne
            out = {"floor": figures_ws.floor()}
            out["pubsub"] = figures_ws.commit_to_socket(port)
            # Scaling out: the same 500 sockets over two daphne processes, one per core
            # here (the README's "more daphne processes" claim, measured).
            second_port = free_port()
            second = start_daphne(second_port, {"BENCH_CHANNEL_LAYER": "pubsub"})
            try:
                out["pubsub_2_daphnes"] = figures_ws.commit_to_socket(
                    port, ports=[port, second_port]
                )
            finally:
                second.stop()
            daphne.stop()
            # The product's launcher puts daphne on uvloop; the plain command, measured.
            asyncio_port = free_port()
            daphne = start_daphne(asyncio_port, {"BENCH_CHANNEL_LAYER": "pubsub"}, loop="asyncio")
            out["pubsub_asyncio_loop"] = figures_ws.commit_to_socket(asyncio_port)
            daphne.stop()
            core_port = free_port()
            daphne = start_daphne(core_port, {"BENCH_CHANNEL_LAYER": "core"})
            with override_settings(CHANNEL_LAYERS=channel_layers_for("core")):
                out["core"] = figures_ws.commit_to_socket(core_port)
            daphne.stop()
            daphne = start_daphne(port, {"BENCH_CHANNEL_LAYER": "pubsub"})
            # The layer is chosen on one process each, like for like (both on uvloop).
            out["kept"] = min(("pubsub", "core"), key=lambda k: out[k]["per_socket"]["p50"])
            best = out[out["kept"]]["per_socket"]["p50"]
            out["floor"]["ratio"] = round(best / out["floor"]["floor_p50_ms"], 1)
            return out

        run("2", "commit_to_socket", both_layers)
        idle = float(os.environ.get("BENCH_IDLE_SECONDS", "30"))
        run("3", "fan_out", lambda: figures_ws.fan_out(port, daphne, idle=idle))
        run("4", "render_cost", lambda: figures_http.render_cost(port))
        fakes.forget()
        run("5", "sustained", lambda: figure_throughput.sustained(port, fakes))
        fakes.forget()

        def cpu():
            procs = {"gunicorn": gunicorn} if gunicorn else {"daphne": daphne}
            procs["worker"] = worker
            if email_worker is not None:
                procs["email_worker"] = email_worker
            return figures_cost.cpu_per_escalation(http_port, fakes, procs, DB_NAME, REDIS_URL)

        run("6", "cpu_per_escalation", cpu)
        fakes.forget()
        run("7", "slow_mail", lambda: figures_cost.slow_mail(http_port, fakes))
        if one_worker:
            results["workers"] = "one prefork worker on both queues (BENCH_ONE_WORKER=1)"
        run("8", "analytics_page", lambda: figure_analytics.analytics_page(http_port))

        results["total_seconds"] = round(time.monotonic() - started, 1)
        write(results)
        print()
        print(f"Baton bench on {results['machine']['cpu']} ({results['machine']['cores']} cores)")
        print(markdown(results))
        print(f"\nwritten: bench/results.json ({results['total_seconds']} s)")
        return 1 if results["errors"] else 0
    finally:
        for proc in (worker, email_worker, gunicorn, daphne):
            if proc is not None:
                proc.stop()
        fakes.stop()
        services.stop()


if __name__ == "__main__":
    sys.exit(main())
