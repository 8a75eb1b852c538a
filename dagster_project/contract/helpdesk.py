"""helpdesk: tickets, their event history, agents and groups."""

from __future__ import annotations

from dagster_project.contract.model import Column, Entity, Ordered

SOURCE = "helpdesk"

CHANNELS = ("email", "web_form", "chat", "phone", "social", "bot", "api", "forum", "other")
SOCIAL_NETWORKS = ("twitter", "facebook", "instagram", "linkedin", "other")
TICKET_TYPES = (
    "question",
    "incident",
    "problem",
    "bug_report",
    "feature_request",
    "refund",
    "complaint",
    "other",
)
PRIORITIES = ("low", "normal", "high", "urgent")
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
EXCLUDED_REASONS = ("deleted", "merged", "spam")
EVENT_TYPES = (
    "created",
    "status_changed",
    "assigned",
    "priority_changed",
    "agent_reply",
    "customer_reply",
    "internal_note",
    "escalated",
)
ACTOR_TYPES = ("agent", "customer", "bot", "system")

TICKETS = Entity(
    source=SOURCE,
    name="tickets",
    description="One row per ticket (latest version wins).",
    columns=(
        Column("ticket_id", "text", "Primary key.", required=True),
        Column("created_at", "ts", "When the customer's request arrived.", required=True),
        Column(
            "updated_at",
            "ts",
            "Version time.",
            default_note="created_at (applied in staging)",
        ),
        Column("channel", "text", "Channel the request came in through.", required=True, enum=CHANNELS),
        Column(
            "social_network",
            "text",
            "Social network of the request; only meaningful when channel = social.",
            enum=SOCIAL_NETWORKS,
        ),
        Column("ticket_type", "text", "Kind of request.", enum=TICKET_TYPES),
        Column("priority", "text", "Ticket priority.", required=True, enum=PRIORITIES),
        Column("status", "text", "Current status.", required=True, enum=STATUSES),
        Column(
            "category",
            "text",
            "Fine-grained issue category (e.g. login_failure); used for recurring incidents.",
        ),
        Column("requester_id", "text", "Customer who asked (crm.customers.customer_id)."),
        Column("group_id", "text", "Team the ticket belongs to."),
        Column("assignee_id", "text", "Current assignee (agent_id)."),
        Column("country_code", "text", "ISO 3166-1 alpha-2 country of the requester."),
        Column("subject", "text", "Free-text subject (not copied to the mart).", pii=True),
        Column(
            "excluded_reason",
            "text",
            "Why the ticket is left out of every KPI with its events (deleted in the helpdesk, merged into "
            "another ticket, spam); empty for a normal ticket. Set by the Zendesk/Freshdesk adapters; the "
            "latest version decides, so a deletion arriving later removes a ticket already counted.",
            enum=EXCLUDED_REASONS,
        ),
    ),
    primary_key=("ticket_id",),
    version_column="updated_at",
    rules=(Ordered("updated_at", "created_at"),),
    notes=(
        "social_network is only meaningful when channel = social; other rows keep the value as sent (not rejected).",
    ),
)

TICKET_EVENTS = Entity(
    source=SOURCE,
    name="ticket_events",
    description="The ticket's history; every metric is derived from it.",
    columns=(
        Column("event_id", "text", "Primary key.", required=True),
        Column("ticket_id", "text", "Ticket the event belongs to.", required=True),
        Column("occurred_at", "ts", "When the event happened.", required=True),
        Column("event_type", "text", "What happened.", required=True, enum=EVENT_TYPES),
        Column("actor_type", "text", "Who caused the event.", required=True, enum=ACTOR_TYPES),
        Column("actor_id", "text", "agent_id or customer_id of the actor."),
        Column("old_value", "text", "Previous status / assignee / priority."),
        Column(
            "new_value",
            "text",
            "New status / assignee / priority; for escalated the reason (sla_breach, manual, ...).",
        ),
        Column(
            "is_public",
            "bool",
            "Replies: visible to the customer.",
            default_note="true (applied in staging)",
        ),
    ),
    primary_key=("event_id",),
)

AGENTS = Entity(
    source=SOURCE,
    name="agents",
    description="Support agents.",
    columns=(
        Column("agent_id", "text", "Primary key.", required=True),
        Column("agent_name", "text", "Display name of the agent.", required=True),
        Column("email", "text", "Agent's e-mail address.", pii=True),
        Column("group_id", "text", "Team the agent belongs to."),
        Column("hired_at", "date", "Hiring date."),
        Column("country_code", "text", "ISO 3166-1 alpha-2 country of the agent."),
        Column("is_active", "bool", "Whether the agent is currently active."),
    ),
    primary_key=("agent_id",),
)

GROUPS = Entity(
    source=SOURCE,
    name="groups",
    description="Support teams.",
    columns=(
        Column("group_id", "text", "Primary key.", required=True),
        Column("group_name", "text", "Display name of the team.", required=True),
    ),
    primary_key=("group_id",),
)

ENTITIES = (TICKETS, TICKET_EVENTS, AGENTS, GROUPS)
