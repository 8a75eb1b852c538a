"""The knowledge base and the web pages of the help site: articles, sections, forum threads.

Articles cover the helpdesk's ticket categories (so a customer can read about the problem they
are about to report); their popularity is Zipf-like and each has its own chance of being found
helpful. Every page has a code into one path vocabulary, which also fixes its page type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from demo_generator.helpdesk import CATEGORIES, CATEGORY_NAMES, CATEGORY_WEIGHTS
from demo_generator.world import World
from demo_generator.writer import prefixed_ids

ARTICLES = 320
ZIPF_EXPONENT = 1.1
PAGE_TYPES = ("kb_article", "kb_category", "forum_thread", "home", "other")
KB_ARTICLE, KB_CATEGORY, FORUM_THREAD, HOME, OTHER_PAGE = range(len(PAGE_TYPES))
SECTIONS = (
    "account-and-login", "billing-and-payments", "orders-and-delivery", "troubleshooting",
    "integrations-and-api", "getting-started", "privacy-and-security",
)  # fmt: skip
# Per helpdesk category: its knowledge-base section and the topics of its articles.
TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "password_reset": ("account-and-login", ("reset-password", "password-link-not-arriving", "change-password")),
    "login_failure": ("account-and-login", ("cannot-log-in", "two-factor-login", "account-locked")),
    "account_update": ("account-and-login", ("update-account-details", "change-email-address")),
    "billing_question": ("billing-and-payments", ("understand-your-invoice", "charged-twice", "billing-cycle")),
    "invoice_request": ("billing-and-payments", ("download-invoice", "invoice-copy")),
    "payment_failed": ("billing-and-payments", ("payment-declined", "update-payment-card")),
    "refund_request": ("billing-and-payments", ("request-a-refund", "refund-times")),
    "subscription_cancel": ("billing-and-payments", ("cancel-subscription", "pause-subscription")),
    "order_status": ("orders-and-delivery", ("track-your-order", "order-status-explained")),
    "delivery_delay": ("orders-and-delivery", ("delivery-delays", "missing-parcel")),
    "product_defect": ("troubleshooting", ("device-not-working", "warranty-repair")),
    "app_crash": ("troubleshooting", ("app-crashes-on-start", "reinstall-the-app")),
    "performance_issue": ("troubleshooting", ("slow-pages", "clear-browser-cache")),
    "integration_error": ("integrations-and-api", ("api-errors", "webhook-delivery")),
    "data_export": ("integrations-and-api", ("export-your-data", "csv-export")),
    "service_outage": ("troubleshooting", ("service-status", "outage-faq")),
    "how_to": ("getting-started", ("first-steps", "settings-overview", "invite-your-team")),
    "feature_request": ("getting-started", ("suggest-a-feature", "product-roadmap")),
    "complaint_service": ("getting-started", ("contact-us", "give-feedback")),
    "privacy_request": ("privacy-and-security", ("delete-personal-data", "gdpr-data-request")),
    "other": ("getting-started", ("faq", "opening-hours")),
}
SUFFIXES = ("", "", "", "-on-mobile", "-step-by-step", "-for-business", "-troubleshooting")
OTHER_PATHS = ("/help/contact", "/account/orders", "/account/billing", "/pricing", "/status")
assert set(TOPICS) == set(CATEGORY_NAMES)


@dataclass
class Catalogue:
    """Knowledge-base articles (index = article number - 1)."""

    category: np.ndarray  # helpdesk category index
    slug: list[str]
    popularity: np.ndarray  # probabilities, sum 1
    helpfulness: np.ndarray  # chance that a vote is 'up'

    @property
    def n(self) -> int:
        return self.category.size

    def ids(self) -> pa.Array:
        return prefixed_ids("KB-", np.arange(1, self.n + 1), 4)

    def paths(self) -> pa.Array:
        slugs = pa.array(self.slug)
        return pc.binary_join_element_wise(pa.scalar("/help/articles/"), self.ids(), slugs, "")

    def pick(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Articles drawn by popularity."""
        return np.minimum(np.searchsorted(np.cumsum(self.popularity), rng.random(size)), self.n - 1)

    def pick_in_category(self, rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
        """Per helpdesk category, one of its articles drawn by popularity."""
        out = np.empty(category.size, dtype=np.int64)
        u = rng.random(category.size)
        for c in np.unique(category):
            rows = np.flatnonzero(category == c)
            members = np.flatnonzero(self.category == c)
            cum = np.cumsum(self.popularity[members])
            out[rows] = members[np.minimum(np.searchsorted(cum, u[rows] * cum[-1]), members.size - 1)]
        return out


def build_catalogue(world: World) -> Catalogue:
    rng = world.rng("web.kb")
    n_cat = len(CATEGORIES)
    # One article per category at least, the rest spread like the tickets.
    category = np.concatenate([np.arange(n_cat), rng.choice(n_cat, size=ARTICLES - n_cat, p=CATEGORY_WEIGHTS)])
    topic = rng.random(ARTICLES)
    suffix = rng.integers(0, len(SUFFIXES), size=ARTICLES)
    slug = []
    for i, c in enumerate(category):
        topics = TOPICS[CATEGORY_NAMES[c]][1]
        slug.append("-" + topics[int(topic[i] * len(topics))] + SUFFIXES[suffix[i]])
    rank = rng.permutation(ARTICLES) + 1
    weights = 1.0 / rank**ZIPF_EXPONENT
    return Catalogue(
        category=category,
        slug=slug,
        popularity=weights / weights.sum(),
        helpfulness=rng.beta(5.0, 1.8, size=ARTICLES),
    )


@dataclass
class Pages:
    """Page codes: articles, then sections, home, other pages, forum threads."""

    n_articles: int
    n_threads: int

    @property
    def section_base(self) -> int:
        return self.n_articles

    @property
    def home(self) -> int:
        return self.n_articles + len(SECTIONS)

    @property
    def other_base(self) -> int:
        return self.home + 1

    @property
    def thread_base(self) -> int:
        return self.other_base + len(OTHER_PATHS)

    def page_type(self, code: np.ndarray) -> np.ndarray:
        bounds = np.array([self.section_base, self.home, self.other_base, self.thread_base])
        types = np.array([KB_ARTICLE, KB_CATEGORY, HOME, OTHER_PAGE, FORUM_THREAD])
        return types[np.searchsorted(bounds, code, side="right")]

    def paths(self, catalogue: Catalogue, thread_ids: pa.Array) -> pa.Array:
        fixed = [f"/help/categories/{s}" for s in SECTIONS] + ["/help", *OTHER_PATHS]
        threads = pc.binary_join_element_wise(pa.scalar("/community/threads/"), thread_ids, "")
        return pa.concat_arrays([catalogue.paths(), pa.array(fixed), threads.cast(pa.string())])


SECTION_OF_CATEGORY = np.array([SECTIONS.index(TOPICS[name][0]) for name in CATEGORY_NAMES])
