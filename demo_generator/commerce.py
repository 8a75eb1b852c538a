"""CRM commerce: orders, discounts (incl. service-recovery credits on tickets) and activities.

Customers order and show activity while they are customers (signup .. churn), at rates that
grow with the segment. Amounts are mostly in EUR; customers in Sweden, Denmark, the UK and the US
partly pay in their own currency, but only from ``FOREIGN_FROM`` on, the first day
``seeds/exchange_rates.csv`` has a rate for them (a currency without a rate would be quarantined).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from dagster_project.contract.crm import ACTIVITY_TYPES, DISCOUNT_TYPES
from demo_generator.crm import COUNTRIES, Customers
from demo_generator.facts import COMPLAINT, REFUND, TicketFacts
from demo_generator.helpdesk import CATEGORY_NAMES, Helpdesk
from demo_generator.world import DAY, World, to_epoch
from demo_generator.writer import codes_to_strings, prefixed_ids, timestamps

MONTH = 30.4 * DAY
# Currencies and their approximate value in EUR (the latest rates of seeds/exchange_rates.csv).
CURRENCIES = ("EUR", "USD", "GBP", "SEK", "DKK")
EUR_PER_UNIT = np.array([1.0, 0.852, 1.164, 0.0905, 0.134])
FOREIGN_FROM = to_epoch(date(2024, 1, 1))
LOCAL_CURRENCY = {"US": ("USD", 0.9), "GB": ("GBP", 0.6), "SE": ("SEK", 0.7), "DK": ("DKK", 0.7)}
OTHER_USD_SHARE = 0.03  # international customers paying in USD
CURRENCY_LEFT_NULL = 0.04  # reporting-currency rows sent without a currency

# consumer, smb, mid_market, enterprise
ORDERS_PER_MONTH = np.array([0.15, 0.5, 1.2, 3.0])
ORDER_MEDIAN_EUR = np.array([60.0, 400.0, 2_500.0, 12_000.0])
MARGIN_PCT = np.array([38.0, 32.0, 28.0, 24.0])
RECOVERY_MEDIAN_EUR = np.array([12.0, 45.0, 150.0, 400.0])
ACTIVITY_PER_MONTH = np.array(
    [
        [0.5, 1.5, 3.0, 5.0],  # login
        [0.02, 0.08, 0.12, 0.15],  # webinar
        [0.01, 0.05, 0.10, 0.20],  # training
        [0.30, 0.30, 0.30, 0.30],  # loyalty_event (members only)
        [0.06, 0.04, 0.03, 0.02],  # community
        [0.02, 0.02, 0.02, 0.02],  # other
    ]
)
LOYALTY_EVENT = ACTIVITY_TYPES.index("loyalty_event")
DISCOUNT, OFFER, GIFT, CREDIT = (DISCOUNT_TYPES.index(k) for k in ("discount", "offer", "gift", "credit"))
REASONS = ("service_recovery", "delivery_delay", "refund_goodwill", "repeat_contact", "slow_response",
           "goodwill", "campaign", "renewal", "retention", "loyalty_reward")  # fmt: skip
CAMPAIGNS_PER_MONTH = 0.04
LOYALTY_GIFTS_PER_MONTH = 0.08


@dataclass
class Money:
    amount: np.ndarray  # in ``currency``, rounded to cents; nan = no amount
    currency: np.ndarray  # CURRENCIES code, -1 = left null (the reporting currency)


@dataclass
class Rows:
    """Customer-level rows of one entity, sorted by time."""

    customer: np.ndarray
    t: np.ndarray
    kind: np.ndarray  # activity / discount type, unused for orders
    money: Money | None = None
    margin: np.ndarray | None = None
    ticket: np.ndarray | None = None  # discounts: -1 none
    reason: np.ndarray | None = None  # discounts: REASONS code


def _active(world: World, customers: Customers, churned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo = np.maximum(customers.created_ts, world.period.start_ts)
    hi = np.where(churned >= 0, churned, world.period.cutoff_ts)
    return lo, np.maximum(hi, lo)


def _events(
    rng: np.random.Generator, rate_per_month: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson events per customer at a constant rate while active: (customer, time)."""
    counts = rng.poisson(rate_per_month * (hi - lo) / MONTH)
    customer = np.repeat(np.arange(lo.size), counts)
    t = lo[customer] + (rng.random(customer.size) * (hi - lo)[customer]).astype(np.int64)
    return customer, t


