-- Agent-state intervals split at the 30-minute edges of the reporting time zone (hence also at
-- day and month edges): one row per (interval, 30-minute bucket) piece with its seconds.
-- 1. Timeline: per agent, an interval ends at the earliest of its ended_at, the start of the
--    agent's next interval (overlaps: the later-starting state wins; the lead() over all of the
--    agent's intervals) and, when still open in the source (ended_at null), the
--    telephony data cut-off. Empty intervals are dropped.
-- 2. Edges: one spine of UTC instants that are local :00 / :30 edges in the reporting time zone
--    (candidates every 15 minutes, so zones with :30 and :45 offsets and DST changes are exact),
--    built once for the data's time range.
-- 3. The buckets each interval overlaps, clipped to both: the first and the last come from two
--    equality joins on the 15-minute candidate at or before the interval's start and last
--    instant (every edge is a candidate, so no edge lies between an instant and its candidate),
--    a series lists the ones between. A range join on two inequalities took 764 s at scale 100
--    on DuckDB, and an as-of join is a nested-loop join on Spark (it did not finish at scale 1).
-- Incremental: key = the interval (agent_id, started_at); the intervals of
-- int_affected__agent_state_intervals (new or changed ones, their predecessors, open ones) lose
-- their pieces and are split again.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__agent_state_intervals', 'key': ['agent_id', 'started_at']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__agent_state_intervals') }}
with

agent_states as (

    select
        agent_id,
        state,
        started_at,
        ended_at
    from {{ ref('stg_telephony__agent_states') }}
    {% if is_incremental() -%}
        where (agent_id, started_at) in (
            select
                affected.agent_id,
                affected.started_at
            from {{ ref('int_affected__agent_state_intervals') }} as affected
        )
    {%- endif %}

),

successors as (

    -- the start of each interval's successor among all of the agent's intervals
    -- (agent_id, started_at is unique: tested on stg_telephony__agent_states)
    select
        agent_id,
        started_at,
        lead(started_at) over (partition by agent_id order by started_at) as next_started_at
    from {{ ref('stg_telephony__agent_states') }}
    {% if is_incremental() -%}
        where agent_id in (select agent_states.agent_id from agent_states)
    {%- endif %}

),

data_cutoff as (

    select data_cutoff_at from {{ ref('int_telephony__data_cutoff') }}

),

timeline as (

    select
        agent_states.agent_id,
        agent_states.state,
        agent_states.started_at,
        least(
            coalesce(agent_states.ended_at, data_cutoff.data_cutoff_at),
            successors.next_started_at
        ) as ended_at
    from agent_states
    cross join data_cutoff
    left join successors
        on
            agent_states.agent_id = successors.agent_id
            and agent_states.started_at = successors.started_at

),

state_intervals as (

    select
        agent_id,
        state,
        started_at,
        ended_at
    from timeline
    where ended_at > started_at

),

bounds as (

    select
        date_trunc('hour', min(started_at)) - interval 1 hour as first_candidate,
        date_trunc('hour', max(ended_at)) + interval 2 hour as last_candidate
    from state_intervals

),

candidate_instants as (

    select {{ series('bounds.first_candidate', 'bounds.last_candidate', 'interval 15 minute') }} as edge_at
    from bounds

),

candidates as (

    select
        edge_at as candidate_at,
        {% if var('reporting_time_zone') | upper == 'UTC' -%}
            edge_at
        {%- else -%}
            {{ utc_to_local('edge_at', "'" ~ var('reporting_time_zone') ~ "'") }}
        {%- endif %} as candidate_local
    from candidate_instants

),

-- each candidate with the bucket it lies in: the number of edges at or before it
-- (0 before the first edge)
candidate_buckets as (

    select
        candidate_at,
        candidate_local,
        minute(candidate_local) in (0, 30) as is_edge,
        count(case when minute(candidate_local) in (0, 30) then 1 end) over (
            order by candidate_at rows between unbounded preceding and current row
        ) as bucket_number
    from candidates

),

edges as (

    select
        candidate_at as bucket_start,
        lead(candidate_at) over (order by candidate_at) as bucket_end,
        candidate_local as interval_start,
        bucket_number
    from candidate_buckets
    where is_edge

),

-- the bucket holding an interval's start (the latest edge at or before started_at) to the one
-- holding its last instant (the latest edge before ended_at)
interval_buckets as (

    select
        state_intervals.agent_id,
        state_intervals.state,
        state_intervals.started_at,
        state_intervals.ended_at,
        {{ series('first_bucket.bucket_number', 'last_bucket.bucket_number') }} as bucket_number
    from state_intervals
    inner join candidate_buckets as first_bucket
        on {{ floor_to_minutes('state_intervals.started_at', 15) }} = first_bucket.candidate_at
    inner join candidate_buckets as last_bucket
        on {{ floor_to_minutes(add_microseconds('state_intervals.ended_at', -1), 15) }} = last_bucket.candidate_at
    where first_bucket.bucket_number > 0

),

segments as (

    select
        interval_buckets.agent_id,
        interval_buckets.state,
        interval_buckets.started_at,
        greatest(interval_buckets.started_at, edges.bucket_start) as segment_start,
        least(interval_buckets.ended_at, edges.bucket_end) as segment_end,
        edges.interval_start
    from interval_buckets
    inner join edges on interval_buckets.bucket_number = edges.bucket_number

)

select
    agent_id,
    state,
    started_at,
    segment_start,
    segment_end,
    interval_start,
    cast(interval_start as date) as interval_date,
    cast(date_trunc('month', interval_start) as date) as interval_month,
    {{ seconds_between('segment_start', 'segment_end') }} as seconds
from segments
