"""One settings tree (issue 13 item 2): the loader's precedence, `support-kpi config`, bad values,
no os.environ outside the loader, and settings that shape the mart rebuilding / reloading it."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.config import SettingsError, load, load_resolved
from dagster_project.contract import get_entity
from dagster_project.loading import load_entity, pending_files
from dagster_project.settings import MART_FILE_NAME
from tests.conftest import FIXTURES, GOLDEN_CUSTOMERS_LANDING, REPO, CliRun, copy_data_dir, run_pipeline, support_kpi

SECRET = "zd-token-do-not-print-7f3a9"

TOML = """
[paths]
landing = "from-toml/landing"

[reporting]
currency = "USD"
time_zone = "Europe/Berlin"

[zendesk]
api_token = "{secret}"
escalation_tag = "esc_toml"
channel_map = {{ sms = "phone", any_channel = "social:linkedin" }}

[dbt.vars]
short_abandon_seconds = 7

[asterisk]
outbound_contexts = ["*out*", "dial-*"]
"""


@pytest.fixture
def toml_file(tmp_path: Path) -> Path:
    path = tmp_path / "support_kpi.toml"
    path.write_text(TOML.format(secret=SECRET))
    return path


def test_precedence_defaults_toml_env_cli(toml_file: Path, tmp_path: Path) -> None:
    env = {"SUPPORT_KPI_REPORTING_CURRENCY": "gbp", "SUPPORT_KPI_DATA_DIR": str(tmp_path / "env-data")}
    settings = load(config=toml_file, cli={"paths.data_dir": tmp_path / "cli-data"}, environ=env)
    values = settings.values()
    # default
    assert values.source("dbt.threads") == "default" and settings.dbt.threads == 2
    # toml
    assert values.source("reporting.time_zone") == str(toml_file)
    assert settings.reporting.time_zone == "Europe/Berlin"
    assert settings.landing_dir == Path("from-toml/landing").resolve()
    assert settings.dbt.vars["short_abandon_seconds"] == 7
    assert settings.zendesk.escalation_tag == "esc_toml"
    assert settings.zendesk.channel("sms") == ("phone", None)
    assert settings.zendesk.channel("any_channel") == ("social", "linkedin")
    assert settings.asterisk.outbound_contexts == ("*out*", "dial-*")
    # env over toml
    assert values.source("reporting.currency") == "env SUPPORT_KPI_REPORTING_CURRENCY"
    assert settings.reporting.currency == "GBP"
    assert settings.dbt.vars["reporting_currency"] == "GBP"
    # CLI over env
    assert values.source("paths.data_dir") == "--data-dir"
    assert settings.data_dir == (tmp_path / "cli-data").resolve()
    # the vendor credentials the connectors read are settings too
    assert settings.env_view()["ZENDESK_API_TOKEN"] == SECRET


def test_config_file_from_env_and_from_the_working_directory(toml_file: Path, tmp_path: Path, monkeypatch) -> None:
    assert load_resolved(environ={"SUPPORT_KPI_CONFIG": str(toml_file)}).config_path == toml_file
    monkeypatch.chdir(toml_file.parent)
    assert load_resolved(environ={}).config_path == toml_file
    monkeypatch.chdir(tmp_path.parent)
    assert load_resolved(environ={}).config_path is None
    with pytest.raises(SettingsError, match="SUPPORT_KPI_CONFIG: no such file"):
        load_resolved(environ={"SUPPORT_KPI_CONFIG": str(tmp_path / "missing.toml")})


@pytest.mark.parametrize(
    ("env", "value", "message"),
    [
        ("SUPPORT_KPI_REPORTING_TIME_ZONE", "Mars/Olympus", r"reporting\.time_zone is not a known IANA time zone"),
        ("SUPPORT_KPI_ASTERISK_CDR_TIME_ZONE", "Europe/Nowhere", r"asterisk\.cdr_time_zone is not a known IANA"),
        ("SUPPORT_KPI_DBT_THREADS", "two", r"dbt\.threads must be a whole number, got 'two'"),
        ("SUPPORT_KPI_DBT_VAR_SHORT_ABANDON_SECONDS", "5s", r"dbt\.vars\.short_abandon_seconds must be a whole"),
        ("SUPPORT_KPI_GATE_ORPHAN_EVENTS_PCT", "150", r"gates\.orphan_events_pct must be a number between 0 and 100"),
        ("SUPPORT_KPI_REPORTING_CURRENCY", "euro", r"reporting\.currency must be a 3-letter currency code"),
        ("SUPPORT_KPI_GATE_ENGINE", "pandas", r"gates\.engine must be \"sql\" or \"gx\", got 'pandas'"),
    ],
)
def test_bad_value_names_the_setting_and_its_source(env: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message + r".*\(from env " + env + r"\)"):
        load(environ={env: value})


def test_bad_vendor_value_names_the_setting_and_the_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[zendesk]\ndefault_priority = "whenever"\n')
    with pytest.raises(SettingsError, match=r"zendesk\.default_priority: .*whenever.*\(from " + str(path)):
        load(config=path, environ={})
    path.write_text('[reporting]\ncurency = "USD"\n')
    with pytest.raises(SettingsError, match=r"unknown setting 'reporting\.curency'"):
        load(config=path, environ={})


def test_secret_changes_are_masked_in_the_reason() -> None:
    from dagster_project.config import changes, describe_changes

    found = changes(
        {"pseudonym.key": "hmac:aaaa", "reporting.currency": "EUR"},
        {"pseudonym.key": "hmac:bbbb", "reporting.currency": "EUR"},
    )
    assert describe_changes(found) == "settings changed: pseudonym.key **** → ****"


def test_support_kpi_config_shows_each_source_and_masks_secrets(toml_file: Path, tmp_path: Path) -> None:
    import os

    env_before = os.environ.get("SUPPORT_KPI_REPORTING_CURRENCY")
    os.environ["SUPPORT_KPI_REPORTING_CURRENCY"] = "JPY"
    try:
        done = support_kpi("--config", str(toml_file), "config", "--data-dir", str(tmp_path / "d"), "--json")
        table = support_kpi("--config", str(toml_file), "config")
    finally:
        if env_before is None:
            del os.environ["SUPPORT_KPI_REPORTING_CURRENCY"]
        else:
            os.environ["SUPPORT_KPI_REPORTING_CURRENCY"] = env_before
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr and SECRET[:4] not in done.stdout
    document = json.loads(done.stdout)
    assert document["config_file"] == str(toml_file)
    rows = {row["key"]: row for row in document["settings"]}
    assert rows["reporting.currency"] | {} == {
        **rows["reporting.currency"],
        "value": "JPY",
        "source": "env SUPPORT_KPI_REPORTING_CURRENCY",
        "shapes_mart": True,
    }
    assert (rows["reporting.time_zone"]["value"], rows["reporting.time_zone"]["source"]) == (
        "Europe/Berlin",
        str(toml_file),
    )
    assert (rows["zendesk.api_token"]["value"], rows["zendesk.api_token"]["secret"]) == ("****", True)
    assert (rows["paths.data_dir"]["value"], rows["paths.data_dir"]["source"]) == (
        str((tmp_path / "d").resolve()),
        "--data-dir",
    )
    assert (rows["dbt.threads"]["value"], rows["dbt.threads"]["source"]) == ("2", "default")
    assert rows["zendesk.channel_map"]["reloads"] == ["zendesk"]
    assert rows["pseudonym.key"]["secret"] and rows["pseudonym.key"]["shapes_mart"]
    # the table says the same
    assert table.returncode == 0, table.stderr
    assert SECRET not in table.stdout
    line = next(line for line in table.stdout.splitlines() if line.startswith("zendesk.api_token "))
    assert "****" in line and "/support_kpi.toml" in line
    line = next(line for line in table.stdout.splitlines() if line.startswith("reporting.currency "))
    assert "JPY" in line and "env SUPPORT_KPI_REPORTING_CURRENCY" in line and "rebuilds the mart" in line


def test_support_kpi_config_rejects_a_bad_value_with_its_source(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[reporting]\ntime_zone = "Atlantis/Capital"\n')
    done = support_kpi("--config", str(path), "config")
    assert done.returncode == 2
    assert "reporting.time_zone is not a known IANA time zone" in done.stderr and str(path) in done.stderr


def _reads_os_environ(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        env_attribute = isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv", "unsetenv")
        if env_attribute and isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.append(node.lineno)
        env_import = isinstance(node, ast.ImportFrom) and node.module == "os"
        if env_import and any(alias.name in ("environ", "getenv") for alias in node.names):
            lines.append(node.lineno)
    return lines


def test_no_module_but_the_loader_reads_the_environment() -> None:
    package = REPO / "dagster_project"
    found = {
        str(path.relative_to(REPO)): lines
        for path in sorted(package.rglob("*.py"))
        if (lines := _reads_os_environ(ast.parse(path.read_text(), str(path))))
    }
    assert set(found) == {"dagster_project/config.py"}, found
    # and the test itself can fail: the loader is found
    assert found["dagster_project/config.py"]


def test_nothing_is_read_at_import_time() -> None:
    from dagster_project.defs.resources import PipelineSettings

    fields = PipelineSettings.model_fields
    assert all(fields[name].default is None for name in ("landing_dir", "data_dir", "config_path"))


# --- adapter mappings: files read under an old mapping are read again ------------------------


def test_changed_adapter_mapping_reloads_its_files_with_the_reason(tmp_path: Path, monkeypatch) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURES / "zendesk" / "landing", landing)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    tickets = get_entity("helpdesk", "tickets")
    groups = get_entity("helpdesk", "groups")
    for var in ("SUPPORT_KPI_ZENDESK_CHANNEL_MAP", "SUPPORT_KPI_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    first = load_entity(con, landing, tickets)
    load_entity(con, landing, groups)
    assert first.files_loaded >= 1 and first.files_reloaded == {}
    assert pending_files(con, landing, tickets) == []

    def channel(ticket: str) -> str:
        return con.execute(
            "select channel from raw_helpdesk.tickets where ticket_id = ? order by _batch_id desc limit 1", [ticket]
        ).fetchone()[0]

    assert channel("1003") == "chat"
    monkeypatch.setenv("SUPPORT_KPI_ZENDESK_CHANNEL_MAP", "chat=email")
    pending = pending_files(con, landing, tickets)
    assert pending and all(file.format == "zendesk" for file in pending)
    reason = "adapter settings changed: zendesk.channel_map (default) → chat=email"
    assert all(reason in (file.reload_reason or "") for file in pending)
    assert pending_files(con, landing, groups) != []  # the mapping is the adapter's, for every entity it feeds
    again = load_entity(con, landing, tickets)
    assert set(again.files_reloaded) == {file.relative_path for file in pending}
    assert channel("1003") == "email"
    assert pending_files(con, landing, tickets) == []
    # back to the default: read again, the default mapping named
    monkeypatch.delenv("SUPPORT_KPI_ZENDESK_CHANNEL_MAP")
    (file,) = pending_files(con, landing, tickets)[:1]
    assert "zendesk.channel_map chat=email → (default)" in (file.reload_reason or "")
    con.close()


def test_files_loaded_before_settings_were_recorded_are_not_reloaded_under_defaults(tmp_path: Path) -> None:
    from dagster_project.config import default_settings
    from dagster_project.loading.files import reload_reason

    now = json.dumps(
        {
            "settings": __import__("dagster_project.config").config.adapter_fingerprint(default_settings(), "zendesk"),
            "evidence": "abc",
        },
        sort_keys=True,
    )
    assert reload_reason("abc", now, "zendesk") is None  # the old ledger stored the evidence alone
    assert reload_reason("other", now, "zendesk") == (
        "folder-wide facts the adapter reads changed (e.g. Zendesk agent evidence)"
    )


# --- the pipeline: a mart-shaping setting rebuilds; nothing changed is nothing to do ---------


def _money(mart: Path) -> tuple[tuple[str, str, float | None], ...]:
    """Sum of every money column of the mart (revenue, order value, cost, amount)."""
    con = duckdb.connect(str(mart), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns where table_schema = 'mart' "
            "and regexp_matches(column_name, '(revenue|order_value|cost|amount)') "
            "and (data_type like 'DECIMAL%' or data_type in ('DOUBLE', 'FLOAT', 'REAL')) order by all"
        ).fetchall()
        return tuple(
            (table, column, con.execute(f'select round(sum("{column}"), 4) from mart."{table}"').fetchone()[0])
            for table, column in columns
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def currency_runs(golden_customers_run: CliRun, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Runs over the same golden customer files in one data dir: EUR (the session's golden customers
    run, under the default currency, copied), unchanged, USD, unchanged."""
    import os

    assert "SUPPORT_KPI_REPORTING_CURRENCY" not in os.environ  # the golden run used the default
    data_dir = tmp_path_factory.mktemp("settings_currency") / "data"
    copy_data_dir(golden_customers_run.data_dir, data_dir)
    eur = _money(data_dir / MART_FILE_NAME)
    state_eur = json.loads((data_dir / "published_state.json").read_text())
    assert state_eur["settings"]["reporting.currency"] == "EUR"
    try:
        second = run_pipeline(GOLDEN_CUSTOMERS_LANDING, data_dir)
        os.environ["SUPPORT_KPI_REPORTING_CURRENCY"] = "USD"
        third = run_pipeline(GOLDEN_CUSTOMERS_LANDING, data_dir)
        assert third.returncode == 0, third.output
        usd = _money(third.mart_path)
        fourth = run_pipeline(GOLDEN_CUSTOMERS_LANDING, data_dir)
    finally:
        os.environ.pop("SUPPORT_KPI_REPORTING_CURRENCY", None)
    return {
        "second": second,
        "third": third,
        "fourth": fourth,
        "eur": eur,
        "usd": usd,
        "state_eur": state_eur,
        "state_usd": json.loads((data_dir / "published_state.json").read_text()),
        "data_dir": data_dir,
    }


