"""CRM customers: who exists when, how active they are, and who churns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from demo_generator.world import DAY, World
from demo_generator.writer import codes_to_strings, prefixed_ids, timestamps

CUSTOMERS_AT_SCALE_1 = 25_000
NEW_PER_DAY_SHARE = 0.0008  # new customers per day, as a share of the starting base
MIN_CUSTOMERS = 60

COUNTRIES = ("FI", "SE", "NO", "DK", "IS", "EE", "RU", "DE", "GB", "US", "NL", "PL", "FR")
COUNTRY_WEIGHTS = np.array([0.20, 0.17, 0.09, 0.07, 0.01, 0.03, 0.10, 0.09, 0.08, 0.08, 0.03, 0.03, 0.02])
SEGMENTS = ("consumer", "smb", "mid_market", "enterprise")
SEGMENT_WEIGHTS = np.array([0.55, 0.30, 0.11, 0.04])
SEGMENT_ACTIVITY = np.array([1.0, 1.5, 2.5, 4.0])  # enterprises raise more tickets
SEGMENT_CHURN_MONTHLY = np.array([0.025, 0.018, 0.010, 0.005])
# Chance that a customer with a bad support experience (reopened, escalated ticket) leaves soon.
BAD_EXPERIENCE_CHURN = np.array([0.30, 0.20, 0.12, 0.06])
SEGMENT_LOYALTY = np.array([0.35, 0.15, 0.10, 0.05])
INDUSTRIES = (
    "retail", "software", "manufacturing", "finance", "healthcare",
    "education", "logistics", "media", "public_sector", "hospitality",
)  # fmt: skip
INDUSTRY_WEIGHTS = np.array([0.18, 0.16, 0.13, 0.10, 0.08, 0.08, 0.09, 0.06, 0.05, 0.07])
ACQUISITION = ("organic", "paid", "referral", "affiliate", "partner", "other")
ACQUISITION_WEIGHTS = np.array([0.40, 0.22, 0.15, 0.08, 0.10, 0.05])
REFERRAL = ACQUISITION.index("referral")
CONSUMER = SEGMENTS.index("consumer")


@dataclass
class Customers:
    """Customers sorted by ``created_ts`` (customer number order = signup order)."""

    created_ts: np.ndarray
    segment: np.ndarray
    industry: np.ndarray  # -1 for consumers
    country: np.ndarray
    acquisition: np.ndarray
    referred_by: np.ndarray  # customer index, -1 when not referred
    loyalty: np.ndarray
    activity: np.ndarray  # relative propensity to contact support
    churn_ts: np.ndarray  # planned churn time, -1 = none in the period
    _cum_activity: np.ndarray

    @property
    def n(self) -> int:
        return self.created_ts.size

    def ids(self) -> pa.Array:
        return customer_ids(self.n)

    def pick_requesters(self, rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
        """For each time, a customer of that time (signed up before, not churned within a day),
        weighted by activity."""
        existing = np.maximum(np.searchsorted(self.created_ts, t, side="left"), 1)
        chosen = np.empty(t.size, dtype=np.int64)
        todo = np.arange(t.size)
        for _ in range(20):
            total = self._cum_activity[existing[todo] - 1]
            idx = np.searchsorted(self._cum_activity, rng.random(todo.size) * total, side="right")
            idx = np.minimum(idx, existing[todo] - 1)
            churn = self.churn_ts[idx]
            ok = (churn < 0) | (churn > t[todo] + DAY)
            chosen[todo] = idx
            todo = todo[~ok]
            if todo.size == 0:
                break
        return chosen  # the rare leftover keeps its pick; final_churn() moves that churn later

    def churn_after_bad_experience(self, world: World, bad_ts: np.ndarray) -> np.ndarray:
        """Planned churn times once bad experiences are known: some customers whose ticket went
        badly (``bad_ts`` = their last such ticket, -1 = none) leave within weeks of it."""
        rng = world.rng("crm.churn.experience")
        leave = (bad_ts >= 0) & (rng.random(self.n) < BAD_EXPERIENCE_CHURN[self.segment])
        t = bad_ts + (rng.uniform(3, 45, size=self.n) * DAY).astype(np.int64)
        earlier = leave & ((self.churn_ts < 0) | (t < self.churn_ts)) & (t < world.period.cutoff_ts)
        return np.where(earlier, t, self.churn_ts)

    def final_churn(self, world: World, last_contact_ts: np.ndarray, planned: np.ndarray | None = None) -> np.ndarray:
        """Churn time per customer (-1 = still a customer), always after their last contact.

        ``planned`` default: the churn planned at creation (``churn_ts``)."""
        planned = self.churn_ts if planned is None else planned
        rng = world.rng("crm.churn.final")
        gap = (rng.uniform(1, 20, size=self.n) * DAY).astype(np.int64)
        churn = np.where(last_contact_ts >= planned, last_contact_ts + gap, planned)
        return np.where((planned >= 0) & (churn < world.period.cutoff_ts), churn, -1)


def _churn_times(world: World, created: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Constant monthly hazard per segment from the later of signup and period start."""
    rng = world.rng("crm.churn")
    hazard = SEGMENT_CHURN_MONTHLY[segment] / (30.4 * DAY)
    at_risk_from = np.maximum(created, world.period.start_ts)
    churn = at_risk_from + rng.exponential(1.0 / hazard).astype(np.int64)
    return np.where(churn < world.period.cutoff_ts, churn, -1)


