"""All declared entities, in the order of sources.md."""

from __future__ import annotations

from dagster_project.contract import crm, finance, helpdesk, survey, telephony, web
from dagster_project.contract.model import Entity

ENTITIES: tuple[Entity, ...] = (
    *helpdesk.ENTITIES,
    *telephony.ENTITIES,
    *survey.ENTITIES,
    *web.ENTITIES,
    *crm.ENTITIES,
    *finance.ENTITIES,
)

SOURCES: tuple[str, ...] = tuple(dict.fromkeys(entity.source for entity in ENTITIES))

SOURCE_DESCRIPTIONS: dict[str, str] = {
    helpdesk.SOURCE: "Helpdesk: tickets, their event history, agents and groups.",
    telephony.SOURCE: "Telephony: calls and agent state intervals.",
    survey.SOURCE: "Surveys: customer surveys (CSAT, NPS, CES) and internal quality reviews.",
    web.SOURCE: "Web: web analytics events, bot conversations, forum posts, social interactions.",
    crm.SOURCE: "CRM: customers, orders, discounts and customer activities.",
    finance.SOURCE: "Finance: monthly operating costs.",
}

_BY_NAME: dict[tuple[str, str], Entity] = {(e.source, e.name): e for e in ENTITIES}


def get_entity(source: str, name: str) -> Entity:
    """The declaration of `<source>.<name>`; KeyError names the known entities otherwise."""
    try:
        return _BY_NAME[(source, name)]
    except KeyError:
        known = ", ".join(e.qualified_name for e in ENTITIES)
        raise KeyError(f"unknown entity {source}.{name}; known: {known}") from None


def entities_of(source: str) -> tuple[Entity, ...]:
    """The entities of one source, in declaration order."""
    return tuple(entity for entity in ENTITIES if entity.source == source)
