"""Customers on half-open instants (issue 12): a CRM export with dates only, worked out by hand.

Landing folder: `tests/fixtures/golden_customers_dates/landing/` (CSV in the contract layout, every
crm timestamp a bare `YYYY-MM-DD`, i.e. 00:00 UTC, as a CRM that exports dates without times
writes it). Reporting currency EUR, reporting time zone UTC. Nothing below is read back from the
pipeline.

kpis.md (Customers): a customer counts from created_at until churned_at, half-open; "active at
the start of m" = created_at < start of m and (churned_at null or churned_at >= start of m). So a
customer created exactly at 00:00 on the 1st of m is new in m and not in S(m); one churned exactly
then is still in S(m) and lost in m. With reporting months cm = month of created_at and
chm = month of churned_at: S(m) = #(cm < m) - #(chm < m), N = #(cm = m), L = #(chm = m, cm < m),
C = #(cm = chm = m), E(m) = S(m+1) = S + N - L - C.

Ledger (segment, created, churned; loyalty L, referral R, affiliate A)
  K01 ent 2023-03-01 -            L        K02 ent 2023-03-01 2024-01-01 L
  K13 ent 2023-03-15 2023-05-01            K03 ent 2023-12-01 -
  K09 ent 2023-12-10 2024-03-01 A          K04 smb 2024-01-01 -   (partner)
  K05 smb 2024-01-01 2024-01-31            K06 smb 2024-01-15 2024-02-01
  K07 smb 2024-02-01 -          L R        K08 smb 2024-02-01 2024-02-01 (same instant)
  K10 smb 2024-03-01 -                     K11 smb 2024-04-01 -
  K12 (no segment -> unknown) 2024-04-01 -
Months: 2023-03 (first created_at) .. 2024-04 (K11, K12 and activity A8): 14 months.

month    S  N  L  C  E   who is in E
2023-03  0  3  0  0  3   K01 K02 K13 (created at 00:00 on Mar 1: new in March, not in S)
2023-04  3  0  0  0  3   K13 churns at 00:00 on May 1: still in S(May) = E(Apr)
2023-05  3  0  1  0  2   L = K13 (churned on the 1st: lost in May)
2023-06..11  2 0 0 0 2   K01 K02 (6 months)
2023-12  2  2  0  0  4   + K03 (00:00 Dec 1) K09
2024-01  4  3  1  1  5   N K04 K05 K06; L K02 (00:00 Jan 1); C K05 -> K01 K03 K09 K04 K06
2024-02  5  2  1  1  5   N K07 K08; L K06 (00:00 Feb 1); C K08 -> K01 K03 K09 K04 K07
2024-03  5  1  1  0  5   N K10; L K09 (00:00 Mar 1) -> K01 K03 K04 K07 K10
2024-04  5  2  0  0  7   N K11 K12 (00:00 Apr 1)
Sum of S = 0+3+3+6x2+2+4+5+5+5 = 39, sum of L = 4.
The old reading (created_at <= t) gave 2024-03 retention (E 7 - N 1) / S 5 = 120 % and 2023-11
(3 - 0) / 2 = 150 %: the issue's bug, reproduced by this file.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.publish import open_mart
from tests.conftest import REPO, CliRun


def _month(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


MONTHS = [_month(2023, m) for m in range(3, 13)] + [_month(2024, m) for m in range(1, 5)]
QUIET = [_month(2023, m) for m in range(6, 12)]  # June .. November 2023: S = E = 2, nothing happens

# month: (S, N, L, C, E), from the ledger above
STOCK: dict[dt.date, tuple[int, int, int, int, int]] = {
    _month(2023, 3): (0, 3, 0, 0, 3),
    _month(2023, 4): (3, 0, 0, 0, 3),
    _month(2023, 5): (3, 0, 1, 0, 2),
    **dict.fromkeys(QUIET, (2, 0, 0, 0, 2)),
    _month(2023, 12): (2, 2, 0, 0, 4),
    _month(2024, 1): (4, 3, 1, 1, 5),
    _month(2024, 2): (5, 2, 1, 1, 5),
    _month(2024, 3): (5, 1, 1, 0, 5),
    _month(2024, 4): (5, 2, 0, 0, 7),
}

# Per month: loyalty members in E (K01, K02, K07 are members), customers in E with a training /
# webinar in the month, interactions with a customer_id in the month.
#   loyalty: 2023-03/04 E = K01 K02 K13 -> 2; 05..11 K01 K02 -> 2; 12 -> 2 of 4; 2024-01 K01 -> 1;
#            02, 03 K01 K07 -> 2; 04 -> 2 of 7.
#   training: A9 K13 training 2023-04-20 (K13 is in E(Apr): churned at 00:00 May 1) -> 1;
#             A1 K04 training 2024-01-01 (K04 created at 00:00 Jan 1, in E(Jan)) -> 1, A2 K05
#             (created and churned in January, not in E) and A3 K02 (lost in January) no;
#             February A5 + A6 K07 -> 1 (distinct), A4 K06 (churned at 00:00 Feb 1, lost) no.
#   interactions: activities A9 (2023-04); A1 A2 A3 + tickets T1 (K01) T2 (K05) (2024-01, T3 has
#             no requester) = 5; A4..A7 (2024-02) = 4; ticket T4 (K03, 2024-03-01 00:00) = 1;
#             A8 (2024-04) = 1.
LOYALTY = {m: 2 for m in MONTHS} | {_month(2024, 1): 1}
TRAINING = dict.fromkeys(MONTHS, 0) | {_month(2023, 4): 1, _month(2024, 1): 1, _month(2024, 2): 1}
INTERACTIONS = dict.fromkeys(MONTHS, 0) | {
    _month(2023, 4): 1,
    _month(2024, 1): 5,
    _month(2024, 2): 4,
    _month(2024, 3): 1,
    _month(2024, 4): 1,
}
# N acquired via referral or affiliate: K09 (affiliate, 2023-12), K07 (referral, 2024-02); K04
# came via a partner, which is neither.
REFERRALS = dict.fromkeys(MONTHS, 0) | {_month(2023, 12): 1, _month(2024, 2): 1}
# Discounts: D1 2024-01-01 10 EUR with ticket T1; D2 2024-02-29 5 EUR, D3 2024-02-15 no amount.
DISCOUNTS = dict.fromkeys(MONTHS, (0, 0.0, 0)) | {_month(2024, 1): (1, 10.0, 1), _month(2024, 2): (2, 5.0, 0)}

# CLV over the 12 months ending with m (window start w = m - 11): numerator = revenue / ordering
# customers, denominator = lost in the window among those active at w / active at w.
# Orders (EUR): O1 K01 2023-04-01 100, O2 K01 2023-05-01 60, O3 K02 2023-12-15 40,
# O4 K07 2024-03-31 200, O5 K04 2024-04-01 100.
#   2023-03: no order in [2022-04, 2023-03] -> numerator null.
#   2023-04: O1 -> 100 / 1;  2023-05 .. 2023-11: O1 O2 -> 160 / 1 (K01)
#   2023-12 .. 2024-02: O1 O2 O3 -> 200 / 2 (K01 K02); windows start 2023-01 .. 2023-03, nobody
#            active at their start (K01, K02 created at 00:00 on Mar 1 2023 are not active at
#            Mar 1; the old reading counted them) -> denominator and CLV null.
#   2024-03: w = 2023-04: O1..O4 = 400 by K01 K02 K07 -> 400 / 3; active at Apr 1 2023: K01 K02
#            K13 = 3, lost in the window: K13 (May 2023) K02 (Jan 2024) = 2 -> churn 2/3, lifetime
#            1.5 years; CLV = AOV 100 x frequency 4/3 x 1.5 = 200.
#   2024-04: w = 2023-05: O2..O5 = 400 by K01 K02 K07 K04 -> 100; active at May 1 2023: K01 K02
#            and K13 (churned exactly at 00:00 May 1: still active then) = 3, lost K13 K02 = 2
#            -> CLV = 100 x 1 x 1.5 = 150 (the old reading: 2 active, 1 lost -> 200).
CLV_NUMERATOR = (
    {_month(2023, 3): None, _month(2023, 4): 100.0}
    | dict.fromkeys([*QUIET, _month(2023, 5), _month(2023, 11)], 160.0)
    | dict.fromkeys([_month(2023, 12), _month(2024, 1), _month(2024, 2)], 100.0)
    | {_month(2024, 3): 400 / 3, _month(2024, 4): 100.0}
)
CLV = dict.fromkeys(MONTHS) | {_month(2024, 3): 200.0, _month(2024, 4): 150.0}


def _pct(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else 100 * numerator / denominator


def _expected_scorecard() -> dict[tuple[dt.date, str], tuple[float | None, float | None, float | None]]:
    """(month, kpi_id) -> (value, numerator, denominator) for every customer kpi_id."""
    rows: dict[tuple[dt.date, str], tuple[float | None, float | None, float | None]] = {}
    for month in MONTHS:
        s, n, lost, _c, e = STOCK[month]
        count, amount, with_ticket = DISCOUNTS[month]
        clv_denominator = 2 / 3 if month in (_month(2024, 3), _month(2024, 4)) else None
        rows |= {
            (month, "customers_start"): (s, s, None),
            (month, "customers_new"): (n, n, None),
            (month, "customers_lost"): (lost, lost, None),
            (month, "customers_end"): (e, e, None),
            (month, "churn_rate_pct"): (_pct(lost, s), lost, s),
            (month, "customer_retention_rate_pct"): (_pct(e - n, s), e - n, s),
            (month, "referral_rate_pct"): (_pct(REFERRALS[month], n), REFERRALS[month], n),
            (month, "customer_lifetime_value"): (CLV[month], CLV_NUMERATOR[month], clv_denominator),
            (month, "loyalty_participation_pct"): (_pct(LOYALTY[month], e), LOYALTY[month], e),
            (month, "training_participation_pct"): (_pct(TRAINING[month], e), TRAINING[month], e),
            (month, "interactions_per_customer"): (INTERACTIONS[month] / e, INTERACTIONS[month], e),
            (month, "discounts_granted"): (count, count, None),
            (month, "discounts_granted_amount"): (amount, amount, None),
            (month, "discounts_ticket_share_pct"): (_pct(with_ticket, count), with_ticket, count),
        }
    return rows


EXPECTED = _expected_scorecard()


def _same(got: tuple, expected: tuple) -> bool:
    """Equal row parts: nulls where expected, numbers to 12 significant digits."""
    return all(
        (g is None and e is None)
        or (g is not None and e is not None and math.isclose(g, e, rel_tol=1e-12, abs_tol=1e-12))
        for g, e in zip(got, expected, strict=True)
    )


CUSTOMER_KPIS = sorted({kpi for _, kpi in EXPECTED})


@pytest.fixture(scope="module")
def mart(golden_customers_dates_run: CliRun) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_mart(golden_customers_dates_run.mart_path)
    yield con
    con.close()


def test_the_hand_worked_ledger_satisfies_the_identities() -> None:
    """The expected figures themselves: E = S + N - L - C and E(m) = S(m+1)."""
    for month, (s, n, lost, c, e) in STOCK.items():
        assert e == s + n - lost - c, month
    for month, following in itertools.pairwise(MONTHS):
        assert STOCK[month][4] == STOCK[following][0], month


def test_every_customer_kpi_of_every_month(mart: duckdb.DuckDBPyConnection) -> None:
    rows = mart.execute(
        "select month, kpi_id, value, numerator, denominator from mart.kpi_scorecard_monthly "
        f"where kpi_id in ({', '.join('?' * len(CUSTOMER_KPIS))})",
        CUSTOMER_KPIS,
    ).fetchall()
    got = {(month, kpi): (value, numerator, denominator) for month, kpi, value, numerator, denominator in rows}
    assert sorted(got) == sorted(EXPECTED)  # one row per crm month and KPI, no more
    wrong = {key: (got[key], expected) for key, expected in EXPECTED.items() if not _same(got[key], expected)}
    assert wrong == {}


def test_retention_is_never_above_100(mart: duckdb.DuckDBPyConnection) -> None:
    """The issue's case: 120 % in 2024-03 and 150 % in 2023-11 under the old reading."""
    values = mart.execute(
        "select month, value from mart.kpi_scorecard_monthly where kpi_id = 'customer_retention_rate_pct'"
    ).fetchall()
    assert max(v for _, v in values if v is not None) == 100.0
    assert dict(values)[_month(2024, 3)] == pytest.approx(80.0)  # (5 - 1) / 5
    assert dict(values)[_month(2023, 11)] == pytest.approx(100.0)  # (2 - 0) / 2


