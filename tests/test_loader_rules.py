"""Loader rules on survey scores and money currencies, on small hand-written files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.contract import Entity, InScale, KnownCurrency, get_entity
from dagster_project.loading import load_entity
from dagster_project.loading.currencies import (
    REPORTING_CURRENCY_ENV,
    known_currencies,
    seeded_currencies,
    unknown_currency_note,
)

SURVEY_RESPONSES = get_entity("survey", "survey_responses")
ORDERS = get_entity("crm", "orders")
DISCOUNTS = get_entity("crm", "discounts")
OPERATING_COSTS = get_entity("finance", "operating_costs")


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(REPORTING_CURRENCY_ENV, raising=False)
    return tmp_path / "landing"


def drop(landing: Path, entity: Entity, text: str, name: str = "a.csv") -> None:
    folder = landing / entity.source / entity.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def quarantined(con: duckdb.DuckDBPyConnection, entity: Entity) -> list[tuple]:
    return con.execute(
        "select source_line, column_name, rule, reason from raw_meta.raw_quarantine "
        "where source = ? and entity = ? order by source_line",
        [entity.source, entity.name],
    ).fetchall()


def loaded_keys(con: duckdb.DuckDBPyConnection, entity: Entity) -> list[str]:
    key = entity.primary_key[0]
    return [row[0] for row in con.execute(f"select {key} from {entity.raw_table} order by _source_line").fetchall()]


def test_rules_are_declared_in_the_contract() -> None:
    assert InScale(
        "score", "scale_min", "scale_max", "survey_type", (("csat", 1, 5), ("nps", 0, 10), ("ces", 1, 7))
    ) in (SURVEY_RESPONSES.rules)
    for entity in (ORDERS, DISCOUNTS, OPERATING_COSTS):
        assert KnownCurrency("currency") in entity.rules


SURVEYS = """response_id,survey_type,sent_at,responded_at,score,scale_min,scale_max
r1,csat,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,5,,
r2,csat,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,6,,
r3,NPS,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,0,,
r4,nps,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,11,,
r5,ces,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,0,,
r6,csat,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,8,0,10
r7,ces,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,7,,5
r8,nps,2026-03-01T10:00:00Z,2026-03-01T09:59:59Z,5,,
r9,csi,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,3,,
r10,csat,2026-03-01T10:00:00Z,,,,
r11,ces,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,7.0,,
"""


def test_survey_score_scale_order_and_type(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop(landing, SURVEY_RESPONSES, SURVEYS)
    result = load_entity(con, landing, SURVEY_RESPONSES)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (11, 5, 6)
    assert loaded_keys(con, SURVEY_RESPONSES) == ["r1", "r3", "r6", "r10", "r11"]
    assert quarantined(con, SURVEY_RESPONSES) == [
        (
            3,
            "score",
            "score_out_of_scale",
            "survey/survey_responses/a.csv line 3, column score: '6' is outside the scale 1-5",
        ),
        (
            5,
            "score",
            "score_out_of_scale",
            "survey/survey_responses/a.csv line 5, column score: '11' is outside the scale 0-10",
        ),
        (
            6,
            "score",
            "score_out_of_scale",
            "survey/survey_responses/a.csv line 6, column score: '0' is outside the scale 1-7",
        ),
        # An explicit bound wins over the type's default.
        (
            8,
            "score",
            "score_out_of_scale",
            "survey/survey_responses/a.csv line 8, column score: '7' is outside the scale 1-5",
        ),
        (
            9,
            "responded_at",
            "end_before_start",
            "survey/survey_responses/a.csv line 9, column responded_at: '2026-03-01 09:59:59' is before sent_at "
            "'2026-03-01 10:00:00'",
        ),
        (
            10,
            "survey_type",
            "unknown_enum",
            "survey/survey_responses/a.csv line 10, column survey_type: unknown value 'csi' (expected csat, nps, ces)",
        ),
    ]


def test_negative_score_reports_the_scale_first(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop(landing, SURVEY_RESPONSES, "response_id,survey_type,sent_at,score\nr1,nps,2026-03-01T10:00:00Z,-1\n")
    load_entity(con, landing, SURVEY_RESPONSES)
    [(line, column, rule, reason)] = quarantined(con, SURVEY_RESPONSES)
    assert (line, column, rule) == (2, "score", "score_out_of_scale")
    assert reason.endswith("is outside the scale 0-10; column score: negative value (-1.0)")


ORDERS_CSV = """order_id,customer_id,ordered_at,amount,currency
o1,c1,2026-03-01T10:00:00Z,10,EUR
o2,c1,2026-03-01T10:00:00Z,10, usd
o3,c1,2026-03-01T10:00:00Z,10,
o4,c1,2026-03-01T10:00:00Z,10,XTS
o5,c1,2026-03-01T10:00:00Z,10,gbp
o6,c1,2026-03-01T10:00:00Z,10,eur.
"""


def test_unknown_currency_is_quarantined_with_its_code(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop(landing, ORDERS, ORDERS_CSV)
    result = load_entity(con, landing, ORDERS)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 4, 2)
    assert loaded_keys(con, ORDERS) == ["o1", "o2", "o3", "o5"]
    # The currency is stored as sent (trimmed); null stays null (= reporting currency).
    assert con.execute("select currency from raw_crm.orders order by _source_line").fetchall() == [
        ("EUR",),
        ("usd",),
        (None,),
        ("gbp",),
    ]
    reason = "(not the reporting currency EUR and no rate in exchange_rates.csv)"
    assert quarantined(con, ORDERS) == [
        (
            5,
            "currency",
            "unknown_currency",
            f"crm/orders/a.csv line 5, column currency: unknown currency 'XTS' {reason}",
        ),
        (
            7,
            "currency",
            "unknown_currency",
            f"crm/orders/a.csv line 7, column currency: unknown currency 'EUR.' {reason}",
        ),
    ]


def test_reporting_currency_comes_from_the_environment(
    con: duckdb.DuckDBPyConnection, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(REPORTING_CURRENCY_ENV, " xts ")
    drop(landing, ORDERS, ORDERS_CSV)
    load_entity(con, landing, ORDERS)
    # XTS has no rate in the seed, so no cross rate reaches it: EUR, USD and GBP amounts cannot be
    # reported in XTS (before issue 12 they loaded and were converted with the EUR rates as if
    # they were XTS rates). Only o3 (no currency = XTS) and o4 (XTS) load; lines 2, 3, 6, 7
    # are quarantined, each naming file, line, column and rule.
    assert loaded_keys(con, ORDERS) == ["o3", "o4"]
    rows = quarantined(con, ORDERS)
    assert [(line, column, rule) for line, column, rule, _ in rows] == [
        (2, "currency", "unknown_currency"),
        (3, "currency", "unknown_currency"),
        (6, "currency", "unknown_currency"),
        (7, "currency", "unknown_currency"),
    ]
    assert rows[0][3] == (
        "crm/orders/a.csv line 2, column currency: unknown currency 'EUR' "
        "(the reporting currency XTS has no rate in exchange_rates.csv, so no other currency converts to it)"
    )


def test_discounts_and_operating_costs_check_currency(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    drop(
        landing,
        DISCOUNTS,
        "discount_id,customer_id,granted_at,discount_type,amount,currency\n"
        "d1,c1,2026-03-01T10:00:00Z,gift,5,SEK\n"
        "d2,c1,2026-03-01T10:00:00Z,gift,5,CHF-X\n"
        "d3,c1,2026-03-01T10:00:00Z,gift,,\n",
    )
    drop(
        landing,
        OPERATING_COSTS,
        "month,cost_category,amount,currency\n2026-03-01,rent,100,\n2026-03-01,software,100,ZZZ\n",
    )
    load_entity(con, landing, DISCOUNTS)
    load_entity(con, landing, OPERATING_COSTS)
    assert loaded_keys(con, DISCOUNTS) == ["d1", "d3"]
    assert [(row[0], row[2]) for row in quarantined(con, DISCOUNTS)] == [(3, "unknown_currency")]
    assert "'CHF-X'" in quarantined(con, DISCOUNTS)[0][3]
    assert con.execute("select cost_category from raw_finance.operating_costs").fetchall() == [("rent",)]
    assert [(row[0], row[2]) for row in quarantined(con, OPERATING_COSTS)] == [(3, "unknown_currency")]


def test_known_currencies_read_the_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = tmp_path / "rates.csv"
    seed.write_text(
        "currency,base_currency,rate_to_base,valid_from\n"
        " usd ,EUR,0.9,2024-01-01\nUSD,EUR,0.95,2025-01-01\nEUR,EUR,1,2020-01-01\n"
    )
    assert seeded_currencies(seed) == ("EUR", "USD")
    monkeypatch.setenv(REPORTING_CURRENCY_ENV, "usd")
    assert known_currencies(seed) == ("USD", "EUR")
    monkeypatch.delenv(REPORTING_CURRENCY_ENV)
    assert known_currencies(seed) == ("EUR", "USD")
    assert known_currencies(tmp_path / "missing.csv") == ("EUR",)
    # A reporting currency without a rate: no cross rate reaches it, only its own amounts load.
    monkeypatch.setenv(REPORTING_CURRENCY_ENV, "JPY")
    assert known_currencies(seed) == ("JPY",)
    assert unknown_currency_note(seed) == (
        "(the reporting currency JPY has no rate in rates.csv, so no other currency converts to it)"
    )
    monkeypatch.delenv(REPORTING_CURRENCY_ENV)
    assert {"EUR", "USD", "GBP", "SEK"} <= set(seeded_currencies())  # the repository's seed


WEB_EVENTS = get_entity("web", "web_events")


def test_web_events_keep_unknown_names_as_other_and_quarantine_bad_votes(
    con: duckdb.DuckDBPyConnection, landing: Path
) -> None:
    drop(
        landing,
        WEB_EVENTS,
        "event_id,event_at,event_name,session_id,page_type,article_id,engagement_time_ms,vote\n"
        "e1,2026-03-01T10:00:00Z,page_view,s1,kb_article,a1,4000,\n"  # 2: loads
        "e2,2026-03-01T10:00:05Z,Scroll,s1,kb_article,a1,,\n"  # 3: unknown name -> other
        "e3,2026-03-01T10:00:06Z,first_visit,s1,,,,\n"  # 4: unknown name -> other
        "e4,2026-03-01T10:00:07Z,article_vote,s1,kb_article,,,up\n"  # 5: vote without article
        "e5,2026-03-01T10:00:08Z,article_vote,s1,kb_article,a1,,\n"  # 6: vote without a vote
        "e6,2026-03-01T10:00:09Z,user_engagement,s1,kb_article,a1,-5,\n"  # 7: negative engagement
        "e7,2026-03-01T10:00:10Z,Article_Vote,s1,kb_article,a1,,Down\n",  # 8: loads, lower-cased
    )
    result = load_entity(con, landing, WEB_EVENTS)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (7, 4, 3)
    assert result.mapped_to_fallback == {"event_name: first_visit": 1, "event_name: scroll": 1}
    assert con.execute("select event_id, event_name, vote from raw_web.web_events order by event_id").fetchall() == [
        ("e1", "page_view", None),
        ("e2", "other", None),
        ("e3", "other", None),
        ("e7", "article_vote", "down"),
    ]
    assert [row[:3] for row in quarantined(con, WEB_EVENTS)] == [
        (5, "article_id", "conditional_required"),
        (6, "vote", "conditional_required"),
        (7, "engagement_time_ms", "non_negative"),
    ]
    reasons = [row[3] for row in quarantined(con, WEB_EVENTS)]
    assert reasons[0] == (
        "web/web_events/a.csv line 5, column article_id: missing, required when event_name = article_vote"
    )
    assert "negative value (-5)" in reasons[2]
