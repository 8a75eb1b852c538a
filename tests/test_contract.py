"""The contract declarations against sources.md, and the generated docs against the declarations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dagster_project.contract import (
    ENTITIES,
    METADATA_COLUMNS,
    SOURCES,
    Column,
    Entity,
    NonNegative,
    Ordered,
    RequiredWhen,
    get_entity,
)
from dagster_project.contract.docs import (
    render_contract_markdown,
    render_dbt_sources,
    rendered_files,
    write_contract_docs,
)

REPO_ROOT = Path(__file__).resolve().parents[1]

# Transcribed from sources.md: every entity, its columns in order, bold (required) ones marked *.
SOURCES_MD: dict[str, str] = {
    "helpdesk.tickets": "*ticket_id *created_at updated_at *channel social_network ticket_type "
    "*priority *status category requester_id group_id assignee_id country_code subject",
    "helpdesk.ticket_events": "*event_id *ticket_id *occurred_at *event_type *actor_type "
    "actor_id old_value new_value is_public",
    "helpdesk.agents": "*agent_id *agent_name email group_id hired_at country_code is_active",
    "helpdesk.groups": "*group_id *group_name",
    "telephony.calls": "*call_id *queue_name *direction *arrived_at answered_at ended_at "
    "*outcome agent_id customer_id caller_number wait_seconds talk_seconds hold_seconds "
    "wrap_up_seconds ticket_id",
    "telephony.agent_states": "*agent_id *state *started_at *ended_at",
    "survey.survey_responses": "*response_id *survey_type *sent_at responded_at score "
    "scale_min scale_max customer_id ticket_id call_id agent_id channel comment "
    "comment_replied_at",
    "survey.quality_reviews": "*review_id *agent_id ticket_id call_id reviewer_id "
    "*reviewed_at *criterion *score *max_score weight",
    "web.web_events": "*event_id *event_at *event_name *session_id user_pseudo_id customer_id "
    "page_path page_type article_id engagement_time_ms vote",
    "web.bot_conversations": "*conversation_id *started_at ended_at *channel customer_id intent *outcome ticket_id",
    "web.forum_posts": "*post_id *thread_id *created_at *author_type customer_id "
    "*is_thread_start is_accepted_answer upvotes",
    "web.social_interactions": "*interaction_id *network *occurred_at *interaction_type "
    "*direction sentiment is_question is_technical ticket_id customer_id",
    "crm.customers": "*customer_id *created_at churned_at segment industry country_code "
    "acquisition_channel referred_by_customer_id is_loyalty_member email",
    "crm.orders": "*order_id *customer_id *ordered_at *amount currency gross_margin_pct",
    "crm.discounts": "*discount_id *customer_id *granted_at *discount_type amount currency ticket_id reason",
    "crm.customer_activities": "*activity_id *customer_id *occurred_at *activity_type",
    "finance.operating_costs": "*month *cost_category *amount currency",
}

# Optional columns the project adds to sources.md's shape (documented in docs/source_contract.md).
EXTENSIONS = {
    "web.web_events": ("session_engaged",),  # GA4's own flag, kept for comparison (issue 5)
    "helpdesk.tickets": ("excluded_reason",),  # deleted / merged / spam tickets of the connectors (issue 7)
}

PRIMARY_KEYS = {
    "telephony.agent_states": ("agent_id", "started_at"),
    "survey.quality_reviews": ("review_id", "criterion"),
    "finance.operating_costs": ("month", "cost_category"),
}

TYPES_FROM_SOURCES_MD = {
    ("helpdesk.tickets", "created_at"): "ts",
    ("helpdesk.ticket_events", "is_public"): "bool",
    ("helpdesk.agents", "hired_at"): "date",
    ("telephony.calls", "wait_seconds"): "num",
    ("survey.survey_responses", "scale_max"): "int",
    ("web.web_events", "engagement_time_ms"): "int",
    ("web.forum_posts", "upvotes"): "int",
    ("finance.operating_costs", "month"): "date",
    ("crm.orders", "amount"): "num",
}

ENUMS_FROM_SOURCES_MD = {
    ("helpdesk.tickets", "status"): ("new", "open", "pending", "on_hold", "solved", "closed"),
    ("telephony.calls", "outcome"): ("answered", "abandoned", "blocked"),
    ("survey.survey_responses", "survey_type"): ("csat", "nps", "ces"),
    ("web.bot_conversations", "outcome"): ("resolved", "handed_off", "abandoned"),
    ("crm.discounts", "discount_type"): ("discount", "offer", "gift", "credit"),
}


def test_every_entity_of_sources_md_is_declared_with_its_columns() -> None:
    declared = {entity.qualified_name: entity for entity in ENTITIES}
    assert list(declared) == list(SOURCES_MD)
    for name, spec in SOURCES_MD.items():
        entity = declared[name]
        words = spec.split()
        expected = tuple(w.lstrip("*") for w in words) + EXTENSIONS.get(name, ())
        assert entity.column_names == expected, name
        assert not any(entity.column(extra).required for extra in EXTENSIONS.get(name, ())), name
        required = tuple(w[1:] for w in words if w.startswith("*"))
        assert tuple(c.name for c in entity.required_columns) == required, name
    assert SOURCES == ("helpdesk", "telephony", "survey", "web", "crm", "finance")


def test_primary_keys_are_required_columns() -> None:
    for entity in ENTITIES:
        expected = PRIMARY_KEYS.get(entity.qualified_name, (entity.columns[0].name,))
        assert entity.primary_key == expected, entity.qualified_name
        for key in entity.primary_key:
            assert entity.column(key).required


def test_types_enums_and_pii() -> None:
    for (name, column), expected in TYPES_FROM_SOURCES_MD.items():
        source, entity = name.split(".")
        assert get_entity(source, entity).column(column).type == expected
    for (name, column), expected in ENUMS_FROM_SOURCES_MD.items():
        source, entity = name.split(".")
        assert get_entity(source, entity).column(column).enum == expected
    for entity in ENTITIES:
        for column in entity.columns:
            assert column.description, (entity.qualified_name, column.name)
            if column.enum:
                assert len(set(column.enum)) == len(column.enum)
            if column.name.endswith("_at") and column.name != "hired_at":  # hired_at: date
                assert column.type == "ts", (entity.qualified_name, column.name)
    pii = {(e.qualified_name, c.name) for e in ENTITIES for c in e.columns if c.pii}
    assert {
        ("helpdesk.agents", "email"),
        ("crm.customers", "email"),
        ("telephony.calls", "caller_number"),
        ("helpdesk.tickets", "subject"),
        ("survey.survey_responses", "comment"),
    } <= pii


def test_version_column_and_row_rules() -> None:
    versioned = {e.qualified_name: e.version_column for e in ENTITIES if e.version_column}
    assert versioned == {"helpdesk.tickets": "updated_at"}
    calls = get_entity("telephony", "calls")
    assert NonNegative("wait_seconds") in calls.rules
    assert Ordered("ended_at", "arrived_at") in calls.rules
    assert Ordered("answered_at", "arrived_at") in calls.rules
    assert Ordered("ended_at", "answered_at") in calls.rules
    assert RequiredWhen("answered_at", "outcome", ("answered",)) in calls.rules
    assert Ordered("ended_at", "started_at") in get_entity("telephony", "agent_states").rules
    assert Ordered("ended_at", "started_at") in get_entity("web", "bot_conversations").rules
    assert Ordered("responded_at", "sent_at") in get_entity("survey", "survey_responses").rules
    for entity in ENTITIES:
        for rule in entity.rules:
            if isinstance(rule, RequiredWhen):
                when = entity.column(rule.when_column)
                assert set(rule.when_values) <= set(when.enum)
            if isinstance(rule, Ordered):
                assert entity.column(rule.high).type == entity.column(rule.low).type


def test_get_entity_rejects_unknown_names() -> None:
    assert get_entity("crm", "orders").raw_table == "raw_crm.orders"
    with pytest.raises(KeyError, match=r"helpdesk\.tickets"):
        get_entity("helpdesk", "ticket")


def test_declarations_are_validated() -> None:
    key = Column("id", "text", "Key.")
    with pytest.raises(ValueError, match="must be required"):
        Entity("s", "e", "d", (key,), primary_key=("id",))
    required = Column("id", "text", "Key.", required=True)
    with pytest.raises(ValueError, match="unknown columns"):
        Entity("s", "e", "d", (required,), primary_key=("id",), rules=(NonNegative("x"),))
    with pytest.raises(ValueError, match="lower-case"):
        Column("c", "text", "d", enum=("Open",))
    with pytest.raises(ValueError, match="only allowed on text"):
        Column("c", "int", "d", enum=("1",))


# --- generated files ----------------------------------------------------------------------------


@pytest.mark.parametrize("relative", sorted(rendered_files(), key=str), ids=str)
def test_committed_docs_match_the_declarations(relative: Path) -> None:
    path = REPO_ROOT / relative
    assert path.exists(), f"{relative} missing: run python -m dagster_project.contract.docs"
    assert path.read_text(encoding="utf-8") == rendered_files()[relative], (
        f"{relative} is out of date: run python -m dagster_project.contract.docs"
    )


def test_markdown_lists_every_entity_and_column() -> None:
    text = render_contract_markdown()
    for entity in ENTITIES:
        assert f"### {entity.qualified_name}" in text
        for column in entity.columns:
            assert f"| `{column.name}` | {column.type} |" in text


def test_dbt_sources_describe_every_table_and_column() -> None:
    metadata = [m.name for m in METADATA_COLUMNS]
    for source in SOURCES:
        document = yaml.safe_load(render_dbt_sources(source))
        assert document["version"] == 2
        (dbt_source,) = document["sources"]
        assert dbt_source["name"] == source
        assert dbt_source["schema"] == f"raw_{source}"
        tables = {table["name"]: table for table in dbt_source["tables"]}
        expected = [e for e in ENTITIES if e.source == source]
        assert list(tables) == [e.name for e in expected]
        for entity in expected:
            columns = tables[entity.name]["columns"]
            assert [c["name"] for c in columns] == [*entity.column_names, *metadata]
            assert all(c["description"] for c in columns)
            assert tables[entity.name]["description"] == entity.description


def test_write_contract_docs_writes_every_file(tmp_path: Path) -> None:
    written = write_contract_docs(tmp_path)
    assert sorted(p.relative_to(tmp_path) for p in written) == sorted(rendered_files())
    assert (tmp_path / "docs/source_contract.md").read_text() == render_contract_markdown()
