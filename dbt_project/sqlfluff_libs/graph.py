"""dbt's `graph` for SQLFluff's Jinja templater (lint only): the KPI registry's models read
`graph.metrics` and `graph.semantic_models`, which dbt fills at run time; empty here, so they lint
their typed empty form."""

metrics: dict = {}
semantic_models: dict = {}
