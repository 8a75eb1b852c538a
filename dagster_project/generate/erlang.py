"""Erlang C (M/M/N queue) formulas the phone roster is planned with.

Same definitions as the staffing forecast of ``kpis.md``: traffic A = calls x AHT / interval,
service level = 1 - P(wait) * exp(-(N - A) * threshold / AHT), occupancy = A / N.
"""

from __future__ import annotations

import math

INTERVAL_SECONDS = 1800


def traffic(calls: float, aht: float, interval: float = INTERVAL_SECONDS) -> float:
    """Offered load in Erlangs."""
    return calls * aht / interval


def wait_probability(load: float, agents: int) -> float:
    """Erlang C: the probability that a call has to wait (1 when the queue is unstable)."""
    if agents <= load:
        return 1.0
    blocking = 1.0  # Erlang B by recursion: stable for any number of agents
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return agents * blocking / (agents - load * (1.0 - blocking))


def service_level(calls: float, aht: float, agents: int, threshold: float = 20.0) -> float:
    """Share of calls answered within ``threshold`` seconds."""
    load = traffic(calls, aht)
    if agents <= load:
        return 0.0
    return 1.0 - wait_probability(load, agents) * math.exp(-(agents - load) * threshold / aht)


def average_speed_of_answer(calls: float, aht: float, agents: int) -> float:
    load = traffic(calls, aht)
    if agents <= load:
        return math.inf
    return wait_probability(load, agents) * aht / (agents - load)


def agents_needed(
    calls: float,
    aht: float,
    target: float = 0.8,
    threshold: float = 20.0,
    max_occupancy: float = 0.85,
) -> int:
    """Smallest N with service level >= ``target`` and occupancy <= ``max_occupancy``."""
    if calls <= 0:
        return 0
    load = traffic(calls, aht)
    n = max(1, math.ceil(load))
    while service_level(calls, aht, n, threshold) < target or load / n > max_occupancy:
        n += 1
    return n
