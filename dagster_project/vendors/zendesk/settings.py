"""Settings of the Zendesk export adapter, read from environment variables (documented in docs/zendesk.md).

An empty variable means the default. A bad value raises ZendeskSettingsError naming the variable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from dagster_project.contract.helpdesk import CHANNELS, PRIORITIES, SOCIAL_NETWORKS

CHANNEL_MAP_ENV = "SUPPORT_KPI_ZENDESK_CHANNEL_MAP"
CATEGORY_FIELD_ENV = "SUPPORT_KPI_ZENDESK_CATEGORY_FIELD_ID"
CATEGORY_TAG_PREFIX_ENV = "SUPPORT_KPI_ZENDESK_CATEGORY_TAG_PREFIX"
ESCALATION_TAG_ENV = "SUPPORT_KPI_ZENDESK_ESCALATION_TAG"
ESCALATION_GROUPS_ENV = "SUPPORT_KPI_ZENDESK_ESCALATION_GROUP_IDS"
DEFAULT_PRIORITY_ENV = "SUPPORT_KPI_ZENDESK_DEFAULT_PRIORITY"

DEFAULT_CATEGORY_TAG_PREFIX = "category_"
DEFAULT_ESCALATION_TAG = "escalated"
DEFAULT_PRIORITY = "normal"

# via.channel -> (contract channel, social network). Compared lower-case; anything not listed
# (rule, system, closed_ticket, merge, batch, side_conversation, any_channel, ...) is `other`.
_SOCIAL = {
    "twitter": "twitter",
    "twitter_dm": "twitter",
    "twitter_favorite": "twitter",
    "sunshine_conversations_twitter_dm": "twitter",
    "facebook": "facebook",
    "facebook_post": "facebook",
    "facebook_message": "facebook",
    "messenger": "facebook",
    "sunshine_conversations_facebook_messenger": "facebook",
    "instagram": "instagram",
    "instagram_dm": "instagram",
    "linkedin": "linkedin",
    "whatsapp": "other",
    "line": "other",
    "wechat": "other",
    "telegram": "other",
    "viber": "other",
    "kakaotalk": "other",
}
_PLAIN = {
    "email": "email",
    "mail": "email",
    "web": "web_form",
    "web_form": "web_form",
    "help_center": "web_form",
    "web_widget": "web_form",
    "mobile": "web_form",
    "mobile_sdk": "web_form",
    "chat": "chat",
    "chat_transcript": "chat",
    "native_messaging": "chat",
    "apple_business_chat": "chat",
    "voice": "phone",
    "phone": "phone",
    "phone_call_inbound": "phone",
    "phone_call_outbound": "phone",
    "voicemail": "phone",
    "api": "api",
    "web_service": "api",
    "answer_bot": "bot",
    "answer_bot_for_agents": "bot",
    "answer_bot_for_web_widget": "bot",
    "answer_bot_for_sdk": "bot",
    "answer_bot_api": "bot",
    "ai_agent": "bot",
    "forum": "forum",
    "topic": "forum",
    "community": "forum",
}
DEFAULT_CHANNELS: dict[str, tuple[str, str | None]] = {
    **{name: (channel, None) for name, channel in _PLAIN.items()},
    **{name: ("social", network) for name, network in _SOCIAL.items()},
}

_VIA_NAME = re.compile(r"^[a-z0-9_]+$")


class ZendeskSettingsError(ValueError):
    """A Zendesk setting (environment variable) is invalid; the message names the variable."""


def _channel_map(text: str) -> dict[str, tuple[str, str | None]]:
    """`via=channel[:network]` pairs, comma separated, e.g. `sms=phone,any_channel=social:linkedin`."""
    mapping: dict[str, tuple[str, str | None]] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        via, sep, target = (piece.strip().lower() for piece in item.partition("="))
        channel, _, network = (piece.strip() for piece in target.partition(":"))
        if not sep or not _VIA_NAME.match(via):
            raise ZendeskSettingsError(f"{CHANNEL_MAP_ENV}: expected via_channel=channel[:network], got {item!r}")
        if channel not in CHANNELS:
            raise ZendeskSettingsError(f"{CHANNEL_MAP_ENV}: {channel!r} is not one of {', '.join(CHANNELS)}")
        if network and (channel != "social" or network not in SOCIAL_NETWORKS):
            raise ZendeskSettingsError(
                f"{CHANNEL_MAP_ENV}: a network ({', '.join(SOCIAL_NETWORKS)}) only goes with social, got {item!r}"
            )
        mapping[via] = (channel, (network or "other") if channel == "social" else None)
    return mapping


@dataclass(frozen=True)
class ZendeskSettings:
    # via.channel -> (channel, social_network); the defaults plus SUPPORT_KPI_ZENDESK_CHANNEL_MAP.
    channels: dict[str, tuple[str, str | None]] = field(default_factory=lambda: dict(DEFAULT_CHANNELS))
    # Custom ticket field (a drop-down) whose value is the category; checked before the tags.
    category_field_id: str | None = None
    # The first tag starting with this prefix gives the category (prefix removed).
    category_tag_prefix: str = DEFAULT_CATEGORY_TAG_PREFIX
    # Adding this tag to a ticket is a manual escalation.
    escalation_tag: str = DEFAULT_ESCALATION_TAG
    # Moving a ticket into one of these groups is an escalation (none by default).
    escalation_group_ids: frozenset[str] = frozenset()
    # Priority of a ticket without one (Zendesk allows an empty priority).
    default_priority: str = DEFAULT_PRIORITY

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ZendeskSettings:
        """From the loaded settings' values by variable name (default: config.current_env())."""
        if env is None:
            from dagster_project.config import current_env

            env = current_env()
        channels = dict(DEFAULT_CHANNELS)
        channels.update(_channel_map(env.get(CHANNEL_MAP_ENV, "")))
        field_id = env.get(CATEGORY_FIELD_ENV, "").strip() or None
        if field_id is not None and not field_id.isdigit():
            raise ZendeskSettingsError(f"{CATEGORY_FIELD_ENV} must be a ticket field id (digits), got {field_id!r}")
        groups_text = env.get(ESCALATION_GROUPS_ENV, "")
        groups = frozenset(part.strip() for part in groups_text.split(",") if part.strip())
        bad = sorted(group for group in groups if not group.isdigit())
        if bad:
            raise ZendeskSettingsError(f"{ESCALATION_GROUPS_ENV} must list group ids (digits), got {bad[0]!r}")
        priority = env.get(DEFAULT_PRIORITY_ENV, "").strip().lower() or DEFAULT_PRIORITY
        if priority not in PRIORITIES:
            raise ZendeskSettingsError(
                f"{DEFAULT_PRIORITY_ENV} must be one of {', '.join(PRIORITIES)}, got {priority!r}"
            )
        return cls(
            channels=channels,
            category_field_id=field_id,
            category_tag_prefix=env.get(CATEGORY_TAG_PREFIX_ENV, "").strip() or DEFAULT_CATEGORY_TAG_PREFIX,
            escalation_tag=env.get(ESCALATION_TAG_ENV, "").strip().lower() or DEFAULT_ESCALATION_TAG,
            escalation_group_ids=groups,
            default_priority=priority,
        )

    def channel(self, via_channel: str | None) -> tuple[str, str | None]:
        """(channel, social_network) of a ticket's via.channel; unknown or missing -> other."""
        if via_channel is None:
            return "other", None
        return self.channels.get(via_channel.strip().lower(), ("other", None))
