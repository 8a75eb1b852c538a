-- Identity: the scorecard's tickets_created (and the denominator of resolution_rate_pct and
-- escalated_tickets_pct) equals tickets_created_count summed over kpi_ticket_volume_daily by the
-- month of created_date. Integers, compared exactly.
{{ config(severity='error') }}
with

scorecard as (

    select
        month,
        kpi_id,
        case when kpi_id = 'tickets_created' then numerator else denominator end as created_part
    from {{ ref('kpi_scorecard_monthly') }}
    where kpi_id in ('tickets_created', 'resolution_rate_pct', 'escalated_tickets_pct')

),

volume as (

    select
        cast(date_trunc('month', created_date) as date) as month,
        sum(tickets_created_count) as tickets_created_count
    from {{ ref('kpi_ticket_volume_daily') }}
    group by all

)

select
    scorecard.month,
    scorecard.kpi_id,
    scorecard.created_part,
    volume.tickets_created_count
from scorecard
left join volume on scorecard.month = volume.month
where scorecard.created_part is distinct from cast(coalesce(volume.tickets_created_count, 0) as double)
