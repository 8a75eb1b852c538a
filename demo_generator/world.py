"""The simulated world every demo source shares: period, random streams, calendar, work time.

Times are plain ``int64`` seconds since the Unix epoch (UTC) throughout the generator; the writer
turns them into timestamps at the very end.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

HOUR = 3600
DAY = 86_400

# Relative ticket arrivals per UTC hour of day: night trough, morning peak, lunch dip, afternoon.
HOUR_WEIGHTS = np.array(
    [0.12, 0.08, 0.06, 0.05, 0.06, 0.12, 0.30, 0.65, 1.05, 1.35, 1.45, 1.38,
     1.15, 1.25, 1.30, 1.22, 1.05, 0.85, 0.65, 0.55, 0.48, 0.40, 0.30, 0.20],
)  # fmt: skip
# Monday .. Sunday: Mondays carry the weekend's backlog, weekends are quiet.
WEEKDAY_WEIGHTS = np.array([1.30, 1.12, 1.05, 1.00, 0.90, 0.42, 0.36])
# January .. December: busy after new year and before Christmas, Nordic summer holiday dip.
MONTH_WEIGHTS = np.array([1.08, 1.02, 1.00, 0.97, 0.95, 0.90, 0.78, 0.92, 1.03, 1.05, 1.08, 0.98])
ANNUAL_GROWTH = 0.15
HOLIDAY_FACTOR = 0.45


def stream_key(name: str) -> int:
    """A stable 32-bit key for a named random stream (Python's ``hash`` is salted per process)."""
    return zlib.crc32(name.encode("utf-8"))


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def holidays(year: int) -> list[date]:
    """Public holidays common to the Nordic countries (the demo company's home market)."""
    fixed = [(1, 1), (1, 6), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31)]
    days = [date(year, m, d) for m, d in fixed]
    easter = easter_sunday(year)
    days += [easter + timedelta(days=offset) for offset in (-2, 1, 39)]
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).weekday() == 4)
    days.append(midsummer_eve)
    return sorted(days)


def to_epoch(d: date) -> int:
    """Midnight UTC of ``d`` in epoch seconds."""
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