# Per segment (S, N, L, C, E); enterprise = K01 K02 K13 K03 K09, smb = K04..K08 K10 K11, unknown = K12.
SEGMENTS = {
    "enterprise": {
        _month(2023, 3): (0, 3, 0, 0, 3),
        _month(2023, 4): (3, 0, 0, 0, 3),
        _month(2023, 5): (3, 0, 1, 0, 2),
        **dict.fromkeys(QUIET, (2, 0, 0, 0, 2)),
        _month(2023, 12): (2, 2, 0, 0, 4),
        _month(2024, 1): (4, 0, 1, 0, 3),  # K02 lost
        _month(2024, 2): (3, 0, 0, 0, 3),
        _month(2024, 3): (3, 0, 1, 0, 2),  # K09 lost
        _month(2024, 4): (2, 0, 0, 0, 2),
    },
    "smb": dict.fromkeys(MONTHS, (0, 0, 0, 0, 0))
    | {
        _month(2024, 1): (0, 3, 0, 1, 2),  # K04 K05 K06 new, K05 also churned -> K04 K06
        _month(2024, 2): (2, 2, 1, 1, 2),  # K07 K08 new, K08 churned, K06 lost -> K04 K07
        _month(2024, 3): (2, 1, 0, 0, 3),  # + K10
        _month(2024, 4): (3, 1, 0, 0, 4),  # + K11
    },
    "unknown": dict.fromkeys(MONTHS, (0, 0, 0, 0, 0)) | {_month(2024, 4): (0, 1, 0, 0, 1)},  # K12
}


