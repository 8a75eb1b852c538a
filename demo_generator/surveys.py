"""Customer surveys: CSAT after solved tickets and answered calls, CES after some tickets, NPS
about monthly per customer sample.

Scores follow what happened: slow first replies, reopens and escalations pull them down,
skilled agents (``facts.agent_skill``) and short queue waits push them up. About a quarter of the
surveys are answered. Most surveys use the contract's default scales (written either explicitly
or left null), but one CSAT template runs on 1-10 and one CES template on 1-5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from demo_generator.crm import Customers
from demo_generator.facts import COMPLAINT, TicketFacts
from demo_generator.helpdesk import CHANNELS, Helpdesk
from demo_generator.phone_sim import ANSWERED
from demo_generator.telephony import INBOUND, Calls
from demo_generator.world import DAY, HOUR, World
from demo_generator.writer import codes_to_strings, month_keys, prefixed_ids, timestamps

SURVEY_TYPES = ("csat", "nps", "ces")
CSAT, NPS, CES = range(len(SURVEY_TYPES))
DEFAULT_SCALES = {CSAT: (1, 5), NPS: (0, 10), CES: (1, 7)}
ALT_SCALES = {CSAT: ((1, 10), 0.15), CES: ((1, 5), 0.30)}  # (scale, share of surveys)
SCALE_LEFT_NULL = 0.5  # default-scale surveys whose export leaves the scale empty
CSAT_AFTER_TICKET = 0.85
CES_AFTER_TICKET = 0.18
CSAT_AFTER_CALL = 0.55
NPS_MONTHLY = 0.04  # customers asked per month (0.12 if they contacted support that month)
NPS_MONTHLY_CONTACTED = 0.12
RESPONSE_RATE = np.array([0.30, 0.22, 0.27])  # csat, nps, ces
PHONE = CHANNELS.index("phone")
COMMENTS = (
    # negative (normalised score < 0.5), neutral, positive
    ("It took far too long to get an answer.", "I had to contact you again about the same issue.",
     "Nobody really understood my problem.", "Still not fixed, very disappointed."),
    ("Problem solved, but it took a while.", "OK service, the answer was a bit generic.",
     "Fine in the end."),
    ("Quick and friendly help, thank you!", "Great support, solved at once.",
     "Very helpful agent.", "Clear answer, thanks."),
)  # fmt: skip


@dataclass
class Surveys:
    """One entry per survey sent, sorted by ``sent``."""

    survey_type: np.ndarray
    sent: np.ndarray
    responded: np.ndarray  # -1 = no answer
    score: np.ndarray  # nan when unanswered
    scale_min: np.ndarray  # -1 = left null (default scale)
    scale_max: np.ndarray
    customer: np.ndarray
    ticket: np.ndarray  # -1 none
    call: np.ndarray  # -1 none
    agent: np.ndarray  # -1 none
    channel: np.ndarray  # CHANNELS code, -1 none
    comment: np.ndarray  # code into the flattened COMMENTS, -1 none
    comment_replied: np.ndarray  # -1 none


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _part(survey_type: int, sent: np.ndarray, latent: np.ndarray, **links: np.ndarray) -> dict[str, np.ndarray]:
    n = sent.size
    none = np.full(n, -1, dtype=np.int64)
    cols = {"survey_type": np.full(n, survey_type, dtype=np.int64), "sent": sent, "latent": latent}
    for key in ("customer", "ticket", "call", "agent", "channel"):
        cols[key] = links.get(key, none).astype(np.int64)
    return cols


def simulate_surveys(
    world: World,
    customers: Customers,
    hd: Helpdesk,
    facts: TicketFacts,
    skill: np.ndarray,
    calls: Calls,
    churned: np.ndarray,
) -> Surveys:
    """All surveys sent before the cut-off (call index = row of the calls file; ``churned`` = final
    churn time per customer, -1 = none)."""
    cutoff = world.period.cutoff_ts
    tk = hd.tickets
    parts = []

    # CSAT / CES after solved tickets (sent with the solve notification, or when it closes).
    rng = world.rng("survey.tickets")
    solved = np.flatnonzero(facts.solved >= 0)
    agent = facts.agent[solved]
    agent_effect = np.where(agent >= 0, 0.45 * skill[np.maximum(agent, 0)], 0.0)
    experience = (
        2.4
        - 1.1 * facts.slow[solved]
        - 1.5 * facts.reopened[solved]
        - 0.7 * facts.escalated[solved]
        - 0.6 * (tk.ticket_type[solved] == COMPLAINT)
        + agent_effect
    )
    links = {"customer": tk.requester[solved], "ticket": solved, "agent": agent, "channel": tk.channel[solved]}
    csat = rng.random(solved.size) < CSAT_AFTER_TICKET
    delay = (rng.lognormal(np.log(2 * HOUR), 1.0, size=solved.size)).astype(np.int64) + 60
    parts.append(_part(CSAT, (facts.solved[solved] + delay)[csat], experience[csat],
                       **{k: v[csat] for k, v in links.items()}))  # fmt: skip
    ces = rng.random(solved.size) < CES_AFTER_TICKET
    delay = (rng.lognormal(np.log(DAY), 0.6, size=solved.size)).astype(np.int64)
    parts.append(_part(CES, (facts.solved[solved] + delay)[ces], experience[ces] - 0.9,
                       **{k: v[ces] for k, v in links.items()}))  # fmt: skip

    # CSAT after answered inbound calls without a ticket (ticket calls get the ticket's survey).
    rng = world.rng("survey.calls")
    c = np.flatnonzero(
        (calls.outcome == ANSWERED) & (calls.direction == INBOUND) & (calls.ticket < 0) & (calls.customer >= 0)
    )
    c = c[rng.random(c.size) < CSAT_AFTER_CALL]
    wait_minutes = calls.wait[c] / 60.0
    latent = 2.5 - 0.35 * np.minimum(wait_minutes, 6.0) - 0.004 * calls.hold[c] + 0.45 * skill[calls.agent[c]]
    sent = calls.ended[c] + calls.wrap[c] + rng.integers(60, 900, size=c.size)
    parts.append(_part(CSAT, sent, latent, customer=calls.customer[c], call=c,
                       agent=calls.agent[c], channel=np.full(c.size, PHONE)))  # fmt: skip

    parts.append(_nps(world, customers, churned, hd, facts))
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    keep = cols["sent"] < cutoff
    cols = {k: v[keep] for k, v in cols.items()}
    order = np.lexsort((cols["ticket"], cols["call"], cols["survey_type"], cols["sent"]))
    cols = {k: v[order] for k, v in cols.items()}
    return _answers(world, cols)


def _nps(
    world: World, customers: Customers, churned: np.ndarray, hd: Helpdesk, facts: TicketFacts
) -> dict[str, np.ndarray]:
    """Relationship NPS: each month a sample of current customers (more of those who called in)."""
    rng = world.rng("survey.nps")
    start, cutoff = world.period.start_ts, world.period.cutoff_ts
    tk = hd.tickets
    first = np.datetime64(world.period.start, "M")
    last = np.datetime64(world.period.end, "M")
    months = np.arange(first, last + 1)
    bounds = months.astype("datetime64[s]").astype(np.int64)
    ends = (months + 1).astype("datetime64[s]").astype(np.int64)
    ticket_month = month_keys(tk.created)
    bad_ticket = facts.bad
    sent, who, latent = [], [], []
    for m0, m1, key in zip(bounds, ends, months.astype(np.int64), strict=True):
        lo, hi = max(int(m0), start), min(int(m1), cutoff)
        existing = customers.created_ts < lo
        gone = (churned >= 0) & (churned < hi)
        in_month = ticket_month == key
        contacted = np.zeros(customers.n, dtype=bool)
        contacted[tk.requester[in_month]] = True
        bad = np.zeros(customers.n, dtype=bool)
        recent = (tk.created >= lo - 90 * DAY) & (tk.created < hi) & bad_ticket
        bad[tk.requester[recent]] = True
        p = np.where(contacted, NPS_MONTHLY_CONTACTED, NPS_MONTHLY) * (hi - lo) / (m1 - m0)
        chosen = np.flatnonzero(existing & ~gone & (rng.random(customers.n) < p))
        sent.append(lo + (rng.random(chosen.size) * (hi - lo)).astype(np.int64))
        who.append(chosen)
        latent.append(2.05 - 1.4 * bad[chosen] + 0.4 * customers.loyalty[chosen])
    customer = np.concatenate(who)
    return _part(NPS, np.concatenate(sent), np.concatenate(latent), customer=customer)


def _answers(world: World, cols: dict[str, np.ndarray]) -> Surveys:
    """Who answers, when, with what score on which scale, and the comments."""
    rng = world.rng("survey.answers")
    cutoff = world.period.cutoff_ts
    kind, sent = cols["survey_type"], cols["sent"]
    n = sent.size
    lo = np.array([DEFAULT_SCALES[k][0] for k in range(3)])[kind]
    hi = np.array([DEFAULT_SCALES[k][1] for k in range(3)])[kind]
    explicit = rng.random(n) >= SCALE_LEFT_NULL
    for k, ((alt_lo, alt_hi), share) in ALT_SCALES.items():
        alt = (kind == k) & (rng.random(n) < share)
        lo[alt], hi[alt] = alt_lo, alt_hi
        explicit |= alt

    responded = sent + (rng.lognormal(np.log(3 * HOUR), 1.2, size=n)).astype(np.int64) + 30
    answered = (rng.random(n) < RESPONSE_RATE[kind]) & (responded < cutoff)
    norm = _sigmoid(cols["latent"] + rng.normal(0.0, 1.3, size=n))
    # Equal-width bins over the scale: the satisfied reach the top score, the angry the bottom.
    score = np.minimum(np.floor(lo + norm * (hi - lo + 1)), hi).astype(np.float64)
    score_norm = (score - lo) / (hi - lo)

    mood = np.where(score_norm < 0.5, 0, np.where(score_norm < 0.75, 1, 2))
    p_comment = np.array([0.45, 0.2, 0.15])[mood]
    commented = answered & (rng.random(n) < p_comment)
    offset = np.cumsum([0] + [len(c) for c in COMMENTS[:-1]])
    sizes = np.array([len(c) for c in COMMENTS])
    comment = offset[mood] + (rng.random(n) * sizes[mood]).astype(np.int64)
    replied_at = responded + (rng.lognormal(np.log(8 * HOUR), 1.0, size=n)).astype(np.int64) + 60
    replied = commented & (rng.random(n) < np.array([0.7, 0.35, 0.2])[mood]) & (replied_at < cutoff)
    return Surveys(
        survey_type=kind,
        sent=sent,
        responded=np.where(answered, responded, -1),
        score=np.where(answered, score, np.nan),
        scale_min=np.where(explicit, lo, -1),
        scale_max=np.where(explicit, hi, -1),
        customer=cols["customer"],
        ticket=cols["ticket"],
        call=cols["call"],
        agent=cols["agent"],
        channel=cols["channel"],
        comment=np.where(commented, comment, -1),
        comment_replied=np.where(replied, replied_at, -1),
    )


def response_ids(n: int) -> pa.Array:
    return prefixed_ids("sr", np.arange(1, n + 1), 8)


def _ints(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.int64(), mask=values < 0)


def surveys_table(
    s: Surveys,
    rows: np.ndarray,
    *,
    response_id: pa.Array,
    customer_id: pa.Array,
    ticket_id: pa.Array,
    call_id: pa.Array,
    agent_id: list[str],
) -> pa.Table:
    """The ``survey/survey_responses`` rows for the given survey rows."""

    def take(ids: pa.Array, index: np.ndarray) -> pa.Array:
        return ids.take(pa.array(np.maximum(index, 0), mask=index < 0))

    score = s.score[rows]
    return pa.table(
        {
            "response_id": response_id.take(pa.array(rows)),
            "survey_type": codes_to_strings(s.survey_type[rows], SURVEY_TYPES),
            "sent_at": timestamps(s.sent[rows]),
            "responded_at": timestamps(s.responded[rows], null_below=0),
            "score": pa.array(score, mask=np.isnan(score)),
            "scale_min": _ints(s.scale_min[rows]),
            "scale_max": _ints(s.scale_max[rows]),
            "customer_id": take(customer_id, s.customer[rows]),
            "ticket_id": take(ticket_id, s.ticket[rows]),
            "call_id": take(call_id, s.call[rows]),
            "agent_id": codes_to_strings(s.agent[rows], agent_id),
            "channel": codes_to_strings(s.channel[rows], CHANNELS),
            "comment": codes_to_strings(s.comment[rows], [c for group in COMMENTS for c in group]),
            "comment_replied_at": timestamps(s.comment_replied[rows], null_below=0),
        }
    )
