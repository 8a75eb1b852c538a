"""Property-based test (Hypothesis): call classification and the telephony scorecard equal an oracle.

Random calls — inbound and outbound, answered / abandoned / blocked, waits on and around the
short-abandon (5 s) and service-level (20 s) thresholds (fractions of a second included), arrivals
exactly on and just before month boundaries — are written as one landing CSV in the contract layout
(/work/shared/spec/sources.md, `calls`), built ONCE through the real pipeline, and compared with
`classify()` and `scorecard()` below, written from kpis.md "Telephony" only (no code shared with
the SQL):

- per call: offered, answered, abandoned, short abandon, blocked, within service level, handle
  seconds (fct_calls);
- per month (arrived_at, UTC): numerator, denominator and value of calls_offered,
  average_speed_of_answer_seconds, service_level_pct, abandoned_call_rate_pct,
  average_handle_time_seconds, average_wait_time_seconds, blocked_calls, blocked_call_rate_pct
  (mart.kpi_scorecard_monthly).

Deterministic in CI: derandomize=True, database=None, one example of 400 calls, no shrinking (each
example costs one pipeline run). More examples locally, e.g.:
    PROPS_EXAMPLES=5 PROPS_SEED_RANDOM=1 .venv/bin/python -m pytest tests/test_properties_calls.py -q
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import GOLDEN_TELEPHONY_LANDING, run_pipeline

EXAMPLES = int(os.environ.get("PROPS_EXAMPLES", "1"))
DERANDOMIZE = os.environ.get("PROPS_SEED_RANDOM") != "1"
CALLS = 400
SHORT_ABANDON = Decimal(5)
SERVICE_LEVEL = Decimal(20)
# waits on, just under and just over both thresholds, plus ordinary ones
EDGE_WAITS = ["0", "4", "4.5", "4.999", "5", "5.001", "6", "19.5", "20", "20.001", "21", "45", "180"]
# arrivals: exactly at a month start (UTC), a microsecond before it, and ordinary instants
MONTH_STARTS = [dt.datetime(2026, 2, 1), dt.datetime(2026, 3, 1)]
KPIS = [
    "calls_offered",
    "average_speed_of_answer_seconds",
    "service_level_pct",
    "abandoned_call_rate_pct",
    "average_handle_time_seconds",
    "average_wait_time_seconds",
    "blocked_calls",
    "blocked_call_rate_pct",
]


@dataclass(frozen=True)
class Call:
    call_id: str
    direction: str
    arrived_at: dt.datetime
    outcome: str
    wait: Decimal
    talk: int
    hold: int
    wrap_up: int


@st.composite
def call(draw: st.DrawFn, index: int) -> Call:
    """Hypothesis draws the seed; the call's own choices come from random.Random(seed, index), so the
    first derandomized example is not Hypothesis's simplest one (400 identical calls)."""
    rng = random.Random(f"{draw(st.integers(0, 2**32))}-{index}")
    where = rng.choice(["edge", "before_edge", "any", "any", "any"])
    if where == "edge":
        arrived = rng.choice(MONTH_STARTS)
    elif where == "before_edge":
        arrived = rng.choice(MONTH_STARTS) - dt.timedelta(microseconds=1)
    else:
        arrived = dt.datetime(2026, 1, 5) + dt.timedelta(seconds=rng.randint(0, 80 * 86400))
    outcome = rng.choice(["answered", "answered", "abandoned", "abandoned", "blocked"])
    wait = Decimal(rng.choice(EDGE_WAITS)) if outcome != "blocked" else Decimal(0)
    answered = outcome == "answered"
    return Call(
        call_id=f"PC{index:04d}",
        direction=rng.choice(["inbound", "inbound", "inbound", "outbound"]),
        arrived_at=arrived,
        outcome=outcome,
        wait=wait,
        talk=rng.randint(1, 900) if answered else 0,
        hold=rng.choice([0, 0, rng.randint(1, 120)]) if answered else 0,
        wrap_up=rng.choice([0, rng.randint(1, 90)]) if answered else 0,
    )


def classify(c: Call) -> dict[str, object]:
    """kpis.md Telephony: offered = answered or abandoned; short abandon = abandoned with wait < 5 s;
    within service level = answered with wait <= 20 s; handle = talk + hold + wrap-up."""
    return {
        "is_inbound": c.direction == "inbound",
        "is_offered": c.outcome in ("answered", "abandoned"),
        "is_answered": c.outcome == "answered",
        "is_abandoned": c.outcome == "abandoned",
        "is_short_abandon": c.outcome == "abandoned" and c.wait < SHORT_ABANDON,
        "is_blocked": c.outcome == "blocked",
        "is_within_service_level": c.outcome == "answered" and c.wait <= SERVICE_LEVEL,
        "handle_seconds": c.talk + c.hold + c.wrap_up,
    }