def test_lifecycle_per_segment(mart: duckdb.DuckDBPyConnection) -> None:
    rows = mart.execute(
        "select segment, month, customers_start, customers_new, customers_lost, customers_new_churned, "
        "customers_end from mart.kpi_customer_lifecycle_monthly"
    ).fetchall()
    got = {(segment, month): tuple(counts) for segment, month, *counts in rows}
    expected = {(segment, month): counts for segment, months in SEGMENTS.items() for month, counts in months.items()}
    assert got == expected


def test_segment_lifecycle_rates(mart: duckdb.DuckDBPyConnection) -> None:
    """smb in February 2024: churn 1/2 = 50 %, retention (2 - 2) / 2 = 0 %, referral K07 1/2,
    loyalty K07 of E {K04, K07} = 50 %, training K07 = 50 %."""
    row = mart.execute(
        "select churn_rate_pct, customer_retention_rate_pct, referral_rate_pct, loyalty_participation_pct, "
        "training_participation_pct from mart.kpi_customer_lifecycle_monthly where segment = 'smb' and month = ?",
        [_month(2024, 2)],
    ).fetchone()
    assert row == pytest.approx((50.0, 0.0, 50.0, 50.0, 50.0))


def test_segment_analysis(mart: duckdb.DuckDBPyConnection) -> None:
    """Tickets per customer = tickets of the group's customers / E: January T1 (K01) for
    enterprise (E = K01 K03 K09 = 3), T2 (K05, created and churned in January) for smb (E = K04
    K06 = 2); March T4 (K03) for enterprise (E = K01 K03 = 2); churn = L / S."""
    rows = mart.execute(
        "select month, segment, industry, region, customers_start, customers_new, customers_lost, "
        "customers_new_churned, customers_end, tickets_created, tickets_per_customer, churn_rate_pct "
        "from mart.kpi_segment_analysis where month in (?, ?) order by month, segment",
        [_month(2024, 1), _month(2024, 3)],
    ).fetchall()
    assert rows == [
        (_month(2024, 1), "enterprise", "software", "Nordics", 4, 0, 1, 0, 3, 1, pytest.approx(1 / 3), 25.0),
        (_month(2024, 1), "smb", "retail", "North America", 0, 3, 0, 1, 2, 1, 0.5, None),
        (_month(2024, 1), "unknown", "retail", "North America", 0, 0, 0, 0, 0, 0, None, None),
        (_month(2024, 3), "enterprise", "software", "Nordics", 3, 0, 1, 0, 2, 1, 0.5, pytest.approx(100 / 3)),
        (_month(2024, 3), "smb", "retail", "North America", 2, 1, 0, 0, 3, 0, 0.0, 0.0),
        (_month(2024, 3), "unknown", "retail", "North America", 0, 0, 0, 0, 0, 0, None, None),
    ]


