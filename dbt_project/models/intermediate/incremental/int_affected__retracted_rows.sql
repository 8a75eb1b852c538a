{{ config(materialized='ephemeral') }}
-- The raw rows a batch after the last publish retracted: rows of a file that a changed version
-- replaced since since_batch_id (raw_meta.build_plan). Each int_affected__* model reads the keys
-- of its own entity's rows from `record`: the entity may have changed or vanished. A row retracted
-- by a batch the last publish already built from was handled by that build. With since_batch_id
-- = 0 every retraction is listed (a full recompute reads them all).
with

build_plan as (

    select * from {{ ref('stg_raw_meta__build_plan') }}

),

retracted_rows as (

    select
        source_name,
        entity_name,
        retracted_by_batch_id,
        record
    from {{ ref('stg_raw_meta__retracted_rows') }}

),

retracted_after_plan as (

    select
        source_name,
        entity_name,
        record
    from retracted_rows
    where retracted_by_batch_id > (select build_plan.since_batch_id from build_plan)

)

select * from retracted_after_plan
