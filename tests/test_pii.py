"""No personal data and no credential leaves the pipeline.

1. The published mart of the demo run holds none of the e-mail addresses, caller numbers or
   free-text subjects/comments of its landing files: every column of every table and view is
   cast to text and compared with them (exact values; e-mails and numbers also inside longer text).
2. A run with API credentials in its environment writes none of them to its output, logs, run
   reports, dbt files or Dagster storage.
3. Keyed pseudonyms (issue 12): the mart's caller_number_hmac / email_hmac are HMAC-SHA-256 under
   a key kept outside the mart (env SUPPORT_KPI_PSEUDONYM_KEY, else <data-dir>/pseudonym.key,
   created 0600); the key is in no other file of the data dir, nor in dbt's target/ or logs.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dagster_project.contract import ENTITIES
from dagster_project.dbt_plugins.pseudonym import Plugin
from dagster_project.loading.files import entity_folder, file_format
from dagster_project.loading.sql import ident, literal
from dagster_project.pseudonym import KEY_ENV, KEY_FILE_NAME, resolve_key
from dagster_project.publish import open_mart
from dagster_project.settings import MART_FILE_NAME
from tests.conftest import GOLDEN_LANDING, REPO, CliRun, run_pipeline

# Free text shorter than this may legitimately equal a label ("Refund", "Thanks"): not compared.
MIN_TEXT_CHARS = 13
PII_KINDS = ("email", "phone", "text")


def _kind(column: str) -> str:
    if "email" in column:
        return "email"
    if "number" in column or "phone" in column:
        return "phone"
    return "text"


def _read_relation(path: Path) -> str:
    fmt = file_format(path)
    if fmt == "csv":
        return f"read_csv({literal(str(path))}, header = true, all_varchar = true)"
    if fmt == "jsonl":
        return f"read_json({literal(str(path))}, format = 'newline_delimited')"
    assert fmt == "parquet", path
    return f"read_parquet({literal(str(path))})"


def landing_pii(landing: Path) -> dict[str, set[str]]:
    """kind -> the values of the contract's PII columns in every landing file of the folder."""
    values: dict[str, set[str]] = {kind: set() for kind in PII_KINDS}
    con = duckdb.connect()
    try:
        for entity in ENTITIES:
            pii = [column.name for column in entity.columns if column.pii]
            folder = entity_folder(landing, entity)
            if not pii or not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if file_format(path) is None:
                    continue
                relation = _read_relation(path)
                present = {row[0] for row in con.execute(f"describe select * from {relation}").fetchall()}
                for column in (name for name in pii if name in present):
                    rows = con.execute(
                        f"select distinct trim(cast({ident(column)} as varchar)) from {relation} "
                        f"where {ident(column)} is not null"
                    ).fetchall()
                    values[_kind(column)].update(row[0] for row in rows if row[0])
    finally:
        con.close()
    values["text"] = {value for value in values["text"] if len(value) >= MIN_TEXT_CHARS}
    # A number written with spaces or dashes must not reach the mart normalised either.
    values["phone"] |= {re.sub(r"[\s\-().]", "", value) for value in values["phone"]}
    return values


@dataclass(frozen=True)
class Leak:
    table: str
    column: str
    kind: str
    value: str


@dataclass(frozen=True)
class Scan:
    tables: int
    columns: int
    leaks: list[Leak]


def scan_for_pii(con: duckdb.DuckDBPyConnection, catalog: str, values: dict[str, set[str]]) -> Scan:
    """Every column of every table/view of the catalog, as text, against the PII values."""
    con.execute("create or replace temp table _pii (kind varchar, value varchar)")
    con.executemany("insert into _pii values (?, ?)", [(kind, v) for kind, vs in values.items() for v in sorted(vs)])
    columns = con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? order by all",
        [catalog],
    ).fetchall()
    leaks: list[Leak] = []
    for schema, table, column, data_type in columns:
        qualified = f"{ident(catalog)}.{ident(schema)}.{ident(table)}"
        text = f"cast(t.{ident(column)} as varchar)"
        inside = f"or (p.kind in ('email', 'phone') and contains({text}, p.value))" if data_type == "VARCHAR" else ""
        rows = con.execute(
            f"select distinct p.kind, p.value from {qualified} t join _pii p on {text} = p.value {inside} limit 5"
        ).fetchall()
        leaks.extend(Leak(f"{schema}.{table}", column, kind, value) for kind, value in rows)
    tables = len({(schema, table) for schema, table, _, _ in columns})
    return Scan(tables=tables, columns=len(columns), leaks=leaks)


