"""Dagster definitions, auto-loaded by ``dagster_project.definitions``."""