def test_customer_value(mart: duckdb.DuckDBPyConnection) -> None:
    """Expected lifetime = sum of S / sum of L = 39 / 4 = 9.75 months. Tenure = created month to
    churned month (or the last crm month, 2024-04), inclusive."""
    rows = {
        r[0]: r[1:]
        for r in mart.execute(
            "select customer_id, orders_count, historical_clv, orders_without_margin_count, tenure_months, "
            "expected_lifetime_months, predictive_clv from mart.kpi_customer_value"
        ).fetchall()
    }
    lifetime = 39 / 4
    # K01: O1 100 + O2 60 at 50 % margin = 80; 2023-03 .. 2024-04 = 14 months; AOV 80
    assert rows["K01"] == pytest.approx((2, 80.0, 0, 14, lifetime, 2 / 14 * 80 * lifetime))
    # K02: O3 40 without margin; 2023-03 .. 2024-01 (churned at 00:00 Jan 1, in January) = 11
    assert rows["K02"] == pytest.approx((1, 0.0, 1, 11, lifetime, 1 / 11 * 40 * lifetime))
    # K13: 2023-03 .. 2023-05 = 3 months, no orders; K08: created and churned Feb 1 -> 1 month
    assert rows["K13"] == pytest.approx((0, 0.0, 0, 3, lifetime, 0.0))
    assert rows["K08"] == pytest.approx((0, 0.0, 0, 1, lifetime, 0.0))
    assert len(rows) == 13