def customer_ids(n: int) -> pa.Array:
    return prefixed_ids("c", np.arange(1, n + 1), 6)


def build_customers(world: World) -> Customers:
    rng = world.rng("crm.customers")
    start, cutoff = world.period.start_ts, world.period.cutoff_ts
    n_base = max(MIN_CUSTOMERS, round(CUSTOMERS_AT_SCALE_1 * world.scale))
    n_new = round(n_base * NEW_PER_DAY_SHARE * world.period.days)
    # The base signed up over the previous six years (more of them recently); the rest join
    # during the period, a little faster as the company grows.
    years_before = 6.0 * (1.0 - np.sqrt(rng.random(n_base)))
    before = start - (years_before * 365 * DAY).astype(np.int64) - 1
    during = start + (np.sqrt(rng.random(n_new)) * (cutoff - start)).astype(np.int64)
    created = np.sort(np.concatenate([before, during]))
    n = created.size

    segment = rng.choice(len(SEGMENTS), size=n, p=SEGMENT_WEIGHTS)
    industry = rng.choice(len(INDUSTRIES), size=n, p=INDUSTRY_WEIGHTS)
    industry[segment == CONSUMER] = -1
    acquisition = rng.choice(len(ACQUISITION), size=n, p=ACQUISITION_WEIGHTS)
    referred_by = np.full(n, -1, dtype=np.int64)
    referral = np.flatnonzero((acquisition == REFERRAL) & (np.arange(n) > 0))
    referred_by[referral] = (rng.random(referral.size) * referral).astype(np.int64)
    loyalty = rng.random(n) < SEGMENT_LOYALTY[segment]
    activity = rng.lognormal(0.0, 1.0, size=n) * SEGMENT_ACTIVITY[segment]
    return Customers(
        created_ts=created,
        segment=segment,
        industry=industry,
        country=rng.choice(len(COUNTRIES), size=n, p=COUNTRY_WEIGHTS),
        acquisition=acquisition,
        referred_by=referred_by,
        loyalty=loyalty,
        activity=activity,
        churn_ts=_churn_times(world, created, segment),
        _cum_activity=np.cumsum(activity),
    )


def customers_table(customers: Customers, churned_ts: np.ndarray) -> pa.Table:
    """The ``crm/customers`` landing rows."""
    ids = customers.ids()
    referred = customers.referred_by
    emails = pc.binary_join_element_wise(ids, pa.scalar("@example.com"), "")
    return pa.table(
        {
            "customer_id": ids,
            "created_at": timestamps(customers.created_ts),
            "churned_at": timestamps(churned_ts, null_below=0),
            "segment": codes_to_strings(customers.segment, SEGMENTS),
            "industry": codes_to_strings(customers.industry, INDUSTRIES),
            "country_code": codes_to_strings(customers.country, COUNTRIES),
            "acquisition_channel": codes_to_strings(customers.acquisition, ACQUISITION),
            "referred_by_customer_id": ids.take(pa.array(referred, mask=referred < 0)),
            "is_loyalty_member": pa.array(customers.loyalty),
            "email": emails,
        }
    )
