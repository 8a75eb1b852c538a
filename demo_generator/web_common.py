"""Helpers shared by the web-source generators: customers of a moment, millisecond timestamps."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from demo_generator.crm import Customers
from demo_generator.writer import TIMESTAMP


def customers_at(
    rng: np.random.Generator, customers: Customers, churned: np.ndarray, t: np.ndarray, share: float
) -> np.ndarray:
    """Per time (epoch seconds), with probability ``share`` a customer of that moment (signed up
    before, activity weighted, not yet churned: ``churned`` = final churn time, -1 none); else -1."""
    who = np.full(t.size, -1, dtype=np.int64)
    rows = np.flatnonzero(rng.random(t.size) < share)
    if rows.size:
        pick = customers.pick_requesters(rng, t[rows])
        gone = (churned[pick] >= 0) & (churned[pick] <= t[rows])
        who[rows] = np.where(gone, -1, pick)
    return who


def timestamps_ms(ms: np.ndarray) -> pa.Array:
    """Epoch milliseconds as UTC timestamps."""
    return pa.array(ms.astype(np.int64) * 1000, type=TIMESTAMP)


def optional_bools(codes: np.ndarray) -> pa.Array:
    """1 true, 0 false, -1 null."""
    return pa.array(codes == 1, mask=codes < 0)


def optional_ints(values: np.ndarray) -> pa.Array:
    """Non-negative integers; negative values become null."""
    return pa.array(values.astype(np.int64), mask=values < 0)


def grouped_cumsum(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Inclusive running sums of ``values`` restarting at each group; groups are consecutive runs
    of ``sizes`` rows (sizes may be 0)."""
    if values.size == 0:
        return values.copy()
    total = np.cumsum(values)
    starts = np.cumsum(sizes) - sizes
    before = np.where(starts > 0, total[np.clip(starts - 1, 0, values.size - 1)], 0)
    return total - np.repeat(before, sizes)
