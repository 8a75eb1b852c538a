-- The crm orders an incremental build recomputes: stg_crm__orders and fct_orders delete their
-- rows and compute them again. An order's row depends only on its own raw rows and static inputs
-- (the reporting currency var and the exchange_rates seed: a change of either is a full
-- refresh), so no widening is needed (see DECISIONS.md "Incremental: crm activities and orders").
-- With since_batch_id = 0 in raw_meta.build_plan every order is affected (a full recompute).
with

build_plan as (

    select * from {{ ref('stg_raw_meta__build_plan') }}

),

raw_orders as (

    select
        order_id,
        ordered_at,
        _batch_id
    from {{ source('crm', 'orders') }}

),

retracted_rows as (

    select record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'crm'
        and entity_name = 'orders'

),

-- a new version of the order arrived (new, late or corrected)
new_versions as (

    select order_id from raw_orders
    where _batch_id > (select build_plan.since_batch_id from build_plan)

),

-- rows of a file replaced by a changed version: the order may have changed or vanished
retracted_keys as (

    select cast({{ json_text('record', 'order_id') }} as string) as order_id
    from retracted_rows

),

-- a monthly backfill: orders of a listed reporting month (any version)
refresh_month_orders as (

    select order_id from raw_orders
    where
        substr(cast({{ to_reporting_month('ordered_at') }} as string), 1, 7) in (
            select {{ unnest_list('build_plan.refresh_months') }} from build_plan
        )

),

affected as (

    select order_id from new_versions
    union
    select order_id from retracted_keys
    union
    select order_id from refresh_month_orders

)

select order_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
