"""GA4-style web sessions on the help site (``web/web_events``).

Three kinds of session: a requester reading in the hour before opening a ticket (often about the
ticket's category), customers reading on a day they open no ticket (deflection) and anonymous
visitors. A session is 1..n page views, each followed by a ``user_engagement`` event carrying its
engaged time; some sessions search, a few article views get an up/down vote, and a very few events
have a GA4 name the contract does not know (loaded as ``other``). Single-page visits under 10 s are
the bounces. Times are epoch milliseconds here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from demo_generator.crm import Customers
from demo_generator.forum import Forum
from demo_generator.helpdesk import Helpdesk
from demo_generator.web_common import (
    customers_at,
    grouped_cumsum,
    optional_bools,
    optional_ints,
    timestamps_ms,
)
from demo_generator.web_kb import (
    FORUM_THREAD,
    HOME,
    KB_ARTICLE,
    KB_CATEGORY,
    OTHER_PATHS,
    PAGE_TYPES,
    SECTION_OF_CATEGORY,
    Catalogue,
    Pages,
)
from demo_generator.world import DAY, World, arrival_weights, sample_arrivals
from demo_generator.writer import codes_to_strings, prefixed_ids

# Chance that a ticket's requester read the help site in the hour before, by ticket channel
# (email, web_form, chat, phone, social, bot, api, forum, other).
READ_BEFORE_TICKET = np.array([0.30, 0.45, 0.35, 0.15, 0.10, 0.35, 0.05, 0.30, 0.25])
CUSTOMER_SESSIONS_PER_DAY_AT_SCALE_1 = 50.0
ANONYMOUS_SESSIONS_PER_DAY_AT_SCALE_1 = 50.0
TICKET, CUSTOMER, ANONYMOUS = range(3)
LOGGED_IN = np.array([0.65, 0.50, 0.0])  # by session kind
SECOND_BROWSER = 0.30  # customers who also browse on another device
USE_SECOND_BROWSER = 0.40
RETURNING_ANONYMOUS = 0.25  # anonymous browser pool = (1 - this) x anonymous sessions
# Page types: kb_article, kb_category, forum_thread, home, other.
LANDING_WEIGHTS = np.array([0.62, 0.10, 0.08, 0.15, 0.05])
LANDING_BEFORE_TICKET = np.array([0.75, 0.10, 0.03, 0.10, 0.02])
NEXT_WEIGHTS = np.array([0.60, 0.15, 0.10, 0.08, 0.07])
ENGAGEMENT_MEDIAN_S = np.array([45.0, 12.0, 60.0, 8.0, 15.0])
SINGLE_PAGE = 0.60
QUICK_EXIT = 0.78  # single-page sessions left within 10 s
MORE_PAGES_P = 0.45
MAX_PAGES = 12
MATCHING_ARTICLE = 0.70  # ticket readers' pages about the ticket's category
SEARCH_SHARE = 0.35  # multi-page sessions that search on their first page
VOTE_SHARE = 0.07  # article views (of engaged sessions) with a vote
NOISE_PER_PAGE = 0.002  # extra events with a GA4 name outside the contract
IDLE_GAP_SHARE = 0.05  # page changes after the tab was left open for minutes

EVENT_NAMES = ("page_view", "user_engagement", "article_vote", "search", "scroll", "click", "file_download",
               "first_visit")  # fmt: skip
PAGE_VIEW, USER_ENGAGEMENT, ARTICLE_VOTE, SEARCH, FIRST_NOISE = range(5)
VOTES = ("up", "down")


@dataclass
class WebEvents:
    """Events sorted by (session, time); sessions numbered by start (index = number - 1)."""

    session: np.ndarray
    seq: np.ndarray  # 1-based position within the session
    t: np.ndarray  # epoch ms
    name: np.ndarray
    page: np.ndarray  # Pages code
    article: np.ndarray  # -1 none
    engagement: np.ndarray  # ms, -1 none
    vote: np.ndarray  # -1 none
    engaged: np.ndarray  # session_engaged: 1, 0, -1 null
    session_customer: np.ndarray  # -1 anonymous
    session_logged_in: np.ndarray
    session_browser: np.ndarray
    browser_number: np.ndarray  # per browser: the random part of its user_pseudo_id
    browser_first_seen: np.ndarray  # per browser: epoch seconds


@dataclass
class _Who:
    kind: np.ndarray
    anchor: np.ndarray  # epoch s: session start, or (ticket readers) when the session ends
    customer: np.ndarray
    ticket: np.ndarray


def _who(rng: np.random.Generator, world: World, customers: Customers, churned: np.ndarray, hd: Helpdesk) -> _Who:
    tk = hd.tickets
    reads = np.flatnonzero(rng.random(tk.n) < READ_BEFORE_TICKET[tk.channel])
    weights = arrival_weights(world.clock, world.period)
    days = world.scale * world.period.days
    t_cust = sample_arrivals(rng, world.clock, weights, CUSTOMER_SESSIONS_PER_DAY_AT_SCALE_1 * days)
    t_anon = sample_arrivals(rng, world.clock, weights, ANONYMOUS_SESSIONS_PER_DAY_AT_SCALE_1 * days)
    # Deflection: a customer reading on a day they open no ticket (else pick again, or anonymous).
    ticket_days = np.unique(tk.requester * 1_000_000 + tk.created // DAY)
    cust = customers_at(rng, customers, churned, t_cust, 1.0)
    for again in (True, False):
        clash = np.flatnonzero((cust >= 0) & np.isin(cust * 1_000_000 + t_cust // DAY, ticket_days))
        cust[clash] = customers_at(rng, customers, churned, t_cust[clash], 1.0) if again else -1
    before = (rng.uniform(30, 900, size=reads.size)).astype(np.int64)
    return _Who(
        kind=np.repeat([TICKET, CUSTOMER, ANONYMOUS], [reads.size, t_cust.size, t_anon.size]),
        anchor=np.concatenate([tk.created[reads] - before, t_cust, t_anon]),
        customer=np.concatenate([tk.requester[reads], cust, np.full(t_anon.size, -1)]),
        ticket=np.concatenate([reads, np.full(t_cust.size + t_anon.size, -1)]),
    )


def simulate_sessions(
    world: World,
    customers: Customers,
    churned: np.ndarray,
    hd: Helpdesk,
    catalogue: Catalogue,
    pages: Pages,
    forum: Forum,
) -> WebEvents:
    rng = world.rng("web.sessions")
    who = _who(rng, world, customers, churned, hd)
    n = who.kind.size
    is_ticket = who.kind == TICKET
    category = np.where(is_ticket, hd.tickets.category[np.maximum(who.ticket, 0)], -1)

    # Browsers: every customer has one, some a second; anonymous visitors come from a pool.
    n_c = customers.n
    anonymous = who.customer < 0
    pool = max(20, int((1.0 - RETURNING_ANONYMOUS) * anonymous.sum()))
    second = (rng.random(n_c) < SECOND_BROWSER)[np.maximum(who.customer, 0)] & (rng.random(n) < USE_SECOND_BROWSER)
    browser = np.where(anonymous, 2 * n_c + rng.integers(0, pool, size=n), who.customer + n_c * second)
    logged_in = ~anonymous & (rng.random(n) < LOGGED_IN[who.kind])

    # Pages per session, their types and what they show.
    single = rng.random(n) < SINGLE_PAGE
    n_pages = np.where(single, 1, 1 + np.minimum(rng.geometric(MORE_PAGES_P, size=n), MAX_PAGES - 1))
    quick = single & (rng.random(n) < QUICK_EXIT)
    ps = np.repeat(np.arange(n), n_pages)
    first = np.r_[True, ps[1:] != ps[:-1]]
    landing = np.where(
        is_ticket[ps],
        rng.choice(len(PAGE_TYPES), size=ps.size, p=LANDING_BEFORE_TICKET),
        rng.choice(len(PAGE_TYPES), size=ps.size, p=LANDING_WEIGHTS),
    )
    ptype = np.where(first, landing, rng.choice(len(PAGE_TYPES), size=ps.size, p=NEXT_WEIGHTS))
    article = catalogue.pick(rng, ps.size)
    matching = np.flatnonzero(is_ticket[ps] & (rng.random(ps.size) < MATCHING_ARTICLE))
    article[matching] = catalogue.pick_in_category(rng, category[ps[matching]])
    page = np.select(
        [ptype == KB_ARTICLE, ptype == KB_CATEGORY, ptype == HOME],
        [article, pages.section_base + SECTION_OF_CATEGORY[catalogue.category[article]], pages.home],
        pages.other_base + rng.integers(0, len(OTHER_PATHS), size=ps.size),
    )

    # Engaged time, time on page and the pause before the next page (ms).
    seconds = ENGAGEMENT_MEDIAN_S[ptype] * rng.lognormal(0.0, 0.9, size=ps.size)
    engagement = np.clip(seconds * 1000, 500, 1_800_000).astype(np.int64)
    engagement = np.where(single[ps] & ~quick[ps], engagement + 10_000, engagement)
    engagement = np.where(quick[ps], rng.integers(300, 9_500, size=ps.size), engagement)
    dwell = (engagement * rng.uniform(1.0, 1.8, size=ps.size)).astype(np.int64) + rng.integers(500, 4_000, size=ps.size)
    idle = ~is_ticket[ps] & (rng.random(ps.size) < IDLE_GAP_SHARE)
    gap = rng.integers(300, 3_000, size=ps.size) + idle * rng.integers(180_000, 1_680_000, size=ps.size)
    offset = grouped_cumsum(dwell + gap, n_pages) - dwell - gap
    last = np.cumsum(n_pages) - 1
    duration = offset[last] + dwell[last]
    start = np.where(is_ticket, who.anchor * 1000 - duration, who.anchor * 1000 + rng.integers(0, 1000, size=n))
    page_t = start[ps] + offset

    # Forum pages show a thread started before (recent threads more often).
    forum_rows = np.flatnonzero(ptype == FORUM_THREAD)
    started = np.searchsorted(forum.thread_start, page_t[forum_rows] // 1000, side="right")
    back = (started * rng.random(forum_rows.size) ** 3).astype(np.int64)
    page[forum_rows] = np.where(started > 0, pages.thread_base + started - 1 - back, pages.home)
    ptype = pages.page_type(page)
    on_article = ptype == KB_ARTICLE

    # Events: page_view, user_engagement at leaving, search, votes and rare unknown names.
    u = rng.random((4, ps.size))
    search = first & ~single[ps] & (u[0] < SEARCH_SHARE)
    vote = on_article & ~quick[ps] & (u[1] < VOTE_SHARE)
    noise = u[2] < NOISE_PER_PAGE
    up = u[3] < catalogue.helpfulness[article]
    frac = rng.uniform(0.05, 0.95, size=(3, ps.size))
    parts = [
        (np.arange(ps.size), page_t, PAGE_VIEW, -1, -1),
        (np.arange(ps.size), page_t + dwell, USER_ENGAGEMENT, engagement, -1),
        (np.flatnonzero(search), page_t + (frac[0] * dwell).astype(np.int64), SEARCH, -1, -1),
        (np.flatnonzero(vote), page_t + (frac[1] * dwell).astype(np.int64), ARTICLE_VOTE, -1, np.where(up, 0, 1)),
        (np.flatnonzero(noise), page_t + (frac[2] * dwell).astype(np.int64),
         FIRST_NOISE + rng.integers(0, len(EVENT_NAMES) - FIRST_NOISE, size=ps.size), -1, -1),
    ]  # fmt: skip

    def column(i: int) -> np.ndarray:
        return np.concatenate([np.broadcast_to(p[i], ps.size)[p[0]] for p in parts]).astype(np.int64)

    rows = np.concatenate([p[0] for p in parts])
    name = column(2)
    # GA4 reports session_engaged with the events after the landing page view.
    engaged = np.where(quick[ps[rows]], 0, 1)
    engaged[first[rows] & (name == PAGE_VIEW)] = -1
    cols = {
        "session": ps[rows],
        "t": column(1),
        "name": name,
        "page": page[rows],
        "article": np.where(on_article[rows], article[rows], -1),
        "engagement": column(3),
        "vote": column(4),
        "engaged": engaged,
    }
    return _finish(world, cols, start, who.customer, logged_in, browser, rng, 2 * n_c + pool)


def _finish(
    world: World,
    cols: dict[str, np.ndarray],
    start: np.ndarray,
    customer: np.ndarray,
    logged_in: np.ndarray,
    browser: np.ndarray,
    rng: np.random.Generator,
    n_browsers: int,
) -> WebEvents:
    """Drop sessions starting before the period and events at/after the cut-off; number the
    sessions by start and the events within each session."""
    period = world.period
    keep_session = start >= period.start_ts * 1000
    keep = keep_session[cols["session"]] & (cols["t"] < period.cutoff_ts * 1000)
    cols = {k: v[keep] for k, v in cols.items()}
    sessions = np.flatnonzero(keep_session)
    sessions = sessions[np.argsort(start[sessions], kind="stable")]
    number = np.full(start.size, -1, dtype=np.int64)
    number[sessions] = np.arange(sessions.size)
    cols["session"] = number[cols["session"]]
    order = np.lexsort((cols["name"], cols["t"], cols["session"]))
    cols = {k: v[order] for k, v in cols.items()}
    s = cols["session"]
    new = np.r_[True, s[1:] != s[:-1]] if s.size else np.zeros(0, dtype=bool)
    idx = np.arange(s.size)
    seq = idx - np.maximum.accumulate(np.where(new, idx, 0)) + 1
    first_seen = period.start_ts - rng.integers(0, 730 * DAY, size=n_browsers)
    return WebEvents(
        seq=seq,
        session_customer=customer[sessions],
        session_logged_in=logged_in[sessions],
        session_browser=browser[sessions],
        browser_number=rng.integers(100_000_000, 2_147_483_647, size=n_browsers),
        browser_first_seen=first_seen,
        **cols,
    )


def session_ids(n: int) -> pa.Array:
    return prefixed_ids("ws", np.arange(1, n + 1), 9)


def pseudo_ids(web: WebEvents) -> pa.Array:
    """GA4-style user_pseudo_id per browser: ``<random>.<first-visit epoch seconds>``."""
    number = pc.cast(pa.array(web.browser_number), pa.string())
    seen = pc.cast(pa.array(web.browser_first_seen), pa.string())
    return pc.binary_join_element_wise(number, seen, ".")


def events_table(
    web: WebEvents,
    rows: np.ndarray,
    *,
    session_id: pa.Array,
    pseudo_id: pa.Array,
    customer_id: pa.Array,
    page_path: pa.Array,
    article_id: pa.Array,
    pages: Pages,
) -> pa.Table:
    session = web.session[rows]
    sid = session_id.take(pa.array(session))
    seq = pc.utf8_lpad(pc.cast(pa.array(web.seq[rows]), pa.string()), 3, "0")
    customer = np.where(web.session_logged_in[session], web.session_customer[session], -1)
    article, vote = web.article[rows], web.vote[rows]
    return pa.table(
        {
            "event_id": pc.binary_join_element_wise(sid, seq, "-"),
            "event_at": timestamps_ms(web.t[rows]),
            "event_name": codes_to_strings(web.name[rows], EVENT_NAMES),
            "session_id": sid,
            "user_pseudo_id": pseudo_id.take(pa.array(web.session_browser[session])),
            "customer_id": customer_id.take(pa.array(customer, mask=customer < 0)),
            "page_path": page_path.take(pa.array(web.page[rows])),
            "page_type": codes_to_strings(pages.page_type(web.page[rows]), PAGE_TYPES),
            "article_id": article_id.take(pa.array(article, mask=article < 0)),
            "engagement_time_ms": optional_ints(web.engagement[rows]),
            "vote": codes_to_strings(vote, VOTES),
            "session_engaged": optional_bools(web.engaged[rows]),
        }
    )
