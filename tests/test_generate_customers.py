"""Demo surveys, quality reviews, orders, discounts, activities and operating costs: on contract,
deterministic and with the realism the KPIs need (scores follow the service, mixed scales,
foreign currencies only with a rate, concessions on tickets, churn after bad experiences)."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from dagster_project.contract import get_entity
from demo_generator import generate
from demo_generator.facts import agent_skill
from demo_generator.staff import build_staff
from demo_generator.world import World

ROOT = Path(__file__).resolve().parents[1]
END = date(2026, 3, 31)
SMALL = {"days": 90, "scale": 0.12, "seed": 5, "end_date": END}
NEW = (
    "survey/survey_responses",
    "survey/quality_reviews",
    "crm/orders",
    "crm/discounts",
    "crm/customer_activities",
    "finance/operating_costs",
)
ARROW_TYPES = {"text": "string", "int": "int64", "num": "double", "bool": "bool", "ts": "timestamp[us, tz=UTC]"}
# Scale with staging's defaults applied.
SCALED = """
    create view scaled as
    select
        *,
        coalesce(scale_min, case survey_type when 'nps' then 0 else 1 end) as lo,
        coalesce(scale_max, case survey_type when 'csat' then 5 when 'nps' then 10 else 7 end) as hi,
        (score - lo) / (hi - lo) as norm
    from surveys