def test_unchanged_settings_are_nothing_to_do(currency_runs: dict) -> None:
    second = currency_runs["second"]
    assert second.returncode == 0, second.output
    assert "nothing to do" in second.output
    fourth = currency_runs["fourth"]
    assert fourth.returncode == 0 and "nothing to do" in fourth.output, fourth.output


def test_changed_currency_rebuilds_the_mart_and_says_why(currency_runs: dict) -> None:
    third = currency_runs["third"]
    assert "nothing to do" not in third.output
    assert "settings changed: reporting.currency EUR → USD" in third.output, third.output
    eur_sums = currency_runs["eur"]
    usd_sums = currency_runs["usd"]
    assert eur_sums, "no money column found in the mart"
    changed = [(e, u) for e, u in zip(eur_sums, usd_sums, strict=True) if e[2] != u[2]]
    assert changed, (eur_sums, usd_sums)
    assert currency_runs["state_eur"]["settings"]["reporting.currency"] == "EUR"
    assert currency_runs["state_usd"]["settings"]["reporting.currency"] == "USD"
    # the pseudonym key is in the fingerprint as a keyed hash, never the key itself
    recorded = json.dumps(currency_runs["state_usd"])
    assert "support-kpi-test-session-key" not in recorded
    assert currency_runs["state_usd"]["settings"]["pseudonym.key"].startswith("hmac:")


