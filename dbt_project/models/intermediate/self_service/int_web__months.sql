-- Months (reporting time zone) in which the web source has data: a web event, a bot conversation
-- started, a forum post or a social interaction. The self-service and social scorecard KPIs of
-- the web source (and contact_volume, which counts bot conversations) have a row exactly for
-- these months (counts 0, ratios over 0 null); other months have no web row.
with

web_events as (

    select event_at from {{ ref('stg_web__web_events') }}

),

bot_conversations as (

    select started_at from {{ ref('stg_web__bot_conversations') }}

),

forum_posts as (

    select created_at from {{ ref('stg_web__forum_posts') }}

),

social_interactions as (

    select occurred_at from {{ ref('stg_web__social_interactions') }}

),

web_months as (

    select distinct {{ to_reporting_month('event_at') }} as month from web_events
    union
    select distinct {{ to_reporting_month('started_at') }} as month from bot_conversations
    union
    select distinct {{ to_reporting_month('created_at') }} as month from forum_posts
    union
    select distinct {{ to_reporting_month('occurred_at') }} as month from social_interactions

)

select month
from web_months
where month is not null
