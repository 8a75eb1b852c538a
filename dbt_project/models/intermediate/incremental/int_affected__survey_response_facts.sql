-- The survey responses fct_survey_responses recomputes: the responses whose own rows changed
-- (int_affected__survey_responses) and every response of a customer whose crm row changed
-- (int_affected__customers), since the fact carries the customer's current segment. A response
-- that moved to another customer is in the first set; its old customer's segment no longer
-- matters to it.
with

affected_responses as (

    select response_id from {{ ref('int_affected__survey_responses') }}

),

affected_customers as (

    select customer_id from {{ ref('int_affected__customers') }}

),

responses as (

    select
        response_id,
        customer_id
    from {{ ref('int_survey_responses__scored') }}

),

responses_of_affected_customers as (

    select response_id from responses
    where customer_id in (select affected_customers.customer_id from affected_customers)

),

affected as (

    select response_id from affected_responses
    union
    select response_id from responses_of_affected_customers

)

select response_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