# --- the published file opened directly -----------------------------------------------------------


def _readme_queries() -> list[str]:
    """The SQL statements of the README's "Reading the mart" example block."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Reading the mart\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sql\n(.*?)```", section, re.DOTALL)
    assert block, "README 'Reading the mart' has no sql block"
    code = "\n".join(line for line in block.group(1).splitlines() if not line.lstrip().startswith("--"))
    return [statement.strip() for statement in code.split(";") if statement.strip()]


def test_readme_queries_run_on_the_published_file_opened_directly(golden_customers_dates_run: CliRun) -> None:
    """Issue 12: `mart.duckdb` holding schema `mart` made `mart.<table>` ambiguous. The published
    file is support_kpi.duckdb (catalog support_kpi), so the README's queries work on a plain
    read-only connection, as the DuckDB CLI or any tool opens it."""
    path = golden_customers_dates_run.mart_path
    assert path.name == "support_kpi.duckdb"
    queries = _readme_queries()
    assert queries and all("mart." in q for q in queries)
    con = duckdb.connect(str(path), read_only=True)
    try:
        for query in queries:
            assert con.execute(query).fetchall(), query
        assert con.execute(
            "select value from mart.kpi_scorecard_monthly where kpi_id = 'customers_end' and month = date '2024-03-01'"
        ).fetchone() == (5.0,)
    finally:
        con.close()
    assert not (path.parent / "mart.duckdb").exists()


# --- the identities are data tests that can fail ------------------------------------------------

IDENTITY_TESTS = (
    "assert_customer_lifecycle_end_is_next_start",
    "assert_customer_lifecycle_flow",
    "assert_customer_retention_at_most_100",
    "assert_scorecard_customers_end_is_next_start",
    "assert_scorecard_customers_flow",
    "assert_scorecard_customers_sum_of_segments",
)

LIFECYCLE = "mart.kpi_customer_lifecycle_monthly"
SEGMENT_ANALYSIS = "mart.kpi_segment_analysis"
SCORECARD = "mart.kpi_scorecard_monthly"

# Broken marts, each as SQL applied to a copy of the built warehouse, and the identity tests that
# must fail on it (exactly those).
BROKEN: dict[str, tuple[list[str], set[str]]] = {
    # E(m) != S(m+1) per segment while E = S + N - L - C still holds in every row (S and N of smb
    # April moved by one in opposite directions)
    "segment E(m) != S(m+1)": (
        [
            f"update {LIFECYCLE} set customers_start = customers_start + 1, customers_new = customers_new - 1 "
            "where segment = 'smb' and month = date '2024-04-01'"
        ],
        {"assert_customer_lifecycle_end_is_next_start", "assert_scorecard_customers_sum_of_segments"},
    ),
    # the same-month churn left out of one segment row (in both segment tables)
    "segment flow": (
        [
            f"update {table} set customers_new_churned = 0 where segment = 'smb' and month = date '2024-01-01'"
            for table in (LIFECYCLE, SEGMENT_ANALYSIS)
        ],
        {"assert_customer_lifecycle_flow", "assert_scorecard_customers_sum_of_segments"},
    ),
    # a segment's published retention above 100 % (its counts untouched)
    "segment retention > 100": (
        [
            f"update {LIFECYCLE} set customer_retention_rate_pct = 120 "
            "where segment = 'smb' and month = date '2024-03-01'"
        ],
        {"assert_customer_retention_at_most_100"},
    ),
    # the number: 120 % company-wide in 2024-03
    "scorecard retention > 100": (
        [
            f"update {SCORECARD} set numerator = 6, value = 120 "
            "where kpi_id = 'customer_retention_rate_pct' and month = date '2024-03-01'"
        ],
        {"assert_customer_retention_at_most_100", "assert_scorecard_customers_sum_of_segments"},
    ),
    # the old reading's E of 2024-03 (K11, K12 created at 00:00 Apr 1 counted in it)
    "scorecard E(m) != S(m+1)": (
        [
            f"update {SCORECARD} set value = 7, numerator = 7 "
            "where kpi_id = 'customers_end' and month = date '2024-03-01'"
        ],
        {
            "assert_scorecard_customers_end_is_next_start",
            "assert_scorecard_customers_flow",
            "assert_scorecard_customers_sum_of_segments",
        },
    ),
    # self-consistent but wrong: a customer counted in S(Apr), E(Mar) and N(Mar) and not in N(Apr)
    # keeps E(m) = S(m+1) and E = S + N - L - C; only the recount from dim_customers (and the
    # segment sums) see it
    "scorecard consistent but wrong": (
        [
            f"update {SCORECARD} set value = value + 1, numerator = numerator + 1 where "
            "(kpi_id = 'customers_start' and month = date '2024-04-01') "
            "or (kpi_id in ('customers_end', 'customers_new') and month = date '2024-03-01')",
            f"update {SCORECARD} set value = value - 1, numerator = numerator - 1 "
            "where kpi_id = 'customers_new' and month = date '2024-04-01'",
        ],
        {"assert_scorecard_customers_flow", "assert_scorecard_customers_sum_of_segments"},
    ),
}


def _dbt_test(warehouse: Path, target: Path) -> subprocess.CompletedProcess[str]:
    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run(
        [
            str(dbt),
            "test",
            "--select",
            "tag:identity,tag:customers",
            "--profiles-dir",
            ".",
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
        ],
        cwd=REPO / "dbt_project",
        env={**os.environ, "SUPPORT_KPI_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _statuses(target: Path) -> dict[str, str]:
    """The data tests' statuses (not the on-run-start hook's, which dbt reports too)."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[2]: r["status"] for r in results if r["unique_id"].startswith("test.")}