def _money(rng: np.random.Generator, customers: Customers, customer: np.ndarray, t: np.ndarray,
           eur: np.ndarray) -> Money:  # fmt: skip
    n = customer.size
    currency = np.zeros(n, dtype=np.int64)
    country = customers.country[customer]
    u = rng.random(n)
    for code, (cur, share) in LOCAL_CURRENCY.items():
        currency[(country == COUNTRIES.index(code)) & (u < share)] = CURRENCIES.index(cur)
    currency[(currency == 0) & (rng.random(n) < OTHER_USD_SHARE)] = CURRENCIES.index("USD")
    currency[t < FOREIGN_FROM] = 0
    amount = np.round(eur / EUR_PER_UNIT[currency], 2)
    currency[(currency == 0) & (rng.random(n) < CURRENCY_LEFT_NULL)] = -1
    return Money(amount=amount, currency=currency)


def _sorted(rows: Rows) -> Rows:
    order = np.lexsort((rows.customer, rows.t))
    fields = {k: (v[order] if isinstance(v, np.ndarray) else v) for k, v in vars(rows).items()}
    if rows.money is not None:
        fields["money"] = Money(rows.money.amount[order], rows.money.currency[order])
    return Rows(**fields)


def simulate_orders(world: World, customers: Customers, churned: np.ndarray) -> Rows:
    rng = world.rng("crm.orders")
    lo, hi = _active(world, customers, churned)
    seg = customers.segment
    engagement = rng.lognormal(0.0, 0.5, size=customers.n)
    customer, t = _events(rng, ORDERS_PER_MONTH[seg] * engagement, lo, hi)
    s = seg[customer]
    eur = ORDER_MEDIAN_EUR[s] * rng.lognormal(0.0, 0.8, size=customer.size)
    margin = np.round(np.clip(rng.normal(MARGIN_PCT[s], 8.0), 2.0, 75.0), 1)
    rows = Rows(customer, t, np.zeros(customer.size, dtype=np.int64), _money(rng, customers, customer, t, eur), margin)
    return _sorted(rows)


def simulate_activities(world: World, customers: Customers, churned: np.ndarray) -> Rows:
    rng = world.rng("crm.activities")
    lo, hi = _active(world, customers, churned)
    seg = customers.segment
    engagement = rng.lognormal(0.0, 0.6, size=customers.n)
    parts_c, parts_t, parts_k = [], [], []
    for k in range(len(ACTIVITY_TYPES)):
        rate = ACTIVITY_PER_MONTH[k][seg] * engagement
        if k == LOYALTY_EVENT:
            rate = np.where(customers.loyalty, rate, 0.0)
        customer, t = _events(rng, rate, lo, hi)
        parts_c.append(customer)
        parts_t.append(t)
        parts_k.append(np.full(customer.size, k, dtype=np.int64))
    return _sorted(Rows(np.concatenate(parts_c), np.concatenate(parts_t), np.concatenate(parts_k)))


