"""The static dashboard built from the published mart (issue 16)."""

from dagster_project.dashboard.build import (
    DASHBOARD_DIR,
    DashboardResult,
    build_dashboard,
    publish_dashboard,
    unavailable_dashboard,
)

__all__ = ["DASHBOARD_DIR", "DashboardResult", "build_dashboard", "publish_dashboard", "unavailable_dashboard"]
