-- One row per calendar date (reporting time zone) from the first day of the month of the
-- earliest helpdesk / telephony / crm date to the last day of the month of the latest one.
with

tickets as (

    select created_at from {{ ref('stg_helpdesk__tickets') }}

),

data_cutoff as (

    select data_cutoff_at from {{ ref('int_helpdesk__data_cutoff') }}

),

calls as (

    select arrived_at from {{ ref('stg_telephony__calls') }}

),

customers as (

    select
        created_at,
        churned_at
    from {{ ref('stg_crm__customers') }}

),

holidays as (

    select distinct holiday_date
    from {{ ref('holidays') }}
    where country_code is null

),

business_weekdays as (

    select distinct weekday from {{ ref('business_hours') }}

),

data_timestamps as (

    select created_at as data_at from tickets
    union all
    select data_cutoff_at from data_cutoff
    union all
    select arrived_at from calls
    union all
    select created_at from customers
    union all
    select churned_at from customers

),

bounds as (

    select
        date_trunc('month', min({{ to_reporting_date('data_at') }})) as first_date,
        date_trunc('month', max({{ to_reporting_date('data_at') }})) + interval 1 month - interval 1 day as last_date
    from data_timestamps

),

spine as (

    select {{ series('bounds.first_date', 'bounds.last_date', 'interval 1 day', 'date') }} as date_day
    from bounds

)

select
    spine.date_day,
    cast(date_trunc('month', spine.date_day) as date) as month_start,
    year(spine.date_day) as year,
    quarter(spine.date_day) as quarter,
    month(spine.date_day) as month,
    weekofyear(spine.date_day) as iso_week,
    {{ iso_weekday('spine.date_day') }} as day_of_week_iso,
    {{ weekday_name('spine.date_day') }} as day_name,
    {{ iso_weekday('spine.date_day') }} in (6, 7) as is_weekend,
    holidays.holiday_date is not null as is_holiday,
    (business_weekdays.weekday is not null and holidays.holiday_date is null) as is_business_day
from spine
left join holidays on spine.date_day = holidays.holiday_date
left join business_weekdays on {{ iso_weekday('spine.date_day') }} = business_weekdays.weekday
