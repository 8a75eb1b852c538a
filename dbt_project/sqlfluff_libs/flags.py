"""dbt's `flags` for SQLFluff's Jinja templater (lint only): models read `flags.FULL_REFRESH`."""

FULL_REFRESH = False
