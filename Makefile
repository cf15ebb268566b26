# Baton: `make run` serves the app, `make test` runs the checks and the suite.
# Both install what they need first (a .venv from pyproject.toml, npm packages
# from package-lock.json); the stamps make a second run skip the install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint worker beat bench e2e clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Without Redis, tasks run in-process; a beat process beside daphne still runs the
# periodic jobs (delivery sweeper, unclaimed-escalation ladder) against the same
# database, executing them itself. With REDIS_URL set, run `make worker` and `make beat`.
# Links in emails and chat posts point where this server listens: while serving a
# request Baton takes them from the request's own host and port (embedded mode); work
# outside a request (the beat's reminders) reads BATON_BASE_URL, set here. Production
# (BATON_ENV=production) must set it itself.
ifneq ($(BATON_ENV),production)
LINK_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
run: export BATON_BASE_URL ?= http://$(LINK_HOST):$(PORT)
endif
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	@if [ -z "$$REDIS_URL" ]; then \
	  $(BIN)/celery -A config beat --loglevel=warning --schedule $(VENV)/celerybeat-schedule & \
	  beat=$$!; trap 'kill $$beat 2>/dev/null' EXIT; \
	fi; \
	$(BIN)/python -m config.serve -b $(HOST) -p $(PORT) config.asgi:application; status=$$?; exit $$status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# pytest exits 5 when it collected nothing; that is a broken suite, say so.
test: lint
	$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; fi; exit $$rc

# Two workers: the default queue on a prefork pool, email on a threads pool of its
# own (a slow mail server must not hold Slack posts and PSA notes). A plain
# `celery -A config worker` also works: it consumes both queues.
worker: install
	$(BIN)/celery -A config worker -Q email -P threads -c 16 -n email@%h --loglevel=info & \
	email=$$!; trap 'kill $$email 2>/dev/null' EXIT; \
	$(BIN)/celery -A config worker -Q celery --loglevel=info; status=$$?; exit $$status

beat: install
	$(BIN)/celery -A config beat --loglevel=info

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
