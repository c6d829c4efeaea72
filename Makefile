# The two commands: `make run` (serve the seeds on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install lint schema bench bench-import bench-awards bench-sdg bench-search postgres clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml examples/registry-metric-example/pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet -e examples/registry-metric-example
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/registry init
	$(BIN)/registry import seeds/*.txt
	$(BIN)/registry serve --host $(HOST) --port $(PORT)

# PostgreSQL is required by the storage tests; start the local cluster if it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@pg_isready -h 127.0.0.1 -p 5432

test: install postgres
	@mkdir -p test-artifacts
	$(BIN)/python -m pytest --junitxml=test-artifacts/junit.xml tests examples/registry-metric-example/tests
	$(BIN)/python tests/check_run.py test-artifacts/junit.xml

lint: install
	$(BIN)/ruff check .

schema: install
	$(BIN)/python -m registry.schema > schemas/good-practice-1.json

bench: bench-import bench-awards bench-sdg bench-search

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

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
