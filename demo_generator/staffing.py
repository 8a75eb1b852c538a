"""Erlang C staffing, computed independently of the dbt model `int_staffing__required_agents`.

The dbt model runs the Erlang B recursion B(n) = A·B(n-1) / (n + A·B(n-1)) in SQL. This module
uses the Poisson form instead, in log space with `math.lgamma`, so the two share no code path and
a test can hold one against the other:

    C(N, A) = P(N) / (P(N) + (1 - A/N) · F(N-1)),   P = Poisson pmf, F = Poisson cdf, mean A

    service level  SL  = 1 - C · exp(-(N - A) · T / AHT)
    speed of answer ASA = C · AHT / (N - A)
    occupancy          = A / N

with A = calls · AHT / interval (offered traffic in Erlangs), N agents, T the answer threshold.
Everything stays finite for hundreds of agents: no factorial or power is ever formed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Tolerance for comparisons with the targets: a load can sit exactly on one (1071 calls x 30 s =
# 17.85 Erlangs on 21 agents is exactly 85 % occupancy, but 17.85 is not exact in binary), and
# floating-point noise must not push it over. The dbt model uses the same tolerance.
_EPSILON = 1e-9


@dataclass(frozen=True)
class StaffingRequirement:
    """The smallest agent count meeting the targets, and what that count is expected to deliver."""

    agents: int
    traffic_erlangs: float
    service_level: float | None
    asa_seconds: float | None
    occupancy: float | None


def traffic_erlangs(calls: float, aht_seconds: float, interval_seconds: float = 1800) -> float:
    """Offered traffic A in Erlangs: calls in the interval times AHT over the interval length."""
    if interval_seconds <= 0:
        raise ValueError("interval_seconds must be positive")
    return calls * aht_seconds / interval_seconds


def _log_poisson_pmf(k: int, traffic: float) -> float:
    return -traffic + k * math.log(traffic) - math.lgamma(k + 1)


def _log_add_exp(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    high, low = (a, b) if a >= b else (b, a)
    return high + math.log1p(math.exp(low - high))


def _log_poisson_cdf(k: int, traffic: float) -> float:
    """log P(X <= k) for X ~ Poisson(traffic); -inf for k < 0."""
    total = -math.inf
    for j in range(k + 1):
        total = _log_add_exp(total, _log_poisson_pmf(j, traffic))
    return total


def _erlang_c_from_logs(agents: int, traffic: float, log_pmf: float, log_cdf_below: float) -> float:
    """C = 1 / (1 + (1 - rho) · F(N-1) / P(N)), evaluated as a logistic of x = log((1-rho)·F/P)."""
    x = math.log1p(-traffic / agents) + log_cdf_below - log_pmf
    if x > 0:
        e = math.exp(-x)
        return e / (1.0 + e)
    return 1.0 / (1.0 + math.exp(x))


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a call has to wait (Erlang C) with `agents` agents and `traffic` Erlangs.

    1 when the agents cannot carry the load (agents <= traffic), 0 without traffic."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    return _erlang_c_from_logs(
        agents, traffic, _log_poisson_pmf(agents, traffic), _log_poisson_cdf(agents - 1, traffic)
    )


def _service_level(agents: int, traffic: float, wait_probability: float, aht_seconds: float, threshold: float) -> float:
    return 1.0 - wait_probability * math.exp(-(agents - traffic) * threshold / aht_seconds)


def service_level(agents: int, traffic: float, aht_seconds: float, threshold_seconds: float = 20) -> float:
    """Share of calls answered within `threshold_seconds` (0 when agents <= traffic, 1 without traffic)."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return _service_level(agents, traffic, erlang_c(agents, traffic), aht_seconds, threshold_seconds)


def asa(agents: int, traffic: float, aht_seconds: float) -> float:
    """Average speed of answer in seconds (infinite when agents <= traffic, 0 without traffic)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * aht_seconds / (agents - traffic)


def staffing_requirement(
    calls: float,
    aht_seconds: float,
    interval_seconds: float = 1800,
    target_sl: float = 0.8,
    threshold_seconds: float = 20,
    max_occupancy: float = 0.85,
) -> StaffingRequirement:
    """Smallest N with service level >= target_sl within threshold_seconds and occupancy <= max_occupancy.

    A zero or empty load needs 0 agents (service level, ASA and occupancy are then undefined: None)."""
    if not 0 < target_sl < 1:
        raise ValueError("target_sl must be strictly between 0 and 1")
    if not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy must be in (0, 1]")
    traffic = traffic_erlangs(calls, aht_seconds, interval_seconds)
    if traffic <= 0:
        return StaffingRequirement(0, max(traffic, 0.0), None, None, None)
    agents = math.floor(traffic) + 1
    # F(N-1) is carried forward one term per step, so the search costs O(N) pmf evaluations.
    log_cdf_below = _log_poisson_cdf(agents - 1, traffic)
    while True:
        log_pmf = _log_poisson_pmf(agents, traffic)
        occupancy = traffic / agents
        if occupancy <= max_occupancy + _EPSILON:
            wait_probability = _erlang_c_from_logs(agents, traffic, log_pmf, log_cdf_below)
            level = _service_level(agents, traffic, wait_probability, aht_seconds, threshold_seconds)
            if level >= target_sl - _EPSILON:
                return StaffingRequirement(
                    agents=agents,
                    traffic_erlangs=traffic,
                    service_level=level,
                    asa_seconds=wait_probability * aht_seconds / (agents - traffic),
                    occupancy=occupancy,
                )
        log_cdf_below = _log_add_exp(log_cdf_below, log_pmf)
        agents += 1


def required_agents(
    calls: float,
    aht_seconds: float,
    interval_seconds: float = 1800,
    target_sl: float = 0.8,
    threshold_seconds: float = 20,
    max_occupancy: float = 0.85,
) -> int:
    """Agents needed on the phones for `calls` per interval at `aht_seconds` (Erlang C)."""
    return staffing_requirement(
        calls, aht_seconds, interval_seconds, target_sl, threshold_seconds, max_occupancy
    ).agents


def rostered_agents(required: int, shrinkage_pct: float = 30) -> int:
    """Agents to roster so that `required` remain after shrinkage: ceil(N / (1 - shrinkage)).

    Computed as N·100 / (100 - pct) so that e.g. 21 / 0.7 is exactly 30, not 30.000000000000004 -> 31."""
    if not 0 <= shrinkage_pct < 100:
        raise ValueError("shrinkage_pct must be in [0, 100)")
    return math.ceil(required * 100 / (100 - shrinkage_pct))
