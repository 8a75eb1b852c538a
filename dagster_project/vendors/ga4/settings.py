"""Settings of the GA4 export adapter, read from environment variables (documented in docs/ga4.md).

Page kinds come from the page path by regular expressions (Python `re`, searched, so anchor them
with `^` when needed); the article pattern must capture the article id in a group `article_id`.
An empty variable means the default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

ARTICLE_PATTERN_ENV = "SUPPORT_KPI_GA4_ARTICLE_PATTERN"
CATEGORY_PATTERN_ENV = "SUPPORT_KPI_GA4_CATEGORY_PATTERN"
FORUM_PATTERN_ENV = "SUPPORT_KPI_GA4_FORUM_PATTERN"
HOME_PATTERN_ENV = "SUPPORT_KPI_GA4_HOME_PATTERN"
VOTE_EVENTS_ENV = "SUPPORT_KPI_GA4_VOTE_EVENTS"
VOTE_PARAM_ENV = "SUPPORT_KPI_GA4_VOTE_PARAM"

ARTICLE_GROUP = "article_id"

# Zendesk Guide: /hc[/<locale>]/..., locale such as de, en-us, es-419, zh-tw; generic: /help/...
_HELP_CENTRE = r"(?:hc(?:/[a-z]{2,3}(?:-[a-z0-9]{2,4})?)?|help)"
DEFAULT_ARTICLE_PATTERN = rf"(?i)^/{_HELP_CENTRE}/articles/(?P<article_id>\d+)(?:[-/]|$)"
DEFAULT_CATEGORY_PATTERN = rf"(?i)^/{_HELP_CENTRE}/(?:categories|sections)(?:/|$)"
DEFAULT_FORUM_PATTERN = r"(?i)^/(?:hc(?:/[a-z]{2,3}(?:-[a-z0-9]{2,4})?)?/)?community/posts/\d+|^/forums?/."
DEFAULT_HOME_PATTERN = rf"(?i)^/(?:{_HELP_CENTRE}/?)?$"
DEFAULT_VOTE_EVENTS = ("article_vote",)
DEFAULT_VOTE_PARAM = "vote"

_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class Ga4SettingsError(ValueError):
    """A GA4 setting (environment variable) is invalid; the message names the variable."""


def _pattern(values: Mapping[str, str], env: str, default: str, group: str | None = None) -> re.Pattern[str]:
    text = values.get(env, "").strip() or default
    try:
        pattern = re.compile(text)
    except re.error as error:
        raise Ga4SettingsError(f"{env} is not a valid regular expression ({error}): {text!r}") from error
    if group is not None and group not in pattern.groupindex:
        raise Ga4SettingsError(f"{env} must capture the article id in a named group (?P<{group}>...): {text!r}")
    return pattern


@dataclass(frozen=True)
class Ga4Settings:
    article_pattern: re.Pattern[str] = re.compile(DEFAULT_ARTICLE_PATTERN)
    category_pattern: re.Pattern[str] = re.compile(DEFAULT_CATEGORY_PATTERN)
    forum_pattern: re.Pattern[str] = re.compile(DEFAULT_FORUM_PATTERN)
    home_pattern: re.Pattern[str] = re.compile(DEFAULT_HOME_PATTERN)
    # Custom GA4 event names loaded as article_vote (compared lower-case).
    vote_events: tuple[str, ...] = DEFAULT_VOTE_EVENTS
    # Event parameter holding the vote (up/down).
    vote_param: str = DEFAULT_VOTE_PARAM

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Ga4Settings:
        """From the loaded settings' values by variable name (default: config.current_env())."""
        if env is None:
            from dagster_project.config import current_env

            env = current_env()
        """The settings, every variable checked; Ga4SettingsError names the first bad one."""
        events_text = env.get(VOTE_EVENTS_ENV, "").strip()
        vote_events = (
            tuple(name.strip().lower() for name in events_text.split(",") if name.strip())
            if events_text
            else DEFAULT_VOTE_EVENTS
        )
        vote_param = env.get(VOTE_PARAM_ENV, "").strip() or DEFAULT_VOTE_PARAM
        if not _PARAM_NAME.match(vote_param):
            raise Ga4SettingsError(f"{VOTE_PARAM_ENV} must be a GA4 event parameter name, got {vote_param!r}")
        return cls(
            article_pattern=_pattern(env, ARTICLE_PATTERN_ENV, DEFAULT_ARTICLE_PATTERN, ARTICLE_GROUP),
            category_pattern=_pattern(env, CATEGORY_PATTERN_ENV, DEFAULT_CATEGORY_PATTERN),
            forum_pattern=_pattern(env, FORUM_PATTERN_ENV, DEFAULT_FORUM_PATTERN),
            home_pattern=_pattern(env, HOME_PATTERN_ENV, DEFAULT_HOME_PATTERN),
            vote_events=vote_events,
            vote_param=vote_param,
        )

    def classify(self, path: str) -> tuple[str, str | None]:
        """(page_type, article_id) of a page path: article, category, forum, home, else other."""
        article = self.article_pattern.search(path)
        if article is not None:
            return "kb_article", article.group(ARTICLE_GROUP) or None
        if self.category_pattern.search(path):
            return "kb_category", None
        if self.forum_pattern.search(path):
            return "forum_thread", None
        if self.home_pattern.search(path):
            return "home", None
        return "other", None
