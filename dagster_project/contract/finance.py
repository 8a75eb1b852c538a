"""finance: operating costs of the support organisation."""

from __future__ import annotations

from dagster_project.contract.crm import CURRENCY_NOTE
from dagster_project.contract.model import Column, Entity, KnownCurrency, NonNegative

SOURCE = "finance"

COST_CATEGORIES = ("salaries", "equipment", "rent", "telecom", "software", "other")

OPERATING_COSTS = Entity(
    source=SOURCE,
    name="operating_costs",
    description="Monthly operating costs per category.",
    columns=(
        Column("month", "date", "Month (its first day).", required=True),
        Column("cost_category", "text", "Cost category.", required=True, enum=COST_CATEGORIES),
        Column("amount", "num", "Cost of the month.", required=True),
        Column("currency", "text", "ISO 4217 currency of amount (see notes)."),
    ),
    primary_key=("month", "cost_category"),
    rules=(NonNegative("amount"), KnownCurrency("currency")),
    notes=(CURRENCY_NOTE,),
)

ENTITIES = (OPERATING_COSTS,)
