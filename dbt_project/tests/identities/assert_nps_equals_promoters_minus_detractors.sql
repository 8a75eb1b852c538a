-- Identity: NPS = promoters % - detractors %, and promoters + passives + detractors = NPS answers,
-- in every row of kpi_surveys_monthly and in the scorecard (nps numerator / denominator against
-- the promoter and detractor counts summed over kpi_surveys_monthly). NPS is a double ratio of
-- integers: compared with an absolute tolerance of 1e-9 points (the value is at most 100 in
-- magnitude, so this is a relative 1e-11; two roundings of a double division differ by ~1e-14).
{{ config(severity='error') }}
with

survey_rows as (

    select
        month,
        nps_answered_count,
        nps_promoters_count,
        nps_passives_count,
        nps_detractors_count,
        nps
    from {{ ref('kpi_surveys_monthly') }}

),

survey_months as (

    select
        month,
        sum(nps_answered_count) as nps_answered_count,
        sum(nps_promoters_count) as nps_promoters_count,
        sum(nps_detractors_count) as nps_detractors_count
    from survey_rows
    group by all

),

scorecard as (

    select
        month,
        numerator,
        denominator,
        value
    from {{ ref('kpi_scorecard_monthly') }}
    where kpi_id = 'nps'

),

row_failures as (

    select
        'kpi_surveys_monthly' as checked,
        month,
        nps as reported,
        100.0 * nps_promoters_count / nullif(nps_answered_count, 0)
        - 100.0 * nps_detractors_count / nullif(nps_answered_count, 0) as expected
    from survey_rows
    where
        nps_promoters_count + nps_passives_count + nps_detractors_count <> nps_answered_count
        or (nps is null) <> (nps_answered_count = 0)
        or abs(
            nps - (
                100.0 * nps_promoters_count / nps_answered_count
                - 100.0 * nps_detractors_count / nps_answered_count
            )
        ) > 1e-9

),

scorecard_failures as (

    select
        'kpi_scorecard_monthly' as checked,
        scorecard.month,
        scorecard.value as reported,
        100.0 * survey_months.nps_promoters_count / nullif(survey_months.nps_answered_count, 0)
        - 100.0 * survey_months.nps_detractors_count / nullif(survey_months.nps_answered_count, 0)
            as expected
    from scorecard
    left join survey_months on scorecard.month = survey_months.month
    where
        scorecard.numerator
        is distinct from cast(
            coalesce(survey_months.nps_promoters_count - survey_months.nps_detractors_count, 0) as double
        )
        or scorecard.denominator is distinct from cast(coalesce(survey_months.nps_answered_count, 0) as double)
        or (scorecard.value is null) <> (coalesce(survey_months.nps_answered_count, 0) = 0)
        or abs(
            scorecard.value - (
                100.0 * survey_months.nps_promoters_count / survey_months.nps_answered_count
                - 100.0 * survey_months.nps_detractors_count / survey_months.nps_answered_count
            )
        ) > 1e-9

)

select * from row_failures
union all
select * from scorecard_failures
