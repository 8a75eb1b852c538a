"""The telephony demo data: on contract, deterministic, consistent with itself and realistic.

One small data set (scale 0.5 over 28 days, ~2,700 inbound calls) is generated once per module
and inspected with DuckDB.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

import demo_generator as generator
from dagster_project.contract import get_entity
from demo_generator import generate
from demo_generator.telephony import INBOUND_PER_DAY_AT_SCALE_1, Calls, States, Telephony

END = date(2026, 3, 31)
CUTOFF = datetime(2026, 4, 1, tzinfo=UTC)
SMALL = {"days": 28, "scale": 0.5, "seed": 7, "end_date": END}
ENTITIES = ("telephony/calls", "telephony/agent_states")


def file_hashes(root: Path, prefix: str = "") -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and str(p.relative_to(root)).startswith(prefix)
    }


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("phone")
    counts = generate(root, **SMALL)
    assert counts["telephony/calls"] > 0 and counts["telephony/agent_states"] > 0
    return root


@pytest.fixture(scope="module")
def db(landing: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    con.execute(f"create view calls as select * from '{landing}/telephony/calls/*.parquet'")
    con.execute(f"create view states as select * from '{landing}/telephony/agent_states/*.parquet'")
    con.execute(f"create view tickets as select * from '{landing}/helpdesk/tickets/*.parquet'")
    con.execute(f"create view agents as select * from read_csv('{landing}/helpdesk/agents/*.csv')")
    # Offered load per agent logged in, per 30-minute interval, in quintiles.
    con.execute(
        """
        create view intervals as
        with c as (
            select
                time_bucket(interval 30 minute, arrived_at) as b,
                count(*) as calls,
                count(*) filter (where outcome = 'blocked') as blocked,
                sum(wait_seconds) filter (where outcome = 'answered') as wait,
                count(*) filter (where outcome = 'answered') as answered
            from calls where direction = 'inbound' group by 1
        ),
        s as (
            select time_bucket(interval 30 minute, started_at) as b, count(distinct agent_id) as staffed
            from states group by 1
        )
        select c.*, ntile(5) over (order by c.calls / s.staffed) as load_quintile
        from c inner join s using (b)
        """
    )
    yield con
    con.close()


def one(db: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    row = db.execute(sql).fetchone()
    assert row is not None
    return row


# -- determinism and the other sources ---------------------------------------------------------


def test_same_arguments_give_byte_identical_files(landing: Path, tmp_path: Path) -> None:
    generate(tmp_path, **SMALL)
    first, second = file_hashes(landing, "telephony"), file_hashes(tmp_path, "telephony")
    assert len(first) == 2  # calls and agent_states of March
    assert first == second


def test_other_sources_unchanged_by_telephony(landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Helpdesk, crm and finance files are the same whether or not telephony is generated
    (surveys and quality reviews are about calls too)."""

    def no_phone(*_: object) -> Telephony:
        z = np.zeros(0, dtype=np.int64)
        return Telephony(Calls(*([z] * 15)), States(z, z, z, z))

    monkeypatch.setattr(generator, "simulate_telephony", no_phone)
    counts = generate(tmp_path, **SMALL)
    assert counts["telephony/calls"] == 0
    assert not (tmp_path / "telephony").exists()
    with_phone = {k: v for k, v in file_hashes(landing).items() if not k.startswith(("telephony", "survey"))}
    assert with_phone == {k: v for k, v in file_hashes(tmp_path).items() if not k.startswith("survey")}


# -- the landing contract ----------------------------------------------------------------------


@pytest.mark.parametrize("entity", ENTITIES)
def test_files_follow_the_contract(landing: Path, entity: str) -> None:
    contract = get_entity(*entity.split("/"))
    months = sorted(p.name for p in (landing / entity).iterdir())
    assert months == ["2026-03.parquet"]  # 28 days ending 31 March
    table = pq.read_table(landing / entity / months[0])
    assert table.column_names == [c.name for c in contract.columns]
    for column in contract.columns:
        values = table.column(column.name)
        if column.required:
            assert values.null_count == 0, column.name
        if column.enum:
            assert set(values.to_pylist()) <= set(column.enum), column.name
        expected = {"ts": "timestamp[us, tz=UTC]", "num": "double", "text": "string"}[column.type]
        assert str(values.type) == expected, column.name


