"""Golden customers fixture: the customer and cost KPIs worked out by hand from `kpis.md`.

The landing folder `tests/fixtures/golden_customers/landing/` is written by
`tests/fixtures/golden_customers/generate_landing.py` (its docstring is the customer ledger).
Reporting currency EUR, reporting time zone UTC. Nothing below is read back from the pipeline.

Customer stock (half-open: active at a month start t = created_at < t and churned_at null or >= t;
no customer of this fixture is created or churned exactly at a month start, see
test_golden_customers_dates.py for those)
-------------------------------------------------------------------------------------
month     S    N   L   E    notes
2023-12   0  200   0  200   C001-C200 created Dec 15
2024-01 200   20  20  200   C201-C220 new (4 referral + 1 affiliate), C181-C200 churn Jan 20
2024-02 200   50   0  250   C221-C270 new
2024-03 250   10  20  240   C271-C280 new, C161-C180 churn Mar 10
2024-04 240    0   0  240
2024-05 240    1   0  240   C281 created May 10 and churned May 20: new, never in S, not lost
2024-06 240    0  80  160   C081-C160 churn Jun 15
2024-07 .. 2025-07: 160 0 0 160 (13 months; the last crm datum is activity A07 of 2025-07-15)
Sum of S over the 20 months = 0 + 200 + 200 + 250 + 240 + 240 + 240 + 13 x 160 = 3450; sum of L = 120.
Loyalty members C001-C050 are never churned: 50 in every E.

CLV (12-month window ending with m; lifetime = active at window start / lost of them in window)
  2025-03: window 2024-04 .. 2025-03, orders O11-O15 (C001) and O21-O25 (C002), 10 x 50 EUR:
           AOV 50, frequency 5, active at 2024-04-01 = 240, lost C081-C160 = 80 -> 3 years
           -> 50 x 5 x 3 = 750 (guide's example).
  2024-12: window 2024-01 .. 2024-12: O01 (100 USD x 0.9170 = 91.70), O11-O13, O21-O23:
           revenue 391.70, 7 orders, 3 customers; active at 2024-01-01 = 200, lost 20 + 20 + 80
           = 120 -> 391.70 / 3 x 200 / 120.
  2025-07: window 2024-08 .. 2025-07: 160 active, nobody churned -> null.

Costs (EUR; USD 0.9170 from 2024-01-01, SEK 0.0872 from 2025-01-01, GBP 1.1640 from 2025-07-01)
  2024-01: 10000 EUR + 1000 USD = 10917; tickets T1-T4 -> 2729.25
  2025-03: 100000 SEK = 8720; no ticket -> row with a null value
  2025-07: 1000 GBP = 1164 (the JPY row has no rate: quarantined by the loader); ticket T5 -> 1164
Benchmark 20 USD x the latest USD rate 0.8520 = 17.04 EUR (lte) -> below.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

DEC23 = dt.date(2023, 12, 1)
JAN = dt.date(2024, 1, 1)
FEB = dt.date(2024, 2, 1)
MAR = dt.date(2024, 3, 1)
MAY = dt.date(2024, 5, 1)
JUN = dt.date(2024, 6, 1)
DEC = dt.date(2024, 12, 1)
MAR25 = dt.date(2025, 3, 1)
JUL25 = dt.date(2025, 7, 1)

STOCK = {  # month: (S, N, L, E)
    DEC23: (0, 200, 0, 200),
    JAN: (200, 20, 20, 200),
    FEB: (200, 50, 0, 250),
    MAR: (250, 10, 20, 240),
    dt.date(2024, 4, 1): (240, 0, 0, 240),
    MAY: (240, 1, 0, 240),
    JUN: (240, 0, 80, 160),
    **{dt.date(2024 + (m - 1) // 12, (m - 1) % 12 + 1, 1): (160, 0, 0, 160) for m in range(7, 20)},
}


def _scorecard(mart: duckdb.DuckDBPyConnection, kpi_id: str, month: dt.date) -> tuple:
    rows = mart.execute(
        "select value, numerator, denominator, benchmark_value, benchmark_status "
        "from mart.kpi_scorecard_monthly where kpi_id = ? and month = ?",
        [kpi_id, month],
    ).fetchall()
    assert len(rows) == 1, (kpi_id, month, rows)
    return rows[0]


def _value(mart: duckdb.DuckDBPyConnection, kpi_id: str, month: dt.date) -> float | None:
    return _scorecard(mart, kpi_id, month)[0]


# --- the guides' worked examples ----------------------------------------------------------------


def test_retention_worked_example(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    """Retention with S = 200, E = 200, N = 20 is 90 % (January 2024)."""
    value, numerator, denominator, *_ = _scorecard(golden_customers_mart, "customer_retention_rate_pct", JAN)
    assert (numerator, denominator) == (180, 200)
    assert value == pytest.approx(90.0)


def test_churn_worked_example(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    """Churn with 20 lost of 250 is 8 % (March 2024); 8 > 5 is below the benchmark."""
    value, numerator, denominator, benchmark, status = _scorecard(golden_customers_mart, "churn_rate_pct", MAR)
    assert (numerator, denominator) == (20, 250)
    assert value == pytest.approx(8.0)
    assert (benchmark, status) == (5, "below")


def test_clv_worked_example(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    """CLV with order value 50, 5 orders a year and a 3-year lifetime is 750 (March 2025)."""
    value, numerator, denominator, *_ = _scorecard(golden_customers_mart, "customer_lifetime_value", MAR25)
    assert numerator == pytest.approx(250.0)  # AOV x frequency
    assert denominator == pytest.approx(80 / 240)  # churn of the window
    assert value == pytest.approx(750.0)


# --- customer stock -----------------------------------------------------------------------------


def test_customer_months_run_from_first_to_last_crm_month(
    golden_customers_mart: duckdb.DuckDBPyConnection,
) -> None:
    months = golden_customers_mart.execute(
        "select month from mart.kpi_scorecard_monthly where kpi_id = 'customers_start' order by month"
    ).fetchall()
    assert [m for (m,) in months] == sorted(STOCK)


@pytest.mark.parametrize("month", sorted(STOCK))
def test_customer_stock(golden_customers_mart: duckdb.DuckDBPyConnection, month: dt.date) -> None:
    s, n, lost, e = STOCK[month]
    got = tuple(
        _value(golden_customers_mart, kpi, month)
        for kpi in ("customers_start", "customers_new", "customers_lost", "customers_end")
    )
    assert got == (s, n, lost, e)


def test_created_and_churned_in_the_same_month(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    """C281: new in May, never active at a month start, so neither lost nor in E."""
    value, numerator, denominator, *_ = _scorecard(golden_customers_mart, "customer_retention_rate_pct", MAY)
    assert (numerator, denominator) == (239, 240)
    assert value == pytest.approx(239 / 240 * 100)
    assert _value(golden_customers_mart, "churn_rate_pct", MAY) == 0


def test_rates_of_january(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    mart = golden_customers_mart
    assert _value(mart, "churn_rate_pct", JAN) == pytest.approx(10.0)
    assert _value(mart, "referral_rate_pct", JAN) == pytest.approx(25.0)  # 4 referral + 1 affiliate of 20
    assert _value(mart, "loyalty_participation_pct", JAN) == pytest.approx(25.0)  # 50 of 200
    # T1 (C001), T2 (C002), T4 (C201, Jan 31 23:59:59) + activities A01, A02; T3 has no requester
    assert _scorecard(mart, "interactions_per_customer", JAN)[:3] == pytest.approx((0.025, 5, 200))
    assert _value(mart, "referral_rate_pct", DEC) is None  # no new customer


def test_training_participation(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    """March 2024: C001 training, C002 webinar + training, C161 training but churned Mar 10."""
    assert _scorecard(golden_customers_mart, "training_participation_pct", MAR)[:3] == pytest.approx(
        (2 / 240 * 100, 2, 240)
    )


def test_clv_other_windows(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    assert _value(golden_customers_mart, "customer_lifetime_value", DEC) == pytest.approx(391.70 / 3 * 200 / 120)
    assert _value(golden_customers_mart, "customer_lifetime_value", JUL25) is None  # no churn in window
    assert _value(golden_customers_mart, "customer_lifetime_value", JAN) is None  # nobody at window start


def test_discounts(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    """D1 10 EUR with ticket T1, D2 20 GBP x 1.1560 = 23.12, D3 without amount."""
    mart = golden_customers_mart
    assert _value(mart, "discounts_granted", JAN) == 3
    assert _value(mart, "discounts_granted_amount", JAN) == pytest.approx(33.12)
    assert _value(mart, "discounts_ticket_share_pct", JAN) == pytest.approx(100 / 3)
    assert _value(mart, "discounts_granted", FEB) == 0
    assert _value(mart, "discounts_ticket_share_pct", FEB) is None


# --- costs --------------------------------------------------------------------------------------


def test_cost_per_ticket_months(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    months = golden_customers_mart.execute(
        "select month from mart.kpi_scorecard_monthly where kpi_id = 'cost_per_ticket' order by month"
    ).fetchall()
    assert [m for (m,) in months] == [JAN, MAR25, JUL25]


def test_cost_per_ticket_converted(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    value, numerator, denominator, benchmark, status = _scorecard(golden_customers_mart, "cost_per_ticket", JAN)
    assert (numerator, denominator) == pytest.approx((10917.0, 4))
    assert value == pytest.approx(2729.25)
    assert benchmark == pytest.approx(20 * 0.8520)
    assert status == "below"


def test_cost_per_ticket_without_tickets_and_with_quarantined_cost(
    golden_customers_mart: duckdb.DuckDBPyConnection,
) -> None:
    assert _scorecard(golden_customers_mart, "cost_per_ticket", MAR25)[:3] == (None, pytest.approx(8720.0), 0)
    # GBP on its valid_from day takes the new rate; the JPY row never reaches the warehouse tables
    assert _scorecard(golden_customers_mart, "cost_per_ticket", JUL25)[:3] == pytest.approx((1164.0, 1164.0, 1))


# --- customer-level and segment tables ----------------------------------------------------------


def test_orders_in_reporting_currency(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    row = golden_customers_mart.execute(
        "select currency, exchange_rate, amount_reporting, gross_margin_reporting, ordered_month "
        "from mart.fct_orders where order_id = 'O01'"
    ).fetchone()
    assert row == ("USD", pytest.approx(0.9170), pytest.approx(91.70), pytest.approx(27.51), JAN)
    assert golden_customers_mart.execute("select currency from mart.fct_orders where order_id = 'O12'").fetchone() == (
        "EUR",
    )


def test_customer_value(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    rows = {
        r[0]: r[1:]
        for r in golden_customers_mart.execute(
            "select customer_id, orders_count, historical_clv, orders_without_margin_count, tenure_months, "
            "expected_lifetime_months, predictive_clv from mart.kpi_customer_value "
            "where customer_id in ('C001', 'C002', 'C281', 'C100')"
        ).fetchall()
    }
    lifetime = 3450 / 120  # months: 1 / (sum of L / sum of S)
    # C001: 5 x 50 at 40 % margin over Dec 2023 .. Jul 2025 = 20 months
    assert rows["C001"] == pytest.approx((5, 100.0, 0, 20, lifetime, 5 / 20 * 50 * lifetime))
    # C002: O21 has no margin; 4 x 50 x 20 %
    assert rows["C002"][:3] == pytest.approx((5, 40.0, 1))
    # C281: created and churned in May 2024, no orders
    assert rows["C281"] == pytest.approx((0, 0.0, 0, 1, lifetime, 0.0))
    assert rows["C100"][3] == 7  # churned Jun 15 2024: Dec 2023 .. Jun 2024
    assert golden_customers_mart.execute("select count(*) from mart.kpi_customer_value").fetchone() == (281,)


def test_lifecycle_by_segment(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    rows = golden_customers_mart.execute(
        "select segment, customers_start, customers_new, customers_lost, customers_end, referral_rate_pct, "
        "loyalty_participation_pct from mart.kpi_customer_lifecycle_monthly where month = ? order by segment",
        [JAN],
    ).fetchall()
    assert rows == [("enterprise", 100, 0, 0, 100, None, 50.0), ("smb", 100, 20, 20, 100, 25.0, 0.0)]


def test_segment_analysis(golden_customers_mart: duckdb.DuckDBPyConnection) -> None:
    rows = golden_customers_mart.execute(
        "select segment, industry, region, customers_end, tickets_created, tickets_per_customer, churn_rate_pct, "
        "nps, csat_pct from mart.kpi_segment_analysis where month = ? order by segment",
        [JAN],
    ).fetchall()
    assert rows == [
        ("enterprise", "software", "Nordics", 100, 2, pytest.approx(0.02), 0.0, None, None),
        ("smb", "unknown", "North America", 100, 1, pytest.approx(0.01), 20.0, None, None),
    ]
