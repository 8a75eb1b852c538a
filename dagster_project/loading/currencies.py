"""Currencies the loader accepts: the reporting currency and those with a rate in the seed.

The seed's rates are to one base currency (column base_currency); dbt converts an amount to the
reporting currency through cross rates (macro exchange_rates_to_reporting), which needs a rate
for the reporting currency itself. Without one, only amounts already in the reporting currency
can be reported: every other currency is unknown (quarantined, rule unknown_currency).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from dagster_project.settings import SEEDS_DIR

if TYPE_CHECKING:
    from dagster_project.settings import Settings

REPORTING_CURRENCY_ENV = "SUPPORT_KPI_REPORTING_CURRENCY"
DEFAULT_REPORTING_CURRENCY = "EUR"
EXCHANGE_RATES_SEED = SEEDS_DIR / "exchange_rates.csv"


def reporting_currency(settings: Settings | None = None) -> str:
    """Setting reporting.currency (env SUPPORT_KPI_REPORTING_CURRENCY; trimmed, upper-cased), default EUR."""
    if settings is None:
        from dagster_project.config import current

        settings = current()
    return settings.reporting.currency or DEFAULT_REPORTING_CURRENCY


def seeded_currencies(path: Path = EXCHANGE_RATES_SEED) -> tuple[str, ...]:
    """Currencies listed in the exchange-rate seed (any valid_from), sorted."""
    if not path.is_file():
        return ()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        codes = {(row.get("currency") or "").strip().upper() for row in csv.DictReader(handle)}
    return tuple(sorted(code for code in codes if code))


def known_currencies(path: Path = EXCHANGE_RATES_SEED, settings: Settings | None = None) -> tuple[str, ...]:
    """The reporting currency first, then the seeded ones (none if the reporting currency itself
    has no rate: no cross rate reaches it)."""
    reporting = reporting_currency(settings)
    seeded = seeded_currencies(path)
    if reporting not in seeded:
        return (reporting,)
    return (reporting, *(code for code in seeded if code != reporting))


def unknown_currency_note(path: Path = EXCHANGE_RATES_SEED, settings: Settings | None = None) -> str:
    """Why a currency is unknown, for the quarantine reason."""
    reporting = reporting_currency(settings)
    if path.is_file() and seeded_currencies(path) and reporting not in seeded_currencies(path):
        return f"(the reporting currency {reporting} has no rate in {path.name}, so no other currency converts to it)"
    return f"(not the reporting currency {reporting} and no rate in {path.name})"
