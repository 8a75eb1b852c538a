"""Golden survey fixture: every survey KPI worked out by hand from `kpis.md`, plus the source
guides' worked examples run through the whole pipeline.

Landing folder `tests/fixtures/golden_surveys/landing/`: surveys S01-S19 without S15 (responses_a.csv, with
S02 corrected and S16, S17 added by responses_b.csv), quality reviews R1-R3 (reviews_a.csv, R1's
"solution" corrected by reviews_b.csv), customers K1 enterprise, K2 smb, K3 mid_market, agents A1,
A2, and 60 worked-example surveys in October 2025 (worked_examples_2025-10.csv). Reporting time
zone UTC. Every expected value was derived on paper from the CSV files.

Worked examples (October 2025, their own month)
-----------------------------------------------
"CSAT 30 positive of 50 answers is 60 %": 50 csat on 1-5: 15 x 5 + 15 x 4 positive, 10 x 3,
5 x 2, 5 x 1 not -> 30 / 50 = 60.
"NPS with 70 % promoters and 10 % detractors is 60": 10 nps: 4 x 10 + 3 x 9 promoters, 8 and 7
passives, 3 detractor -> (7 - 1) / 10 x 100 = 60.

Survey ledger (scale defaults: csat 1-5, nps 0-10, ces 1-7)
------------------------------------------------------------
S13 csat sent Dec 28, answered Jan 2   5        A2 email K3   positive (sent Dec, scored Jan)
S01 csat Jan 3   4 (= 0.75 exactly)             A1 email K1   positive; comment, replied
S02 csat Jan 5   3 (first file said 5)          A1 chat  K2   not positive; comment, no reply
S03 csat Jan 6   8 on 1-10 (7/9 = 0.78)         A2 phone K1   positive
S04 csat Jan 6   7 on 1-10 (6/9 = 0.67)         A2 phone K3   not positive
S05 csat Jan 10  unanswered                     A2 email K2
S06 nps  Jan 11  9                              A1 email K3   promoter; comment "   " = none
S07 nps  Jan 12  6                              A2 chat  K1   detractor
S08 nps  Jan 13  7                              A1 email K2   passive
S09 nps  Jan 14  8                              A1 email --   passive (no customer: no segment)
S10 nps  Jan 15  unanswered                     A2 chat  K1
S11 ces  Jan 16  6                              A1 chat  K1   6 on 1-7
S12 ces  Jan 17  4 on 1-5                       A2 phone K2   1 + 6 x 3/4 = 5.5 on 1-7
S18 nps  Jan 20  10                             A2 phone K3   promoter
S19 nps  Jan 21  4 on 1-5 (-> 7.5 on 0-10)      A1 email K1   passive
S14 csat sent Jan 30, answered Feb 1 00:00  2   A1 chat  K1   not positive (Feb); comment, replied
S16 csat Feb 10  5                              A1 email K2   positive; comment, no reply
S17 nps  Feb 11  10                             A2 chat  K1   promoter

Quality reviews (score / max x weight)
--------------------------------------
R1 A1 Jan 15: greeting 4/5 x 1, solution 6/10 x 2 (first file said 5), tone 3/5 x (default 1)
   -> 4 + 12 + 3 = 19 of 5 + 20 + 5 = 30.
R2 A2 Jan 20: greeting 5/5 x 0.5, solution 10/10 x 3 -> 32.5 of 32.5.
R3 A1 Feb 3: greeting 2/5 x 1, solution 0/10 x 0 -> 2 of 5.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.golden import Kpi, assert_scorecard, case_id, scorecard_months, unchecked

OCT = dt.date(2025, 10, 1)
DEC = dt.date(2025, 12, 1)
JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
SURVEY_MONTHS = (OCT, DEC, JAN, FEB)

SURVEY_KPI_IDS = (
    "csat_pct",
    "nps",
    "customer_effort_score",
    "survey_response_rate_pct",
    "internal_quality_score_pct",
    "feedback_response_rate_pct",
)


SCORECARD: tuple[Kpi, ...] = (
    # ---------------------------------------------------------------- worked examples (October)
    Kpi("csat_pct", OCT, 60.0, 30, 50),
    Kpi("nps", OCT, 60.0, 6, 10),
    Kpi("survey_response_rate_pct", OCT, 100.0, 60, 60),
    Kpi("customer_effort_score", OCT, None, 0, 0),
    Kpi("internal_quality_score_pct", OCT, None, 0, 0),
    Kpi("feedback_response_rate_pct", OCT, None, 0, 0),
    # ---------------------------------------------------------------- December: S13 sent only
    Kpi("survey_response_rate_pct", DEC, 100.0, 1, 1),
    Kpi("csat_pct", DEC, None, 0, 0),
    Kpi("nps", DEC, None, 0, 0),
    Kpi("customer_effort_score", DEC, None, 0, 0),
    Kpi("internal_quality_score_pct", DEC, None, 0, 0),
    Kpi("feedback_response_rate_pct", DEC, None, 0, 0),
    # ---------------------------------------------------------------- January
    # Answered in Jan: S13 S01 S03 positive, S02 S04 not -> 3 / 5 (S05 unanswered, S14 in Feb).
    Kpi("csat_pct", JAN, 60.0, 3, 5),
    # S06 S18 promoters, S07 detractor, S08 S09 S19 passives -> (2 - 1) / 6 x 100.
    Kpi("nps", JAN, 100 / 6, 1, 6),
    # S11 6 + S12 5.5 = 11.5 / 2.
    Kpi("customer_effort_score", JAN, 5.75, 11.5, 2),
    # Sent in Jan: S01-S12, S14, S18, S19 = 15; unanswered S05, S10 -> 13 / 15 (S14 answered in Feb).
    Kpi("survey_response_rate_pct", JAN, 1300 / 15, 13, 15),
    # R1 19 / 30 + R2 32.5 / 32.5 -> 51.5 / 62.5.
    Kpi("internal_quality_score_pct", JAN, 82.4, 51.5, 62.5),
    # Comments answered in Jan: S01 replied, S02 not (S06 whitespace is no comment) -> 1 / 2.
    Kpi("feedback_response_rate_pct", JAN, 50.0, 1, 2),
    # ---------------------------------------------------------------- February
    # S14 not positive, S16 positive -> 1 / 2.
    Kpi("csat_pct", FEB, 50.0, 1, 2),
    Kpi("nps", FEB, 100.0, 1, 1),  # S17
    Kpi("customer_effort_score", FEB, None, 0, 0),
    Kpi("survey_response_rate_pct", FEB, 100.0, 2, 2),  # S16, S17
    Kpi("internal_quality_score_pct", FEB, 40.0, 2, 5),  # R3 (weight 0 adds nothing)
    # S14 replied, S16 not -> 1 / 2.
    Kpi("feedback_response_rate_pct", FEB, 50.0, 1, 2),
)


@pytest.mark.parametrize("case", SCORECARD, ids=case_id)
def test_scorecard_kpi(golden_surveys_mart, case: Kpi) -> None:
    assert_scorecard(golden_surveys_mart, case)


def test_every_survey_kpi_is_checked_for_every_month() -> None:
    assert not unchecked(SCORECARD, SURVEY_KPI_IDS, SURVEY_MONTHS)


@pytest.mark.parametrize("kpi_id", SURVEY_KPI_IDS)
def test_survey_rows_only_in_survey_months(golden_surveys_mart, kpi_id: str) -> None:
    """November 2025 has no survey data: no survey row there (or anywhere else)."""
    assert scorecard_months(golden_surveys_mart, kpi_id) == set(SURVEY_MONTHS)


def test_worked_example_benchmarks(golden_surveys_mart) -> None:
    rows = dict(
        golden_surveys_mart.execute(
            "select kpi_id, benchmark_status from mart.kpi_scorecard_monthly"
            " where month = ? and kpi_id in ('csat_pct', 'nps')",
            [OCT],
        ).fetchall()
    )
    # CSAT 60 < 90; NPS 60 > 30 but not > 70.
    assert rows == {"csat_pct": "below", "nps": "meets"}


def test_fact_rows(golden_surveys_mart) -> None:
    rows = {
        row[0]: row[1:]
        for row in golden_surveys_mart.execute(
            """
            select response_id, is_answered, score, scale_min, scale_max, is_csat_positive, nps_category,
                ces_score_1_to_7, segment, has_comment, is_comment_replied
            from mart.fct_survey_responses where response_id like 'S%'
            """
        ).fetchall()
    }
    assert len(rows) == 18
    assert rows["S01"] == (True, 4, 1, 5, True, None, None, "enterprise", True, True)
    assert rows["S02"] == (True, 3, 1, 5, False, None, None, "smb", True, False)
    assert rows["S04"] == (True, 7, 1, 10, False, None, None, "mid_market", False, False)
    assert rows["S05"] == (False, None, 1, 5, None, None, None, "smb", False, False)
    assert rows["S06"] == (True, 9, 0, 10, None, "promoter", None, "mid_market", False, False)
    assert rows["S09"] == (True, 8, 0, 10, None, "passive", None, None, False, False)
    assert rows["S12"] == (True, 4, 1, 5, None, None, 5.5, "smb", False, False)
    assert rows["S19"] == (True, 4, 1, 5, None, "passive", None, "enterprise", False, False)


def test_no_comment_text_in_the_mart(golden_surveys_mart) -> None:
    columns = {
        row[0]
        for row in golden_surveys_mart.execute(
            "select column_name from information_schema.columns where table_name = 'fct_survey_responses'"
        ).fetchall()
    }
    assert "comment" not in columns
    assert {"has_comment", "comment_replied_at", "is_comment_replied"} <= columns


def test_quality_review_rows(golden_surveys_mart) -> None:
    rows = golden_surveys_mart.execute(
        """
        select review_id, criterion, weight, weighted_score, weighted_max_score
        from mart.fct_quality_reviews order by review_id, criterion
        """
    ).fetchall()
    assert rows == [
        ("R1", "greeting", 1, 4, 5),
        ("R1", "solution", 2, 12, 20),
        ("R1", "tone", 1, 3, 5),
        ("R2", "greeting", 0.5, 2.5, 2.5),
        ("R2", "solution", 3, 30, 30),
        ("R3", "greeting", 1, 2, 5),
        ("R3", "solution", 0, 0, 0),
    ]


def test_agent_leaderboard(golden_surveys_mart) -> None:
    rows = golden_surveys_mart.execute(
        """
        select month, agent_id, csat_answered_count, csat_positive_count, csat_pct,
            quality_weighted_score_sum, quality_weighted_max_score_sum, internal_quality_score_pct,
            csat_score, internal_quality_score, composite_score, leaderboard_rank
        from mart.kpi_agent_leaderboard_monthly order by month, agent_id
        """
    ).fetchall()
    # Jan: A1 csat S01 + / S02 - = 1 / 2, IQS 19 / 30; A2 csat S03 + S13 + / S04 - = 2 / 3, IQS 100.
    # cume_dist over 2 agents: the lower 50, the higher 100 on both -> A2 rank 1, A1 rank 2.
    # Feb: only A1 (S14 -, S16 + = 1 / 2, IQS 2 / 5); A2 has only an nps survey, which is not an
    # agent figure, so no row.
    assert rows == [
        (JAN, "A1", 2, 1, 50.0, 19, 30, pytest.approx(190 / 3), 50.0, 50.0, 50.0, 2),
        (JAN, "A2", 3, 2, pytest.approx(200 / 3), 32.5, 32.5, 100.0, 100.0, 100.0, 100.0, 1),
        (FEB, "A1", 2, 1, 50.0, 2, 5, 40.0, 100.0, 100.0, 100.0, 1),
    ]


def test_surveys_monthly_group(golden_surveys_mart) -> None:
    """Jan x A1 x email x enterprise: S01 (csat positive, comment replied) and S19 (nps passive)."""
    row = golden_surveys_mart.execute(
        """
        select surveys_sent_count, surveys_answered_count, survey_response_rate_pct,
            csat_answered_count, csat_positive_count, csat_pct,
            nps_answered_count, nps_promoters_count, nps_passives_count, nps_detractors_count, nps,
            ces_answered_count, customer_effort_score, comments_count, comments_replied_count,
            feedback_response_rate_pct
        from mart.kpi_surveys_monthly
        where month = ? and agent_id = 'A1' and channel = 'email' and segment = 'enterprise'
        """,
        [JAN],
    ).fetchall()
    assert row == [(2, 2, 100.0, 1, 1, 100.0, 1, 0, 1, 0, 0.0, 0, None, 1, 1, 100.0)]


@pytest.mark.parametrize("month", SURVEY_MONTHS)
def test_surveys_monthly_rolls_up_to_the_scorecard(golden_surveys_mart, month: dt.date) -> None:
    """Summing the additive columns over agents, channels and segments (nulls included) gives the
    scorecard's numerators and denominators."""
    rolled = golden_surveys_mart.execute(
        """
        select sum(csat_positive_count), sum(csat_answered_count),
            sum(nps_promoters_count - nps_detractors_count), sum(nps_answered_count),
            sum(ces_score_sum), sum(ces_answered_count),
            sum(surveys_answered_count), sum(surveys_sent_count),
            sum(comments_replied_count), sum(comments_count)
        from mart.kpi_surveys_monthly where month = ?
        """,
        [month],
    ).fetchone()
    scorecard = dict(
        (kpi_id, (numerator, denominator))
        for kpi_id, numerator, denominator in golden_surveys_mart.execute(
            "select kpi_id, numerator, denominator from mart.kpi_scorecard_monthly where month = ?", [month]
        ).fetchall()
    )
    expected = (
        *scorecard["csat_pct"],
        *scorecard["nps"],
        *scorecard["customer_effort_score"],
        *scorecard["survey_response_rate_pct"],
        *scorecard["feedback_response_rate_pct"],
    )
    assert rolled == pytest.approx(expected)