# -- internal consistency ----------------------------------------------------------------------


def test_calls_are_consistent(db: duckdb.DuckDBPyConnection) -> None:
    bad = one(
        db,
        """
        select
            count(*) filter (where ended_at < arrived_at),
            count(*) filter (where answered_at < arrived_at or answered_at > ended_at),
            count(*) filter (where least(wait_seconds, talk_seconds, hold_seconds, wrap_up_seconds) < 0),
            count(*) filter (where outcome = 'answered' and (answered_at is null or agent_id is null
                or wait_seconds <> epoch(answered_at) - epoch(arrived_at)
                or epoch(ended_at) <> epoch(answered_at) + talk_seconds + hold_seconds or talk_seconds <= 0)),
            count(*) filter (where outcome = 'abandoned' and (answered_at is not null or agent_id is not null
                or talk_seconds + hold_seconds + wrap_up_seconds <> 0
                or epoch(ended_at) <> epoch(arrived_at) + wait_seconds)),
            count(*) filter (where outcome = 'blocked' and (answered_at is not null or agent_id is not null
                or wait_seconds <> 0 or ended_at <> arrived_at or talk_seconds + wrap_up_seconds <> 0)),
            count(*) filter (where ticket_id is not null and outcome <> 'answered'),
            count(*) - count(distinct call_id)
        from calls
        """,
    )
    assert bad == (0,) * 8


def test_nothing_after_the_cutoff(db: duckdb.DuckDBPyConnection) -> None:
    last_call = one(db, "select max(ended_at + to_seconds(wrap_up_seconds::bigint)) from calls")[0]
    last_state = one(db, "select max(ended_at) from states")[0]
    assert last_call <= CUTOFF and last_state <= CUTOFF


def test_agent_states_do_not_overlap(db: duckdb.DuckDBPyConnection) -> None:
    bad = one(
        db,
        """
        with s as (
            select *, lead(started_at) over (partition by agent_id order by started_at) as next_start
            from states
        )
        select
            count(*) filter (where ended_at <= started_at),
            count(*) filter (where next_start < ended_at),
            count(*) filter (where agent_id not in (select agent_id from agents))
        from s
        """,
    )
    assert bad == (0, 0, 0)
    kinds = {r[0] for r in db.execute("select distinct state from states").fetchall()}
    assert kinds >= {"available", "on_call", "wrap_up", "break", "lunch"}


def test_on_call_and_wrap_up_come_from_answered_calls(db: duckdb.DuckDBPyConnection) -> None:
    """Every answered call is one on_call and one wrap_up interval of its agent, and every
    on_call/wrap_up interval is a call (except the calls still running at the cut-off)."""
    missing = one(
        db,
        """
        select
            count(*) filter (where o.agent_id is null),
            count(*) filter (where w.agent_id is null)
        from calls as c
        left join states as o
            on o.agent_id = c.agent_id and o.state = 'on_call'
            and o.started_at = c.answered_at and o.ended_at = c.ended_at
        left join states as w
            on w.agent_id = c.agent_id and w.state = 'wrap_up' and w.started_at = c.ended_at
            and epoch(w.ended_at) = epoch(c.ended_at) + c.wrap_up_seconds
        where c.outcome = 'answered'
        """,
    )
    assert missing == (0, 0)
    orphans = one(
        db,
        f"""
        select count(*) from states as s
        where s.state = 'on_call' and s.ended_at < '{CUTOFF.isoformat()}'
        and not exists (
            select 1 from calls as c where c.agent_id = s.agent_id and c.answered_at = s.started_at
        )
        """,
    )[0]
    assert orphans == 0


# -- realism -----------------------------------------------------------------------------------


def test_volume_queues_and_directions(db: duckdb.DuckDBPyConnection) -> None:
    inbound, outbound, queues = one(
        db,
        "select count(*) filter (where direction = 'inbound'), count(*) filter (where direction = 'outbound'),"
        " count(distinct queue_name) from calls",
    )
    expected = INBOUND_PER_DAY_AT_SCALE_1 * SMALL["scale"] * SMALL["days"]
    assert 0.8 * expected < inbound < 1.2 * expected
    # Blended agents: idle logged-in time goes to outbound call-backs and sales calls.
    assert 0.3 * inbound < outbound < 3 * inbound
    assert queues == 4


