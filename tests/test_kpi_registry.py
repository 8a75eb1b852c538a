"""The KPI registry (issue 15): each KPI declared once, as a MetricFlow metric with its catalogue
entry in ``config.meta.kpi`` (models/marts/kpi/registry/_kpis__<family>.yml), and the scorecard rows
generated from that declaration (int_scorecard__registry, macros/kpi_registry.sql).

Fast tier: the declarations read from the empty warehouse's manifest, and the generated scorecard
model run once on hand-made fact rows in a copy of the empty warehouse.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import dbt, tampered_copy

LANGUAGES = ("sv", "fi", "da", "ru")
UNITS = {"count", "percent", "minutes", "business_minutes", "hours", "seconds", "score", "ratio", "currency"}


def registry_kpis(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every KPI of the registry by kpi_id: the metrics whose config.meta has a ``kpi`` entry."""
    return {m["name"]: m for m in manifest["metrics"].values() if m["config"]["meta"].get("kpi")}


@pytest.fixture(scope="module")
def manifest(empty_warehouse: Path) -> dict[str, Any]:
    return json.loads((empty_warehouse.parent / "target" / "manifest.json").read_text())


def test_every_registry_entry_is_complete(manifest: dict[str, Any]) -> None:
    kpis = registry_kpis(manifest)
    assert len(kpis) >= 12
    for kpi_id, metric in kpis.items():
        entry = metric["config"]["meta"]["kpi"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", kpi_id), kpi_id
        assert metric["label"] and metric["description"], kpi_id
        assert entry["unit"] in UNITS, kpi_id
        assert entry["higher_is_better"] in (True, False, None), kpi_id
        assert all(entry["names"][language].strip() for language in LANGUAGES), kpi_id
        assert entry["source_guides"] and all(g.endswith(".txt") for g in entry["source_guides"]), kpi_id
        # One file per family, named after it.
        assert Path(metric["original_file_path"]).name == f"_kpis__{entry['family']}.yml", kpi_id


def test_value_is_numerator_over_denominator(manifest: dict[str, Any]) -> None:
    """A count is a simple metric over one measure. Any other KPI's expr (what MetricFlow and the
    scorecard compute) is the declared numerator over the declared denominator, x 100 for a
    percentage (or meta.kpi.multiplier: nps): the two can never drift apart."""
    for kpi_id, metric in registry_kpis(manifest).items():
        entry = metric["config"]["meta"]["kpi"]
        if metric["type"] == "simple":
            assert entry["unit"] in {"count", "currency"} and "numerator" not in entry, kpi_id
            assert not metric["filter"] and not metric["type_params"]["measure"]["filter"], kpi_id
            # A month with rows for other metrics but none for the count shows 0, as the scorecard.
            assert metric["type_params"]["measure"]["fill_nulls_with"] == 0, kpi_id
            continue
        assert metric["type"] == "derived", kpi_id
        multiplier = 100 if entry["unit"] == "percent" else entry.get("multiplier", 1)
        ratio = f"({entry['numerator']}) / nullif({entry['denominator']}, 0)"
        expected = {1: ratio, 100: f"100.0 * {ratio}"}[multiplier]
        assert metric["type_params"]["expr"] == expected, kpi_id
        inputs = {m["alias"] or m["name"] for m in metric["type_params"]["metrics"]}
        assert inputs == set(re.findall(r"[a-z_]+", f"{entry['numerator']} {entry['denominator']}")) - {"nullif"}


def test_benchmarks_are_complete(manifest: dict[str, Any]) -> None:
    benchmarked = {
        k: m["config"]["meta"]["kpi"]["benchmark"]
        for k, m in registry_kpis(manifest).items()
        if "benchmark" in m["config"]["meta"]["kpi"]
    }
    assert {"service_level_pct", "csat_pct", "nps"} <= set(benchmarked)
    for kpi_id, benchmark in benchmarked.items():
        assert benchmark["comparison"] in {"lte", "lt", "gte", "gt", "between"}, kpi_id
        assert isinstance(benchmark["value"], int | float) and isinstance(benchmark["meets"], int | float), kpi_id
        assert ("meets_upper" in benchmark) == (benchmark["comparison"] == "between"), kpi_id
        assert benchmark["source"].endswith(".txt") and benchmark["note"], kpi_id


def test_nothing_but_the_registry_lists_kpis(manifest: dict[str, Any]) -> None:
    """The scorecard's rows come from the registry's generated model only, and the catalogue and
    benchmarks from the registry alone: no seed, no other model adds a kpi_id."""
    nodes = {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] in ("model", "seed")}
    assert not {name for name, node in nodes.items() if node["resource_type"] == "seed"} & {
        "kpi_definitions",
        "kpi_benchmarks",
    }
    parents = {name.split(".")[-1] for name in nodes["kpi_scorecard_monthly"]["depends_on"]["nodes"]}
    assert parents == {"int_scorecard__registry", "kpi_definitions", "kpi_benchmarks"}
    for catalogue in ("kpi_definitions", "kpi_benchmarks"):
        assert {name.split(".")[-1] for name in nodes[catalogue]["depends_on"]["nodes"]} <= {"exchange_rates"}
    # Only the models generated from the registry (they loop over registry_kpis()) name a kpi_id: as
    # a column alias, or in the column list of an inline table of KPI ids.
    names_kpi_id = re.compile(r"\bas kpi_id\b|\bas \w+ \(\s*kpi_id\b")
    scorecard_models = {name for name, node in nodes.items() if names_kpi_id.search(node.get("raw_code") or "")}
    assert scorecard_models == {
        "int_scorecard__registry",
        "int_scorecard__change_driver_groups",
        "kpi_definitions",
        "kpi_benchmarks",
    }
    assert all("registry_kpis()" in nodes[name]["raw_code"] for name in scorecard_models)


