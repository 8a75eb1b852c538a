"""Staffing forecast (Erlang C): `demo_generator/staffing.py` and the dbt models behind
`mart.kpi_staffing_forecast`.

* The kpis.md check (100 calls per 30 min, AHT 180 s, 80 % in 20 s -> 14 agents, 88.8 %, 7.8 s).
* The SQL actually used in the mart (the compiled `int_staffing__required_agents`) agrees with the
  independent Python implementation for every load from 1 to 2,000 calls per interval.
* A small hand-made warehouse built through all staffing models (dbt build, own temp warehouse):
  window, weekday divisors, the spec check end to end, rostering and staffed agents.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from demo_generator.staffing import (
    asa,
    erlang_c,
    required_agents,
    rostered_agents,
    service_level,
    staffing_requirement,
    traffic_erlangs,
)

REPO = Path(__file__).resolve().parent.parent
DBT_PROJECT = REPO / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"
STAFFING_MODELS = "path:models/intermediate/staffing kpi_staffing_forecast"
LOAD_AHTS = (30, 180, 600)  # seconds: A reaches 2000 x 600 / 1800 = 667 Erlangs, N about 780


def _dbt(command: str, warehouse: Path, tmp: Path, *args: str) -> None:
    """Run dbt on the real project against a private warehouse, with private target and log paths."""
    done = subprocess.run(
        [
            str(DBT),
            command,
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp / "target"),
            "--log-path",
            str(tmp / "logs"),
            *args,
        ],
        cwd=DBT_PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SUPPORT_KPI_WAREHOUSE": str(warehouse), "SUPPORT_KPI_DBT_THREADS": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------------------------------------------
# Python implementation
# ---------------------------------------------------------------------------------------------


def test_spec_check_100_calls_180_seconds() -> None:
    # A = 100 x 180 / 1800 = 10 Erlangs; 13 agents reach 79.6 % < 80 %, 14 reach 88.8 %.
    result = staffing_requirement(100, 180)
    assert result.agents == required_agents(100, 180) == 14
    assert result.traffic_erlangs == 10
    assert round(100 * result.service_level, 1) == 88.8
    assert round(result.asa_seconds, 1) == 7.8
    assert result.occupancy == pytest.approx(10 / 14)
    assert service_level(13, 10, 180) < 0.8 <= service_level(14, 10, 180)
    assert asa(14, 10, 180) == pytest.approx(result.asa_seconds)
    assert rostered_agents(14) == 20  # 14 / 0.7


def test_erlang_c_small_case_by_hand() -> None:
    # N = 2, A = 1: B(1) = 1 / 2, B(2) = (1/2) / (2 + 1/2) = 0.2, C = 2 x 0.2 / (2 - 0.8) = 1 / 3.
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, rel=1e-12)
    # N = 1: M/M/1, C = rho.
    assert erlang_c(1, 0.25) == pytest.approx(0.25, rel=1e-12)
    assert erlang_c(3, 3.0) == 1.0  # cannot carry the load
    assert erlang_c(3, 0.0) == 0.0


def test_zero_load_needs_no_agents() -> None:
    assert required_agents(0, 180) == 0
    assert required_agents(12, 0) == 0
    assert staffing_requirement(0, 180).service_level is None
    assert rostered_agents(0) == 0


def test_occupancy_cap_binds_at_high_load_and_is_inclusive() -> None:
    # 2000 calls x 180 s = 200 Erlangs: the service level is met well below ceil(200 / 0.85) = 236.
    assert required_agents(2000, 180) == 236
    # 1700 calls x 180 s = 170 Erlangs: 200 agents are exactly 85 % occupied, which is allowed.
    assert required_agents(1700, 180) == 200
    assert required_agents(1700, 180, max_occupancy=1.0) < 200


def test_stable_for_hundreds_of_agents() -> None:
    result = staffing_requirement(2000, 600)  # 666.7 Erlangs
    assert 780 <= result.agents <= 790
    assert math.isfinite(result.asa_seconds) and 0.8 <= result.service_level <= 1
    assert traffic_erlangs(2000, 600) == pytest.approx(2000 * 600 / 1800)


def test_rostered_rounding_and_shrinkage() -> None:
    assert rostered_agents(15) == 22  # 21.43
    assert rostered_agents(21) == 30  # exactly 30; in doubles 21 / (1 - 0.3) = 30.000000000000004
    assert rostered_agents(14, shrinkage_pct=25) == 19  # 18.67
    assert rostered_agents(15, shrinkage_pct=25) == 20  # exactly 20
    assert rostered_agents(7, shrinkage_pct=0) == 7


# ---------------------------------------------------------------------------------------------
# The SQL of the mart against the Python implementation
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compiled_required_agents_sql(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The compiled SQL of int_staffing__required_agents (real project, real vars) and a warehouse
    file whose name matches the database name the compiled SQL refers to."""
    tmp = tmp_path_factory.mktemp("staffing-compile")
    warehouse = tmp / "warehouse.duckdb"
    _dbt("compile", warehouse, tmp, "--select", "int_staffing__required_agents")
    compiled = next((tmp / "target" / "compiled").rglob("int_staffing__required_agents.sql"))
    return compiled.read_text(), warehouse