def test_occupancy_follows_the_load(db: duckdb.DuckDBPyConnection) -> None:
    # Rostered agents follow the forecast and a blended dialer fills idle time: occupancy lands near
    # the 75-85 % benchmark, neither idle agents nor agents on the phone without a pause.
    occupancy = one(
        db,
        "select sum(epoch(ended_at - started_at)) filter (where state in ('on_call', 'wrap_up'))"
        " / sum(epoch(ended_at - started_at)) filter (where state in ('on_call', 'wrap_up', 'available'))"
        " from states",
    )[0]
    assert 0.6 < occupancy < 0.92


def test_outcomes_are_plausible(db: duckdb.DuckDBPyConnection) -> None:
    short, abandoned, blocked, sl = one(
        db,
        """
        select
            count(*) filter (where outcome = 'abandoned' and wait_seconds < 5),
            count(*) filter (where outcome = 'abandoned' and wait_seconds >= 5),
            count(*) filter (where outcome = 'blocked'),
            count(*) filter (where outcome = 'answered' and wait_seconds <= 20)
                / count(*) filter (where outcome = 'answered' or (outcome = 'abandoned' and wait_seconds >= 5))
        from calls where direction = 'inbound'
        """,
    )
    assert short > 0 and abandoned > 0 and blocked > 0
    assert 0.6 < sl < 0.97


def test_busy_intervals_wait_longer_and_block_more(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute(
        "select load_quintile, sum(wait) / sum(answered), sum(blocked) / sum(calls)"
        " from intervals group by 1 order by 1"
    ).fetchall()
    asa = [r[1] for r in rows]
    blocked = [r[2] for r in rows]
    assert asa[-1] > 1.5 * asa[0]
    assert blocked[-1] > blocked[0]
    assert blocked[-1] == max(blocked)


def test_intraday_and_weekly_shape(db: duckdb.DuckDBPyConnection) -> None:
    by_hour = dict(
        db.execute("select hour(arrived_at), count(*) from calls where direction = 'inbound' group by 1").fetchall()
    )
    assert by_hour[10] > 2 * by_hour[7] and by_hour[10] > 2 * by_hour[20]
    assert set(by_hour) <= set(range(7, 24))  # closed at night
    weekday, weekend = one(
        db,
        "select count(*) filter (where isodow(arrived_at) <= 5) / 20,"
        " count(*) filter (where isodow(arrived_at) > 5) / 8 from calls where direction = 'inbound'",
    )
    assert weekday > 2 * weekend


def test_calls_open_phone_tickets(db: duckdb.DuckDBPyConnection) -> None:
    linked, ok = one(
        db,
        """
        with t as (
            select ticket_id, channel, created_at, requester_id from tickets
            qualify row_number() over (partition by ticket_id order by updated_at desc) = 1
        )
        select count(*), count(*) filter (
            where t.channel = 'phone' and t.requester_id = c.customer_id
            and t.created_at between c.arrived_at and c.arrived_at + interval 2 hour
        )
        from calls as c inner join t using (ticket_id)
        """,
    )
    assert linked > 50
    assert ok == linked


def test_callers(db: duckdb.DuckDBPyConnection) -> None:
    known, total, repeaters, numbers_per_customer, bad_numbers = one(
        db,
        """
        select
            count(customer_id), count(*),
            (select count(*) from (select customer_id from calls where customer_id is not null
                group by 1 having count(*) > 1)),
            (select max(n) from (select count(distinct caller_number) as n from calls
                where customer_id is not null group by customer_id)),
            count(*) filter (where not regexp_full_match(caller_number, '\\+[1-9][0-9]{9,14}'))
        from calls
        """,
    )
    assert 0.85 * total < known < total
    assert repeaters > 20
    assert numbers_per_customer == 1
    assert bad_numbers == 0


def test_agents_differ_in_handle_time(db: duckdb.DuckDBPyConnection) -> None:
    spread = one(
        db,
        """
        select max(aht) / min(aht) from (
            select agent_id, avg(talk_seconds + hold_seconds + wrap_up_seconds) as aht
            from calls where outcome = 'answered' group by 1 having count(*) >= 50
        )
        """,
    )[0]
    assert spread > 1.2