# Hand-made rows (every other column null) and the scorecard rows worked out by hand.
TICKETS = [
    # created_month, first_response_sla_status, first_response_minutes, first_resolved_month,
    # is_first_contact_resolution, is_resolution_sla_met, first_resolution_minutes,
    # is_complaint_or_escalated, is_solved, last_resolved_month, full_resolution_minutes,
    # agent_replies_count, customer_replies_count
    ("2026-01-01", "met", 10, "2026-01-01", True, True, 90, False, True, "2026-01-01", 90, 1, 2),
    ("2026-01-01", "met", 20.5, "2026-01-01", False, False, 30, True, True, "2026-01-01", 30, 3, None),
    ("2026-01-01", "breached", 300, None, False, None, None, None, None, None, None, None, None),
    ("2026-01-01", "pending", None, None, False, None, None, None, None, None, None, None, None),
    ("2026-01-01", "pending", None, None, False, None, None, None, None, None, None, None, None),
]
TICKET_COLUMNS = (
    "ticket_id, created_month, first_response_sla_status, first_response_minutes, first_resolved_month, "
    "is_first_contact_resolution, is_resolution_sla_met, first_resolution_minutes, is_complaint_or_escalated, "
    "is_solved, last_resolved_month, full_resolution_minutes, agent_replies_count, customer_replies_count"
)
JANUARY = {
    # Pending tickets are left out of the first-response SLA's denominator.
    "first_response_sla_pct": (2, 3, 200 / 3),
    "first_contact_resolution_pct": (1, 2, 50),
    "resolution_sla_pct": (1, 2, 50),
    "first_response_time_avg_minutes": (330.5, 3, 330.5 / 3),
    # No business minutes and no assignment: 0 / 0, a row with a null value.
    "first_response_time_avg_business_minutes": (0, 0, None),
    "first_assignment_time_avg_minutes": (0, 0, None),
    # The reply without a response time is left out.
    "response_time_avg_minutes": (12.5, 1, 12.5),
    "resolution_time_avg_hours": (2, 2, 1),
    "full_resolution_time_avg_hours": (2, 2, 1),
    "complaint_resolution_time_avg_hours": (0.5, 1, 0.5),
    # A null reply count counts 0.
    "agent_replies_per_ticket": (4, 2, 2),
    "customer_replies_per_ticket": (2, 2, 1),
}


Rows = dict[tuple[date, str], tuple]
MONTHS_TABLES = (
    "intermediate.int_kpi__helpdesk_months",
    "intermediate.int_survey__months",
    "intermediate.int_web__months",
    "intermediate.int_customers__months",
    "intermediate.int_contacts__months",
)


