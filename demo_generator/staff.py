"""Support teams and agents: who works when, how fast and how well."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo_generator.world import DAY, Shift, WorkCalendar, World

OFFICE = Shift(weekday_hours=(8, 17))
OFFICE_SATURDAY = Shift(weekday_hours=(8, 17), weekend_hours=(10, 14), weekend_capacity=0.3)
EXTENDED = Shift(weekday_hours=(7, 21), weekend_hours=(9, 17), weekend_capacity=0.6, holiday_capacity=0.4)
SOCIAL = Shift(weekday_hours=(7, 22), weekend_hours=(8, 20), weekend_capacity=0.5, holiday_capacity=0.5)


@dataclass(frozen=True)
class Group:
    group_id: str
    group_name: str
    shift: Shift
    share: float  # share of the agent headcount


GROUPS: tuple[Group, ...] = (
    Group("g01", "Tier 1 Support", OFFICE_SATURDAY, 0.28),
    Group("g02", "Billing & Payments", OFFICE, 0.12),
    Group("g03", "Technical Support", OFFICE, 0.20),
    Group("g04", "Live Chat & Phone", EXTENDED, 0.22),
    Group("g05", "Social Media", SOCIAL, 0.08),
    Group("g06", "Customer Success", OFFICE, 0.10),
)
GROUP_INDEX = {g.group_id: i for i, g in enumerate(GROUPS)}

# (country, first names, last names): plausible Nordic, Russian and English names.
NAME_POOLS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("FI", ("Aino", "Mikko", "Laura", "Juha", "Sanna", "Ville", "Emilia", "Antti"),
     ("Virtanen", "Korhonen", "Nieminen", "Mäkinen", "Hämäläinen", "Laine", "Heikkinen")),
    ("SE", ("Elsa", "Lars", "Maja", "Erik", "Astrid", "Oskar", "Linnea", "Johan"),
     ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Lindqvist", "Berg")),
    ("NO", ("Ingrid", "Sindre", "Nora", "Henrik", "Sigrid", "Magnus"),
     ("Hansen", "Johansen", "Olsen", "Larsen", "Haugen", "Solberg")),
    ("DK", ("Freja", "Mads", "Ida", "Rasmus", "Clara", "Mikkel"),
     ("Jensen", "Nielsen", "Pedersen", "Christensen", "Sørensen", "Madsen")),
    ("RU", ("Olga", "Dmitri", "Anna", "Sergei", "Natalia", "Ivan", "Yulia", "Alexei"),
     ("Ivanova", "Petrov", "Smirnova", "Kuznetsov", "Popova", "Sokolov", "Volkova")),
    ("GB", ("Emma", "James", "Olivia", "Harry", "Amelia", "George", "Sophie"),
     ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker")),
    ("US", ("Ava", "Michael", "Mia", "Daniel", "Grace", "Ethan"),
     ("Johnson", "Miller", "Davis", "Garcia", "Martinez", "Anderson")),
)  # fmt: skip
NAME_POOL_WEIGHTS = np.array([0.26, 0.22, 0.10, 0.08, 0.14, 0.12, 0.08])

AGENTS_AT_SCALE_1 = 40
MIN_AGENTS = 12
NEVER_FAR = np.iinfo(np.int64).max // 4


@dataclass
class Staff:
    """Groups and agents as parallel arrays (index = agent number - 1)."""

    agent_id: list[str]
    agent_name: list[str]
    email: list[str]
    country_code: list[str]
    group: np.ndarray  # group index per agent
    hired_ts: np.ndarray  # epoch seconds (midnight of hired_at)
    left_ts: np.ndarray  # epoch seconds the agent left, NEVER_FAR when still active
    speed: np.ndarray  # multiplies response delays (lognormal around 1: < 1 is faster)
    fcr: np.ndarray  # multiplies the chance of solving with a single reply
    workload: np.ndarray  # relative share of the group's tickets (part-timers get fewer)
    calendars: list[WorkCalendar]  # per group

    @property
    def n(self) -> int:
        return len(self.agent_id)

    def is_active(self, cutoff_ts: int) -> np.ndarray:
        return self.left_ts >= cutoff_ts

    def pick(self, rng: np.random.Generator, group: np.ndarray, t: np.ndarray) -> np.ndarray:
        """An agent of ``group`` employed at ``t`` (hired before, leaving > 2 weeks later)."""
        chosen = np.full(group.size, -1, dtype=np.int64)
        for g in range(len(GROUPS)):
            members = np.flatnonzero(self.group == g)
            rows = np.flatnonzero(group == g)
            if rows.size == 0:
                continue
            p = self.workload[members] / self.workload[members].sum()
            todo = rows
            for _ in range(12):
                cand = members[rng.choice(members.size, size=todo.size, p=p)]
                ok = (self.hired_ts[cand] <= t[todo]) & (self.left_ts[cand] > t[todo] + 14 * DAY)
                chosen[todo[ok]] = cand[ok]
                todo = todo[~ok]
                if todo.size == 0:
                    break
            chosen[todo] = members[0]  # the group's first agent is a permanent team lead
        return chosen

    def pick_other(self, rng: np.random.Generator, current: np.ndarray, t: np.ndarray) -> np.ndarray:
        """A different agent for a reassignment: same team mostly, else Technical Support or
        Customer Success (a second-line hand-over)."""
        second_line = np.array([GROUP_INDEX["g03"], GROUP_INDEX["g06"]])
        group = self.group[current].copy()
        cross = rng.random(current.size) < 0.3
        group[cross] = second_line[rng.integers(0, 2, size=int(cross.sum()))]
        other = self.pick(rng, group, t)
        clash = other == current
        for _ in range(6):
            if not clash.any():
                break
            other[clash] = self.pick(rng, group[clash], t[clash])
            clash = other == current
        # Still the same person (a one-agent team): hand over to the other second line team.
        if clash.any():
            fallback = np.where(self.group[current[clash]] == second_line[0], second_line[1], second_line[0])
            other[clash] = self.pick(rng, fallback, t[clash])
        return other


def _group_sizes(n_agents: int) -> np.ndarray:
    shares = np.array([g.share for g in GROUPS])
    sizes = np.maximum(1, np.floor(shares * n_agents)).astype(np.int64)
    while sizes.sum() < n_agents:  # hand out the remainder by largest shortfall
        sizes[np.argmax(shares * n_agents - sizes)] += 1
    return sizes


def build_staff(world: World) -> Staff:
    rng = world.rng("staff.agents")
    n_agents = max(MIN_AGENTS, round(AGENTS_AT_SCALE_1 * world.scale))
    group = np.repeat(np.arange(len(GROUPS)), _group_sizes(n_agents))
    n_agents = group.size
    start, cutoff = world.period.start_ts, world.period.cutoff_ts
    span = cutoff - start

    first_of_group = np.r_[True, group[1:] != group[:-1]]
    # Tenure before the period: 1 month .. 6 years. About 10% join during the first half of the
    # period and 8% leave during its second half (at least one of each; never a team lead).
    hired = start - (rng.uniform(30, 6 * 365, size=n_agents) * DAY).astype(np.int64)
    movable = np.flatnonzero(~first_of_group)
    n_joiners = min(movable.size, max(1, round(0.10 * n_agents)))
    n_leavers = min(movable.size - n_joiners, max(1, round(0.08 * n_agents)))
    picked = rng.permutation(movable)
    joiners, leavers = np.sort(picked[:n_joiners]), np.sort(picked[n_joiners : n_joiners + n_leavers])
    hired[joiners] = start + (rng.uniform(0.05, 0.5, size=joiners.size) * span).astype(np.int64)
    hired = hired // DAY * DAY
    left = np.full(n_agents, NEVER_FAR, dtype=np.int64)
    left[leavers] = start + (rng.uniform(0.5, 0.95, size=leavers.size) * span).astype(np.int64)

    names, emails, countries = [], [], []
    pool_idx = rng.choice(len(NAME_POOLS), size=n_agents, p=NAME_POOL_WEIGHTS)
    first_pick = rng.random(n_agents)
    last_pick = rng.random(n_agents)
    seen: dict[str, int] = {}
    for i in range(n_agents):  # a few dozen agents: a plain loop is fine here
        country, firsts, lasts = NAME_POOLS[pool_idx[i]]
        first = firsts[int(first_pick[i] * len(firsts))]
        last = lasts[int(last_pick[i] * len(lasts))]
        name = f"{first} {last}"
        local = _ascii(f"{first}.{last}".lower())
        seen[local] = seen.get(local, 0) + 1
        if seen[local] > 1:
            local = f"{local}{seen[local]}"
        names.append(name)
        emails.append(f"{local}@support.example.com")
        countries.append(country)

    return Staff(
        agent_id=[f"a{i + 1:04d}" for i in range(n_agents)],
        agent_name=names,
        email=emails,
        country_code=countries,
        group=group,
        hired_ts=hired,
        left_ts=left,
        speed=rng.lognormal(0.0, 0.35, size=n_agents),
        fcr=np.clip(rng.lognormal(0.0, 0.25, size=n_agents), 0.5, 1.8),
        workload=np.where(rng.random(n_agents) < 0.2, 0.5, 1.0),
        calendars=[WorkCalendar(world.clock, g.shift) for g in GROUPS],
    )


def _ascii(text: str) -> str:
    table = str.maketrans({"ä": "a", "ö": "o", "å": "a", "ø": "o", "æ": "ae", "é": "e"})
    return text.translate(table)