def test_changed_currency_reason_is_in_the_run_report(currency_runs: dict) -> None:
    reports = sorted((currency_runs["data_dir"] / "reports").glob("*.json"))
    texts = [path.read_text() for path in reports]
    wanted = "settings changed: reporting.currency EUR → USD"
    assert any(wanted in json.dumps(json.loads(text), ensure_ascii=False) for text in texts), reports


def test_dbt_profile_and_vars_come_from_the_settings(currency_runs: dict) -> None:
    text = (currency_runs["data_dir"] / "dbt" / "profiles.yml").read_text()
    # the warehouse relative to the data dir, where dbt runs (dagster_project/dbt_in_data_dir.py)
    assert 'path: warehouse.duckdb' in text
    assert (currency_runs["data_dir"] / "warehouse.duckdb").exists()
    assert "support-kpi-test-session-key" not in text


def test_paths_from_the_toml_file_reach_commands_given_no_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command without --landing / --data-dir uses the settings' paths (here the toml file's),
    not a default of its own: `checksum` looks for the mart in the toml's data dir."""
    # The environment beats the toml file: clear the paths an earlier run in this process exported.
    for name in ("SUPPORT_KPI_LANDING", "SUPPORT_KPI_DATA_DIR", "SUPPORT_KPI_WAREHOUSE", "SUPPORT_KPI_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    data_dir = tmp_path / "toml-data"
    path = tmp_path / "support_kpi.toml"
    path.write_text(f'[paths]\nlanding = "{tmp_path / "toml-landing"}"\ndata_dir = "{data_dir}"\n')
    done = support_kpi("--config", str(path), "checksum")
    assert done.returncode == 1
    assert str(data_dir / "support_kpi.duckdb") in done.stderr, done.stderr
    listing = json.loads(support_kpi("--config", str(path), "config", "--json").stdout)
    sources = {row["key"]: (row["value"], row["source"]) for row in listing["settings"]}
    assert sources["paths.data_dir"][0] == str(data_dir)
    assert "support_kpi.toml" in sources["paths.data_dir"][1]
