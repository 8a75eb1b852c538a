"""The semantic layer agrees with the scorecard (issue 15): for every KPI of the registry and every
month of the golden fixtures, `support-kpi metrics query` (MetricFlow over the published mart)
gives the scorecard's value; the declared numerator and denominator over MetricFlow's input metrics
are the scorecard's; and a roll-up to the quarter is the KPI's expression over its inputs added up
over the quarter (flows summed, stocks at the quarter's first or last month), never an average of
monthly values.

One test per golden fixture (each shares its fixture's built warehouse); FAMILIES says which
registry families a fixture covers, and a fast test checks that together they cover every family.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dagster_project.publish import open_mart
from tests.conftest import REPO, CliRun, support_kpi
from tests.test_kpi_registry import registry_kpis

# Golden fixture -> the registry families whose every KPI it checks.
FAMILIES = {
    "golden_run": {"helpdesk_volume", "helpdesk_backlog", "helpdesk_speed", "helpdesk_quality"},
    "golden_telephony_run": {"telephony"},
    "golden_surveys_run": {"surveys"},
    "golden_web_run": {"self_service_social"},
    "golden_customers_run": {"customers", "costs"},
}
Values = dict[tuple[str, date], float | None]


def mf_values(run: CliRun, kpi_ids: list[str], grain: str, work: Path) -> Values:
    """``{(kpi_id, period start): value}`` from one `support-kpi metrics query` of every KPI."""
    out = work / f"{grain}.csv"
    done = support_kpi(
        "metrics",
        "query",
        "--data-dir",
        str(run.data_dir),
        "--metrics",
        ",".join(kpi_ids),
        "--group-by",
        f"metric_time__{grain}",
        "--csv",
        str(out),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    values: Values = {}
    with out.open() as handle:
        for row in csv.DictReader(handle):
            figures = {kpi_id: float(row[kpi_id]) if row[kpi_id] else None for kpi_id in kpi_ids}
            if not row[f"metric_time__{grain}"]:
                # Facts without the month a measure is timed by (a ticket never resolved) form a
                # group without a time: every measure leaves them out, so no KPI has a value there
                # (a count shows its fill value, 0).
                assert set(figures.values()) <= {None, 0.0}, figures
                continue
            period = date.fromisoformat(row[f"metric_time__{grain}"][:10])
            values |= {(kpi_id, period): figure for kpi_id, figure in figures.items()}
    return values


def kpi_inputs(metric: dict[str, Any]) -> list[str]:
    """The simple metrics a KPI is computed from (a count is its own input)."""
    if metric["type"] == "simple":
        return [metric["name"]]
    return sorted({m["name"] for m in metric["type_params"]["metrics"]})


def evaluate(expression: str, inputs: dict[str, float | None]) -> float | None:
    """A registry expression over input metric values, evaluated by DuckDB (as the mart's SQL)."""
    names = sorted(inputs)
    columns = ", ".join(f"cast(? as double) as {name}" for name in names)
    row = duckdb.execute(f"select cast(({expression}) as double) from (select {columns})", [inputs[n] for n in names])
    return row.fetchone()[0]


def check_fixture(run: CliRun, families: set[str], work: Path) -> None:
    manifest = json.loads((run.data_dir / "dbt" / "target" / "manifest.json").read_text())
    registry = registry_kpis(manifest)
    # How an input adds up over a quarter: a flow sums its months; a stock (a measure with a
    # non-additive time dimension) takes the first month (window_choice min: customers at the
    # start) or the last (max: backlog and customers at the end, the 12-month CLV window).
    window_choice = {
        measure["name"]: (measure["non_additive_dimension"] or {}).get("window_choice")
        for model in manifest["semantic_models"].values()
        for measure in model["measures"]
    }
    metrics = {m["name"]: m for m in manifest["metrics"].values()}
    # Month-over-month changes have no quarterly value to check.
    offsets = {k for k, m in registry.items() if any(i["offset_window"] for i in m["type_params"]["metrics"])}
    kpi_ids = sorted(k for k, m in registry.items() if m["config"]["meta"]["kpi"]["family"] in families)
    con = open_mart(run.mart_path)
    try:
        scorecard = con.execute(
            "select kpi_id, month, value, numerator, denominator from mart.kpi_scorecard_monthly "
            "where kpi_id in (select unnest(?))",
            [kpi_ids],
        ).fetchall()
        every_id = {row[0] for row in con.execute("select distinct kpi_id from mart.kpi_scorecard_monthly").fetchall()}
    finally:
        con.close()
    # Every registry KPI of the families has rows, and no scorecard row comes from anywhere else.
    assert {row[0] for row in scorecard} == set(kpi_ids)
    assert every_id <= set(registry)

    # One query by month for the KPIs and their input metrics.
    rolled = sorted(set(kpi_ids) - offsets)
    input_names = sorted({name for kpi_id in rolled for name in kpi_inputs(registry[kpi_id])})
    by_month = mf_values(run, sorted(set(kpi_ids) | set(input_names)), "month", work)

    # By month: MetricFlow's value is the scorecard's, and it has none the scorecard lacks.
    monthly = {key: value for key, value in by_month.items() if key[0] in kpi_ids}
    checked = 0
    for kpi_id, month, value, _numerator, _denominator in scorecard:
        got = monthly.get((kpi_id, month))
        if value is None:
            assert got is None, (kpi_id, month, got)
        elif got is None and registry[kpi_id]["type"] == "simple":
            # A count with no fact rows in a month where no other queried metric has any either:
            # MetricFlow has no row for it, the scorecard (a row for every month with source data) 0.
            assert value == 0, (kpi_id, month)
        else:
            assert got == pytest.approx(value, rel=1e-9), (kpi_id, month)
            checked += 1
    assert checked >= len(kpi_ids)
    with_value = {(row[0], row[1]) for row in scorecard if row[2] is not None}
    extra = {
        key: value
        for key, value in monthly.items()
        if value is not None
        and key not in with_value
        # a count filled with 0 in a month another queried metric has rows for
        and not (registry[key[0]]["type"] == "simple" and value == 0)
    }
    assert extra == {}

    # The input metrics by month, tied to the scorecard: the declared numerator and denominator
    # over them are the scorecard's numerator and denominator.
    inputs_monthly = {key: value for key, value in by_month.items() if key[0] in input_names}
    months: dict[tuple[str, date], list[date]] = defaultdict(list)
    for kpi_id, month, _value, numerator, denominator in scorecard:
        if kpi_id in offsets:
            continue
        months[(kpi_id, date(month.year, 3 * ((month.month - 1) // 3) + 1, 1))].append(month)
        if registry[kpi_id]["type"] == "simple":
            continue
        entry = registry[kpi_id]["config"]["meta"]["kpi"]
        inputs = {name: inputs_monthly.get((name, month)) or 0.0 for name in kpi_inputs(registry[kpi_id])}
        for expression, figure in ((entry["numerator"], numerator), (entry["denominator"], denominator)):
            got = evaluate(expression, inputs)
            assert got == (None if figure is None else pytest.approx(figure, rel=1e-9, abs=1e-12)), (kpi_id, month)

    # By quarter: each input added up over the quarter's months by its kind (never an average of
    # monthly values), the KPI's own expression over those totals.
    quarterly = mf_values(run, rolled, "quarter", work)
    for (kpi_id, quarter), quarter_months in months.items():
        inputs = {}
        for name in kpi_inputs(registry[kpi_id]):
            figures = {month: inputs_monthly.get((name, month)) or 0.0 for month in quarter_months}
            choice = window_choice[metrics[name]["type_params"]["measure"]["name"]]
            if choice == "min":
                inputs[name] = figures[min(figures)]
            elif choice == "max":
                inputs[name] = figures[max(figures)]
            else:
                inputs[name] = sum(figures.values())
        metric = registry[kpi_id]
        expected = inputs[kpi_id] if metric["type"] == "simple" else evaluate(metric["type_params"]["expr"], inputs)
        got = quarterly.get((kpi_id, quarter))
        if expected is None:
            assert got is None, (kpi_id, quarter, got)
        elif got is None and metric["type"] == "simple":
            assert expected == 0, (kpi_id, quarter)
        else:
            assert got == pytest.approx(expected, rel=1e-9), (kpi_id, quarter)


def test_the_fixtures_cover_every_family_of_the_registry() -> None:
    """Each registry file is one family; every family is checked against MetricFlow by a fixture."""
    files = (REPO / "dbt_project" / "models" / "marts" / "kpi" / "registry").glob("_kpis__*.yml")
    declared = {path.stem.removeprefix("_kpis__") for path in files}
    assert declared == set().union(*FAMILIES.values())


def test_helpdesk(golden_run: CliRun, tmp_path: Path) -> None:
    check_fixture(golden_run, FAMILIES["golden_run"], tmp_path)


def test_telephony(golden_telephony_run: CliRun, tmp_path: Path) -> None:
    check_fixture(golden_telephony_run, FAMILIES["golden_telephony_run"], tmp_path)


def test_surveys(golden_surveys_run: CliRun, tmp_path: Path) -> None:
    check_fixture(golden_surveys_run, FAMILIES["golden_surveys_run"], tmp_path)


def test_self_service_and_social(golden_web_run: CliRun, tmp_path: Path) -> None:
    check_fixture(golden_web_run, FAMILIES["golden_web_run"], tmp_path)


def test_customers_and_costs(golden_customers_run: CliRun, tmp_path: Path) -> None:
    check_fixture(golden_customers_run, FAMILIES["golden_customers_run"], tmp_path)


def test_customer_quarters_by_hand(golden_customers_run: CliRun, tmp_path: Path) -> None:
    """Quarterly churn and retention of the golden customers fixture worked out by hand (ledger in
    test_golden_customers.py): Q1 2024 starts with S = 200 (January), loses 20 + 0 + 20, gains
    20 + 50 + 10 and ends with E = 240 -> churn 40 / 200 = 20 %, retention (240 - 80) / 200 = 80 %;
    Q2 2024: S = 240, lost 80, new 1, E = 160 -> 33.3 % and 159 / 240. Q4 2023 (December only)
    starts with nobody: no churn value."""
    kpi_ids = ["customers_start", "customers_end", "churn_rate_pct", "customer_retention_rate_pct"]
    quarterly = mf_values(golden_customers_run, kpi_ids, "quarter", tmp_path)
    q4_2023, q1, q2 = date(2023, 10, 1), date(2024, 1, 1), date(2024, 4, 1)
    expected = {
        ("customers_start", q1): 200,
        ("customers_end", q1): 240,
        ("churn_rate_pct", q1): 20,
        ("customer_retention_rate_pct", q1): 80,
        ("customers_start", q2): 240,
        ("customers_end", q2): 160,
        ("churn_rate_pct", q2): 100 * 80 / 240,
        ("customer_retention_rate_pct", q2): 100 * 159 / 240,
        ("customers_start", q4_2023): 0,
        ("customers_end", q4_2023): 200,
    }
    for key, value in expected.items():
        assert quarterly[key] == pytest.approx(value, rel=1e-12), key
    assert quarterly[("churn_rate_pct", q4_2023)] is None


def test_saved_queries_answer_from_the_mart(golden_run: CliRun, tmp_path: Path) -> None:
    """Every saved query (models/marts/kpi/_saved_queries.yml) runs against the published mart; the
    company-wide one gives the scorecard's values."""
    manifest = json.loads((golden_run.data_dir / "dbt" / "target" / "manifest.json").read_text())
    names = sorted(query["name"] for query in manifest["saved_queries"].values())
    assert len(names) >= 4
    for name in names:
        out = tmp_path / f"{name}.csv"
        done = support_kpi(
            "metrics", "query", "--data-dir", str(golden_run.data_dir), "--saved-query", name, "--csv", str(out)
        )
        # mf writes no file for an empty result (this fixture has no calls or surveys)
        assert done.returncode == 0 and "ERROR" not in done.stdout + done.stderr, done.stdout[-3000:]
    with (tmp_path / "monthly_helpdesk_volume.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    con = open_mart(golden_run.mart_path)
    try:
        for row in rows:
            month = date.fromisoformat(row["metric_time__month"][:10])
            for kpi_id in ("tickets_created", "tickets_resolved", "tickets_unresolved_end_of_month"):
                value = con.execute(
                    "select value from mart.kpi_scorecard_monthly where kpi_id = ? and month = ?", [kpi_id, month]
                ).fetchone()[0]
                assert float(row[kpi_id]) == pytest.approx(value), (kpi_id, month)
    finally:
        con.close()
    assert len(rows) == 3  # the fixture's three months


def readme_questions() -> list[tuple[str, list[str]]]:
    """The README's three analyst questions: (SQL, `support-kpi metrics query` arguments) each."""
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Semantic layer (MetricFlow)") :]
    sql = section[section.index("```sql") + 6 :]
    sql = sql[: sql.index("```")]
    statements = [s.strip() for s in sql.split(";") if s.strip()]
    shell = section[section.index("```bash") + 7 :]
    shell = shell[: shell.index("```")]
    commands = [
        line.split()[3:] for line in shell.splitlines() if line.startswith("support-kpi metrics query --metrics")
    ]
    assert len(statements) == len(commands) == 3
    return list(zip(statements, commands, strict=True))


def check_readme_question(run: CliRun, number: int, work: Path) -> None:
    """README question ``number``: the SQL on the mart and the semantic layer give the same rows."""
    statement, arguments = readme_questions()[number]
    arguments = [a for a in arguments if a not in ("--csv", "csat.csv")]
    con = open_mart(run.mart_path)
    try:
        by_sql = {tuple(str(v)[:10] for v in row[:-1]): row[-1] for row in con.execute(statement).fetchall()}
    finally:
        con.close()
    out = work / "question.csv"
    done = support_kpi("metrics", "query", "--data-dir", str(run.data_dir), *arguments, "--csv", str(out))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with out.open() as handle:
        by_mf = {
            tuple(row[column][:10] for column in list(row)[:-1]): float(row[list(row)[-1]])
            if row[list(row)[-1]]
            else None
            for row in csv.DictReader(handle)
            if all(row[column] for column in list(row)[:-1])
        }
    assert by_sql, statement
    assert set(by_sql) == set(by_mf)
    for key, value in by_sql.items():
        assert by_mf[key] == (None if value is None else pytest.approx(value, rel=1e-9)), key


def test_readme_question_1_helpdesk(golden_run: CliRun, tmp_path: Path) -> None:
    check_readme_question(golden_run, 0, tmp_path)


def test_readme_question_2_telephony(golden_telephony_run: CliRun, tmp_path: Path) -> None:
    check_readme_question(golden_telephony_run, 1, tmp_path)


def test_readme_question_3_surveys(golden_surveys_run: CliRun, tmp_path: Path) -> None:
    check_readme_question(golden_surveys_run, 2, tmp_path)


def test_metricflow_validates_the_published_manifest(golden_run: CliRun) -> None:
    """MetricFlow's own checks of the semantic models, metrics and saved queries, the queries
    against the published mart included: no error, future error or warning."""
    done = support_kpi("metrics", "validate", "--data-dir", str(golden_run.data_dir), "--show-all")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    # the manifest's semantics, then semantic models, dimensions, entities, measures and metrics
    # queried against the mart: each reports its count
    reports = output.count("(ERRORS: ")
    assert reports >= 6 and output.count("(ERRORS: 0, FUTURE_ERRORS: 0, WARNINGS: 0)") == reports, output[-3000:]


@pytest.mark.parametrize(("database", "expected"), [("warehouse", "attach"), (None, "file")])
def test_the_profile_opens_the_mart_read_only_under_the_manifests_names(
    tmp_path: Path, database: str | None, expected: str
) -> None:
    """A DuckDB build's manifest names relations catalog.schema.table: the mart is attached under
    that catalog. A Spark build's names them schema.table: the mart file is the default catalog,
    opened read-only (a run publishing meanwhile replaces the file beside it)."""
    import yaml

    from dagster_project.semantic_layer import SEMANTIC_MANIFEST, metrics_project
    from dagster_project.settings import Settings

    settings = Settings.from_env(data_dir=tmp_path)
    duckdb.connect(str(settings.mart_path)).close()
    relation = {"alias": "fct_tickets", "schema_name": "mart", "database": database}
    (tmp_path / SEMANTIC_MANIFEST).write_text(json.dumps({"semantic_models": [{"node_relation": relation}]}))
    profile = yaml.safe_load((metrics_project(settings) / "profiles.yml").read_text())
    output = profile["support_kpi"]["outputs"]["metrics"]
    mart = str(settings.mart_path.resolve())
    if expected == "attach":
        assert output["path"] == ":memory:"
        assert output["attach"] == [{"path": mart, "alias": "warehouse", "read_only": True}]
    else:
        assert output["path"] == mart
        assert output["config_options"] == {"access_mode": "READ_ONLY"}
        assert "attach" not in output
