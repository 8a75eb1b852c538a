"""Internal quality reviews (IQS): QA specialists sample a few solved tickets and answered calls
per agent and month and score them on a weighted rubric; skilled agents score higher, reopened
tickets lose points on accuracy and resolution."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from demo_generator.facts import TicketFacts
from demo_generator.phone_sim import ANSWERED
from demo_generator.telephony import INBOUND, Calls
from demo_generator.world import DAY, World
from demo_generator.writer import codes_to_strings, month_keys, prefixed_ids, timestamps


@dataclass(frozen=True)
class Criterion:
    name: str
    max_score: float
    weight: float | None  # None = left empty (the contract's default weight 1)
    ease: float  # shifts the score up (easy to get right) or down
    calls_only: bool = False


RUBRIC: tuple[Criterion, ...] = (
    Criterion("greeting", 5, None, 2.6),
    Criterion("accuracy", 10, 3.0, 1.9),
    Criterion("empathy", 5, 2.0, 1.6),
    Criterion("resolution", 10, 3.0, 1.7),
    Criterion("compliance", 1, 2.0, 3.0),  # pass / fail
    Criterion("call_handling", 5, 1.0, 1.8, calls_only=True),
)
REVIEWS_PER_AGENT_MONTH = 3.0  # tickets: 1 + Poisson(this), capped by what the agent solved
CALL_REVIEWS_PER_AGENT_MONTH = 1.5  # calls: 1 + Poisson(this), for agents who answered calls
AGENTS_PER_REVIEWER = 20


@dataclass
class Reviews:
    """One entry per review x criterion, sorted by review time."""

    review: np.ndarray  # review number (0-based, in review-time order)
    agent: np.ndarray
    ticket: np.ndarray  # -1 none
    call: np.ndarray  # -1 none
    reviewer: np.ndarray
    reviewed: np.ndarray
    criterion: np.ndarray  # RUBRIC index
    score: np.ndarray


def simulate_reviews(world: World, facts: TicketFacts, skill: np.ndarray, calls: Calls) -> Reviews:
    rng = world.rng("survey.quality")
    cutoff = world.period.cutoff_ts
    # Candidates: human-solved tickets and answered inbound calls (call index = calls-file row).
    tickets = np.flatnonzero((facts.solved >= 0) & (facts.agent >= 0))
    answered = np.flatnonzero((calls.outcome == ANSWERED) & (calls.direction == INBOUND))
    is_call = np.r_[np.zeros(tickets.size, bool), np.ones(answered.size, bool)]
    agent = np.r_[facts.agent[tickets], calls.agent[answered]]
    t = np.r_[facts.solved[tickets], calls.ended[answered]]
    item = np.r_[tickets, answered]
    # A random sample per agent, month and kind (phone agents get both tickets and calls reviewed).
    key = rng.random(item.size)
    group = (agent * 100_000 + month_keys(t)) * 2 + is_call
    order = np.lexsort((key, group))
    group_sorted = group[order]
    starts = np.r_[True, group_sorted[1:] != group_sorted[:-1]]
    start_pos = np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))
    rank = np.arange(order.size) - start_pos
    mean = np.where(is_call[order], CALL_REVIEWS_PER_AGENT_MONTH, REVIEWS_PER_AGENT_MONTH)
    quota = 1 + rng.poisson(mean)
    picked = order[rank < quota[start_pos]]

    reviewed = t[picked] + (rng.uniform(0.5, 12.0, size=picked.size) * DAY).astype(np.int64)
    keep = reviewed < cutoff
    picked, reviewed = picked[keep], reviewed[keep]
    o = np.lexsort((item[picked], reviewed))
    picked, reviewed = picked[o], reviewed[o]
    n_reviews = picked.size
    n_reviewers = max(2, -(-skill.size // AGENTS_PER_REVIEWER))
    reviewer = rng.integers(0, n_reviewers, size=n_reviews)

    # One row per applicable criterion.
    calls_only = np.array([c.calls_only for c in RUBRIC])
    applies = ~calls_only[None, :] | is_call[picked][:, None]
    rev, crit = np.nonzero(applies)
    a = agent[picked][rev]
    reopened = np.where(is_call[picked], False, facts.reopened[np.where(is_call[picked], 0, item[picked])])[rev]
    hit = np.isin(crit, [i for i, c in enumerate(RUBRIC) if c.name in ("accuracy", "resolution")])
    review_mood = rng.normal(0.0, 0.5, size=n_reviews)[rev]
    ease = np.array([c.ease for c in RUBRIC])[crit]
    latent = ease + 0.7 * skill[a] + review_mood + rng.normal(0.0, 0.7, size=rev.size) - 1.3 * (hit & reopened)
    max_score = np.array([c.max_score for c in RUBRIC])[crit]
    p = 1.0 / (1.0 + np.exp(-latent))
    score = np.where(max_score > 1, np.round(p * max_score), (rng.random(rev.size) < p).astype(np.float64))
    return Reviews(
        review=rev,
        agent=a,
        ticket=np.where(is_call[picked], -1, item[picked])[rev],
        call=np.where(is_call[picked], item[picked], -1)[rev],
        reviewer=reviewer[rev],
        reviewed=reviewed[rev],
        criterion=crit,
        score=score,
    )


def reviews_table(
    r: Reviews, rows: np.ndarray, *, agent_id: list[str], ticket_id: pa.Array, call_id: pa.Array
) -> pa.Table:
    """The ``survey/quality_reviews`` rows for the given rows."""

    def take(ids: pa.Array, index: np.ndarray) -> pa.Array:
        return ids.take(pa.array(np.maximum(index, 0), mask=index < 0))

    weights = np.array([np.nan if c.weight is None else c.weight for c in RUBRIC])[r.criterion[rows]]
    reviewers = prefixed_ids("qa", np.arange(1, int(r.reviewer.max(initial=0)) + 2), 2)
    return pa.table(
        {
            "review_id": prefixed_ids("qr", r.review[rows] + 1, 7),
            "agent_id": codes_to_strings(r.agent[rows], agent_id),
            "ticket_id": take(ticket_id, r.ticket[rows]),
            "call_id": take(call_id, r.call[rows]),
            "reviewer_id": reviewers.take(pa.array(r.reviewer[rows])),
            "reviewed_at": timestamps(r.reviewed[rows]),
            "criterion": codes_to_strings(r.criterion[rows], [c.name for c in RUBRIC]),
            "score": pa.array(r.score[rows]),
            "max_score": pa.array(np.array([c.max_score for c in RUBRIC], dtype=np.float64)[r.criterion[rows]]),
            "weight": pa.array(weights, mask=np.isnan(weights)),
        }
    )
