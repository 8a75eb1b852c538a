"""telephony: calls and agent state intervals."""

from __future__ import annotations

from dagster_project.contract.model import Column, Entity, NonNegative, Ordered, RequiredWhen

SOURCE = "telephony"

DIRECTIONS = ("inbound", "outbound")
OUTCOMES = ("answered", "abandoned", "blocked")
AGENT_STATES = (
    "available",
    "on_call",
    "wrap_up",
    "break",
    "lunch",
    "training",
    "meeting",
    "offline",
)

CALLS = Entity(
    source=SOURCE,
    name="calls",
    description="One row per inbound or outbound call.",
    columns=(
        Column("call_id", "text", "Primary key.", required=True),
        Column("queue_name", "text", "Queue the call entered.", required=True),
        Column("direction", "text", "Call direction.", required=True, enum=DIRECTIONS),
        Column(
            "arrived_at",
            "ts",
            "Call reached the system (queue entry, or rejection time if blocked).",
            required=True,
        ),
        Column("answered_at", "ts", "When an agent answered; null unless answered."),
        Column("ended_at", "ts", "When the call ended."),
        Column(
            "outcome",
            "text",
            "answered; abandoned (caller hung up in queue); blocked (rejected before queueing: "
            "no free line or agent, network failure).",
            required=True,
            enum=OUTCOMES,
        ),
        Column("agent_id", "text", "Agent who answered."),
        Column("customer_id", "text", "Calling customer (crm.customers.customer_id)."),
        Column(
            "caller_number",
            "text",
            "Caller's phone number. PII: never reaches the mart in clear.",
            pii=True,
        ),
        Column(
            "wait_seconds",
            "num",
            "Time in queue before answer or hang-up (0 when blocked).",
        ),
        Column("talk_seconds", "num", "Talk time (0 when not answered)."),
        Column("hold_seconds", "num", "Hold time (0 when not answered)."),
        Column("wrap_up_seconds", "num", "After-call work time (0 when not answered)."),
        Column("ticket_id", "text", "Ticket opened for the call, if any."),
    ),
    primary_key=("call_id",),
    rules=(
        NonNegative("wait_seconds"),
        NonNegative("talk_seconds"),
        NonNegative("hold_seconds"),
        NonNegative("wrap_up_seconds"),
        Ordered("answered_at", "arrived_at"),
        Ordered("ended_at", "answered_at"),
        Ordered("ended_at", "arrived_at"),
        RequiredWhen("answered_at", "outcome", ("answered",)),
    ),
)

AGENT_STATE_INTERVALS = Entity(
    source=SOURCE,
    name="agent_states",
    description="Intervals of an agent's state.",
    columns=(
        Column("agent_id", "text", "Agent (helpdesk.agents.agent_id).", required=True),
        Column("state", "text", "State during the interval.", required=True, enum=AGENT_STATES),
        Column("started_at", "ts", "Start of the interval.", required=True),
        Column("ended_at", "ts", "End of the interval.", required=True),
    ),
    primary_key=("agent_id", "started_at"),
    rules=(Ordered("ended_at", "started_at"),),
)

ENTITIES = (CALLS, AGENT_STATE_INTERVALS)
