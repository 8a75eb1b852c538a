"""Asterisk channel / queue member names -> plain agent ids."""

from __future__ import annotations

import re

_CHANNEL_INSTANCE = re.compile(r"-[0-9a-fA-F]{8}$")  # SIP/1001-0000002a: the per-call suffix
_LOCAL_HOP = re.compile(r"/n$")  # Local/1001@agents/n (old "no optimisation" flag)


def agent_id(member: str | None) -> str | None:
    """The plain agent id of a queue member or channel name.

    `Agent/1001`, `SIP/1001`, `PJSIP/1001-0000002a`, `IAX2/1001`, `Local/1001@agents/n` and
    `Local/1001@agents-00000012;1` all give `1001`; a member name without a technology prefix
    (queues.conf `membername`, e.g. `A-017`) is kept as is; empty and `NONE` give None.
    """
    value = (member or "").strip()
    if not value or value.upper() == "NONE":
        return None
    if "/" not in value:
        return value
    rest = value.split("/", 1)[1]
    rest = rest.split(";", 1)[0]
    rest = _LOCAL_HOP.sub("", rest)
    rest = rest.split("@", 1)[0]
    rest = _CHANNEL_INSTANCE.sub("", rest)
    return rest or None
