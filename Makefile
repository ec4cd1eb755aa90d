# Bangkok Expat Assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_RASA ?= /root/.pyenv/versions/3.10.13/bin/python3
PYTHON_SERVICE ?= python3
RASA_VENV := .venv-rasa
SERVICE_VENV := .venv
RASA := $(RASA_VENV)/bin/rasa

export PORT ?= 8000
export RASA_PORT ?= 5005
export ACTIONS_PORT ?= 5055
export ACTIONS_HOST ?= 127.0.0.1
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning

RASA_FILES := config.yml domain.yml endpoints.yml credentials.yml
PYTHON_DIRS := assistant actions knowledge nlu common tests scripts

.PHONY: help setup browser axe haproxy train migrate run test test-hosts lint imports typecheck validate kb-check kb-eval kb-watch postgres redis run-scale load load-streams capacity pytest report demo rasa-tests eval bench tune lock clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(RASA_VENV)/.installed: requirements/rasa.lock
	test -x $(RASA_VENV)/bin/python || $(PYTHON_RASA) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install -q --disable-pip-version-check -r requirements/rasa.lock
	$(RASA_VENV)/bin/pip check
	touch $@

$(SERVICE_VENV)/.installed: requirements/service.lock
	test -x $(SERVICE_VENV)/bin/python || $(PYTHON_SERVICE) -m venv $(SERVICE_VENV)
	$(SERVICE_VENV)/bin/pip install -q --disable-pip-version-check -r requirements/service.lock
	touch $@

setup: $(RASA_VENV)/.installed $(SERVICE_VENV)/.installed ## Create both virtual environments from the lock files

# `rasa train` packages a new model on every call (its cache only makes that quick), so make
# decides: train when the data, domain, config or NLU components are newer than the last model.
TRAINING_INPUTS := config.yml domain.yml $(shell find nlu_data nlu -type f \( -name '*.yml' -o -name '*.py' \))

models/.trained: $(RASA_VENV)/.installed $(TRAINING_INPUTS)
	$(RASA) train --data nlu_data --domain domain.yml --config config.yml --out models
	touch $@

