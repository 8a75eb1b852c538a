-- The agent-state intervals (key agent_id + started_at) an incremental build recomputes:
-- stg_telephony__agent_states and int_agent_states__split delete these keys' rows and compute
-- them again. An interval's pieces depend on its own raw rows, the start of the agent's next
-- interval (it closes an overlapping interval), and, while open in the source, on the telephony
-- data cut-off; every part below names which of these it covers (see DECISIONS.md
-- "Incremental: telephony and surveys"). With since_batch_id = 0 in raw_meta.build_plan every interval is
-- affected (a full recompute).
with

build_plan as (

    select * from {{ ref('stg_raw_meta__build_plan') }}

),

raw_agent_states as (

    select
        agent_id,
        started_at,
        ended_at,
        _batch_id
    from {{ source('telephony', 'agent_states') }}

),

retracted_rows as (

    select record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'telephony'
        and entity_name = 'agent_states'

),

-- every interval key still in the raw table (= the keys of stg_telephony__agent_states), with the
-- start of the agent's next interval (where each stops being the latest, asof_join). A key
-- delivered in several files is here once per row, not made distinct: a `distinct` over the whole
-- raw table was most of this model's time (0.71 of 0.83 s at scale 10), and the duplicates give
-- the same predecessors — the asof join matches one of them, all with the same key, and on Spark
-- only the last of them has a next start after its own (the others' range is empty).
raw_timeline as (

    select
        agent_id,
        started_at,
        lead(started_at) over (partition by agent_id order by started_at) as next_started_at
    from raw_agent_states

),

-- a new version of the interval arrived (new, late or corrected)
new_versions as (

    select
        agent_id,
        started_at
    from raw_agent_states
    where _batch_id > (select build_plan.since_batch_id from build_plan)

),

-- rows of a file replaced by a changed version: the interval may have changed or vanished
retracted_keys as (

    select
        cast({{ json_text('record', 'agent_id') }} as string) as agent_id,
        cast({{ json_text('record', 'started_at') }} as timestamp) as started_at
    from retracted_rows

),

-- intervals still open in the source are measured to the data cut-off, which moves with any
-- new telephony row: recompute them every time (few rows)
open_intervals as (

    select
        agent_id,
        started_at
    from raw_agent_states
    where ended_at is null

),

-- a monthly backfill: intervals whose local start or end month is listed (an interval closed
-- earlier by the agent's next one is in a subset of these months, so this is a superset)
refresh_month_intervals as (

    select
        agent_id,
        started_at
    from raw_agent_states
    where
        substr(cast({{ to_reporting_month('started_at') }} as string), 1, 7) in (
            select {{ unnest_list('build_plan.refresh_months') }} from build_plan
        )
        or substr(cast({{ to_reporting_month('ended_at') }} as string), 1, 7) in (
            select {{ unnest_list('build_plan.refresh_months') }} from build_plan
        )

),

changed_keys as (

    select
        agent_id,
        started_at
    from new_versions
    union
    select
        agent_id,
        started_at
    from retracted_keys
    union
    select
        agent_id,
        started_at
    from open_intervals
    union
    select
        agent_id,
        started_at
    from refresh_month_intervals

),

-- the agent's previous interval is closed by the start of its next one (lead over the agent's
-- timeline): when a key appears, changes its start or vanishes, its predecessor's end may move
predecessors as (

    select
        raw_timeline.agent_id,
        raw_timeline.started_at
    from changed_keys
    {{ asof_join(
        'inner', 'raw_timeline', 'raw_timeline', 'changed_keys.agent_id = raw_timeline.agent_id',
        'changed_keys.started_at', 'started_at', 'next_started_at', inclusive=false
    ) }}

),

affected as (

    select
        agent_id,
        started_at
    from changed_keys
    union
    select
        agent_id,
        started_at
    from predecessors

)

select
    agent_id,
    started_at
from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
