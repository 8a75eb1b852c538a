"""Settings of the Freshdesk export adapter, read from environment variables (docs/freshdesk.md).

Each mapping variable is a comma-separated list of `code=value` pairs; an empty variable means the
defaults only. Codes given here are added to (or override) the built-in codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dagster_project.contract.helpdesk import CHANNELS, SOCIAL_NETWORKS, STATUSES, TICKET_TYPES

STATUSES_ENV = "SUPPORT_KPI_FRESHDESK_STATUSES"
SOURCES_ENV = "SUPPORT_KPI_FRESHDESK_SOURCES"
TYPES_ENV = "SUPPORT_KPI_FRESHDESK_TYPES"
CATEGORY_FIELD_ENV = "SUPPORT_KPI_FRESHDESK_CATEGORY_FIELD"
MERGED_TAGS_ENV = "SUPPORT_KPI_FRESHDESK_MERGED_TAGS"

# Freshdesk's built-in ticket statuses (2 Open, 3 Pending, 4 Resolved, 5 Closed).
DEFAULT_STATUSES: dict[int, str] = {2: "open", 3: "pending", 4: "solved", 5: "closed"}
# Built-in ticket sources: 1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback widget, 10 Outbound email.
DEFAULT_SOURCES: dict[int, tuple[str, str | None]] = {
    1: ("email", None),
    2: ("web_form", None),
    3: ("phone", None),
    7: ("chat", None),
    9: ("web_form", None),
    10: ("email", None),
}
# Freshdesk's default ticket types; any other name is compared with the contract's types after
# lower-casing and turning spaces and hyphens into `_` (e.g. "Bug Report" -> bug_report).
DEFAULT_TYPES: dict[str, str] = {
    "question": "question",
    "incident": "incident",
    "problem": "problem",
    "feature request": "feature_request",
    "refund": "refund",
}
DEFAULT_CATEGORY_FIELD = "cf_category"


class FreshdeskSettingsError(ValueError):
    """A Freshdesk setting (environment variable) is invalid; the message names the variable."""


def _pairs(env: str, text: str) -> list[tuple[str, str]]:
    pairs = []
    for item in text.split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise FreshdeskSettingsError(f"{env} must be a comma-separated list of code=value, got {item.strip()!r}")
        pairs.append((key.strip(), value.strip().lower()))
    return pairs


def _code(env: str, key: str) -> int:
    if not key.isdigit():
        raise FreshdeskSettingsError(f"{env}: {key!r} is not a Freshdesk numeric code")
    return int(key)


def _statuses(text: str) -> dict[int, str]:
    statuses = dict(DEFAULT_STATUSES)
    for key, value in _pairs(STATUSES_ENV, text):
        if value not in STATUSES:
            raise FreshdeskSettingsError(f"{STATUSES_ENV}: {value!r} is not one of {', '.join(STATUSES)}")
        statuses[_code(STATUSES_ENV, key)] = value
    return statuses


def _sources(text: str) -> dict[int, tuple[str, str | None]]:
    sources = dict(DEFAULT_SOURCES)
    for key, value in _pairs(SOURCES_ENV, text):
        channel, _, network = value.partition(":")
        if channel not in CHANNELS:
            raise FreshdeskSettingsError(f"{SOURCES_ENV}: {channel!r} is not one of {', '.join(CHANNELS)}")
        if network and (channel != "social" or network not in SOCIAL_NETWORKS):
            raise FreshdeskSettingsError(
                f"{SOURCES_ENV}: {value!r}: a network is only allowed as social:<{'|'.join(SOCIAL_NETWORKS)}>"
            )
        sources[_code(SOURCES_ENV, key)] = (channel, network or None)
    return sources


def _types(text: str) -> dict[str, str]:
    types = dict(DEFAULT_TYPES)
    for key, value in _pairs(TYPES_ENV, text):
        if value not in TICKET_TYPES:
            raise FreshdeskSettingsError(f"{TYPES_ENV}: {value!r} is not one of {', '.join(TICKET_TYPES)}")
        types[key.lower()] = value
    return types


@dataclass(frozen=True)
class FreshdeskSettings:
    statuses: Mapping[int, str] = field(default_factory=lambda: dict(DEFAULT_STATUSES))
    sources: Mapping[int, tuple[str, str | None]] = field(default_factory=lambda: dict(DEFAULT_SOURCES))
    # Ticket type names (lower-case) -> contract ticket_type.
    types: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TYPES))
    # Key in the ticket's custom_fields holding the fine-grained category ("" = none).
    category_field: str = DEFAULT_CATEGORY_FIELD
    # Tags (lower-case) marking a ticket closed by a merge into another ticket.
    merged_tags: frozenset[str] = frozenset()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FreshdeskSettings:
        """From the loaded settings' values by variable name (default: config.current_env())."""
        if env is None:
            from dagster_project.config import current_env

            env = current_env()
        """The settings, every variable checked; FreshdeskSettingsError names the first bad one."""
        category_field = env.get(CATEGORY_FIELD_ENV)
        merged = env.get(MERGED_TAGS_ENV, "")
        return cls(
            statuses=_statuses(env.get(STATUSES_ENV, "")),
            sources=_sources(env.get(SOURCES_ENV, "")),
            types=_types(env.get(TYPES_ENV, "")),
            category_field=DEFAULT_CATEGORY_FIELD if category_field is None else category_field.strip(),
            merged_tags=frozenset(tag.strip().lower() for tag in merged.split(",") if tag.strip()),
        )