@pytest.fixture(scope="module")
def demo_pii(demo_landing: Path) -> dict[str, set[str]]:
    return landing_pii(demo_landing)


@pytest.fixture(scope="module")
def demo_mart(demo_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_mart(demo_run.mart_path)
    yield con
    con.close()


def test_the_landing_holds_personal_data_to_look_for(demo_pii: dict[str, set[str]]) -> None:
    assert len(demo_pii["email"]) > 20
    assert all("@" in value for value in demo_pii["email"])
    assert len(demo_pii["phone"]) > 20
    assert all(value.startswith("+") for value in demo_pii["phone"])
    assert len(demo_pii["text"]) > 5  # ticket subjects and survey comments


def test_the_scan_finds_a_planted_value(demo_pii: dict[str, set[str]]) -> None:
    """The scanner itself: a copied e-mail, a number inside a sentence and a comment are found."""
    email = sorted(demo_pii["email"])[0]
    phone = sorted(demo_pii["phone"])[0]
    comment = sorted(demo_pii["text"])[0]
    con = duckdb.connect()
    con.execute("attach ':memory:' as planted")
    con.execute("create table planted.main.t (a varchar, b varchar, c varchar, n integer)")
    con.execute("insert into planted.main.t values (?, ?, ?, 1)", [email, f"call {phone} back", comment])
    scan = scan_for_pii(con, "planted", demo_pii)
    found = {(leak.column, leak.kind, leak.value) for leak in scan.leaks}
    assert {("a", "email", email), ("b", "phone", phone), ("c", "text", comment)} <= found
    assert {(column, kind) for column, kind, _ in found} == {("a", "email"), ("b", "phone"), ("c", "text")}
    assert (scan.tables, scan.columns) == (1, 4)


def test_published_mart_holds_no_personal_data(
    demo_mart: duckdb.DuckDBPyConnection, demo_pii: dict[str, set[str]]
) -> None:
    scan = scan_for_pii(demo_mart, "published", demo_pii)
    assert scan.tables >= 10
    assert scan.columns > 100
    assert scan.leaks == []


# --- credentials -----------------------------------------------------------------------------

# The connectors' real credential variables (a pull needs ZENDESK_SUBDOMAIN / FRESHDESK_DOMAIN too,
# so none is attempted here; tests/test_connectors_pipeline.py checks a run that pulls with them).
CREDENTIAL_VARIABLES = (
    "ZENDESK_API_TOKEN",
    "ZENDESK_OAUTH_TOKEN",
    "FRESHDESK_API_KEY",
    "SUPPORT_KPI_API_PASSWORD",
    "SUPPORT_KPI_GA4_SERVICE_ACCOUNT_KEY",
)


def _files_under(folder: Path, since: float) -> list[Path]:
    if not folder.is_dir():
        return []
    return [path for path in folder.rglob("*") if path.is_file() and path.stat().st_mtime >= since]


def _read(path: Path) -> bytes | None:
    """The file's bytes; None when a concurrent dbt run removed it meanwhile (shared target folder)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def test_credentials_appear_in_no_output_log_or_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets_by_name = {name: f"secret-{name[-8:].lower()}-{secrets.token_hex(16)}" for name in CREDENTIAL_VARIABLES}
    for name, value in secrets_by_name.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(KEY_ENV, raising=False)  # the run generates <data-dir>/pseudonym.key
    # A persistent Dagster instance, so its run and event-log storage is written and scanned too.
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    started = time.time() - 1
    run = run_pipeline(GOLDEN_LANDING, tmp_path / "data")
    assert run.returncode == 0, run.output

    written = _files_under(run.data_dir, started)
    dagster_files = _files_under(dagster_home, started)
    dbt_files = [path for folder in ("target", "logs") for path in _files_under(REPO / "dbt_project" / folder, started)]
    # The scan is not vacuous: the run wrote its logs, report, warehouse, mart, dbt and Dagster files.
    names = {path.relative_to(run.data_dir).parts[0] for path in written}
    assert {"logs", "reports", MART_FILE_NAME, "warehouse.duckdb"} <= names, sorted(names)
    assert any(path.name == "dbt-build.log" for path in written)
    assert any(path.suffix == ".db" for path in dagster_files), dagster_files
    # dbt writes its target/ under <data-dir>/dbt/target (one folder per data dir), and no debug
    # file log (--log-level-file none): the build's log is logs/dbt-build.log, scanned here.
    assert any(path.name == "run_results.json" for path in written), "dbt's target/ not under the data dir"
    assert not any(path.name == "dbt.log" for path in written), "dbt wrote its debug file log"
    haystacks = [("output", run.output.encode())] + [
        (str(path), content) for path in written + dagster_files + dbt_files if (content := _read(path)) is not None
    ]
    for name, value in secrets_by_name.items():
        leaked = [where for where, content in haystacks if value.encode() in content]
        assert leaked == [], f"{name} leaked into {leaked}"

    # The pseudonym key: no SUPPORT_KPI_PSEUDONYM_KEY here, so the run generated the key file,
    # owner-only, and the key is in no other file the run wrote (data dir, dbt target/ and logs,
    # Dagster storage) nor in its output.
    key_path = run.data_dir / KEY_FILE_NAME
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    key = key_path.read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    leaked = [where for where, content in haystacks if key.encode() in content and where != str(key_path)]
    assert leaked == [], f"the pseudonym key leaked into {leaked}"
    # Each customer's email_hmac is HMAC-SHA-256(key, lower(trim(email))) of its landing row.
    warehouse = duckdb.connect(str(run.data_dir / "warehouse.duckdb"), read_only=True)
    try:
        emails = dict(warehouse.execute("select customer_id, email from raw_crm.customers").fetchall())
    finally:
        warehouse.close()
    mart = open_mart(run.mart_path)
    try:
        hashed = dict(mart.execute("select customer_id, email_hmac from mart.dim_customers").fetchall())
    finally:
        mart.close()
    assert len(emails) >= 5 and set(hashed) == set(emails)
    for customer, email in emails.items():
        expected = hmac.new(key.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest() if email else None
        assert hashed[customer] == expected, customer


# --- keyed pseudonyms: the SQL function itself (no pipeline run) ------------------------------


def _pseudonyms(data_dir: Path, *values: str | None) -> list[str | None]:
    """pseudonym_hmac(value) of each value, through the dbt-duckdb plugin on a fresh connection."""
    plugin = Plugin("pseudonym", {}, credentials=type("Creds", (), {"path": str(data_dir / "warehouse.duckdb")})())
    con = duckdb.connect()
    try:
        plugin.configure_connection(con)
        return [con.execute("select pseudonym_hmac(?)", [value]).fetchone()[0] for value in values]
    finally:
        con.close()


def test_pseudonym_is_keyed_hmac(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # RFC 4231 test case 2: HMAC-SHA-256(key "Jefe", "what do ya want for nothing?").
    monkeypatch.setenv(KEY_ENV, "Jefe")
    rfc = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert _pseudonyms(tmp_path, "what do ya want for nothing?", None) == [rfc, None]
    assert rfc == hmac.new(b"Jefe", b"what do ya want for nothing?", hashlib.sha256).hexdigest()
    assert not (tmp_path / KEY_FILE_NAME).exists()  # a key from the environment writes no file

    # Same key, same input: same value, also on another connection (another run, another table).
    [first] = _pseudonyms(tmp_path, "46701234567")
    assert _pseudonyms(tmp_path, "46701234567") == [first]
    assert first == hmac.new(b"Jefe", b"46701234567", hashlib.sha256).hexdigest()
    assert first != hashlib.sha256(b"46701234567").hexdigest()
    # Another key: another value (rotating the key changes every pseudonym).
    monkeypatch.setenv(KEY_ENV, "another key")
    assert _pseudonyms(tmp_path, "46701234567") != [first]


def test_pseudonym_key_file_is_generated_once_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    data_dir = tmp_path / "data"
    [value] = _pseudonyms(data_dir, "c01@example.com")
    key_path = data_dir / KEY_FILE_NAME
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    key = key_path.read_text(encoding="utf-8").strip()
    assert value == hmac.new(key.encode(), b"c01@example.com", hashlib.sha256).hexdigest()
    # Read again, not regenerated: the next run joins with this one.
    assert _pseudonyms(data_dir, "c01@example.com") == [value]
    assert resolve_key(data_dir) == key.encode()
    # Two data dirs, two keys.
    assert _pseudonyms(tmp_path / "other", "c01@example.com") != [value]
    assert os.listdir(data_dir) == [KEY_FILE_NAME]


def test_settings_name_the_key_file_the_plugin_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster_project.settings import Settings

    monkeypatch.delenv(KEY_ENV, raising=False)
    settings = Settings(landing_dir=tmp_path / "landing", data_dir=tmp_path / "data")
    _pseudonyms(settings.warehouse_path.parent, "x")
    assert settings.pseudonym_key_path.is_file()
