"""web: GA4-style web events, bot conversations, forum posts and social interactions."""

from __future__ import annotations

from dagster_project.contract.model import Column, Entity, NonNegative, Ordered, RequiredWhen

SOURCE = "web"

EVENT_NAMES = ("page_view", "user_engagement", "article_vote", "search", "other")
PAGE_TYPES = ("kb_article", "kb_category", "forum_thread", "home", "other")
VOTES = ("up", "down")
BOT_CHANNELS = ("web_chat", "twitter", "facebook", "instagram", "whatsapp", "other")
BOT_OUTCOMES = ("resolved", "handed_off", "abandoned")
AUTHOR_TYPES = ("customer", "agent", "moderator")
INTERACTION_TYPES = ("mention", "comment", "direct_message", "reply", "like", "share")
DIRECTIONS = ("inbound", "outbound")
SENTIMENTS = ("positive", "neutral", "negative")

WEB_EVENTS = Entity(
    source=SOURCE,
    name="web_events",
    description="GA4-style event stream, flattened.",
    columns=(
        Column("event_id", "text", "Primary key.", required=True),
        Column("event_at", "ts", "When the event happened.", required=True),
        Column(
            "event_name",
            "text",
            "Kind of event; any other name is loaded as `other` (and counted), never quarantined.",
            required=True,
            enum=EVENT_NAMES,
            enum_fallback="other",
        ),
        Column("session_id", "text", "Session; unique per session.", required=True),
        Column("user_pseudo_id", "text", "Browser id."),
        Column("customer_id", "text", "Customer, when logged in."),
        Column("page_path", "text", "Path of the page."),
        Column("page_type", "text", "Kind of page.", enum=PAGE_TYPES),
        Column("article_id", "text", "Knowledge-base article, for kb_article pages."),
        Column("engagement_time_ms", "int", "Engaged time reported with the event (ms)."),
        Column("vote", "text", "Article vote (article_vote events).", enum=VOTES),
        Column(
            "session_engaged",
            "bool",
            "GA4's session_engaged flag as reported with the event (optional; kept beside the "
            "bounce rule of kpis.md, which does not use it).",
        ),
    ),
    primary_key=("event_id",),
    rules=(
        NonNegative("engagement_time_ms"),
        RequiredWhen("article_id", "event_name", ("article_vote",)),
        RequiredWhen("vote", "event_name", ("article_vote",)),
    ),
)

BOT_CONVERSATIONS = Entity(
    source=SOURCE,
    name="bot_conversations",
    description="Conversations handled by the chat bot.",
    columns=(
        Column("conversation_id", "text", "Primary key.", required=True),
        Column("started_at", "ts", "Start of the conversation.", required=True),
        Column("ended_at", "ts", "End of the conversation."),
        Column("channel", "text", "Where the conversation ran.", required=True, enum=BOT_CHANNELS),
        Column("customer_id", "text", "Customer, when known."),
        Column("intent", "text", "Detected intent."),
        Column("outcome", "text", "How it ended.", required=True, enum=BOT_OUTCOMES),
        Column("ticket_id", "text", "Ticket created when handed off."),
    ),
    primary_key=("conversation_id",),
    rules=(Ordered("ended_at", "started_at"),),
)

FORUM_POSTS = Entity(
    source=SOURCE,
    name="forum_posts",
    description="Community forum posts.",
    columns=(
        Column("post_id", "text", "Primary key.", required=True),
        Column("thread_id", "text", "Thread the post belongs to.", required=True),
        Column("created_at", "ts", "When the post was written.", required=True),
        Column("author_type", "text", "Who wrote the post.", required=True, enum=AUTHOR_TYPES),
        Column("customer_id", "text", "Author, when a customer."),
        Column("is_thread_start", "bool", "The post opens its thread.", required=True),
        Column("is_accepted_answer", "bool", "The post is the thread's accepted answer."),
        Column("upvotes", "int", "Upvotes received."),
    ),
    primary_key=("post_id",),
    rules=(NonNegative("upvotes"),),
)

SOCIAL_INTERACTIONS = Entity(
    source=SOURCE,
    name="social_interactions",
    description="Interactions on social networks.",
    columns=(
        Column("interaction_id", "text", "Primary key.", required=True),
        Column("network", "text", "Social network.", required=True),
        Column("occurred_at", "ts", "When the interaction happened.", required=True),
        Column(
            "interaction_type",
            "text",
            "Kind of interaction.",
            required=True,
            enum=INTERACTION_TYPES,
        ),
        Column("direction", "text", "Customer to company or back.", required=True, enum=DIRECTIONS),
        Column("sentiment", "text", "Sentiment of the interaction.", enum=SENTIMENTS),
        Column("is_question", "bool", "The interaction asks a question."),
        Column("is_technical", "bool", "The question is technical."),
        Column("ticket_id", "text", "Ticket created for it, if any."),
        Column("customer_id", "text", "Customer, when known."),
    ),
    primary_key=("interaction_id",),
)

ENTITIES = (WEB_EVENTS, BOT_CONVERSATIONS, FORUM_POSTS, SOCIAL_INTERACTIONS)