@dataclass(frozen=True)
class Period:
    """The simulated days ``start`` .. ``end`` (both inclusive); nothing happens at/after cutoff."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_ts(self) -> int:
        return to_epoch(self.start)

    @property
    def cutoff_ts(self) -> int:
        return to_epoch(self.end + timedelta(days=1))


class Clock:
    """An hourly grid from the period start to well past its end, with calendar attributes."""

    def __init__(self, period: Period, extra_days: int = 120) -> None:
        self.origin = period.start_ts
        self.n_hours = (period.days + extra_days) * 24
        starts = self.origin + HOUR * np.arange(self.n_hours, dtype=np.int64)
        day64 = (starts // DAY).astype("datetime64[D]")
        self.hour_of_day = ((starts % DAY) // HOUR).astype(np.int64)
        # 1970-01-01 was a Thursday: weekday 0 = Monday.
        self.weekday = ((starts // DAY + 3) % 7).astype(np.int64)
        self.month = (day64.astype("datetime64[M]").astype(np.int64) % 12).astype(np.int64)
        years = range(period.start.year, period.end.year + 2)
        holiday_days = np.array([np.datetime64(h, "D") for y in years for h in holidays(y)], dtype="datetime64[D]")
        self.is_holiday = np.isin(day64, holiday_days)
        self.hour_starts = starts

    def hour_index(self, t: np.ndarray) -> np.ndarray:
        return np.clip((t - self.origin) // HOUR, 0, self.n_hours - 1)


def arrival_weights(clock: Clock, period: Period) -> np.ndarray:
    """Relative arrival intensity for every hour of the period (hour, weekday, season, growth)."""
    n = period.days * 24
    hod = clock.hour_of_day[:n]
    wd = clock.weekday[:n]
    weights = HOUR_WEIGHTS[hod] * WEEKDAY_WEIGHTS[wd] * MONTH_WEIGHTS[clock.month[:n]]
    # Weekend days have a flatter daily shape than office days.
    weekend = wd >= 5
    weights[weekend] = np.sqrt(weights[weekend] * WEEKDAY_WEIGHTS[wd[weekend]])
    weights *= np.where(clock.is_holiday[:n], HOLIDAY_FACTOR, 1.0)
    elapsed_years = (clock.hour_starts[:n] - clock.origin) / (365.0 * DAY)
    weights *= 1.0 + ANNUAL_GROWTH * elapsed_years
    return weights


def sample_arrivals(rng: np.random.Generator, clock: Clock, weights: np.ndarray, expected_total: float) -> np.ndarray:
    """Poisson arrivals per hour with the given relative weights; sorted epoch seconds."""
    lam = weights * (expected_total / weights.sum())
    counts = rng.poisson(lam)
    hour_start = np.repeat(clock.hour_starts[: len(weights)], counts)
    return np.sort(hour_start + rng.integers(0, HOUR, size=hour_start.size))


@dataclass(frozen=True)
class Shift:
    """When a team works (UTC hours, ``[start, end)``) and at what capacity outside office days."""

    weekday_hours: tuple[int, int]
    weekend_hours: tuple[int, int] | None = None
    weekend_capacity: float = 0.0
    holiday_capacity: float = 0.0


class WorkCalendar:
    """Maps 'work seconds' to wall-clock time for one shift.

    Each hour of the grid has a capacity between 0 (closed) and 1 (fully staffed); ``add`` moves a
    time forward by an amount of work, so a two-hour task started at 16:30 on a Friday of an
    08-17 team ends on Monday at 09:30.
    """

    def __init__(self, clock: Clock, shift: Shift) -> None:
        hod, wd = clock.hour_of_day, clock.weekday
        lo, hi = shift.weekday_hours
        capacity = np.where((wd < 5) & (hod >= lo) & (hod < hi), 1.0, 0.0)
        if shift.weekend_hours is not None:
            wlo, whi = shift.weekend_hours
            weekend_open = (wd >= 5) & (hod >= wlo) & (hod < whi)
            capacity = np.where(weekend_open, shift.weekend_capacity, capacity)
        capacity = np.where(clock.is_holiday, capacity * shift.holiday_capacity, capacity)
        self._clock = clock
        self._capacity = capacity
        self._cum = np.concatenate([[0.0], np.cumsum(capacity * HOUR)])

    def is_open(self, t: np.ndarray) -> np.ndarray:
        return self._capacity[self._clock.hour_index(t)] > 0

    def add(self, t: np.ndarray, work_seconds: np.ndarray) -> np.ndarray:
        """Wall-clock time at which ``work_seconds`` of work started at ``t`` is done."""
        clock = self._clock
        h = clock.hour_index(t)
        done = self._cum[h] + self._capacity[h] * (t - clock.origin - h * HOUR)
        target = done + work_seconds
        hh = np.searchsorted(self._cum, target, side="right") - 1
        inside = hh < clock.n_hours
        hh_in = np.minimum(hh, clock.n_hours - 1)
        cap = np.where(inside, self._capacity[hh_in], 1.0)
        base = np.where(inside, self._cum[hh_in], self._cum[-1])
        start = clock.origin + np.where(inside, hh_in, clock.n_hours) * HOUR
        result = start + np.ceil((target - base) / cap).astype(np.int64)
        return np.maximum(result, t)


class World:
    """Seed, scale and period of one generation run, plus the shared clock."""

    def __init__(self, seed: int, days: int, scale: float, end_date: date) -> None:
        if days < 1:
            raise ValueError("days must be >= 1")
        if scale <= 0:
            raise ValueError("scale must be > 0")
        self.seed = seed
        self.scale = scale
        self.period = Period(start=end_date - timedelta(days=days - 1), end=end_date)
        self.clock = Clock(self.period)

    def rng(self, name: str) -> np.random.Generator:
        """An independent random stream per component, so adding a source changes no other."""
        return np.random.default_rng([self.seed, stream_key(name)])