def scorecard(calls: list[Call]) -> dict[tuple[dt.date, str], tuple[Decimal, Decimal | None]]:
    """(month, kpi_id) -> (numerator, denominator) over inbound calls by month of arrived_at."""
    months: dict[dt.date, list[Call]] = {}
    for c in calls:
        if c.direction == "inbound":
            months.setdefault(c.arrived_at.date().replace(day=1), []).append(c)
    out: dict[tuple[dt.date, str], tuple[Decimal, Decimal | None]] = {}
    for month, cs in months.items():
        answered = [c for c in cs if c.outcome == "answered"]
        abandoned = [c for c in cs if c.outcome == "abandoned"]
        short = [c for c in abandoned if c.wait < SHORT_ABANDON]
        long_ = [c for c in abandoned if c.wait >= SHORT_ABANDON]
        blocked = [c for c in cs if c.outcome == "blocked"]
        offered = len(answered) + len(abandoned)
        answered_wait = sum((c.wait for c in answered), Decimal(0))
        parts = {
            "calls_offered": (Decimal(offered), None),
            "average_speed_of_answer_seconds": (answered_wait, Decimal(len(answered))),
            "service_level_pct": (
                Decimal(sum(1 for c in answered if c.wait <= SERVICE_LEVEL)),
                Decimal(len(answered) + len(long_)),
            ),
            "abandoned_call_rate_pct": (Decimal(len(long_)), Decimal(offered - len(short))),
            "average_handle_time_seconds": (
                Decimal(sum(c.talk + c.hold + c.wrap_up for c in answered)),
                Decimal(len(answered)),
            ),
            "average_wait_time_seconds": (
                answered_wait + sum((c.wait for c in abandoned), Decimal(0)),
                Decimal(len(answered)),
            ),
            "blocked_calls": (Decimal(len(blocked)), None),
            "blocked_call_rate_pct": (Decimal(len(blocked)), Decimal(offered + len(blocked))),
        }
        for kpi_id, value in parts.items():
            out[(month, kpi_id)] = value
    return out


def expected_value(kpi_id: str, numerator: Decimal, denominator: Decimal | None) -> float | None:
    if denominator is None:
        return float(numerator)
    if denominator == 0:
        return None  # kpis.md: a ratio with a zero denominator is null
    ratio = numerator / denominator
    return float(ratio * 100 if kpi_id.endswith("_pct") else ratio)


def write_landing(landing: Path, calls: list[Call]) -> None:
    """The golden telephony fixture's agents, customers and helpdesk files, with the generated calls
    instead of its calls (agent states kept: occupancy is not compared here)."""
    shutil.copytree(GOLDEN_TELEPHONY_LANDING, landing)
    shutil.rmtree(landing / "telephony" / "calls")
    (landing / "telephony" / "calls").mkdir()
    header = [
        "call_id",
        "queue_name",
        "direction",
        "arrived_at",
        "answered_at",
        "ended_at",
        "outcome",
        "agent_id",
        "customer_id",
        "caller_number",
        "wait_seconds",
        "talk_seconds",
        "hold_seconds",
        "wrap_up_seconds",
        "ticket_id",
    ]

    def stamp(at: dt.datetime) -> str:
        return at.isoformat(timespec="microseconds") + "Z"

    with open(landing / "telephony" / "calls" / "calls_props.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for c in calls:
            wait = dt.timedelta(seconds=float(c.wait))
            answered_at = c.arrived_at + wait if c.outcome == "answered" else None
            ended_at = (
                answered_at + dt.timedelta(seconds=c.talk + c.hold) if answered_at is not None else c.arrived_at + wait
            )
            w.writerow(
                [
                    c.call_id,
                    "support",
                    c.direction,
                    stamp(c.arrived_at),
                    stamp(answered_at) if answered_at else "",
                    stamp(ended_at),
                    c.outcome,
                    "A01" if c.outcome == "answered" else "",
                    "",
                    "",
                    str(c.wait),
                    c.talk,
                    c.hold,
                    c.wrap_up,
                    "",
                ]
            )


def _close(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)  # type: ignore[arg-type]
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


@settings(
    max_examples=EXAMPLES,
    derandomize=DERANDOMIZE,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_calls_match_oracle(data: st.DataObject, tmp_path_factory) -> None:
    calls = [data.draw(call(i)) for i in range(CALLS)]
    root = tmp_path_factory.mktemp("props_calls")
    write_landing(root / "landing", calls)
    run = run_pipeline(root / "landing", root / "data")
    assert run.returncode == 0, run.output[-4000:]
    flags = list(classify(calls[0]))
    with duckdb.connect(str(run.mart_path), read_only=True) as con:
        got_calls = {
            r[0]: dict(zip(flags, r[1:], strict=True))
            for r in con.execute(
                f"select call_id, {', '.join(flags)} from mart.fct_calls where call_id like 'PC%'"
            ).fetchall()
        }
        got_kpis = {
            (r[0], r[1]): r[2:]
            for r in con.execute(
                "select month, kpi_id, numerator, denominator, value from mart.kpi_scorecard_monthly"
                f" where kpi_id in ({', '.join(repr(k) for k in KPIS)})"
            ).fetchall()
        }

    # the generated data reaches both sides of every threshold and month edge
    assert {c.wait for c in calls if c.outcome == "abandoned"} >= {Decimal("4.999"), Decimal("5")}
    assert {c.wait for c in calls if c.outcome == "answered"} >= {Decimal("20"), Decimal("20.001")}
    assert any(c.arrived_at in MONTH_STARTS for c in calls)

    assert set(got_calls) == {c.call_id for c in calls}, "every generated call is in fct_calls, once"
    call_diffs = [
        f"{c}: expected {want}, got {got_calls[c.call_id]}"
        for c in calls
        if (want := classify(c)) != got_calls[c.call_id]
    ]
    assert not call_diffs, f"{len(call_diffs)} calls differ:\n" + "\n".join(call_diffs[:20])

    want_kpis = scorecard(calls)
    assert {key for key in got_kpis if key[0] in {m for m, _ in want_kpis}} >= set(want_kpis)
    kpi_diffs = []
    for (month, kpi_id), (numerator, denominator) in sorted(want_kpis.items()):
        got_num, got_den, got_value = got_kpis[(month, kpi_id)]
        want_value = expected_value(kpi_id, numerator, denominator)
        if not (_close(numerator, got_num) and _close(denominator, got_den) and _close(want_value, got_value)):
            kpi_diffs.append(
                f"{month} {kpi_id}: expected ({numerator}, {denominator}, {want_value}),"
                f" got ({got_num}, {got_den}, {got_value})"
            )
    assert not kpi_diffs, "\n".join(kpi_diffs)
