"""Shared, session-scoped fixtures: each built warehouse is paid for once per test session.

`support-kpi run` costs Dagster and dbt start-up (tens of seconds), so the integration tests share
a few runs: the golden helpdesk fixture, and a small generated demo data set.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dagster_project.loading import ensure_raw_schema
from dagster_project.publish import open_mart
from dagster_project.settings import MART_FILE_NAME
from tests.dbt_in_process import invoke

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN_LANDING = FIXTURES / "golden_helpdesk" / "landing"
GOLDEN_TELEPHONY_LANDING = FIXTURES / "golden_telephony" / "landing"
ASTERISK_LANDING = FIXTURES / "asterisk" / "landing"
GOLDEN_SURVEYS_LANDING = FIXTURES / "golden_surveys" / "landing"
GOLDEN_CUSTOMERS_LANDING = FIXTURES / "golden_customers" / "landing"
GOLDEN_CUSTOMERS_DATES_LANDING = FIXTURES / "golden_customers_dates" / "landing"
GOLDEN_WEB_LANDING = FIXTURES / "golden_web" / "landing"

# One pseudonym key for every pipeline run of the test session, as a deployment sets it: tests that
# compare marts built in different data dirs (checksums, metamorphic builds) need the same key, or
# each data dir's generated pseudonym.key gives email_hmac / caller_number_hmac other values.
# tests/test_pii.py removes it where it checks the generated key file.
os.environ.setdefault("SUPPORT_KPI_PSEUDONYM_KEY", "support-kpi-test-session-key")


@dataclass(frozen=True)
class CliRun:
    returncode: int
    output: str
    landing: Path
    data_dir: Path

    @property
    def mart_path(self) -> Path:
        return self.data_dir / MART_FILE_NAME


def support_kpi(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a child process, output captured."""
    if args[:1] == ("run",):
        guard_fast_tier("support-kpi run")
    return subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**__import__("os").environ, "COLUMNS": "160", "NO_COLOR": "1"},
    )


def run_pipeline(landing: Path, data_dir: Path) -> CliRun:
    done = support_kpi("run", "--landing", str(landing), "--data-dir", str(data_dir))
    return CliRun(done.returncode, done.stdout + done.stderr, landing, data_dir)


