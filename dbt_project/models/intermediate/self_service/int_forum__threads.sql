-- One row per forum thread: started_at = created_at of its thread-start post (the earliest, should
-- a thread have several), posts, and whether any post of the thread is an accepted answer (at any
-- time, also after the start month: forum_success_rate_pct counts threads started in m with an
-- accepted answer whenever it came). A thread whose start post was never loaded has no
-- started_at and counts in no month's threads.
with

posts as (

    select
        thread_id,
        created_at,
        is_thread_start,
        is_accepted_answer
    from {{ ref('stg_web__forum_posts') }}

),

threads as (

    select
        thread_id,
        min(created_at) filter (where is_thread_start) as started_at,
        count(*) as posts_count,
        bool_or(is_accepted_answer) as has_accepted_answer,
        min(created_at) filter (where is_accepted_answer) as accepted_answer_at
    from posts
    group by thread_id

)

select
    thread_id,
    started_at,
    {{ to_reporting_month('started_at') }} as started_month,
    posts_count,
    has_accepted_answer,
    accepted_answer_at
from threads