@pytest.mark.integration
def test_sql_erlang_agrees_with_python_for_loads_1_to_2000(
    compiled_required_agents_sql: tuple[str, Path],
) -> None:
    sql, warehouse = compiled_required_agents_sql
    loads = [(f"aht{aht}", calls, aht) for aht in LOAD_AHTS for calls in range(2001)]
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema if not exists intermediate")
        # One "queue" per AHT, one slot per call count (weekday_iso carries the count); traffic
        # A = calls x AHT / 1800 exactly as int_staffing__slot_forecast computes it.
        con.execute(
            """
            create or replace table intermediate.int_staffing__slot_forecast as
            select
                'aht' || aht.aht as queue_name,
                calls.calls as weekday_iso,
                time '09:00' as interval_start_time,
                cast(calls.calls as double) as forecast_calls,
                cast(aht.aht as double) as forecast_aht_seconds,
                calls.calls * aht.aht / 1800.0 as traffic_erlangs
            from range(0, 2001) as calls (calls)
            cross join (select unnest(?) as aht) as aht
            """,
            [list(LOAD_AHTS)],
        )
        rows = con.execute(
            f"""
            select queue_name, weekday_iso, required_agents, expected_service_level,
                   expected_asa_seconds, expected_occupancy
            from ({sql})
            """
        ).fetchall()
    finally:
        con.close()
    by_key = {(queue, calls): rest for queue, calls, *rest in rows}
    assert len(by_key) == len(loads)
    mismatches = []
    for queue, calls, aht in loads:
        expected = staffing_requirement(calls, aht)
        agents, level, speed, occupancy = by_key[(queue, calls)]
        if calls == 0:
            assert (agents, level, speed, occupancy) == (0, None, None, None)
            continue
        if (
            agents != expected.agents
            or not math.isclose(level, expected.service_level, rel_tol=1e-9)
            or not math.isclose(speed, expected.asa_seconds, rel_tol=1e-6, abs_tol=1e-9)
            or not math.isclose(occupancy, expected.occupancy, rel_tol=1e-12)
        ):
            mismatches.append((queue, calls, (agents, level, speed), expected))
    assert not mismatches, mismatches[:5]
    # The spec check through the SQL.
    agents, level, speed, _ = by_key[("aht180", 100)]
    assert (agents, round(100 * level, 1), round(speed, 1)) == (14, 88.8, 7.8)


# ---------------------------------------------------------------------------------------------
# The whole chain on a hand-made warehouse
# ---------------------------------------------------------------------------------------------

MONDAYS = (dt.date(2026, 2, 23), dt.date(2026, 3, 2), dt.date(2026, 3, 9))


def _hand_made_inputs() -> tuple[list[tuple], list[tuple]]:
    """fct_calls and int_agent_states__split rows (only the interface columns the models read).

    Cut-off: the latest call arrives Wed 2026-03-11 10:05 -> window_end 03-11 (excluded), nominal
    start 02-11; the first call is Mon 02-23, so the history is 02-23 .. 03-10 = 16 days:
    3 Mondays and Tuesdays, 2 of every other weekday.

    sales, Mon 09:00: 02-23 140 answered + 10 abandoned, 03-02 150 answered, 03-09 none (counts as
    0) -> (150 + 150 + 0) / 3 = 100 calls; answered handle times alternate 120 / 240 s -> AHT 180;
    plus a blocked and an outbound call that do not count -> the kpis.md check: A = 10 Erlangs,
    14 agents, 88.8 %, 7.8 s, rostered ceil(14 / 0.7) = 20.
    Staffed: agents s01..s18 answer all sales calls and are available 1800 s at Mon 09:00 on all
    three Mondays -> 18 x 1800 x 3 / 1800 / 3 = 18 agents, gap 18 - 20 = -2.
    support: one call Tue 02-24 14:00 answered by u01 in 300 s -> 1/3 call, A = (1/3) x 300 / 1800,
    1 agent, rostered ceil(1 / 0.7) = 2. u01 is also logged in at Mon 09:00 on 03-09 for 900 s ->
    support Mon 09:00 staffed 900 / 1800 / 3 = 1/6, though no call is forecast there (0 agents).
    """
    calls: list[tuple] = []

    def call(queue: str, at: dt.datetime, outcome: str, handle: float, agent: str | None, inbound: bool = True) -> None:
        slot = at.replace(minute=at.minute - at.minute % 30, second=0)
        calls.append(
            (
                f"c{len(calls):04d}",
                queue,
                "inbound" if inbound else "outbound",
                at,
                slot,
                outcome,
                agent,
                handle,
                inbound,
                outcome in ("answered", "abandoned"),
                outcome == "answered",
            )
        )

    nine = dt.time(9, 0)
    for day, answered, abandoned in ((MONDAYS[0], 140, 10), (MONDAYS[1], 150, 0)):
        for i in range(answered):
            at = dt.datetime.combine(day, nine) + dt.timedelta(seconds=10 * i)
            call("sales", at, "answered", 120 if i % 2 else 240, f"s{i % 18 + 1:02d}")
        for i in range(abandoned):
            call("sales", dt.datetime.combine(day, nine) + dt.timedelta(seconds=5 * i), "abandoned", 0, None)
    call("sales", dt.datetime(2026, 3, 2, 9, 10), "blocked", 0, None)
    call("sales", dt.datetime(2026, 3, 9, 9, 10), "answered", 500, "s01", inbound=False)
    call("support", dt.datetime(2026, 2, 24, 14, 3), "answered", 300, "u01")
    call("sales", dt.datetime(2026, 3, 11, 10, 5), "answered", 60, "s01")

    states: list[tuple] = []
    for day in MONDAYS:
        start = dt.datetime.combine(day, nine)
        states += [(f"s{a:02d}", "available", start, 1800.0) for a in range(1, 19)]
        states.append(("s01", "break", start + dt.timedelta(minutes=30), 1800.0))
    states.append(("u01", "available", dt.datetime.combine(MONDAYS[2], nine), 900.0))
    return calls, states


