-- Months (reporting time zone) in which the survey source has data: a survey was sent or
-- answered, or a quality review was done. Survey scorecard KPIs have a row exactly for these
-- months (counts 0, ratios over 0 null); other months have no survey row.
with

responses as (

    select
        sent_month,
        responded_month
    from {{ ref('fct_survey_responses') }}

),

reviews as (

    select reviewed_month from {{ ref('fct_quality_reviews') }}

),

survey_months as (

    select distinct sent_month as month from responses
    union
    select distinct responded_month as month from responses
    union
    select distinct reviewed_month as month from reviews

)

select month
from survey_months
where month is not null
