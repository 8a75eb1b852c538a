"""Currencies the loader accepts: the reporting currency and those with a rate in the seed."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from dagster_project.settings import SEEDS_DIR

REPORTING_CURRENCY_ENV = "SUPPORT_KPI_REPORTING_CURRENCY"
DEFAULT_REPORTING_CURRENCY = "EUR"
EXCHANGE_RATES_SEED = SEEDS_DIR / "exchange_rates.csv"


def reporting_currency() -> str:
    """Env SUPPORT_KPI_REPORTING_CURRENCY (trimmed, upper-cased), default EUR."""
    return os.environ.get(REPORTING_CURRENCY_ENV, "").strip().upper() or DEFAULT_REPORTING_CURRENCY


def seeded_currencies(path: Path = EXCHANGE_RATES_SEED) -> tuple[str, ...]:
    """Currencies listed in the exchange-rate seed (any valid_from), sorted."""
    if not path.is_file():
        return ()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        codes = {(row.get("currency") or "").strip().upper() for row in csv.DictReader(handle)}
    return tuple(sorted(code for code in codes if code))


def known_currencies(path: Path = EXCHANGE_RATES_SEED) -> tuple[str, ...]:
    """The reporting currency first, then the seeded ones."""
    reporting = reporting_currency()
    return (reporting, *(code for code in seeded_currencies(path) if code != reporting))
