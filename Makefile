# make run   — fresh clone → venv, demo data, full pipeline, scorecard printed
# make test  — fresh clone → venv, lint, the whole test suite (both tiers)
# make test-fast — the fast tier: unit and dbt unit tests, no pipeline run (under 2 minutes)
# make bench — first run, nothing-new run and one-more-day run at scale 1 and 10 (medians of 3) → BENCHMARKS.md

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA_DIR ?= data
LANDING ?= $(DATA_DIR)/landing
DEMO_DAYS ?= 180
DEMO_SCALE ?= 0.2
DEMO_SEED ?= 42
# pytest-xdist workers. `make test` keeps every test sharing a built warehouse on one worker
# (--dist loadgroup; groups computed in tests/conftest.py), so each warehouse is built once.
TEST_WORKERS ?= 2
# `BENCH_SCALES="1 10 100" make bench` adds scale 100 (about an hour here; not part of CI).
BENCH_SCALES ?= 1 10

.PHONY: setup browser java spark run test test-fast lint bench ui clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The dashboard's browser tests drive Debian's Chromium (Playwright cannot download its own here).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium for the dashboard's browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The dbt project on Spark (issue 17): dbt-spark and pyspark in their own venv (with pyspark importable,
# Great Expectations imports pyspark's Connect client, which exits pytest-xdist workers), Java 17 from
# Debian when there is no java.
SPARK_VENV := .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed-stamp
spark: java $(SPARK_STAMP)

java:
	@command -v java >/dev/null || { echo "installing Debian's Java 17 for Spark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

SPARK_REQUIREMENTS := dagster_project/spark_engine/requirements.txt
$(SPARK_STAMP): $(SPARK_REQUIREMENTS)
	test -x $(SPARK_VENV)/bin/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SPARK_VENV)/bin/python -m pip install --quiet -r $(SPARK_REQUIREMENTS)
	touch $(SPARK_STAMP)

run: $(STAMP)
	@if [ ! -d "$(LANDING)/helpdesk" ]; then \
	  $(BIN)/support-kpi generate --landing $(LANDING) --days $(DEMO_DAYS) --scale $(DEMO_SCALE) --seed $(DEMO_SEED); \
	fi
	$(BIN)/support-kpi run --landing $(LANDING) --data-dir $(DATA_DIR)

lint: $(STAMP)
	$(BIN)/ruff check dagster_project demo_generator tests scripts
	@# two processes halve sqlfluff's ~35 s; their semaphore warning at exit is noise
	PYTHONWARNINGS="ignore::UserWarning:multiprocessing.resource_tracker" \
	  $(BIN)/sqlfluff lint dbt_project/models dbt_project/tests --disable-progress-bar --nocolor --processes 2

# The Debian packages one after the other (apt takes a lock), then the two virtual environments
# side by side (pip mostly waits on downloads and unpacking), then lint and the suite.
test: browser java
	$(MAKE) --no-print-directory -j2 $(STAMP) $(SPARK_STAMP)
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=30

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m fast -n $(TEST_WORKERS)

bench: $(STAMP)
	$(BIN)/python scripts/bench.py --scales $(BENCH_SCALES) --repeats 3 --output BENCHMARKS.md

ui: $(STAMP)
	$(BIN)/support-kpi ui --landing $(LANDING) --data-dir $(DATA_DIR)

clean:
	rm -rf $(DATA_DIR) dbt_project/target dbt_project/logs
