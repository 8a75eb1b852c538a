-- One row per forum post: the latest version of each post_id (latest load batch, then latest file
-- line; the entity has no version column). A missing is_accepted_answer means not accepted.
with

source as (

    select * from {{ source('web', 'forum_posts') }}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by post_id
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    post_id,
    thread_id,
    created_at,
    author_type,
    customer_id,
    is_thread_start,
    coalesce(is_accepted_answer, false) as is_accepted_answer,
    upvotes
from latest
