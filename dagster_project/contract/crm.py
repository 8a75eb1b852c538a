"""crm: customers, orders, discounts and customer activities."""

from __future__ import annotations

from dagster_project.contract.model import Column, Entity, KnownCurrency, NonNegative, Ordered

SOURCE = "crm"

ACQUISITION_CHANNELS = ("organic", "paid", "referral", "affiliate", "partner", "other")
DISCOUNT_TYPES = ("discount", "offer", "gift", "credit")
ACTIVITY_TYPES = ("login", "webinar", "training", "loyalty_event", "community", "other")

CURRENCY_NOTE = (
    "Money is in one reporting currency (env SUPPORT_KPI_REPORTING_CURRENCY, default EUR; a "
    "missing currency means it). A row in another currency needs a rate in "
    "seeds/exchange_rates.csv, otherwise the loader quarantines it (rule unknown_currency); "
    "the currency is stored as sent (trimmed), staging upper-cases it and converts the amount."
)

CUSTOMERS = Entity(
    source=SOURCE,
    name="customers",
    description="Customers.",
    columns=(
        Column("customer_id", "text", "Primary key.", required=True),
        Column("created_at", "ts", "Start of the relationship.", required=True),
        Column("churned_at", "ts", "When the customer churned, if they did."),
        Column("segment", "text", "Customer segment."),
        Column("industry", "text", "Customer's industry."),
        Column("country_code", "text", "ISO 3166-1 alpha-2 country of the customer."),
        Column(
            "acquisition_channel",
            "text",
            "How the customer was acquired.",
            enum=ACQUISITION_CHANNELS,
        ),
        Column("referred_by_customer_id", "text", "Referring customer, if referred."),
        Column("is_loyalty_member", "bool", "Member of the loyalty programme."),
        Column("email", "text", "Customer's e-mail address.", pii=True),
    ),
    primary_key=("customer_id",),
    rules=(Ordered("churned_at", "created_at"),),
)

ORDERS = Entity(
    source=SOURCE,
    name="orders",
    description="Customer orders.",
    columns=(
        Column("order_id", "text", "Primary key.", required=True),
        Column("customer_id", "text", "Ordering customer.", required=True),
        Column("ordered_at", "ts", "When the order was placed.", required=True),
        Column("amount", "num", "Order amount.", required=True),
        Column("currency", "text", "ISO 4217 currency of amount (see notes)."),
        Column("gross_margin_pct", "num", "Gross margin of the order in percent."),
    ),
    primary_key=("order_id",),
    rules=(NonNegative("amount"), KnownCurrency("currency")),
    notes=(CURRENCY_NOTE,),
)

DISCOUNTS = Entity(
    source=SOURCE,
    name="discounts",
    description="Discounts, offers, gifts and credits granted to customers.",
    columns=(
        Column("discount_id", "text", "Primary key.", required=True),
        Column("customer_id", "text", "Customer who got it.", required=True),
        Column("granted_at", "ts", "When it was granted.", required=True),
        Column("discount_type", "text", "Kind of concession.", required=True, enum=DISCOUNT_TYPES),
        Column("amount", "num", "Value of the concession."),
        Column("currency", "text", "ISO 4217 currency of amount (see notes)."),
        Column("ticket_id", "text", "Ticket it was granted for, if any."),
        Column("reason", "text", "Why it was granted."),
    ),
    primary_key=("discount_id",),
    rules=(NonNegative("amount"), KnownCurrency("currency")),
    notes=(CURRENCY_NOTE,),
)

CUSTOMER_ACTIVITIES = Entity(
    source=SOURCE,
    name="customer_activities",
    description="Customer activities (logins, webinars, trainings, loyalty events, ...).",
    columns=(
        Column("activity_id", "text", "Primary key.", required=True),
        Column("customer_id", "text", "Customer.", required=True),
        Column("occurred_at", "ts", "When it happened.", required=True),
        Column("activity_type", "text", "Kind of activity.", required=True, enum=ACTIVITY_TYPES),
    ),
    primary_key=("activity_id",),
)

ENTITIES = (CUSTOMERS, ORDERS, DISCOUNTS, CUSTOMER_ACTIVITIES)
