"""Community forum: threads opened by customers, replies by customers, agents and moderators,
accepted answers (often a day or more after the question) and upvotes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from demo_generator.crm import Customers
from demo_generator.web_common import customers_at, grouped_cumsum, optional_bools
from demo_generator.world import HOUR, World, arrival_weights, sample_arrivals
from demo_generator.writer import codes_to_strings, prefixed_ids, timestamps

THREADS_PER_DAY_AT_SCALE_1 = 8.0
AUTHOR_TYPES = ("customer", "agent", "moderator")
CUSTOMER, AGENT, MODERATOR = range(len(AUTHOR_TYPES))
AUTHOR_WEIGHTS = np.array([0.68, 0.22, 0.10])
NO_REPLY_SHARE = 0.12
MORE_REPLIES_P = 0.35  # replies of a thread that gets any: Geometric(p) (mean 1/p), capped
MAX_REPLIES = 25
STARTER_REPLIES = 0.30  # customer replies written by the thread's starter
FIRST_REPLY_MEDIAN, NEXT_REPLY_MEDIAN = 5 * HOUR, 8 * HOUR
ACCEPT_SHARE = 0.74  # threads with a reply (not only by the starter) that accept one


@dataclass
class Forum:
    """Posts sorted by ``created``; threads numbered by start time (index = number - 1)."""

    thread_start: np.ndarray  # per thread, sorted
    thread: np.ndarray  # per post
    created: np.ndarray
    author_type: np.ndarray
    customer: np.ndarray  # -1 none
    is_start: np.ndarray
    accepted: np.ndarray
    upvotes: np.ndarray

    def thread_ids(self) -> pa.Array:
        return prefixed_ids("ft", np.arange(1, self.thread_start.size + 1), 6)


def simulate_forum(world: World, customers: Customers, churned: np.ndarray) -> Forum:
    rng = world.rng("web.forum")
    expected = THREADS_PER_DAY_AT_SCALE_1 * world.scale * world.period.days
    start = sample_arrivals(rng, world.clock, arrival_weights(world.clock, world.period), expected)
    n = start.size
    starter = customers_at(rng, customers, churned, start, 1.0)
    replies = np.minimum(rng.geometric(MORE_REPLIES_P, size=n), MAX_REPLIES)
    replies[rng.random(n) < NO_REPLY_SHARE] = 0

    thread = np.repeat(np.arange(n), replies)
    pos = np.arange(thread.size) - np.repeat(np.cumsum(replies) - replies, replies)
    # First answer after hours; later ones spaced by hours too (many the next day or later).
    median = np.where(pos == 0, FIRST_REPLY_MEDIAN, NEXT_REPLY_MEDIAN)
    gap = (median * rng.lognormal(0.0, 1.4, size=pos.size)).astype(np.int64) + 60
    t = start[thread] + grouped_cumsum(gap, replies)
    author = rng.choice(len(AUTHOR_TYPES), size=thread.size, p=AUTHOR_WEIGHTS)
    by_starter = (author == CUSTOMER) & (rng.random(thread.size) < STARTER_REPLIES)
    customer = np.where(author == CUSTOMER, customers_at(rng, customers, churned, t, 1.0), -1)
    customer = np.where(by_starter, starter[thread], customer)

    # The accepted answer: the best-scored reply not by the starter (staff answers score higher).
    score = rng.random(thread.size) + 0.5 * (author != CUSTOMER) - 10.0 * by_starter
    accepted = np.zeros(thread.size, dtype=bool)
    if thread.size:
        order = np.lexsort((score, thread))
        last = order[np.r_[thread[order][1:] != thread[order][:-1], True]]
        accepting = rng.random(n) < ACCEPT_SHARE
        ok = accepting[thread[last]] & ~by_starter[last]
        accepted[last[ok]] = True

    upvotes = np.where(accepted, 1 + rng.poisson(3.0, size=thread.size), rng.poisson(0.6, size=thread.size))
    cols = {
        "thread": np.concatenate([np.arange(n), thread]),
        "created": np.concatenate([start, t]),
        "author_type": np.concatenate([np.full(n, CUSTOMER), author]),
        "customer": np.concatenate([starter, customer]),
        "is_start": np.concatenate([np.ones(n, dtype=bool), np.zeros(thread.size, dtype=bool)]),
        "accepted": np.concatenate([np.zeros(n, dtype=bool), accepted]),
        "upvotes": np.concatenate([rng.poisson(1.5, size=n), upvotes]),
    }
    keep = cols["created"] < world.period.cutoff_ts
    order = np.lexsort((~cols["is_start"], cols["thread"], cols["created"]))
    order = order[keep[order]]
    return Forum(thread_start=start, **{k: v[order] for k, v in cols.items()})


def forum_table(forum: Forum, rows: np.ndarray, post_id: pa.Array, thread_id: pa.Array,
                customer_id: pa.Array) -> pa.Table:  # fmt: skip
    customer = forum.customer[rows]
    return pa.table(
        {
            "post_id": post_id.take(pa.array(rows)),
            "thread_id": thread_id.take(pa.array(forum.thread[rows])),
            "created_at": timestamps(forum.created[rows]),
            "author_type": codes_to_strings(forum.author_type[rows], AUTHOR_TYPES),
            "customer_id": customer_id.take(pa.array(customer, mask=customer < 0)),
            "is_thread_start": pa.array(forum.is_start[rows]),
            "is_accepted_answer": optional_bools(forum.accepted[rows].astype(np.int64)),
            "upvotes": pa.array(forum.upvotes[rows].astype(np.int64)),
        }
    )


def post_ids(n: int) -> pa.Array:
    return prefixed_ids("fp", np.arange(1, n + 1), 7)