"""


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("customers")
    counts = generate(root, **SMALL)
    for entity in NEW:
        assert counts[entity] > 0, entity
    return root


@pytest.fixture(scope="module")
def db(landing: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    views = {
        "surveys": "survey/survey_responses",
        "reviews": "survey/quality_reviews",
        "orders": "crm/orders",
        "discounts": "crm/discounts",
        "activities": "crm/customer_activities",
        "events": "helpdesk/ticket_events",
        "calls": "telephony/calls",
    }
    for view, entity in views.items():
        con.execute(f"create view {view} as select * from '{landing}/{entity}/*.parquet'")
    con.execute(
        f"create view tickets as select * from '{landing}/helpdesk/tickets/*.parquet'"
        " qualify row_number() over (partition by ticket_id order by updated_at desc) = 1"
    )
    con.execute(
        "create view customers as select * from read_csv("
        f"'{landing}/crm/customers/*.csv.gz', types = {{'is_loyalty_member': 'boolean'}})"
    )
    con.execute(f"create view costs as select * from read_csv('{landing}/finance/operating_costs/*.csv')")
    con.execute(SCALED)
    con.execute(
        """
        create view ticket_facts as
        select
            t.ticket_id, t.requester_id, t.priority, t.created_at,
            min(e.occurred_at) filter (where e.event_type = 'agent_reply' and e.actor_type = 'agent')
                - t.created_at as first_reply,
            count(*) filter (
                where e.event_type = 'status_changed'
                and e.old_value in ('solved', 'closed') and e.new_value in ('new', 'open', 'pending', 'on_hold')
            ) > 0 as reopened,
            count(*) filter (where e.event_type = 'escalated') > 0 as escalated,
            min(e.occurred_at) filter (where e.event_type = 'status_changed' and e.new_value = 'solved')
                as first_solved_at,
            max(e.occurred_at) filter (where e.event_type = 'status_changed' and e.new_value = 'solved') as solved_at
        from tickets as t
        inner join events as e on t.ticket_id = e.ticket_id
        group by t.ticket_id, t.requester_id, t.priority, t.created_at
        """
    )
    yield con
    con.close()


def one(db: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    row = db.execute(sql).fetchone()
    assert row is not None
    return row


def file_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and str(p.relative_to(root)).startswith(("survey", "crm", "finance"))
    }


# -- determinism and contract ------------------------------------------------------------------


def test_deterministic_and_seed_dependent(landing: Path, tmp_path: Path) -> None:
    generate(tmp_path / "same", **SMALL)
    first = file_hashes(landing)
    assert {name.split("/")[1] for name in first} >= {e.split("/")[1] for e in NEW}
    assert first == file_hashes(tmp_path / "same")
    generate(tmp_path / "other", **{**SMALL, "seed": SMALL["seed"] + 1})
    other = file_hashes(tmp_path / "other")
    assert other["finance/operating_costs/operating_costs.csv"] != first["finance/operating_costs/operating_costs.csv"]
    assert other["survey/survey_responses/2026-03.parquet"] != first["survey/survey_responses/2026-03.parquet"]


@pytest.mark.parametrize("entity", [e for e in NEW if not e.startswith("finance")])
def test_parquet_files_follow_the_contract(landing: Path, entity: str) -> None:
    contract = get_entity(*entity.split("/"))
    paths = sorted((landing / entity).glob("*.parquet"))
    assert [p.name for p in paths] == ["2026-01.parquet", "2026-02.parquet", "2026-03.parquet"]
    for path in paths:
        table = pq.read_table(path)
        assert table.column_names == [c.name for c in contract.columns]
        for column in contract.columns:
            values = table.column(column.name)
            if values.null_count < len(values):
                assert str(values.type) == ARROW_TYPES[column.type], (path.name, column.name)
            if column.required:
                assert values.null_count == 0, (path.name, column.name)
            if column.enum:
                assert {v for v in values.to_pylist() if v is not None} <= set(column.enum)


def test_operating_costs_every_month_and_category(db: duckdb.DuckDBPyConnection, landing: Path) -> None:
    contract = get_entity("finance", "operating_costs")
    with (landing / "finance/operating_costs/operating_costs.csv").open() as f:
        assert next(csv.reader(f)) == [c.name for c in contract.columns]
    months, categories, rows, bad, currencies = one(
        db,
        "select count(distinct month), count(distinct cost_category), count(*),"
        " count(*) filter (where amount <= 0), list(distinct currency) from costs",
    )
    assert (months, categories, rows, bad, currencies) == (3, 6, 18, 0, ["EUR"])
    top = one(db, "select arg_max(cost_category, amount) from costs where month = date '2026-02-01'")[0]
    assert top == "salaries"


def test_costs_scale_with_volume(tmp_path: Path, db: duckdb.DuckDBPyConnection) -> None:
    generate(tmp_path, **{**SMALL, "scale": 1.0})
    big = one(db, f"select sum(amount) from read_csv('{tmp_path}/finance/operating_costs/*.csv')")
    small = one(db, "select sum(amount) from costs")
    assert big[0] > 2 * small[0]


# -- surveys -----------------------------------------------------------------------------------


def test_scores_within_scale_and_times_ordered(db: duckdb.DuckDBPyConnection) -> None:
    outside, early, early_reply, orphan_reply, score_without_answer = one(
        db,
        """
        select
            count(*) filter (where score < lo or score > hi),
            count(*) filter (where responded_at < sent_at),
            count(*) filter (where comment_replied_at < responded_at),
            count(*) filter (where comment_replied_at is not null and comment is null),
            count(*) filter (where (score is null) <> (responded_at is null))
        from scaled
        """,
    )
    assert (outside, early, early_reply, orphan_reply, score_without_answer) == (0, 0, 0, 0, 0)


def test_survey_mix_response_rate_and_comments(db: duckdb.DuckDBPyConnection) -> None:
    rate, unanswered, comments, replied = one(
        db,
        "select avg((responded_at is not null)::int), count(*) filter (where responded_at is null),"
        " count(comment), count(comment_replied_at) from surveys",
    )
    assert 0.18 < rate < 0.36
    assert unanswered > 0 and 0 < replied < comments
    kinds = {r[0]: r[1] for r in db.execute("select survey_type, count(*) from surveys group by 1").fetchall()}
    assert kinds["csat"] > kinds["ces"] > 0 and kinds["nps"] > 0
    scales = {tuple(r) for r in db.execute("select distinct survey_type, scale_min, scale_max from surveys").fetchall()}
    assert {("csat", 1, 10), ("ces", 1, 5), ("csat", None, None), ("csat", 1, 5), ("nps", None, None)} <= scales


def test_surveys_are_about_real_tickets_calls_and_agents(db: duckdb.DuckDBPyConnection) -> None:
    before_solve, unknown_call, call_agent_mismatch, no_customer = one(
        db,
        """
        select
            (select count(*) from surveys s inner join ticket_facts f using (ticket_id)
             where s.sent_at <= f.first_solved_at or f.solved_at is null),
            (select count(*) from surveys s left join calls c using (call_id)
             where s.call_id is not null and (c.call_id is null or c.outcome <> 'answered')),
            (select count(*) from surveys s inner join calls c using (call_id) where s.agent_id <> c.agent_id),
            (select count(*) from surveys where customer_id is null)
        """,
    )
    assert (before_solve, unknown_call, call_agent_mismatch, no_customer) == (0, 0, 0, 0)
    filled = one(db, "select count(ticket_id), count(call_id), count(agent_id), count(channel) from surveys")
    assert all(n > 0 for n in filled)


def test_csat_falls_with_reopened_and_slow_tickets(db: duckdb.DuckDBPyConnection) -> None:
    reopened, not_reopened, slow, fast = one(
        db,
        """
        select
            avg(norm) filter (where f.reopened),
            avg(norm) filter (where not f.reopened),
            avg(norm) filter (where f.first_reply > interval 8 hour),
            avg(norm) filter (where f.first_reply < interval 1 hour)
        from scaled as s inner join ticket_facts as f using (ticket_id)
        where s.survey_type = 'csat' and s.score is not null
        """,
    )
    assert reopened < not_reopened - 0.1
    assert slow < fast - 0.05
    positive = one(db, "select avg((norm >= 0.75)::int) from scaled where survey_type = 'csat' and score is not null")
    assert 0.6 < positive[0] < 0.9


def test_scores_rise_with_agent_skill(db: duckdb.DuckDBPyConnection) -> None:
    staff = build_staff(World(SMALL["seed"], SMALL["days"], SMALL["scale"], END))
    skill = dict(zip(staff.agent_id, agent_skill(staff).tolist(), strict=True))
    db.execute("create or replace temp table skill (agent_id varchar, skill double)")
    db.executemany("insert into skill values (?, ?)", list(skill.items()))
    csat_corr, iqs_corr = one(
        db,
        """
        with csat as (
            select agent_id, avg(norm) as v from scaled
            where survey_type = 'csat' and score is not null and agent_id is not null group by 1
        ),
        iqs as (
            select agent_id, sum(score * coalesce(weight, 1)) / sum(max_score * coalesce(weight, 1)) as v
            from reviews group by 1
        )
        select
            (select corr(v, skill) from csat inner join skill using (agent_id)),
            (select corr(v, skill) from iqs inner join skill using (agent_id))
        """,
    )
    assert csat_corr > 0.2
    assert iqs_corr > 0.3


# -- quality reviews ---------------------------------------------------------------------------


def test_quality_reviews_use_a_weighted_rubric(db: duckdb.DuckDBPyConnection) -> None:
    fewest, most, over_max, one_target = one(
        db,
        """
        with r as (
            select review_id, count(*) as n, count(*) filter (where score > max_score) as over,
                count(distinct agent_id) as agents,
                (count(ticket_id) > 0)::int + (count(call_id) > 0)::int as targets
            from reviews group by 1
        )
        select min(n), max(n), sum(over), bool_and(agents = 1 and targets = 1) from r
        """,
    )
    assert 4 <= fewest <= most <= 6 and over_max == 0 and one_target
    weights = {r[0] for r in db.execute("select distinct weight from reviews").fetchall()}
    assert None in weights and len(weights) >= 3
    assert one(db, "select count(*) from reviews where call_id is not null")[0] > 0


def test_agents_are_reviewed_every_month(db: duckdb.DuckDBPyConnection) -> None:
    unreviewed = one(
        db,
        """
        with solved as (
            select distinct assignee_id as agent_id from tickets
            where status = 'closed' and updated_at >= timestamp '2026-02-01' and updated_at < timestamp '2026-03-01'
        )
        select count(*) from solved where agent_id not in (
            select agent_id from reviews where ticket_id is not null
        )
        """,
    )[0]
    assert unreviewed == 0
    per_month = one(db, "select count(distinct date_trunc('month', reviewed_at)) from reviews")[0]
    assert per_month == 3


# -- crm commerce ------------------------------------------------------------------------------


def seed_currencies() -> dict[str, str]:
    with (ROOT / "seeds/exchange_rates.csv").open() as f:
        rows = list(csv.DictReader(f))
    first: dict[str, str] = {}
    for row in rows:
        first[row["currency"]] = min(first.get(row["currency"], row["valid_from"]), row["valid_from"])
    return first


@pytest.mark.parametrize(("view", "at"), [("orders", "ordered_at"), ("discounts", "granted_at")])
def test_foreign_currencies_only_with_a_rate(db: duckdb.DuckDBPyConnection, view: str, at: str) -> None:
    rates = seed_currencies()
    seen = db.execute(f"select currency, min({at})::date::varchar from {view} group by 1").fetchall()
    for currency, first in seen:
        if currency is not None:
            assert currency in rates and first >= rates[currency], currency
    currencies = {c for c, _ in seen}
    assert None in currencies and "EUR" in currencies and len(currencies - {None, "EUR"}) >= 3


def test_orders_within_customer_lifetime(db: duckdb.DuckDBPyConnection) -> None:
    outside, bad_amount, bad_margin = one(
        db,
        """
        select
            count(*) filter (where o.ordered_at < c.created_at or o.ordered_at >= c.churned_at),
            count(*) filter (where o.amount <= 0),
            count(*) filter (where o.gross_margin_pct not between 0 and 100)
        from orders as o inner join customers as c using (customer_id)
        """,
    )
    assert (outside, bad_amount, bad_margin) == (0, 0, 0)
    assert one(db, "select count(*) from orders where customer_id not in (select customer_id from customers)")[0] == 0
    by_segment = dict(
        db.execute(
            "select c.segment, count(o.order_id) / count(distinct c.customer_id) from customers c"
            " left join orders o using (customer_id) group by 1"
        ).fetchall()
    )
    assert by_segment["enterprise"] > by_segment["smb"] > by_segment["consumer"]


def test_discounts_on_tickets(db: duckdb.DuckDBPyConnection) -> None:
    types = {r[0] for r in db.execute("select distinct discount_type from discounts").fetchall()}
    assert types == {"discount", "offer", "gift", "credit"}
    on_tickets, wrong_customer, no_reason, before_ticket = one(
        db,
        """
        select
            count(*),
            count(*) filter (where d.customer_id <> t.requester_id),
            count(*) filter (where d.reason is null),
            count(*) filter (where d.granted_at < t.created_at)
        from discounts as d inner join ticket_facts as t using (ticket_id)
        """,
    )
    assert on_tickets > 0 and (wrong_customer, no_reason, before_ticket) == (0, 0, 0)
    assert one(db, "select count(*) from discounts where ticket_id is not null")[0] == on_tickets
    bad, good = one(
        db,
        "select avg((d.ticket_id is not null)::int) filter (where f.reopened or f.escalated),"
        " avg((d.ticket_id is not null)::int) filter (where not (f.reopened or f.escalated))"
        " from ticket_facts f left join discounts d using (ticket_id) where f.solved_at is not null",
    )
    assert bad > 2 * good


def test_activities(db: duckdb.DuckDBPyConnection) -> None:
    counts = dict(db.execute("select activity_type, count(*) from activities group by 1").fetchall())
    assert set(counts) == {"login", "webinar", "training", "loyalty_event", "community", "other"}
    assert counts["login"] == max(counts.values())
    non_member_loyalty, outside = one(
        db,
        """
        select
            count(*) filter (where a.activity_type = 'loyalty_event' and not c.is_loyalty_member),
            count(*) filter (where a.occurred_at < c.created_at or a.occurred_at >= c.churned_at)
        from activities as a inner join customers as c using (customer_id)
        """,
    )
    assert (non_member_loyalty, outside) == (0, 0)


def test_customers_churn_more_after_bad_experiences(db: duckdb.DuckDBPyConnection) -> None:
    bad, good = one(
        db,
        """
        with c as (
            select requester_id as customer_id, bool_or(reopened or escalated) as bad
            from ticket_facts group by 1
        )
        select
            avg((k.churned_at is not null)::int) filter (where c.bad),
            avg((k.churned_at is not null)::int) filter (where not c.bad)
        from c inner join customers as k using (customer_id)
        """,
    )
    assert bad > 1.5 * good
