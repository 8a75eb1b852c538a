"""dbt's own cross-database macros for SQLFluff's Jinja templater (lint only), as dbt-duckdb
renders them."""


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"
