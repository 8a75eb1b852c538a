"""dbt's `adapter` for SQLFluff's Jinja templater (lint only): `adapter.dispatch` picks the DuckDB
implementation of a cross-engine macro (macros/cross_engine.sql), as dbt does on the duckdb target:
the models lint as the SQL DuckDB runs (the linted dialect)."""

from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context


@pass_context
def dispatch(context: Context, macro_name: str, macro_namespace: str | None = None) -> Callable[..., Any]:
    for prefix in ("duckdb__", "default__"):
        macro = context.get(prefix + macro_name)
        if macro is not None:
            return macro
    raise KeyError(f"no duckdb__ or default__ implementation of macro {macro_name}")