def simulate_discounts(
    world: World, customers: Customers, churned: np.ndarray, hd: Helpdesk, facts: TicketFacts
) -> Rows:
    """Service-recovery concessions on bad or costly tickets, campaign offers, loyalty gifts."""
    rng = world.rng("crm.discounts")
    tk = hd.tickets
    # On tickets: granted by the agent just before solving.
    solved = np.flatnonzero((facts.solved >= 0) & (facts.agent >= 0))
    kind = tk.ticket_type[solved]
    delay = tk.category[solved] == CATEGORY_NAMES.index("delivery_delay")
    p = (
        0.02
        + 0.20 * (kind == COMPLAINT)
        + 0.10 * (kind == REFUND)
        + 0.10 * delay
        + 0.10 * facts.reopened[solved]
        + 0.06 * facts.slow[solved]
    )
    hit = solved[rng.random(solved.size) < p]
    reason = np.select(
        [tk.category[hit] == CATEGORY_NAMES.index("delivery_delay"), tk.ticket_type[hit] == COMPLAINT,
         tk.ticket_type[hit] == REFUND, facts.reopened[hit], facts.slow[hit]],
        [REASONS.index(r) for r in ("delivery_delay", "service_recovery", "refund_goodwill",
                                    "repeat_contact", "slow_response")],
        REASONS.index("goodwill"),
    )  # fmt: skip
    t_hit = np.maximum(facts.solved[hit] - rng.integers(30, 600, size=hit.size), tk.created[hit] + 1)
    ticket_kind = rng.choice([CREDIT, DISCOUNT, GIFT], size=hit.size, p=[0.5, 0.3, 0.2])
    ticket_customer = tk.requester[hit]

    # Campaign offers and discounts for everyone, gifts for loyalty members.
    lo, hi = _active(world, customers, churned)
    camp_c, camp_t = _events(rng, np.full(customers.n, CAMPAIGNS_PER_MONTH), lo, hi)
    camp_kind = np.where(rng.random(camp_c.size) < 0.6, OFFER, DISCOUNT)
    camp_reason = rng.choice([REASONS.index(r) for r in ("campaign", "renewal", "retention")], size=camp_c.size,
                             p=[0.6, 0.25, 0.15])  # fmt: skip
    gift_c, gift_t = _events(rng, np.where(customers.loyalty, LOYALTY_GIFTS_PER_MONTH, 0.0), lo, hi)

    customer = np.concatenate([ticket_customer, camp_c, gift_c])
    t = np.concatenate([t_hit, camp_t, gift_t])
    kinds = np.concatenate([ticket_kind, camp_kind, np.full(gift_c.size, GIFT)])
    reasons = np.concatenate([reason, camp_reason, np.full(gift_c.size, REASONS.index("loyalty_reward"))])
    ticket = np.concatenate([hit, np.full(camp_c.size + gift_c.size, -1)])
    eur = RECOVERY_MEDIAN_EUR[customers.segment[customer]] * rng.lognormal(0.0, 0.6, size=customer.size)
    eur[ticket < 0] *= 2.0  # campaign discounts are bigger than goodwill gestures
    money = _money(rng, customers, customer, t, eur)
    no_amount = (kinds == OFFER) & (rng.random(customer.size) < 0.3)  # e.g. a free trial month
    money.amount[no_amount] = np.nan
    keep = t < world.period.cutoff_ts
    rows = Rows(customer[keep], t[keep], kinds[keep], Money(money.amount[keep], money.currency[keep]),
                ticket=ticket[keep], reason=reasons[keep])  # fmt: skip
    return _sorted(rows)


# -- landing tables ----------------------------------------------------------------------------


def _amount(money: Money, rows: np.ndarray) -> tuple[pa.Array, pa.Array]:
    amount = money.amount[rows]
    return pa.array(amount, mask=np.isnan(amount)), codes_to_strings(money.currency[rows], CURRENCIES)


def orders_table(r: Rows, rows: np.ndarray, customer_id: pa.Array) -> pa.Table:
    assert r.money is not None and r.margin is not None
    amount, currency = _amount(r.money, rows)
    return pa.table(
        {
            "order_id": prefixed_ids("o", rows + 1, 8),
            "customer_id": customer_id.take(pa.array(r.customer[rows])),
            "ordered_at": timestamps(r.t[rows]),
            "amount": amount,
            "currency": currency,
            "gross_margin_pct": pa.array(r.margin[rows]),
        }
    )


def discounts_table(r: Rows, rows: np.ndarray, customer_id: pa.Array, ticket_id: pa.Array) -> pa.Table:
    assert r.money is not None and r.ticket is not None and r.reason is not None
    amount, currency = _amount(r.money, rows)
    ticket = r.ticket[rows]
    return pa.table(
        {
            "discount_id": prefixed_ids("d", rows + 1, 7),
            "customer_id": customer_id.take(pa.array(r.customer[rows])),
            "granted_at": timestamps(r.t[rows]),
            "discount_type": codes_to_strings(r.kind[rows], DISCOUNT_TYPES),
            "amount": amount,
            "currency": currency,
            "ticket_id": ticket_id.take(pa.array(np.maximum(ticket, 0), mask=ticket < 0)),
            "reason": codes_to_strings(r.reason[rows], REASONS),
        }
    )


def activities_table(r: Rows, rows: np.ndarray, customer_id: pa.Array) -> pa.Table:
    return pa.table(
        {
            "activity_id": prefixed_ids("act", rows + 1, 9),
            "customer_id": customer_id.take(pa.array(r.customer[rows])),
            "occurred_at": timestamps(r.t[rows]),
            "activity_type": codes_to_strings(r.kind[rows], ACTIVITY_TYPES),
        }
    )
