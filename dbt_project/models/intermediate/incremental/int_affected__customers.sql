-- The crm customers an incremental build recomputes: stg_crm__customers deletes their rows and
-- computes them again. A customer's row depends only on its own raw rows and the pseudonym key
-- (part of the settings' fingerprint: a new key is a full refresh), so no widening is needed
-- (see DECISIONS.md "Incremental: crm activities and orders"). With since_batch_id = 0 in
-- raw_meta.build_plan every customer is affected (a full recompute).
with

build_plan as (

    select * from {{ ref('stg_raw_meta__build_plan') }}

),

raw_customers as (

    select
        customer_id,
        created_at,
        _batch_id
    from {{ source('crm', 'customers') }}

),

retracted_rows as (

    select record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'crm'
        and entity_name = 'customers'

),

-- a new version of the customer arrived (new, late or corrected)
new_versions as (

    select customer_id from raw_customers
    where _batch_id > (select build_plan.since_batch_id from build_plan)

),

-- rows of a file replaced by a changed version: the customer may have changed or vanished
retracted_keys as (

    select cast({{ json_text('record', 'customer_id') }} as string) as customer_id
    from retracted_rows

),

-- a monthly backfill: customers created in a listed reporting month (any version)
refresh_month_customers as (

    select customer_id from raw_customers
    where
        substr(cast({{ to_reporting_month('created_at') }} as string), 1, 7) in (
            select {{ unnest_list('build_plan.refresh_months') }} from build_plan
        )

),

affected as (

    select customer_id from new_versions
    union
    select customer_id from retracted_keys
    union
    select customer_id from refresh_month_customers

)

select customer_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