def test_identity_tests_ran_in_the_build_with_error_severity(golden_customers_dates_run: CliRun) -> None:
    results = json.loads((golden_customers_dates_run.data_dir / "last_dbt_run_results.json").read_text())["results"]
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in results if r["unique_id"].startswith("test.")}
    assert {name: statuses.get(name) for name in IDENTITY_TESTS} == dict.fromkeys(IDENTITY_TESTS, "pass")


def test_each_identity_test_fails_on_a_broken_mart(golden_customers_dates_run: CliRun, tmp_path: Path) -> None:
    """Each identity test passes on the built warehouse and fails (error severity, so dbt build
    fails and nothing is published) on a mart broken the way it guards against."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(golden_customers_dates_run.data_dir / "warehouse.duckdb", warehouse)
    target = tmp_path / "target"
    done = _dbt_test(warehouse, target)
    assert done.returncode == 0, done.stdout[-3000:]
    assert _statuses(target) == dict.fromkeys(IDENTITY_TESTS, "pass")
    manifest = json.loads((target / "manifest.json").read_text())
    severities = {
        node["name"]: node["config"]["severity"]
        for node in manifest["nodes"].values()
        if node["name"] in IDENTITY_TESTS
    }
    assert {name: severity.lower() for name, severity in severities.items()} == dict.fromkeys(IDENTITY_TESTS, "error")

    # The tests as dbt compiled them, run on broken copies of the mart inside a rolled-back
    # transaction each (a singular test fails when it returns rows).
    compiled = {
        name: (target / "compiled" / "support_kpi" / "tests" / "customers" / f"{name}.sql").read_text()
        for name in IDENTITY_TESTS
    }
    con = duckdb.connect()
    con.execute(f"attach '{warehouse}' as warehouse")
    con.execute("use warehouse")
    failing: dict[str, set[str]] = {}
    for case, (statements, _) in BROKEN.items():
        con.execute("begin")
        for statement in statements:
            con.execute(statement)
        failing[case] = {name for name, sql in compiled.items() if con.execute(sql).fetchall()}
        con.execute("rollback")
    assert failing == {case: expected for case, (_, expected) in BROKEN.items()}
    assert set().union(*failing.values()) == set(IDENTITY_TESTS)  # every test can fail

    # And dbt itself fails the test on the broken number.
    for statement in BROKEN["scorecard retention > 100"][0]:
        con.execute(statement)
    con.close()
    done = _dbt_test(warehouse, target)
    assert done.returncode != 0
    assert _statuses(target)["assert_customer_retention_at_most_100"] == "fail"
