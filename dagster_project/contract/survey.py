"""survey: customer surveys (CSAT, NPS, CES) and internal quality reviews."""

from __future__ import annotations

from dagster_project.contract.model import Column, Entity, InScale, NonNegative, Ordered

SOURCE = "survey"

SURVEY_TYPES = ("csat", "nps", "ces")

# Default scale per survey type (ces: 7 = very easy); staging applies the same defaults.
DEFAULT_SCALES: tuple[tuple[str, int, int], ...] = (("csat", 1, 5), ("nps", 0, 10), ("ces", 1, 7))

SURVEY_RESPONSES = Entity(
    source=SOURCE,
    name="survey_responses",
    description="One row per survey sent; unanswered surveys have no responded_at/score.",
    columns=(
        Column("response_id", "text", "Primary key.", required=True),
        Column("survey_type", "text", "Kind of survey.", required=True, enum=SURVEY_TYPES),
        Column("sent_at", "ts", "When the survey was sent.", required=True),
        Column("responded_at", "ts", "When the customer answered; null = no answer."),
        Column("score", "num", "Score on the survey's scale."),
        Column(
            "scale_min",
            "int",
            "Lowest score of the scale.",
            default_note="csat 1, nps 0, ces 1 (applied in staging)",
        ),
        Column(
            "scale_max",
            "int",
            "Highest score of the scale (ces: 7 = very easy).",
            default_note="csat 5, nps 10, ces 7 (applied in staging)",
        ),
        Column("customer_id", "text", "Customer the survey was about."),
        Column("ticket_id", "text", "Ticket the survey was about."),
        Column("call_id", "text", "Call the survey was about."),
        Column("agent_id", "text", "Agent the survey was about."),
        Column("channel", "text", "Channel the survey was about."),
        Column("comment", "text", "Free-text feedback (not copied to the mart).", pii=True),
        Column("comment_replied_at", "ts", "When the company answered that feedback."),
    ),
    primary_key=("response_id",),
    rules=(
        InScale("score", "scale_min", "scale_max", "survey_type", DEFAULT_SCALES),
        NonNegative("score"),
        Ordered("scale_max", "scale_min", rule="min_above_max"),
        Ordered("responded_at", "sent_at"),
        Ordered("comment_replied_at", "responded_at"),
    ),
)

QUALITY_REVIEWS = Entity(
    source=SOURCE,
    name="quality_reviews",
    description="Internal quality (IQS) rubric scores, one row per criterion.",
    columns=(
        Column("review_id", "text", "Review; key together with criterion.", required=True),
        Column("agent_id", "text", "Reviewed agent.", required=True),
        Column("ticket_id", "text", "Reviewed ticket, if any."),
        Column("call_id", "text", "Reviewed call, if any."),
        Column("reviewer_id", "text", "Who reviewed."),
        Column("reviewed_at", "ts", "When the review was done.", required=True),
        Column("criterion", "text", "Rubric criterion; key together with review_id.", required=True),
        Column("score", "num", "Score given for the criterion.", required=True),
        Column("max_score", "num", "Highest possible score for the criterion.", required=True),
        Column(
            "weight",
            "num",
            "Weight of the criterion in the review.",
            default_note="1 (applied in staging)",
        ),
    ),
    primary_key=("review_id", "criterion"),
    rules=(
        NonNegative("score"),
        NonNegative("max_score"),
        NonNegative("weight"),
        Ordered("max_score", "score", rule="score_above_max"),
    ),
)

ENTITIES = (SURVEY_RESPONSES, QUALITY_REVIEWS)
