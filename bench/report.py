"""The Markdown table printed at the end, and bench/results.json."""

import json
import os
import platform
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_gb, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def _lat(s: dict) -> str:
    return f"{s['p50']} / {s['p95']} / {s['p99']} / {s['max']}"


def _step(s: dict) -> str:
    if s["held"]:
        return f"{s['rate_per_s']}/s held"
    why = ", ".join(f"{k} {v}" for k, v in (s.get("late_because") or {}).items())
    return (
        f"{s['rate_per_s']}/s not held: {s['not_complete_within_5s']} late ({why}), "
        f"{s['missing']} missing, {s['http_errors']} HTTP errors"
    )


def markdown(results: dict) -> str:
    lines = [
        "| # | figure | result (ms: p50 / p95 / p99 / max) | goal | verdict |",
        "|---|---|---|---|---|",
    ]
    f1 = results.get("escalate_latency")
    if f1:
        runs = f1["runs"]
        lines.append(
            f"| 1 | escalate POST, fakes instant (n={runs['fast']['n']}) | {_lat(runs['fast'])} "
            f"| p95 ≤ 30 | {f1['verdict']} |"
        )
        lines.append(
            f"| 1 | escalate POST, fakes 20 s (n={runs['slow']['n']}) | {_lat(runs['slow'])}; "
            f"p95 spread {f1['p95_spread_percent']} % | within 10 % | {f1['verdict']} |"
        )
    for layer, f2 in (results.get("commit_to_socket") or {}).items():
        if layer == "floor" or layer == "kept":
            continue
        layer_name = layer.split("_")[0]
        processes = f2.get("daphne_processes", 1)
        where = f"{processes} daphne processes" if processes > 1 else "1 daphne"
        if layer.endswith("asyncio_loop"):
            where += " on asyncio's loop (plain `daphne`)"
        lines.append(
            f"| 2 | commit → socket, {f2['sockets']} sockets, {layer_name} layer, {where} | "
            f"{_lat(f2['per_socket'])}; first / last socket p50 "
            f"{f2['first_socket_p50_ms']} / {f2['last_socket_p50_ms']}; "
            f"missing {f2['missing_deliveries']} | p50 ≤ 15, p99 ≤ 75 | {f2['verdict']} |"
        )
    floor = (results.get("commit_to_socket") or {}).get("floor")
    if floor:
        lines.append(
            f"| 2 | floor: PG insert+commit {floor['postgres_insert_commit_p50_ms']} + "
            f"Redis PUBLISH {floor['redis_publish_p50_ms']} | {floor['floor_p50_ms']} p50; "
            f"measured/floor = {floor.get('ratio', '?')}× | — | — |"
        )
    f3 = results.get("fan_out")
    if f3:
        lines.append(
            f"| 3 | fan-out {f3['sockets']} idle sockets / {f3['accounts']} accounts, "
            f"{f3['escalations']} escalations | {_lat(f3['latency'])}; late {f3['late_over_1s']}, "
            f"missing {f3['missing']}, foreign {f3['foreign_events']}; daphne RSS "
            f"{f3['daphne_rss_mb_connected']} → {f3['daphne_rss_mb_after_burst']} MB "
            f"| all ≤ 1 s, 0 foreign | {f3['verdict']} |"
        )
    f4 = results.get("render_cost")
    if f4:
        for row in f4["rows"]:
            lines.append(
                f"| 4 | {row['page']} at {row['open_handoffs']} open | {row['queries']} queries; "
                f"{_lat(row)} | same count ≤ 10; p95 ≤ 80 at 1,000 | {f4['verdict']} |"
            )
    f5 = results.get("sustained")
    if f5:
        tried = ", ".join(_step(s) for s in f5["steps"])
        lines.append(
            f"| 5 | sustained escalations, worker running | highest held "
            f"{f5['highest_rate_held_per_s']}/s ({tried}) | ≥ 150/s | {f5['verdict']} |"
        )
    f6 = results.get("cpu_per_escalation")
    if f6:
        shares = ", ".join(f"{k} {v}" for k, v in f6["cpu_ms_per_escalation"].items())
        lines.append(
            f"| 6 | CPU per escalation, {f6['rate_per_s']}/s for {f6['escalations']} "
            f"({f6['per_escalation']}) | **{f6['total_ms']} ms** ({shares}); request "
            f"{_lat(f6['request'])} | ≤ 25 ms | {f6['verdict']} |"
        )
    f7 = results.get("slow_mail")
    if f7:
        lines.append(
            f"| 7 | SMTP {f7['smtp_delay_s']} s/message, {f7['escalations']} escalations, "
            f"{f7['emails_expected']} emails | commit → sent: email "
            f"{_lat(f7['email_commit_to_sent'])}; Slack {_lat(f7['slack_commit_to_sent'])}; "
            f"PSA {_lat(f7['psa_commit_to_sent'])}; not sent {f7['not_sent']}; request "
            f"{_lat(f7['request'])} | all sent, email p95 ≤ 10,000, posts ≤ 1,000 "
            f"| {f7['verdict']} |"
        )
    f8 = results.get("analytics_page")
    if f8:
        for row in f8["rows"]:
            lines.append(
                f"| 8 | /analytics/ {row['view']}, {f8['sessions']:,} sessions / "
                f"{f8['escalations']:,} escalations | {row['queries']} queries; {_lat(row)} "
                f"| p95 ≤ 300 | {row.get('verdict', f8['verdict'])} |"
            )
    for name, error in (results.get("errors") or {}).items():
        lines.append(f"| ! | {name} | FAILED TO RUN: {error} | | MISSED |")
    return "\n".join(lines)


def write(results: dict) -> None:
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
