"""Gate parameters declared next to the contract: what the quality gates need beyond the columns.

The Great Expectations suites of the raw entities are derived from the entity declarations
(`dagster_project.gates.suites.suite_for`); this module only adds what a declaration cannot say:
references between entities (checked with a tolerance) and the mart gate's settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

# Plausible timestamps: nothing before this day, nothing more than this many days after now.
EARLIEST_TIMESTAMP = datetime(2000, 1, 1)
FUTURE_TOLERANCE_DAYS = 1

ORPHAN_EVENTS_PCT_ENV = "SUPPORT_KPI_GATE_ORPHAN_EVENTS_PCT"
VOLUME_SWING_PCT_ENV = "SUPPORT_KPI_GATE_VOLUME_SWING_PCT"


@dataclass(frozen=True)
class Reference:
    """`column` of `source.entity` should name a row of `to_source.to_entity` (`to_column`); up to
    `tolerance_pct()` percent of a batch's rows may point at an unknown row (error above that)."""

    source: str
    entity: str
    column: str
    to_source: str
    to_entity: str
    to_column: str
    tolerance_env: str
    default_tolerance_pct: float

    def tolerance_pct(self, env: Mapping[str, str] | None = None) -> float:
        """The setting behind ``tolerance_env`` (default: the loaded settings') or the default."""
        if env is None:
            from dagster_project.config import current_env

            env = current_env()
        value = env.get(self.tolerance_env, "").strip()
        pct = float(value) if value else self.default_tolerance_pct
        if not 0 <= pct <= 100:
            raise ValueError(f"{self.tolerance_env} must be a percentage between 0 and 100, got {value!r}")
        return pct

    @property
    def derived_column(self) -> str:
        """Boolean column the gate reader adds: the reference resolves."""
        return f"_{self.column}_known"


REFERENCES: tuple[Reference, ...] = (
    Reference("helpdesk", "ticket_events", "ticket_id", "helpdesk", "tickets", "ticket_id", ORPHAN_EVENTS_PCT_ENV, 1.0),
)


def references_of(source: str, entity: str) -> tuple[Reference, ...]:
    return tuple(r for r in REFERENCES if (r.source, r.entity) == (source, entity))


# Mart gate: scorecard KPIs whose month-over-month change beyond the band is a warning.
VOLUME_KPIS: tuple[str, ...] = ("tickets_created", "contact_volume", "chatbot_conversations", "calls_offered")
DEFAULT_VOLUME_SWING_PCT = 50.0
DURATION_UNITS: tuple[str, ...] = ("seconds", "minutes", "business_minutes", "hours")
# Percent KPIs that are not a share of a whole, so not bounded by 0-100: changes against the
# previous month (suffix) and ratios of two independent counts (resolution_rate_pct = tickets
# resolved / tickets created in the month: above 100 when backlog is worked off).
CHANGE_PCT_SUFFIX = "_change_pct"
UNBOUNDED_PERCENT_KPIS: tuple[str, ...] = ("resolution_rate_pct",)


def volume_swing_pct(env: Mapping[str, str] | None = None) -> float:
    """Setting gates.volume_swing_pct (default: the loaded settings')."""
    if env is None:
        from dagster_project.config import current_env

        env = current_env()
    value = env.get(VOLUME_SWING_PCT_ENV, "").strip()
    pct = float(value) if value else DEFAULT_VOLUME_SWING_PCT
    if pct < 0:
        raise ValueError(f"{VOLUME_SWING_PCT_ENV} must not be negative, got {value!r}")
    return pct
