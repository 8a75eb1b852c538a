-- Scorecard family "surveys" in long form (month, kpi_id, numerator, denominator, value), one row
-- per survey month (int_survey__months) and kpi_id. Scores by month of responded_at, the response
-- rate by month of sent_at, IQS by month of reviewed_at:
--   csat_pct                    positive csat / answered csat with a score
--   nps                         (promoters - detractors) / answered nps with a score
--   customer_effort_score       sum of ces on 1-7 / answered ces with a score (mean)
--   survey_response_rate_pct    answered / sent, all types
--   internal_quality_score_pct  sum score x weight / sum max_score x weight
--   feedback_response_rate_pct  answered with a comment that got comment_replied_at / answered
--                               with a comment
with

months as (

    select month from {{ ref('int_survey__months') }}

),

responses as (

    select
        sent_month,
        responded_month,
        survey_type,
        is_answered,
        is_csat_positive,
        nps_category,
        ces_score_1_to_7,
        has_comment,
        is_comment_replied
    from {{ ref('fct_survey_responses') }}

),

reviews as (

    select
        reviewed_month,
        weighted_score,
        weighted_max_score
    from {{ ref('fct_quality_reviews') }}

),

sent as (

    select
        sent_month as month,
        count(*) as sent_count,
        count(*) filter (where is_answered) as answered_count
    from responses
    group by all

),

responded as (

    select
        responded_month as month,
        count(*) filter (where is_csat_positive is not null) as csat_answered_count,
        count(*) filter (where is_csat_positive) as csat_positive_count,
        count(*) filter (where nps_category is not null) as nps_answered_count,
        count(*) filter (where nps_category = 'promoter') as nps_promoters_count,
        count(*) filter (where nps_category = 'detractor') as nps_detractors_count,
        count(ces_score_1_to_7) as ces_answered_count,
        cast({{ exact_decimal_sum('ces_score_1_to_7') }} as double) as ces_score_sum,
        count(*) filter (where has_comment) as comments_count,
        count(*) filter (where is_comment_replied) as comments_replied_count
    from responses
    where is_answered
    group by all

),

reviewed as (

    select
        reviewed_month as month,
        cast({{ exact_decimal_sum('weighted_score') }} as double) as weighted_score_sum,
        cast({{ exact_decimal_sum('weighted_max_score') }} as double) as weighted_max_score_sum
    from reviews
    group by all

),

monthly as (

    select
        months.month,
        coalesce(sent.sent_count, 0) as sent_count,
        coalesce(sent.answered_count, 0) as answered_count,
        coalesce(responded.csat_answered_count, 0) as csat_answered_count,
        coalesce(responded.csat_positive_count, 0) as csat_positive_count,
        coalesce(responded.nps_answered_count, 0) as nps_answered_count,
        coalesce(responded.nps_promoters_count, 0) as nps_promoters_count,
        coalesce(responded.nps_detractors_count, 0) as nps_detractors_count,
        coalesce(responded.ces_answered_count, 0) as ces_answered_count,
        coalesce(responded.ces_score_sum, 0) as ces_score_sum,
        coalesce(responded.comments_count, 0) as comments_count,
        coalesce(responded.comments_replied_count, 0) as comments_replied_count,
        coalesce(reviewed.weighted_score_sum, 0) as weighted_score_sum,
        coalesce(reviewed.weighted_max_score_sum, 0) as weighted_max_score_sum
    from months
    left join sent on months.month = sent.month
    left join responded on months.month = responded.month
    left join reviewed on months.month = reviewed.month

),

long_form as (

    select
        month,
        'csat_pct' as kpi_id,
        csat_positive_count as numerator,
        csat_answered_count as denominator,
        true as is_percentage
    from monthly

    union all

    select
        month,
        'nps' as kpi_id,
        nps_promoters_count - nps_detractors_count as numerator,
        nps_answered_count as denominator,
        true as is_percentage
    from monthly

    union all

    select
        month,
        'customer_effort_score' as kpi_id,
        ces_score_sum as numerator,
        ces_answered_count as denominator,
        false as is_percentage
    from monthly

    union all

    select
        month,
        'survey_response_rate_pct' as kpi_id,
        answered_count as numerator,
        sent_count as denominator,
        true as is_percentage
    from monthly

    union all

    select
        month,
        'internal_quality_score_pct' as kpi_id,
        weighted_score_sum as numerator,
        weighted_max_score_sum as denominator,
        true as is_percentage
    from monthly

    union all

    select
        month,
        'feedback_response_rate_pct' as kpi_id,
        comments_replied_count as numerator,
        comments_count as denominator,
        true as is_percentage
    from monthly

)

select
    month,
    kpi_id,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(case
        when denominator <> 0 and is_percentage then 100.0 * numerator / denominator
        when denominator <> 0 then numerator / denominator
    end as double) as value
from long_form
