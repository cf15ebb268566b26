"""`make bench`: Baton's speed and reliability figures, measured on this machine.

`python -m bench` starts what it needs on 127.0.0.1 (PostgreSQL and Redis when they
are not running, local fakes of Anthropic, SMTP, Slack and the PSA, a daphne server
and a Celery worker), loads data into its own database (`baton_bench`), runs five
bounded measurements, prints a Markdown table and writes bench/results.json, and
stops everything it started, also on failure. See README, "Performance".
"""
