-- The contacts an incremental build recomputes: int_contacts__unioned deletes their rows and
-- appends them again. A contact row is one ticket, inbound call or bot conversation and depends
-- only on that entity's row, so the set is the union of the entities' own sets: the tickets
-- fct_tickets recomputes, the calls fct_calls recomputes (a call that is no longer inbound loses
-- its row) and the changed bot conversations. Every contact when since_batch_id is 0.
with

tickets as (

    select ticket_id from {{ ref('int_affected__ticket_facts') }}

),

calls as (

    select call_id from {{ ref('int_affected__calls') }}

),

bot_conversations as (

    select conversation_id from {{ ref('int_affected__bot_conversations') }}

),

affected as (

    select
        'ticket' as contact_type,
        ticket_id as contact_id
    from tickets

    union all

    select
        'inbound_call' as contact_type,
        call_id as contact_id
    from calls

    union all

    select
        'bot_conversation' as contact_type,
        conversation_id as contact_id
    from bot_conversations

)

select
    contact_type,
    contact_id
from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