def copy_data_dir(source: Path, target: Path) -> Path:
    """A copy of a run's data dir at ``target``, to run on without touching the original: its
    Dagster instance config is left out (it names the original's folders), so the next run in the
    copy writes its own (dagster_project/instance.py)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("dagster.yaml"))
    return target


def _published(landing: Path, tmp_path_factory: pytest.TempPathFactory, name: str) -> CliRun:
    run = run_pipeline(landing, tmp_path_factory.mktemp(name) / "data")
    assert run.returncode == 0, run.output
    return run


@pytest.fixture(scope="session")
def golden_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    return _published(GOLDEN_LANDING, tmp_path_factory, "golden")


@pytest.fixture(scope="session")
def golden_mart(golden_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mart published from the golden helpdesk fixture."""
    con = open_mart(golden_run.mart_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def golden_telephony_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    return _published(GOLDEN_TELEPHONY_LANDING, tmp_path_factory, "golden-telephony")


@pytest.fixture(scope="session")
def golden_telephony_mart(golden_telephony_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mart published from the golden telephony fixture."""
    con = open_mart(golden_telephony_run.mart_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def golden_surveys_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    return _published(GOLDEN_SURVEYS_LANDING, tmp_path_factory, "golden-surveys")


@pytest.fixture(scope="session")
def golden_surveys_mart(golden_surveys_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mart published from the golden survey fixture."""
    con = open_mart(golden_surveys_run.mart_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def golden_customers_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    return _published(GOLDEN_CUSTOMERS_LANDING, tmp_path_factory, "golden-customers")


@pytest.fixture(scope="session")
def golden_customers_mart(golden_customers_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mart published from the golden customers fixture."""
    con = open_mart(golden_customers_run.mart_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def golden_customers_dates_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """The run of the dates-only CRM export with customers on month boundaries."""
    return _published(GOLDEN_CUSTOMERS_DATES_LANDING, tmp_path_factory, "golden-customers-dates")


@pytest.fixture(scope="session")
def golden_web_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    return _published(GOLDEN_WEB_LANDING, tmp_path_factory, "golden-web")


@pytest.fixture(scope="session")
def golden_web_mart(golden_web_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mart published from the golden web / self-service fixture."""
    con = open_mart(golden_web_run.mart_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def asterisk_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    return _published(ASTERISK_LANDING, tmp_path_factory, "asterisk")


@pytest.fixture(scope="session")
def asterisk_mart(asterisk_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mart published from the hand-written Asterisk files."""
    con = open_mart(asterisk_run.mart_path)
    yield con
    con.close()


DEMO_END = date(2026, 3, 15)


@pytest.fixture(scope="session")
def demo_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("demo") / "landing"
    done = support_kpi(
        "generate",
        "--landing",
        str(landing),
        "--days",
        "75",
        "--scale",
        "0.03",
        "--seed",
        "7",
        "--end-date",
        DEMO_END.isoformat(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return landing


@pytest.fixture(scope="session")
def demo_run(demo_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    data_dir = tmp_path_factory.mktemp("demo-data") / "data"
    run = run_pipeline(demo_landing, data_dir)
    assert run.returncode == 0, run.output
    return run


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with every relation of the dbt project and no fact rows: the raw schema as the
    loader creates it, the seeds, and every model built with ``dbt build --empty`` (dbt >= 1.8).
    Enough for dbt unit tests, which need their parents' relations but not their rows (~20 s,
    against a whole pipeline run for a real warehouse)."""
    root = tmp_path_factory.mktemp("empty-warehouse")
    warehouse = root / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        ensure_raw_schema(con)
    finally:
        con.close()
    done = dbt("build", "--empty", "--exclude-resource-type", "unit_test", "test", warehouse=warehouse, work=root)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return warehouse


def dbt(
    *args: str,
    warehouse: Path,
    work: Path,
    project: Path = REPO / "dbt_project",
    dbt_vars: str | None = None,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """``dbt <args>`` of the real dbt project (or a copy of it, ``project``) against ``warehouse``
    (its profiles.yml), target and logs under ``work``, ``env`` set for its time: in this process,
    on a parse made once per project and vars (tests/dbt_in_process.py). Returns what the command
    line would: its return code, and its log lines as stdout."""
    done, _ = invoke(
        list(args), project=project, profiles_dir=project, warehouse=warehouse, work=work, dbt_vars=dbt_vars, env=env
    )
    return done


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the dbt project at ``tmp_path / "dbt_project"`` (no target, logs or packages),
    its seeds reached as in the repository (``../seeds``), for a test that adds or changes a file
    of the project and compiles it with ``dbt(..., project=project_copy, work=tmp_path)``."""
    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    (tmp_path / "seeds").symlink_to(REPO / "seeds")
    return project


def dbt_test_results(run_results: Path) -> dict[str, tuple[str, int]]:
    """``{test name: (status, failures)}`` of every data test in a dbt ``run_results.json``."""
    results = json.loads(run_results.read_text())["results"]
    return {
        r["unique_id"].split(".")[2]: (r["status"], r["failures"])
        for r in results
        if r["unique_id"].startswith("test.")
    }


def tampered_copy(warehouse: Path, work: Path, statements: Iterable[str]) -> Path:
    """``warehouse`` copied into ``work`` (created if missing) and changed with ``statements``."""
    work.mkdir(parents=True, exist_ok=True)
    copy = work / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return copy


Rows = list[tuple[str, list[Any]]]  # (insert statement, parameters) of one batch


def build_batches(
    empty_warehouse: Path,
    work: Path,
    batches: list[Rows],
    select: tuple[str, ...],
    query: str,
    built_batches: int = 0,
) -> tuple[Path, list[list[tuple]]]:
    """A small incremental scenario on a copy of the empty warehouse (or of one that has built
    ``built_batches`` batches already): for each batch, insert its rows, write the build plan
    (since_batch_id 0 for the first batch, then the batch before it: the batches are numbered 1,
    2, ... in their rows), ``dbt build`` of ``select`` and their parents without unit tests, and
    run ``query`` on the result. Returns the warehouse and each build's rows."""
    warehouse = tampered_copy(empty_warehouse, work, [])
    results: list[list[tuple]] = []
    for number, rows in enumerate(batches):
        con = duckdb.connect(str(warehouse))
        try:
            for statement, parameters in rows:
                con.execute(statement, parameters)
            con.execute("delete from raw_meta.build_plan")
            con.execute(
                "insert into raw_meta.build_plan values (?, [], '2026-03-02 13:00:00')", [built_batches + number]
            )
        finally:
            con.close()
        selected = ("--select", *(f"+{model}" for model in select), "--exclude-resource-type", "unit_test")
        done = dbt("build", *selected, warehouse=warehouse, work=work)
        assert done.returncode == 0, done.stdout[-4000:]
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            results.append(con.execute(query).fetchall())
        finally:
            con.close()
    return warehouse, results


def dbt_tests_of(copy: Path, work: Path, *command: str) -> dict[str, tuple[str, int]]:
    """Run ``dbt <command>`` on ``copy`` (target under ``work``) and return its tests' results."""
    done = dbt(*command, warehouse=copy, work=work)
    assert (work / "target" / "run_results.json").exists(), done.stdout[-4000:]
    return dbt_test_results(work / "target" / "run_results.json")


def tampered_dbt_test(
    warehouse: Path, work: Path, statements: Iterable[str], select: str
) -> dict[str, tuple[str, int]]:
    """Copy ``warehouse`` into ``work``, change it with ``statements``, run ``dbt test --select
    select`` ONCE on the copy (it must fail) and return its tests' results."""
    copy = tampered_copy(warehouse, work, statements)
    done = dbt("test", "--select", select, warehouse=copy, work=work)
    assert done.returncode != 0, done.stdout[-4000:]
    return dbt_test_results(work / "target" / "run_results.json")


# ---------------------------------------------------------------------------------------------
# Test tiers. This is the one place that decides which tests are `fast` (no pipeline run, no dbt
# build of real data) and which are `pipeline` (build a warehouse or run `support-kpi run`):
# `make test-fast` runs `-m fast`, `make test` runs both. Tests sharing a built warehouse get one
# xdist group, for `--dist loadgroup` (`make test` runs two workers; see _apply_xdist_group_suffix).
# ---------------------------------------------------------------------------------------------

# Session fixtures that build a warehouse (directly or through the fixtures they depend on).
SESSION_BUILDS = frozenset(
    {
        "golden_run",
        "golden_telephony_run",
        "golden_telephony_mart",
        "golden_surveys_run",
        "golden_surveys_mart",
        "golden_customers_run",
        "golden_customers_mart",
        "golden_customers_dates_run",
        "golden_web_run",
        "golden_web_mart",
        "asterisk_run",
        "asterisk_mart",
        "demo_run",
        "fresh_run",
        "incremental_transformed_run",
        "reference_utc",
        "reference_helsinki",
        "reference_kolkata",
    }
)
# Module fixtures that build a warehouse: their whole module is one xdist group.
MODULE_BUILDS = frozenset(
    {
        "quirks_run",
        "chain",
        "freshdesk_run",
        "ga4_run",
        "scenario",
        "compiled_required_agents_sql",
        "staffing_forecast",
        "tampered_results",
        "rules_tampered_results",
        "cutoff_builds",
        "boundaries_run",
        "zendesk_run",
        "currency_runs",
        "job_sequence",
    }
)
# Tests that run the CLI pipeline in their own body (no building fixture to recognise them by).
PIPELINE_TESTS = frozenset(
    {
        "tests/test_connectors_pipeline.py::test_run_pulls_both_apis_loads_and_publishes",
        "tests/test_pii.py::test_credentials_appear_in_no_output_log_or_report",
        "tests/test_properties_calls.py::test_calls_match_oracle",
        "tests/test_properties_tickets.py::test_fct_tickets_match_oracle",
        "tests/test_spark_golden.py::test_incremental_runs_on_spark",
    }
)

_current_tier: str | None = None


def guard_fast_tier(what: str) -> None:
    """Fail a `fast` test (or a fixture it set up) that starts a pipeline: it is misclassified."""
    if _current_tier == "fast":
        pytest.fail(f"{what} started by a test of the fast tier: list it in tests/conftest.py's tiers", pytrace=False)


def _function_nodeid(item: pytest.Item) -> str:
    return item.nodeid.split("[", 1)[0]


def tier_of(item: pytest.Item) -> str:
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & (SESSION_BUILDS | MODULE_BUILDS) or _function_nodeid(item) in PIPELINE_TESTS:
        return "pipeline"
    return "fast"


def _build_groups(items: list[pytest.Item]) -> dict[str, str]:
    """xdist group per pipeline test: the connected components of the builds the tests share."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    keys_of: dict[str, list[str]] = {}
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        keys = sorted(fixtures & SESSION_BUILDS)
        if fixtures & MODULE_BUILDS:
            keys.append(item.nodeid.split("::", 1)[0])
        for other in keys[1:]:
            parent[find(other)] = find(keys[0])
        keys_of[item.nodeid] = keys
    return {nodeid: find(keys[0]) for nodeid, keys in keys_of.items() if keys}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    pipeline = [item for item in items if tier_of(item) == "pipeline"]
    groups = _build_groups(pipeline)
    for item in items:
        item.add_marker(pytest.mark.pipeline if item in pipeline else pytest.mark.fast)
        if item.nodeid in groups:
            item.add_marker(pytest.mark.xdist_group(name=groups[item.nodeid]))
    items[:] = longest_first(items, groups)
    _apply_xdist_group_suffix(config, items)


def longest_first(items: list[pytest.Item], groups: dict[str, str]) -> list[pytest.Item]:
    """The order the workers take the work in: the units (a build group, or a test alone) with a
    Spark build first (each costs 200-500 s on this machine), then the other pipeline units, the
    larger first, then the fast tests; collection order within a rank. Longest first keeps one
    long test from starting last and running alone at the end (a CI run's last eight minutes were
    the Spark incremental test alone, a one-test unit that xdist's order by size put last)."""
    unit_of = {item.nodeid: groups.get(item.nodeid, item.nodeid) for item in items}
    size: dict[str, int] = {}
    spark: set[str] = set()
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        unit = unit_of[item.nodeid]
        size[unit] = size.get(unit, 0) + 1
        first.setdefault(unit, index)
        if item.get_closest_marker("spark"):
            spark.add(unit)

    def rank(index_item: tuple[int, pytest.Item]) -> tuple[int, int, int, int]:
        index, item = index_item
        unit = unit_of[item.nodeid]
        tier = 0 if unit in spark else 1 if item.get_closest_marker("pipeline") else 2
        return tier, -size[unit] if tier == 1 else 0, first[unit], index

    return [item for _, item in sorted(enumerate(items), key=rank)]


def _apply_xdist_group_suffix(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`--dist loadgroup` on a worker: give each grouped item the `<nodeid>@<group>` id the
    controller's scheduler splits on. pytest-xdist 3.8 does this by assigning `item._nodeid`, which
    pytest 9.2 no longer reads (`Node.nodeid` is `str(item._id)`), so nothing was grouped and every
    worker built every warehouse; setting the id pytest reads restores xdist's documented behaviour.
    """
    if not hasattr(config, "workerinput") or not config.getvalue("loadgroup"):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = sorted(
            {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")}
        )
        if names and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    # Set before the item's fixtures are set up, so a session fixture built for it is guarded too.
    global _current_tier
    _current_tier = "fast" if item.get_closest_marker("fast") else "pipeline"
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Any:
    global _current_tier
    try:
        return (yield)
    finally:
        _current_tier = None


def pytest_configure(config: pytest.Config) -> None:
    # The controller hands out the units in the order longest_first gave the items; xdist's own
    # reordering (by tests per unit) would put the one-test Spark units last again.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    # Under pytest-xdist the controller prepares dbt's manifest once, before the workers start,
    # so two workers' first runs never parse the project into the same target folder at once.
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        from dagster_project.manifest import ensure_manifest

        ensure_manifest()