train: $(RASA_VENV)/.installed ## Train a model when its inputs changed or models/ has none
	@ls models/*.tar.gz >/dev/null 2>&1 || rm -f models/.trained
	@$(MAKE) --no-print-directory models/.trained

migrate: $(SERVICE_VENV)/.installed ## Create or upgrade the service database (DATABASE_URL); a new one gets the starter canned answers
	$(SERVICE_VENV)/bin/flask --app assistant.app db upgrade
	$(SERVICE_VENV)/bin/flask --app assistant.app canned seed --once

# The Procfile's processes under supervisord: one that exits is restarted alone (with backoff
# when it keeps failing at start), the others keep running; Ctrl-C stops them all.
run: setup train migrate ## Set up, train if needed, migrate, start Rasa, actions and the web service
	@echo "Demo page with the chat widget: http://127.0.0.1:$(PORT)/"
	@echo "Staff console:                  http://127.0.0.1:$(PORT)/console/"
	@echo "Chat API:                       http://127.0.0.1:$(PORT)/api/openapi.json"
	@echo "Processes: $(SERVICE_VENV)/bin/supervisorctl -c var/supervisor/Procfile.conf status  (logs: var/log/)"
	$(SERVICE_VENV)/bin/python -m scripts.supervise Procfile

# The KPI of FROM..TO (Bangkok days, both included) from DATABASE_URL; the JSON object is the
# last line printed.
report: migrate ## KPI as JSON: make report FROM=YYYY-MM-DD TO=YYYY-MM-DD (DATABASE_URL)
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "usage: make report FROM=YYYY-MM-DD TO=YYYY-MM-DD" >&2; exit 2; }
	@$(SERVICE_VENV)/bin/flask --app assistant.app report --from "$(FROM)" --to "$(TO)" --json

DEMO_DATABASE := $(CURDIR)/var/demo.db
demo: setup train ## Fill var/demo.db with synthetic chats (marked demo) and run everything on it
	mkdir -p var
	test -f $(DEMO_DATABASE) || { DATABASE_URL=sqlite:///$(DEMO_DATABASE) $(SERVICE_VENV)/bin/flask --app assistant.app db upgrade \
	  && DATABASE_URL=sqlite:///$(DEMO_DATABASE) $(SERVICE_VENV)/bin/flask --app assistant.app demo-data; }
	@echo "Reports on the demo data: http://127.0.0.1:$(PORT)/console/reports/ (demo accounts: see above, or delete var/demo.db to refill)"
	$(MAKE) --no-print-directory run DATABASE_URL=sqlite:///$(DEMO_DATABASE)

# Scale-out profile: PostgreSQL for the service and for Rasa's trackers, Redis for Rasa's
# lock store, rate-limit counters and push between web workers.
SCALE_DB ?= postgresql://postgres@127.0.0.1:5432/assistant
# The Rasa servers' key to the accepted model (GET /api/model): a random one unless
# MODEL_SERVER_TOKEN is given (several hosts: the same on all of them).
MODEL_SERVER_KEY := $(shell od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export RASA_PORT_2 ?= 5006
export WEB_WORKERS ?= 2
# Every address can come from the environment (several hosts: see docs/operations.md).
run-scale: export DATABASE_URL = $(SCALE_DB)
run-scale: export RASA_URLS ?= http://127.0.0.1:$(RASA_PORT),http://127.0.0.1:$(RASA_PORT_2)
run-scale: export REDIS_HOST ?= 127.0.0.1
run-scale: export REDIS_PORT ?= 6379
run-scale: export REDIS_LOCK_DB ?= 1
run-scale: export REDIS_URL ?= redis://$(REDIS_HOST):$(REDIS_PORT)/0
run-scale: export RATE_LIMIT_STORAGE ?= redis://$(REDIS_HOST):$(REDIS_PORT)/2
run-scale: export RASA_DB_HOST ?= 127.0.0.1
run-scale: export RASA_DB_PORT ?= 5432
run-scale: export RASA_DB_NAME ?= rasa
run-scale: export RASA_DB_USER ?= postgres
run-scale: export RASA_DB_PASSWORD ?=
run-scale: export MODEL_SERVER_TOKEN ?= $(MODEL_SERVER_KEY)
run-scale: setup train postgres redis ## Scale-out: 2 web workers, 2 Rasa servers, 1 action server on PostgreSQL + Redis
	$(SERVICE_VENV)/bin/python -m scripts.scale_databases assistant rasa
	$(SERVICE_VENV)/bin/flask --app assistant.app db upgrade
	$(SERVICE_VENV)/bin/flask --app assistant.app canned seed --once
	$(SERVICE_VENV)/bin/flask --app assistant.app training publish --once
	@echo "Demo page: http://127.0.0.1:$(PORT)/  Console: http://127.0.0.1:$(PORT)/console/"
	@echo "Processes: $(SERVICE_VENV)/bin/supervisorctl -c var/supervisor/Procfile.scale.conf status  (logs: var/log/)"
	$(SERVICE_VENV)/bin/python -m scripts.supervise Procfile.scale

load: setup train postgres redis ## Load test of the scale-out profile (50 users, 5 min, a Rasa server killed) -> docs/benchmarks.md
	$(SERVICE_VENV)/bin/python -m scripts.load.run --record

load-streams: setup train postgres redis ## Chat p95 with 500 open event streams vs none (scale-out profile) -> docs/benchmarks.md
	$(SERVICE_VENV)/bin/python -m scripts.load.streams --record

capacity: setup train postgres redis ## Chat turns/s per Rasa server and open streams per push process -> docs/benchmarks.md
	$(SERVICE_VENV)/bin/python -m scripts.load.capacity --record

redis: ## Use the Redis at 127.0.0.1:6379, or install and start Debian's
	bash scripts/redis.sh

lint: $(SERVICE_VENV)/.installed ## ruff
	$(SERVICE_VENV)/bin/ruff check $(PYTHON_DIRS)

imports: $(SERVICE_VENV)/.installed ## Import layering check (import-linter)
	$(SERVICE_VENV)/bin/lint-imports

typecheck: setup ## mypy: Rasa-side code against .venv-rasa, the web service against .venv
	$(SERVICE_VENV)/bin/mypy --python-executable $(RASA_VENV)/bin/python actions knowledge nlu common scripts tests/core
	$(SERVICE_VENV)/bin/mypy assistant tests/service tests/support tests/hosts

validate: $(RASA_VENV)/.installed ## rasa data validate, failing on any warning
	$(RASA) data validate --fail-on-warnings --data nlu_data --domain domain.yml --config config.yml

kb-check: $(SERVICE_VENV)/.installed ## Knowledge base gate: schema, both languages, sources, coverage, stale list
	$(SERVICE_VENV)/bin/python -m knowledge.check

kb-eval: $(SERVICE_VENV)/.installed ## Article retrieval top-1/top-3 by language -> docs/benchmarks.md
	$(SERVICE_VENV)/bin/python -m scripts.evaluate_retrieval --record

kb-watch: migrate ## Source watch: fetch each article's source pages; a changed page puts its articles up for review
	$(SERVICE_VENV)/bin/flask --app assistant.app knowledge watch

# pytest exits with 5 when it collects no tests: not a failure here.
pytest = $(1)/bin/python -m pytest $(2); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

# Browser tests use Debian's Chromium (no browser downloads here) and a Thai font.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-thai-tlwg

browser: /usr/bin/chromium ## Install Debian's Chromium and Thai fonts for the browser tests

# HAProxy for the load balancer's tests (deploy/haproxy.cfg; the tests start their own).
# Debian's package starts an idle system service where systemd runs: stopped and disabled.
/usr/sbin/haproxy:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq haproxy
	[ ! -d /run/systemd/system ] || $(SUDO) systemctl disable --now haproxy

haproxy: /usr/sbin/haproxy ## Install Debian's HAProxy for the load balancer's tests

# axe-core for the accessibility tests, pinned in tests/accessibility/package-lock.json (npm
# ci installs exactly that; Debian's npm where none is installed). touch: npm keeps the
# package's old file times, which would make this rule run every time.
AXE := tests/accessibility/node_modules/axe-core/axe.min.js
$(AXE): tests/accessibility/package.json tests/accessibility/package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	cd tests/accessibility && npm ci --no-audit --no-fund
	touch $@

axe: $(AXE) ## Install axe-core (npm) for the accessibility tests

postgres: ## PostgreSQL (and Redis where possible) for the tests: use running ones or start Debian's
	bash scripts/postgres.sh
	bash scripts/redis.sh --optional

pytest: setup train browser axe haproxy postgres ## pytest: NLU components, actions, knowledge (.venv-rasa); web service (.venv)
	$(call pytest,$(RASA_VENV),tests/core)
	$(call pytest,$(SERVICE_VENV),tests/service)

# Four hosts in network namespaces (needs root; skipped, saying why, where they cannot be made).
test-hosts: setup train browser haproxy ## Multi-host test: lb, app1, app2, data in network namespaces, from deploy/ (docs/operations.md)
	$(call pytest,$(SERVICE_VENV),tests/hosts)

rasa-tests: train ## rasa test: English and Thai test stories end to end (NLU + dialogue)
	$(RASA) test core --stories tests/stories --model models --out results/core --fail-on-prediction-errors --no-plot

test: lint imports typecheck validate kb-check pytest rasa-tests test-hosts ## Everything CI runs

eval: setup train ## Dev sets (questions, facts, follow-ups, safety) by language -> docs/benchmarks.md
	$(RASA_VENV)/bin/python -m scripts.evaluate --record
	$(RASA_VENV)/bin/python -m scripts.evaluate_dialogue --record

bench: setup train ## Parse latency, training time and model size -> docs/benchmarks.md
	$(RASA_VENV)/bin/python -m scripts.benchmark

tune: setup ## Fallback threshold table on held-out training data -> docs/benchmarks.md
	$(RASA_VENV)/bin/python -m scripts.tune_fallback

lock: ## Re-pin both environments from requirements/*.in
	(echo "# Exact pins for .venv-rasa (Python 3.10). Regenerate: make lock"; $(RASA_VENV)/bin/pip freeze --exclude-editable) > requirements/rasa.lock
	(echo "# Exact pins for .venv (Python 3.11). Regenerate: make lock"; $(SERVICE_VENV)/bin/pip freeze --exclude-editable) > requirements/service.lock

clean: ## Remove trained models and test results (keeps the environments)
	rm -rf models results .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
