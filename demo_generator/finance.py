"""Monthly operating costs of the support organisation (EUR), driven by headcount and volume.

Salaries follow who is employed when (joiners and leavers pay part months) with an annual raise
in April; equipment, rent and software follow seats; telecom follows seats and phone tickets;
'other' (training, travel, outsourcing overflow) follows ticket volume. Below scale 1 the
minimum team (``staff.MIN_AGENTS``) is larger than the volume needs, so its agents work part-time:
every headcount-driven cost is weighted by the full-time share the volume pays for, which keeps
the cost per ticket plausible at every scale.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from dagster_project.contract.finance import COST_CATEGORIES
from demo_generator.helpdesk import PHONE, Helpdesk
from demo_generator.staff import AGENTS_AT_SCALE_1, Staff
from demo_generator.world import World

# Monthly employer cost per agent by country (salary + social costs), EUR.
MONTHLY_COST = {"FI": 4_300.0, "SE": 4_500.0, "NO": 5_400.0, "DK": 5_200.0, "RU": 1_900.0, "GB": 4_200.0,
                "US": 5_000.0}  # fmt: skip
ANNUAL_RAISE = 0.03
EQUIPMENT_PER_SEAT = 55.0
EQUIPMENT_PER_HIRE = 1_400.0
RENT_PER_DESK = 480.0
DESKS_PER_AGENT = 0.8  # hot-desking
TELECOM_PER_SEAT = 30.0
TELECOM_PER_PHONE_TICKET = 0.9
SOFTWARE_PER_SEAT = 120.0
SOFTWARE_PLATFORM = 1_800.0
OTHER_PER_TICKET = 0.35


def full_time_share(world: World, staff: Staff) -> float:
    """Share of a full-time contract the agents work: 1 unless the minimum team exceeds the volume."""
    return min(1.0, AGENTS_AT_SCALE_1 * world.scale / staff.n)


def operating_costs(world: World, staff: Staff, hd: Helpdesk) -> pa.Table:
    """The ``finance/operating_costs`` rows: every month the period touches x every category."""
    rng = world.rng("finance.costs")
    months = np.arange(np.datetime64(world.period.start, "M"), np.datetime64(world.period.end, "M") + 1)
    m0 = months.astype("datetime64[s]").astype(np.int64)
    m1 = (months + 1).astype("datetime64[s]").astype(np.int64)
    length = (m1 - m0).astype(np.float64)
    # Share of each month each agent was employed (agents x months).
    employed = (np.minimum(staff.left_ts[:, None], m1) - np.maximum(staff.hired_ts[:, None], m0)) / length
    employed = np.clip(employed, 0.0, 1.0) * full_time_share(world, staff)
    seats = employed.sum(axis=0)
    hires = ((staff.hired_ts[:, None] >= m0) & (staff.hired_ts[:, None] < m1)).sum(axis=0)
    calendar = months.astype(np.int64)
    year, month = calendar // 12 + 1970, calendar % 12 + 1
    raises = (year - world.period.start.year) + (month >= 4) - (world.period.start.month >= 4)
    pay = np.array([MONTHLY_COST.get(c, 4_300.0) for c in staff.country_code])
    salaries = (pay[:, None] * employed).sum(axis=0) * (1 + ANNUAL_RAISE) ** raises

    tk = hd.tickets
    month_of_ticket = np.searchsorted(m1, tk.created, side="right")
    tickets = np.bincount(month_of_ticket, minlength=months.size)[: months.size]
    phone = np.bincount(month_of_ticket[tk.channel == PHONE], minlength=months.size)[: months.size]
    cost = {
        "salaries": salaries,
        "equipment": EQUIPMENT_PER_SEAT * seats + EQUIPMENT_PER_HIRE * hires,
        "rent": RENT_PER_DESK * np.ceil(DESKS_PER_AGENT * seats.max()) * np.ones(months.size),
        "telecom": TELECOM_PER_SEAT * seats + TELECOM_PER_PHONE_TICKET * phone,
        "software": SOFTWARE_PER_SEAT * seats + SOFTWARE_PLATFORM,
        "other": OTHER_PER_TICKET * tickets,
    }
    noise = rng.lognormal(0.0, 0.04, size=(len(COST_CATEGORIES), months.size))
    noise[COST_CATEGORIES.index("rent")] = 1.0  # rent is contractual
    amounts = np.stack([cost[c] for c in COST_CATEGORIES]) * noise
    n_cat = len(COST_CATEGORIES)
    return pa.table(
        {
            "month": pa.array(np.repeat(months.astype("datetime64[D]"), n_cat)),
            "cost_category": pa.array(list(COST_CATEGORIES) * months.size, type=pa.string()),
            "amount": pa.array(np.round(amounts.T.reshape(-1), 2)),
            "currency": pa.array(["EUR"] * (months.size * n_cat), type=pa.string()),
        }
    )