@pytest.fixture(scope="module")
def scenario_warehouse(empty_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the empty warehouse holding every scenario's hand-made rows, with
    int_scorecard__registry, int_scorecard__change_driver_groups and kpi_change_drivers run ONCE on
    them (the scenarios below use months or KPIs apart, so each test reads its own rows; two may
    list the same month)."""
    work = tmp_path_factory.mktemp("registry-scenarios")
    statements = [
        *HELPDESK_SPEED_STATEMENTS,
        *SURVEYS_STATEMENTS,
        *SELF_SERVICE_STATEMENTS,
        *SOCIAL_STATEMENTS,
        *HELPDESK_VOLUME_STATEMENTS,
        *COSTS_STATEMENTS,
        *CUSTOMERS_STATEMENTS,
        *CONTACTS_STATEMENTS,
        *CHANGE_DRIVER_STATEMENTS,
        *(f"create or replace table {table} as select distinct month from {table}" for table in MONTHS_TABLES),
    ]
    warehouse = tampered_copy(empty_warehouse, work, statements)
    done = dbt(
        "run",
        "--select",
        "int_scorecard__registry",
        "int_scorecard__change_driver_groups",
        "kpi_change_drivers",
        warehouse=warehouse,
        work=work,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    return warehouse


@pytest.fixture(scope="module")
def registry_scenarios(scenario_warehouse: Path) -> Rows:
    """``{(month, kpi_id): (numerator, denominator, value)}`` of int_scorecard__registry."""
    con = duckdb.connect(str(scenario_warehouse), read_only=True)
    try:
        rows = con.execute(
            "select month, kpi_id, numerator, denominator, value from intermediate.int_scorecard__registry"
        ).fetchall()
    finally:
        con.close()
    got = {(month, kpi_id): (numerator, denominator, value) for month, kpi_id, numerator, denominator, value in rows}
    assert len(got) == len(rows)
    return got


def of_scenario(
    got: Rows, expected: Rows, also: frozenset[str] = frozenset(), empty: frozenset[date] = frozenset()
) -> Rows:
    """The rows of ``got`` in the scenario's months and of its KPIs, with ``also`` (KPIs that must
    have no row in some of those months) and ``empty`` (months where its KPIs must have no row)."""
    months = {month for month, _ in expected} | empty
    kpi_ids = {kpi_id for _, kpi_id in expected} | also
    return {key: figures for key, figures in got.items() if key[0] in months and key[1] in kpi_ids}


def assert_rows(got: dict[tuple[date, str], tuple], expected: dict[tuple[date, str], tuple]) -> None:
    assert set(got) == set(expected)
    for key, (numerator, denominator, value) in expected.items():
        assert got[key][0] == (None if numerator is None else pytest.approx(numerator, abs=1e-9)), key
        assert got[key][1] == (None if denominator is None else pytest.approx(denominator, abs=1e-9)), key
        assert got[key][2] == (None if value is None else pytest.approx(value, abs=1e-9)), key


HELPDESK_SPEED_STATEMENTS = [
    "insert into intermediate.int_kpi__helpdesk_months values ('2026-01-01'), ('2026-02-01')",
    *(
        f"insert into mart.fct_tickets ({TICKET_COLUMNS}) values "
        f"('t{number}', {', '.join('null' if v is None else repr(v) for v in row)})"
        for number, row in enumerate(TICKETS)
    ),
    "insert into mart.fct_ticket_replies (reply_event_id, ticket_id, replied_month, response_minutes) "
    "values ('r1', 't0', '2026-01-01', 12.5), ('r2', 't1', '2026-01-01', null)",
]


def test_helpdesk_rows_match_hand_values(registry_scenarios: Rows) -> None:
    """January has five tickets and two replies; February has helpdesk data but nothing measured:
    every helpdesk KPI of the registry has a February row with 0 / 0 and a null value."""
    expected = {(date(2026, 1, 1), kpi_id): figures for kpi_id, figures in JANUARY.items()}
    expected |= {(date(2026, 2, 1), kpi_id): (0, 0, None) for kpi_id in JANUARY}
    got = registry_scenarios
    assert_rows(of_scenario(got, expected), expected)


SURVEY_COLUMNS = (
    "response_id, sent_month, responded_month, survey_type, is_answered, is_csat_positive, nps_category, "
    "ces_score_1_to_7, has_comment, is_comment_replied"
)
SURVEYS_STATEMENTS = [
    "insert into intermediate.int_survey__months values ('2026-01-01'), ('2026-02-01'), ('2026-03-01')",
    f"insert into mart.fct_survey_responses ({SURVEY_COLUMNS}) values "
    "('s1', '2026-01-01', '2026-01-01', 'csat', true, true, null, null, true, true), "
    "('s2', '2026-01-01', '2026-01-01', 'nps', true, null, 'detractor', null, true, false), "
    "('s3', '2026-01-01', null, 'csat', false, null, null, null, false, false), "
    "('s4', '2026-01-01', null, 'nps', false, null, null, null, false, false), "
    "('s5', '2026-01-01', '2026-02-01', 'ces', true, null, null, 5.5, false, false)",
    "insert into mart.fct_quality_reviews (review_id, criterion, reviewed_month, weighted_score, "
    "weighted_max_score) values ('q1', 'tone', '2026-01-01', 4, 5), ('q1', 'accuracy', '2026-01-01', 12, 20), "
    "('q2', 'tone', '2026-03-01', 3, 4)",
]


def test_survey_rows_match_hand_values(registry_scenarios: Rows) -> None:
    """Jan: 5 surveys sent: a csat positive and an nps detractor answered in Jan, a ces answered in
    Feb, 1 unanswered csat and 1 unanswered nps: response rate 3 / 5 (by sent month), csat 1 / 1
    (the unanswered csat is not in the score), nps (0 - 1) / 1 x 100. One answer with a comment
    that got a reply, one without -> 1 / 2. Jan IQS: (4 + 12) / (5 + 20). Feb only has the answer
    to the January ces (5.5): response rate 0 / 0 = null, CES 5.5 / 1, other ratios 0 / 0. Mar has
    a review only: 3 / 4."""
    zero = (0, 0, None)
    january, february, march = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
    expected = {
        (january, "csat_pct"): (1, 1, 100),
        (january, "nps"): (-1, 1, -100),
        (january, "customer_effort_score"): zero,
        (january, "survey_response_rate_pct"): (3, 5, 60),
        (january, "internal_quality_score_pct"): (16, 25, 64),
        (january, "feedback_response_rate_pct"): (1, 2, 50),
        (february, "customer_effort_score"): (5.5, 1, 5.5),
        (march, "internal_quality_score_pct"): (3, 4, 75),
    }
    for month in (february, march):
        for kpi_id in (
            "csat_pct",
            "nps",
            "customer_effort_score",
            "survey_response_rate_pct",
            "internal_quality_score_pct",
            "feedback_response_rate_pct",
        ):
            expected.setdefault((month, kpi_id), zero)
    got = registry_scenarios
    assert_rows(of_scenario(got, expected), expected)


SELF_SERVICE_COLUMNS = (
    "month, kb_article_views_count, kb_unique_article_views_count, kb_engagement_time_ms_sum, kb_upvotes_count, "
    "kb_downvotes_count, kb_sessions_count, kb_bounced_sessions_count, bot_conversations_count, bot_resolved_count, "
    "forum_posts_count, forum_threads_count, forum_threads_answered_count, tickets_created_count"
)


SELF_SERVICE_STATEMENTS = [
    "insert into intermediate.int_web__months values ('2025-01-01'), ('2025-02-01')",
    f"insert into mart.kpi_self_service_monthly ({SELF_SERVICE_COLUMNS}) values "
    "('2025-01-01', 9, 8, 107500, 1, 1, 7, 1, 6, 4, 3, 2, 1, 6), "
    "('2025-02-01', 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)",
]


def test_self_service_rows_match_hand_values(registry_scenarios: Rows) -> None:
    """January: 9 kb views, 8 unique, 107 500 ms -> 107.5 s / 9; 1 bounce of 7 kb sessions; 1 up and
    1 down -> 50 %; 8 unique views / 6 tickets; 6 bot conversations, 4 resolved; 3 posts; 2 threads,
    1 answered. February is a web month with nothing but a forum post: counts 0, every ratio 0 / 0."""
    january, february = date(2025, 1, 1), date(2025, 2, 1)
    expected = {
        (january, "kb_article_views"): (9, None, 9),
        (january, "kb_unique_article_views"): (8, None, 8),
        (january, "kb_bounce_rate_pct"): (1, 7, 100 / 7),
        (january, "kb_avg_time_on_article_seconds"): (107.5, 9, 107.5 / 9),
        (january, "kb_article_upvotes"): (1, None, 1),
        (january, "kb_article_downvotes"): (1, None, 1),
        (january, "kb_helpfulness_pct"): (1, 2, 50),
        (january, "kb_views_per_ticket"): (8, 6, 8 / 6),
        (january, "chatbot_conversations"): (6, None, 6),
        (january, "bot_success_rate_pct"): (4, 6, 400 / 6),
        (january, "forum_new_posts"): (3, None, 3),
        (january, "forum_success_rate_pct"): (1, 2, 50),
        (february, "forum_new_posts"): (1, None, 1),
    }
    for kpi_id, (_, denominator, _) in list((k[1], v) for k, v in expected.items() if k[0] == january):
        expected.setdefault((february, kpi_id), (0, None, 0) if denominator is None else (0, 0, None))
    got = registry_scenarios
    assert_rows(of_scenario(got, expected), expected)


SOCIAL_COLUMNS = (
    "activity_date, activity_month, network, engagement_actions_count, negative_feedback_count, "
    "feedback_with_sentiment_count, social_tickets_count, first_response_count, first_response_minutes_sum, "
    "first_resolved_count, resolution_sla_met_count, social_bot_resolved_count"
)


SOCIAL_STATEMENTS = [
    "insert into intermediate.int_kpi__helpdesk_months values ('2026-01-01'), ('2026-02-01')",
    "insert into intermediate.int_web__months values ('2026-01-01'), ('2026-03-01')",
    f"insert into mart.kpi_social_daily ({SOCIAL_COLUMNS}) values "
    "('2026-01-02', '2026-01-01', 'twitter', 3, 1, 3, 1, 1, 30, 1, 1, 1), "
    "('2026-01-31', '2026-01-01', 'facebook', 2, 0, 1, 1, 1, 240, 1, 0, 0), "
    "('2026-03-03', '2026-03-01', 'twitter', 1, 0, 0, 0, 0, 0, 0, 0, 0)",
]


def test_social_rows_have_two_spines(registry_scenarios: Rows) -> None:
    """Helpdesk months Jan and Feb, web months Jan and Mar. Jan: two social tickets with first
    replies of 30 and 240 min -> 135; one first resolved within SLA, one not -> 50 %; engagement
    3 + 2, negative 1 of 4 with sentiment, 1 social bot resolved. Feb (helpdesk only): social_tickets
    0, ratios null, no web-KPI row. Mar (web only): no social-ticket rows; no feedback with
    sentiment -> negative feedback null."""
    january, february, march = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
    expected = {
        (january, "social_tickets"): (2, None, 2),
        (january, "social_first_response_time_avg_minutes"): (270, 2, 135),
        (january, "social_resolution_sla_pct"): (1, 2, 50),
        (february, "social_tickets"): (0, None, 0),
        (february, "social_first_response_time_avg_minutes"): (0, 0, None),
        (february, "social_resolution_sla_pct"): (0, 0, None),
        (january, "social_engagement_actions"): (5, None, 5),
        (january, "social_negative_feedback_pct"): (1, 4, 25),
        (january, "social_bot_resolved"): (1, None, 1),
        (march, "social_engagement_actions"): (1, None, 1),
        (march, "social_negative_feedback_pct"): (0, 0, None),
        (march, "social_bot_resolved"): (0, None, 0),
    }
    got = registry_scenarios
    assert_rows(of_scenario(got, expected), expected)


HELPDESK_MONTHLY_COLUMNS = (
    "month, resolved_tickets_count, reopened_tickets_count, recurring_incident_tickets_count, "
    "unresolved_end_of_month_count, awaiting_agent_end_of_month_count, overdue_end_of_month_count"
)


VOLUME_TICKETS = [
    ("v1", "2024-11-01", False, False),
    ("v7", "2024-11-01", False, False),
    ("v2", "2024-12-01", False, True),
    ("v3", "2024-12-01", False, False),
    ("v4", "2024-12-01", True, False),
    ("v5", "2024-12-01", False, False),
    ("v8", "2024-12-01", False, False),
]
HELPDESK_VOLUME_STATEMENTS = [
    "insert into intermediate.int_kpi__helpdesk_months values ('2024-11-01'), ('2024-12-01'), ('2025-02-01')",
    "insert into mart.fct_tickets (ticket_id, created_month, is_reassigned, is_escalated) values "
    + ", ".join(f"('{t}', '{m}', {r}, {e})" for t, m, r, e in VOLUME_TICKETS),
    f"insert into mart.kpi_helpdesk_monthly ({HELPDESK_MONTHLY_COLUMNS}) values "
    "('2024-11-01', 0, 0, 0, 2, 2, 0), ('2024-12-01', 2, 1, 2, 3, 1, 1), ('2025-02-01', 1, 0, 0, 2, 0, 2)",
]


def test_helpdesk_volume_and_backlog_rows(registry_scenarios: Rows) -> None:
    """Nov 2024, Dec 2024 and Feb 2025 have helpdesk data, Jan 2025 not. Nov: 2 created, nothing
    resolved; no previous month with data -> no change row. Dec: 5 created (1 reassigned, 1
    escalated), 2 resolved after 0 in Nov -> change 2 / 0 = null, rate 2 / 5; 1 reopened, 2
    recurring. Feb: nothing created, 1 resolved -> rate 1 / 0 null, escalated 0 / 0 null; Jan has no
    data -> no change row. Stocks as given, a count per month."""
    november, december, february = date(2024, 11, 1), date(2024, 12, 1), date(2025, 2, 1)
    expected = {
        (november, "tickets_created"): (2, None, 2),
        (november, "tickets_resolved"): (0, None, 0),
        (november, "resolution_rate_pct"): (0, 2, 0),
        (november, "reopened_tickets"): (0, None, 0),
        (november, "reassigned_tickets"): (0, None, 0),
        (november, "escalated_tickets_pct"): (0, 2, 0),
        (november, "recurring_incident_tickets"): (0, None, 0),
        (december, "tickets_created"): (5, None, 5),
        (december, "tickets_resolved"): (2, None, 2),
        (december, "tickets_resolved_change_pct"): (2, 0, None),
        (december, "resolution_rate_pct"): (2, 5, 40),
        (december, "reopened_tickets"): (1, None, 1),
        (december, "reassigned_tickets"): (1, None, 1),
        (december, "escalated_tickets_pct"): (1, 5, 20),
        (december, "recurring_incident_tickets"): (2, None, 2),
        (february, "tickets_created"): (0, None, 0),
        (february, "tickets_resolved"): (1, None, 1),
        (february, "resolution_rate_pct"): (1, 0, None),
        (february, "reopened_tickets"): (0, None, 0),
        (february, "reassigned_tickets"): (0, None, 0),
        (february, "escalated_tickets_pct"): (0, 0, None),
        (february, "recurring_incident_tickets"): (0, None, 0),
    }
    stocks = {november: (2, 2, 0), december: (3, 1, 1), february: (2, 0, 2)}
    for month, figures in stocks.items():
        for kpi_id, figure in zip(
            (
                "tickets_unresolved_end_of_month",
                "tickets_awaiting_agent_end_of_month",
                "ticket_backlog_overdue_end_of_month",
            ),
            figures,
            strict=True,
        ):
            expected[(month, kpi_id)] = (figure, None, figure)
    got = registry_scenarios
    assert_rows(
        of_scenario(
            got, expected, also=frozenset({"tickets_resolved_change_pct"}), empty=frozenset({date(2025, 1, 1)})
        ),
        expected,
    )


COSTS_STATEMENTS = [
    "insert into mart.kpi_costs_monthly (month, operating_costs_reporting, cost_rows, tickets_created) values "
    "('2024-01-01', 10917, 3, 4), ('2025-03-01', 8720, 2, 0)",
    "insert into mart.fct_tickets (ticket_id, created_month) values ('c1', '2024-02-01')",
]


def test_cost_per_ticket_rows(registry_scenarios: Rows) -> None:
    """Costs of m / tickets created in m, in the months with costs: a month with costs and no
    tickets has a row with a null value; tickets in a month without costs give no row (they are not
    in kpi_costs_monthly)."""
    expected = {
        (date(2024, 1, 1), "cost_per_ticket"): (10917, 4, 2729.25),
        (date(2025, 3, 1), "cost_per_ticket"): (8720, 0, None),
    }
    got = registry_scenarios
    assert_rows(of_scenario(got, expected, empty=frozenset({date(2024, 2, 1)})), expected)


LIFECYCLE_COLUMNS = (
    "month, segment, customers_start, customers_end, customers_new, customers_new_referral, customers_lost, "
    "customers_new_churned, loyalty_members_end, training_customers_end"
)
CUSTOMERS_STATEMENTS = [
    "insert into intermediate.int_customers__months values ('2024-01-01'), ('2024-03-01'), ('2024-05-01')",
    f"insert into mart.kpi_customer_lifecycle_monthly ({LIFECYCLE_COLUMNS}) values "
    "('2024-01-01', 'a', 150, 150, 15, 3, 15, 0, 50, 2), ('2024-01-01', 'b', 50, 50, 5, 2, 5, 0, 0, 0), "
    "('2024-03-01', 'a', 250, 230, 0, 0, 20, 0, 23, 0)",
    "insert into mart.kpi_customer_lifetime_value_monthly (month, revenue_reporting, ordering_customers, "
    "customers_active_window_start, customers_lost_window) values "
    "('2024-03-01', 500, 2, 240, 80), ('2024-05-01', 0, 0, 100, 10)",
    "insert into mart.kpi_customer_interactions_monthly (month, interaction_type, interactions_count) values "
    "('2024-01-01', 'ticket', 1), ('2024-01-01', 'customer_activity', 1)",
    "insert into mart.fct_discounts (discount_id, customer_id, granted_month, ticket_id, amount_reporting) values "
    "('d1', 'c1', '2024-03-01', 't1', 10), ('d2', 'c1', '2024-03-01', null, null)",
]


def test_customer_rows_match_hand_values(registry_scenarios: Rows) -> None:
    """The guides' worked examples. January (two segments summed): retention with S = 200, E = 200,
    N = 20 is 90 %, churn 20 / 200, referral 5 / 20, loyalty 50 / 200, training 2 / 200, two
    interactions / 200 customers; no discounts -> ticket share 0 / 0 = null; no CLV window -> null.
    March: churn 20 of 250 is 8 %, no new customers -> referral 0 / 0 = null; CLV = revenue per
    ordering customer 500 / 2 over the window's churn 80 / 240 = 750; two discounts, one for a
    ticket, one without an amount (it counts, its amount does not). May has crm data and nothing
    else: counts 0, ratios 0 / 0; a window with churn 10 / 100 but no order -> CLV numerator null,
    value null."""
    january, march, may = date(2024, 1, 1), date(2024, 3, 1), date(2024, 5, 1)
    expected = {
        (january, "customers_start"): (200, None, 200),
        (january, "customers_end"): (200, None, 200),
        (january, "customers_new"): (20, None, 20),
        (january, "customers_lost"): (20, None, 20),
        (january, "churn_rate_pct"): (20, 200, 10),
        (january, "customer_retention_rate_pct"): (180, 200, 90),
        (january, "referral_rate_pct"): (5, 20, 25),
        (january, "customer_lifetime_value"): (None, None, None),
        (january, "loyalty_participation_pct"): (50, 200, 25),
        (january, "training_participation_pct"): (2, 200, 1),
        (january, "interactions_per_customer"): (2, 200, 0.01),
        (january, "discounts_granted"): (0, None, 0),
        (january, "discounts_granted_amount"): (0, None, 0),
        (january, "discounts_ticket_share_pct"): (0, 0, None),
        (march, "customers_start"): (250, None, 250),
        (march, "customers_end"): (230, None, 230),
        (march, "customers_new"): (0, None, 0),
        (march, "customers_lost"): (20, None, 20),
        (march, "churn_rate_pct"): (20, 250, 8),
        (march, "customer_retention_rate_pct"): (230, 250, 92),
        (march, "referral_rate_pct"): (0, 0, None),
        (march, "customer_lifetime_value"): (250, 1 / 3, 750),
        (march, "loyalty_participation_pct"): (23, 230, 10),
        (march, "training_participation_pct"): (0, 230, 0),
        (march, "interactions_per_customer"): (0, 230, 0),
        (march, "discounts_granted"): (2, None, 2),
        (march, "discounts_granted_amount"): (10, None, 10),
        (march, "discounts_ticket_share_pct"): (1, 2, 50),
    }
    for kpi_id, figures in [(k[1], v) for k, v in expected.items() if k[0] == january]:
        expected[(may, kpi_id)] = (0, None, 0) if figures[1] is None else (0, 0, None)
    expected[(may, "customer_lifetime_value")] = (None, 0.1, None)
    got = registry_scenarios
    assert_rows(of_scenario(got, expected, empty=frozenset({date(2024, 2, 1), date(2024, 4, 1)})), expected)


CONTACTS_STATEMENTS = [
    "insert into intermediate.int_contacts__months values "
    "('2022-12-01'), ('2023-01-01'), ('2023-02-01'), ('2023-03-01')",
    "insert into mart.kpi_contacts_monthly (month, contact_type, contacts_count) values "
    "('2022-12-01', 'ticket', 1), ('2023-01-01', 'ticket', 4), ('2023-01-01', 'inbound_call', 2), "
    "('2023-01-01', 'bot_conversation', 1), ('2023-03-01', 'bot_conversation', 1)",
    "insert into mart.kpi_repeat_contacts_monthly (month, contacts_per_customer, customers_count) values "
    "('2022-12-01', 1, 1), ('2023-01-01', 2, 2), ('2023-01-01', 1, 1)",
]


def test_contact_rows_match_hand_values(registry_scenarios: Rows) -> None:
    """Contact months Dec 2022 - Mar 2023 (helpdesk, telephony or web data). Jan: 4 tickets, 2
    inbound calls and a bot conversation -> 7 contacts; two customers with 2 contacts, one with 1 ->
    repeat 2 / 3. Dec: one ticket of one customer -> 0 / 1. Feb: a month with data but no contact
    -> 0, 0 / 0 = null. Mar: only a bot conversation -> volume 1, no ticket or call customer -> null."""
    december, january, february, march = date(2022, 12, 1), date(2023, 1, 1), date(2023, 2, 1), date(2023, 3, 1)
    expected = {
        (december, "contact_volume"): (1, None, 1),
        (december, "repeat_contact_rate_pct"): (0, 1, 0),
        (january, "contact_volume"): (7, None, 7),
        (january, "repeat_contact_rate_pct"): (2, 3, 200 / 3),
        (february, "contact_volume"): (0, None, 0),
        (february, "repeat_contact_rate_pct"): (0, 0, None),
        (march, "contact_volume"): (1, None, 1),
        (march, "repeat_contact_rate_pct"): (0, 0, None),
    }
    got = registry_scenarios
    assert_rows(of_scenario(got, expected), expected)


CHANGE_DRIVER_STATEMENTS = [
    # the decomposed values are the scorecard's: its rows exist in helpdesk months
    "insert into intermediate.int_kpi__helpdesk_months values "
    "('2021-01-01'), ('2021-02-01'), ('2021-03-01'), ('2021-04-01')",
    "insert into mart.fct_tickets (ticket_id, created_month, channel, priority, first_response_minutes) values "
    "('x1', '2021-01-01', 'email', 'normal', 10), ('x2', '2021-01-01', 'email', 'normal', 30), "
    "('x3', '2021-01-01', 'chat', 'normal', 2), ('x4', '2021-01-01', 'chat', 'normal', 4), "
    "('x5', '2021-02-01', 'email', 'normal', 20), ('x6', '2021-02-01', 'email', 'normal', 30), "
    "('x7', '2021-02-01', 'email', 'normal', 40), ('x8', '2021-02-01', 'chat', 'normal', 6), "
    "('x9', '2021-03-01', 'email', 'normal', 10), ('x10', '2021-03-01', 'email', 'normal', 30), "
    "('x11', '2021-03-01', 'chat', 'normal', 2), ('x12', '2021-03-01', 'chat', 'normal', 4)",
    "insert into mart.fct_tickets (ticket_id, created_month, channel, priority, first_response_minutes) values "
    "('x13', '2021-04-01', 'email', 'normal', 10), ('x14', '2021-04-01', 'email', 'normal', 30), "
    "('x15', '2021-04-01', 'chat', 'normal', 2), ('x16', '2021-04-01', 'chat', 'normal', 4), "
    "('x17', '2021-04-01', 'chat', 'normal', 3.9)",
]


def test_change_drivers_split_mix_and_rate(scenario_warehouse: Path) -> None:
    """Mean first response, Jan -> Feb 2021: email 2 tickets at 20 min (share 1/2) -> 3 at 30 (3/4),
    chat 2 at 3 -> 1 at 6 (1/4): 46 / 4 = 11.5 -> 96 / 4 = 24, +12.5. Email: mix (3/4 - 1/2) x (20 +
    30) / 2 = 6.25, rate (30 - 20) x (1/2 + 3/4) / 2 = 6.25; chat: mix (1/4 - 1/2) x (3 + 6) / 2 =
    -1.125, rate (6 - 3) x 3/4 / 2 = +1.125. By priority one group: all rate. March goes back to
    January's 11.5 (-12.5). April: one more chat ticket at 3.9 min, 49.9 / 5 = 9.98 vs 11.5 is
    -13.2 %: listed; a change under 5 % would not be."""
    con = duckdb.connect(str(scenario_warehouse), read_only=True)
    try:
        rows = con.execute(
            "select month, dimension, dimension_value, previous_value, value, change, previous_share, share, "
            "previous_rate, rate, mix_effect, rate_effect from mart.kpi_change_drivers "
            "where kpi_id = 'first_response_time_avg_minutes' and year(month) = 2021"
        ).fetchall()
    finally:
        con.close()
    got = {(row[0], row[1], row[2]): row[3:] for row in rows}
    february, march, april = date(2021, 2, 1), date(2021, 3, 1), date(2021, 4, 1)
    expected = {
        (february, "channel", "email"): (11.5, 24, 12.5, 0.5, 0.75, 20, 30, 6.25, 6.25),
        (february, "channel", "chat"): (11.5, 24, 12.5, 0.5, 0.25, 3, 6, -1.125, 1.125),
        (february, "priority", "normal"): (11.5, 24, 12.5, 1, 1, 11.5, 24, 0, 12.5),
        (march, "channel", "email"): (24, 11.5, -12.5, 0.75, 0.5, 30, 20, -6.25, -6.25),
        (march, "channel", "chat"): (24, 11.5, -12.5, 0.25, 0.5, 6, 3, 1.125, -1.125),
        (march, "priority", "normal"): (24, 11.5, -12.5, 1, 1, 24, 11.5, 0, -12.5),
    }
    april_rows = {key: figures for key, figures in got.items() if key[0] == april}
    assert {key[1:] for key in april_rows} == {("channel", "email"), ("channel", "chat"), ("priority", "normal")}
    assert sum(figures[-2] + figures[-1] for key, figures in april_rows.items() if key[1] == "channel") == (
        pytest.approx(49.9 / 5 - 11.5, abs=1e-12)
    )
    assert {key: figures for key, figures in got.items() if key[0] != april} == {
        key: tuple(pytest.approx(figure, abs=1e-12) for figure in figures) for key, figures in expected.items()
    }


CLASHING_ALIAS = """version: 2
metrics:
- name: tickets_created_change_pct
  label: Change in tickets created vs previous month
  description: A KPI whose previous-month input takes the alias another KPI gives another metric.
  type: derived
  type_params:
    expr: 100.0 * (created_ticket_count - previous_resolved_ticket_count) / nullif(previous_resolved_ticket_count, 0)
    metrics:
    - name: created_ticket_count
    - name: created_ticket_count
      offset_window: 1 month
      alias: previous_resolved_ticket_count
  config:
    meta:
      kpi:
        family: helpdesk_volume
        unit: percent
        numerator: created_ticket_count - previous_resolved_ticket_count
        denominator: previous_resolved_ticket_count
"""


def test_a_previous_month_alias_names_one_metric(project_copy: Path, tmp_path: Path) -> None:
    """The scorecard joins each months model's previous month once for all its KPIs, so an alias of
    a previous-month input must name the same metric in every KPI: a KPI reusing
    tickets_resolved_change_pct's alias previous_resolved_ticket_count for tickets created is a
    compile error naming both, not a silent pick of one."""
    project = project_copy
    (project / "models" / "marts" / "kpi" / "registry" / "_kpis__clash.yml").write_text(CLASHING_ALIAS)
    done = dbt(
        "compile",
        "--select",
        "int_scorecard__registry",
        warehouse=tmp_path / "warehouse.duckdb",
        work=tmp_path,
        project=project,
    )
    assert done.returncode != 0, done.stdout[-2000:]
    assert (
        # KPIs compile in kpi_id order: the created one takes the alias first
        "KPI registry: tickets_resolved_change_pct names its previous-month resolved_ticket_count "
        "previous_resolved_ticket_count, the alias of created_ticket_count in another KPI of int_kpi__helpdesk_months"
    ) in done.stdout, done.stdout[-2000:]
