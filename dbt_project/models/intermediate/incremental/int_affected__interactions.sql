-- The customer interactions an incremental build recomputes: int_customers__interactions deletes
-- their rows and appends them again. An interaction row is one contact, crm activity or web
-- session and depends only on that entity's row, so the set is the union of their own sets (a
-- contact or session that lost its customer_id loses its row). Every interaction when
-- since_batch_id is 0.
with

contacts as (

    select
        contact_type,
        contact_id
    from {{ ref('int_affected__contacts') }}

),

customer_activities as (

    select activity_id from {{ ref('int_affected__customer_activities') }}

),

web_sessions as (

    select session_id from {{ ref('int_affected__web_sessions') }}

),

affected as (

    select
        contact_type as interaction_type,
        contact_id as interaction_id
    from contacts

    union all

    select
        'customer_activity' as interaction_type,
        activity_id as interaction_id
    from customer_activities

    union all

    select
        'web_session' as interaction_type,
        session_id as interaction_id
    from web_sessions

)

select
    interaction_type,
    interaction_id
from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