@pytest.fixture(scope="module")
def staffing_forecast(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int, dt.time], dict]:
    tmp = tmp_path_factory.mktemp("staffing-build")
    warehouse = tmp / "warehouse.duckdb"
    calls, states = _hand_made_inputs()
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema mart")
        con.execute("create schema intermediate")
        con.execute(
            """
            create table mart.fct_calls (
                call_id varchar, queue_name varchar, direction varchar, arrived_at timestamp,
                arrived_interval_start timestamp, outcome varchar, agent_id varchar,
                handle_seconds double, is_inbound boolean, is_offered boolean, is_answered boolean
            )
            """
        )
        con.executemany("insert into mart.fct_calls values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", calls)
        con.execute(
            """
            create table intermediate.int_agent_states__split (
                agent_id varchar, state varchar, interval_start timestamp, seconds double
            )
            """
        )
        con.executemany("insert into intermediate.int_agent_states__split values (?, ?, ?, ?)", states)
    finally:
        con.close()
    _dbt("build", warehouse, tmp, "--select", *STAFFING_MODELS.split())
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute("select * from mart.kpi_staffing_forecast")
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
    return {(r["queue_name"], r["weekday_iso"], r["interval_start_time"]): r for r in rows}


@pytest.mark.integration
def test_mart_grid_and_window(staffing_forecast: dict) -> None:
    assert len(staffing_forecast) == 2 * 7 * 48
    weeks = {(q, d): r["weeks_in_window"] for (q, d, _), r in staffing_forecast.items()}
    assert weeks[("sales", 1)] == weeks[("sales", 2)] == 3
    assert all(weeks[("sales", d)] == 2 for d in range(3, 8))
    row = staffing_forecast[("sales", 1, dt.time(9))]
    assert (row["window_start_date"], row["window_end_date"]) == (dt.date(2026, 2, 23), dt.date(2026, 3, 11))


@pytest.mark.integration
def test_mart_spec_check_end_to_end(staffing_forecast: dict) -> None:
    row = staffing_forecast[("sales", 1, dt.time(9))]
    assert row["offered_calls_in_window"] == 300
    assert row["forecast_calls"] == 100
    assert row["forecast_aht_seconds"] == 180
    assert row["traffic_erlangs"] == 10
    assert row["required_agents"] == 14
    assert round(row["expected_service_level_pct"], 1) == 88.8
    assert round(row["expected_asa_seconds"], 1) == 7.8
    assert row["expected_occupancy_pct"] == pytest.approx(100 * 10 / 14)
    assert row["rostered_agents"] == 20
    assert row["staffed_agents"] == pytest.approx(18)
    assert row["staffing_gap"] == pytest.approx(-2)


@pytest.mark.integration
def test_mart_small_queue_and_quiet_slots(staffing_forecast: dict) -> None:
    support = staffing_forecast[("support", 2, dt.time(14))]
    assert support["forecast_calls"] == pytest.approx(1 / 3)
    assert support["traffic_erlangs"] == pytest.approx(1 / 3 * 300 / 1800)
    assert (support["required_agents"], support["rostered_agents"]) == (1, 2)
    quiet = staffing_forecast[("support", 1, dt.time(9))]
    assert (quiet["forecast_calls"], quiet["required_agents"], quiet["rostered_agents"]) == (0, 0, 0)
    assert quiet["forecast_aht_seconds"] is None and quiet["expected_service_level_pct"] is None
    assert quiet["staffed_agents"] == pytest.approx(900 / 1800 / 3)
    night = staffing_forecast[("sales", 3, dt.time(3))]
    assert (night["required_agents"], night["staffed_agents"], night["staffing_gap"]) == (0, 0, 0)
    # s01's break is not logged-in time; nothing else was staffed at Mon 09:30.
    assert staffing_forecast[("sales", 1, dt.time(9, 30))]["staffed_agents"] == 0
