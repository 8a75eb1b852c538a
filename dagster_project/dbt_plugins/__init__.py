"""dbt-duckdb plugins of the project (listed under `plugins:` in dbt_project/profiles.yml)."""
