# The two commands: `make run` (serve the seeds on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test chromium install lint schema bench bench-import bench-awards bench-sdg bench-search bench-api postgres clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml examples/registry-metric-example/pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet -e examples/registry-metric-example
	touch $(STAMP)

# The interface's message catalogs (en/es/fr), compiled here; `make translations` updates them.
I18N := registry/translations
MO   := $(patsubst %.po,%.mo,$(wildcard $(I18N)/*/LC_MESSAGES/messages.po))

install: $(STAMP) $(MO)

$(I18N)/%/LC_MESSAGES/messages.mo: $(I18N)/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel compile -l $* -i $< -o $@

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext --no-wrap --sort-by-file \
	  --project good-practice-registry -o $(I18N)/messages.pot .
	$(BIN)/pybabel update -i $(I18N)/messages.pot -d $(I18N) -w 100
	$(BIN)/pybabel compile -d $(I18N) --statistics

run: install
	$(BIN)/registry init
	$(BIN)/registry import seeds/*.txt
	$(BIN)/registry account create admin@localhost --role admin --password generate --if-missing
	$(BIN)/registry serve --host $(HOST) --port $(PORT)

# PostgreSQL is required by the storage tests; start the local cluster if it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@pg_isready -h 127.0.0.1 -p 5432

# Debian's Chromium for the browser tests (tests/browser, Playwright without its own download).
chromium:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

test: install postgres chromium
	@mkdir -p test-artifacts
	$(BIN)/python -m pytest --junitxml=test-artifacts/junit.xml tests examples/registry-metric-example/tests
	$(BIN)/python tests/check_run.py test-artifacts/junit.xml

lint: install
	$(BIN)/ruff check .

schema: install
	$(BIN)/python -m registry.schema > schemas/good-practice-1.json

bench: bench-import bench-awards bench-sdg bench-search bench-api

bench-import: install
	$(BIN)/python benchmarks/bench_import.py

bench-awards: install
	$(BIN)/python benchmarks/bench_awards.py

# 10k and 100k synthetic practices per backend beside SQLite FTS5 (about 5 minutes on 2 cores);
# SIZES=10000 for a quick run.
bench-search: install postgres
	$(BIN)/python benchmarks/bench_search.py $(if $(SIZES),--sizes $(SIZES))

bench-sdg: install
	$(BIN)/pip install --quiet --no-deps sdgclassification-benchmark==1.0.0
	$(BIN)/python benchmarks/bench_sdg.py

# The app under gunicorn (2 workers) beside a bare Flask route, driven by wrk on loopback;
# about 40 seconds. DURATION=3 for a quick run.
bench-api: install
	command -v wrk || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/pip install --quiet 'gunicorn>=23,<28'
	$(BIN)/python benchmarks/bench_api.py $(if $(DURATION),--duration $(DURATION))

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
