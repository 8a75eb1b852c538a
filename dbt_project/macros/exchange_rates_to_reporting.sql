{#-
    Rates of seed exchange_rates turned into rates to the reporting currency (var
    reporting_currency), as a subquery of (currency, valid_from, valid_until, rate_to_reporting);
    valid_until is the currency's next valid_from (null for its last rate), for macro asof_join.

    The seed gives each currency's value in ONE base currency (column base_currency, EUR):
    1 <currency> = rate_to_base <base>, valid from valid_from until the currency's next valid_from.
    An amount in currency c on day d in the reporting currency r is
        amount x rate_to_base(c, d) / rate_to_base(r, d)
    (a cross rate through the base). Both rates step at their own valid_from dates, so the cross
    rate steps at either: one row per currency and per valid_from of that currency or of r (from
    the currency's first rate on). A day before the first rate of c or of r has no row: the amount
    stays without a reporting value (amount_reporting null), as before.
    Used by every model that converts money (stg_crm__orders, stg_crm__discounts,
    stg_finance__operating_costs, kpi_benchmarks): the one place conversion is defined.
-#}
{% macro exchange_rates_to_reporting() -%}
{%- set reporting = var("reporting_currency", "EUR") | trim | upper -%}
(
    with

    seeded as (

        select
            upper(trim(currency)) as currency,
            rate_to_base,
            valid_from,
            lead(valid_from) over (partition by upper(trim(currency)) order by valid_from) as valid_until
        from {{ ref('exchange_rates') }}

    ),

    reporting_rates as (

        select
            valid_from,
            valid_until,
            rate_to_base
        from seeded
        where currency = '{{ reporting }}'

    ),

    first_rates as (

        select
            currency,
            min(valid_from) as first_valid_from
        from seeded
        group by currency

    ),

    breakpoints as (

        select
            currency,
            valid_from
        from seeded
        union
        select
            first_rates.currency,
            reporting_rates.valid_from
        from first_rates
        inner join reporting_rates
            on reporting_rates.valid_from > first_rates.first_valid_from

    ),

    own_rates as (

        select
            breakpoints.currency,
            breakpoints.valid_from,
            seeded.rate_to_base
        from breakpoints
        {{ asof_join('inner', 'seeded', 'seeded', 'breakpoints.currency = seeded.currency', 'breakpoints.valid_from') }}

    ),

    cross_rates as (

        select
            own_rates.currency,
            own_rates.valid_from,
            own_rates.rate_to_base / reporting_rates.rate_to_base as rate_to_reporting
        from own_rates
        {{ asof_join('inner', 'reporting_rates', 'reporting_rates', '', 'own_rates.valid_from') }}

    )

    select
        currency,
        valid_from,
        lead(valid_from) over (partition by currency order by valid_from) as valid_until,
        rate_to_reporting
    from cross_rates

)
{% endmacro %}
