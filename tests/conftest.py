"""Shared, session-scoped fixtures: each built warehouse is paid for once per test session.

`support-kpi run` costs Dagster and dbt start-up (tens of seconds), so the integration tests share
a few runs: the golden helpdesk fixture, and a small generated demo data set.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.publish import open_mart
from dagster_project.settings import MART_FILE_NAME

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
def golden_telephony_mart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mart published from the golden telephony fixture."""
    con = open_mart(_published(GOLDEN_TELEPHONY_LANDING, tmp_path_factory, "golden-telephony").mart_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def golden_surveys_mart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mart published from the golden survey fixture."""
    con = open_mart(_published(GOLDEN_SURVEYS_LANDING, tmp_path_factory, "golden-surveys").mart_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def golden_customers_mart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mart published from the golden customers fixture."""
    con = open_mart(_published(GOLDEN_CUSTOMERS_LANDING, tmp_path_factory, "golden-customers").mart_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def golden_customers_dates_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    """The run of the dates-only CRM export with customers on month boundaries."""
    return _published(GOLDEN_CUSTOMERS_DATES_LANDING, tmp_path_factory, "golden-customers-dates")


@pytest.fixture(scope="session")
def golden_web_mart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mart published from the golden web / self-service fixture."""
    con = open_mart(_published(GOLDEN_WEB_LANDING, tmp_path_factory, "golden-web").mart_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def asterisk_mart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the mart published from the hand-written Asterisk files."""
    con = open_mart(_published(ASTERISK_LANDING, tmp_path_factory, "asterisk").mart_path)
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
