"""Realistic, deterministic demo landing data (`support-kpi generate`).

Apart from the pipeline: it writes landing files as a vendor would and is never imported by
`dagster_project` (only the `generate` command of the CLI calls it; tests/test_layout.py checks).

``generate(landing, days, scale, seed)`` writes the helpdesk, crm, telephony, survey, finance and
web landing files for the ``days`` days ending ``end_date`` (default: yesterday, UTC). The same
arguments always give byte-identical files. Every component draws from its own named random stream
(``World.rng(name)``), so adding a source later changes none of the existing files.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from demo_generator.bot import bot_table, conversation_ids
from demo_generator.commerce import (
    activities_table,
    discounts_table,
    orders_table,
    simulate_activities,
    simulate_discounts,
    simulate_orders,
)
from demo_generator.crm import Customers, build_customers, customers_table
from demo_generator.facts import TicketFacts, agent_skill, ticket_facts
from demo_generator.finance import operating_costs
from demo_generator.forum import forum_table, post_ids
from demo_generator.helpdesk import (
    Helpdesk,
    events_table,
    simulate,
    ticket_ids,
    ticket_versions,
    tickets_table,
)
from demo_generator.quality import Reviews, reviews_table, simulate_reviews
from demo_generator.social import interaction_ids, social_table
from demo_generator.staff import GROUPS, Staff, build_staff
from demo_generator.surveys import Surveys, response_ids, simulate_surveys, surveys_table
from demo_generator.telephony import Telephony, call_ids, calls_table, states_table
from demo_generator.telephony import simulate as simulate_telephony
from demo_generator.web import Web, simulate_web
from demo_generator.web_sessions import events_table as web_events_table
from demo_generator.web_sessions import pseudo_ids, session_ids
from demo_generator.world import World
from demo_generator.writer import (
    codes_to_strings,
    month_groups,
    month_keys,
    write_csv,
    write_parquet,
)

__all__ = ["generate"]


def generate(landing: Path, days: int, scale: float, seed: int, end_date: date | None = None) -> dict[str, int]:
    """Write demo landing files; return rows written per '<source>/<entity>'.

    end_date default: yesterday (UTC).
    """
    landing = Path(landing)
    if end_date is None:
        end_date = datetime.now(UTC).date() - timedelta(days=1)
    world = World(seed=seed, days=days, scale=scale, end_date=end_date)
    staff = build_staff(world)
    customers = build_customers(world)
    hd = simulate(world, staff, customers)

    written: dict[str, int] = {}
    written.update(_write_helpdesk(landing, world, staff, customers, hd))
    facts = ticket_facts(hd)
    # Some customers leave after a bad experience, but only after their last contact.
    tk = hd.tickets
    last_contact = np.full(customers.n, -1, dtype=np.int64)
    np.maximum.at(last_contact, tk.requester, tk.created)
    last_bad = np.full(customers.n, -1, dtype=np.int64)
    np.maximum.at(last_bad, tk.requester[facts.severe], tk.created[facts.severe])
    planned = customers.churn_after_bad_experience(world, last_bad)
    churned = customers.final_churn(world, last_contact, planned)
    written["crm/customers"] = write_csv(
        customers_table(customers, churned), landing / "crm/customers/customers.csv.gz"
    )
    # Telephony picks its callers among customers still with us, so crm stays as it was.
    phone = simulate_telephony(world, staff, customers, hd, churned)
    written.update(_write_telephony(landing, staff, customers, hd, phone))
    written.update(_write_commerce(landing, world, customers, churned, hd, facts))
    written["finance/operating_costs"] = write_csv(
        operating_costs(world, staff, hd), landing / "finance/operating_costs/operating_costs.csv"
    )
    skill = agent_skill(staff)
    surveys = simulate_surveys(world, customers, hd, facts, skill, phone.calls, churned)
    reviews = simulate_reviews(world, facts, skill, phone.calls)
    written.update(_write_survey(landing, staff, customers, hd, surveys, reviews))
    web = simulate_web(world, staff, customers, churned, hd)
    written.update(_write_web(landing, customers, hd, web))
    return written


def _write_web(landing: Path, customers: Customers, hd: Helpdesk, web: Web) -> dict[str, int]:
    folder = landing / "web"
    names = ("web_events", "bot_conversations", "forum_posts", "social_interactions")
    written = {f"web/{name}": 0 for name in names}
    customer_ids, tickets = customers.ids(), ticket_ids(hd.tickets.n)
    ev = web.events
    ids = {"session_id": session_ids(ev.session_customer.size), "pseudo_id": pseudo_ids(ev),
           "customer_id": customer_ids, "page_path": web.pages.paths(web.catalogue, web.forum.thread_ids()),
           "article_id": web.catalogue.ids(), "pages": web.pages}  # fmt: skip
    for label, rows in month_groups(month_keys(ev.t // 1000)) if ev.t.size else []:
        table = web_events_table(ev, rows, **ids)
        written["web/web_events"] += write_parquet(table, folder / f"web_events/{label}.parquet")
    bot, conversations = web.bot, conversation_ids(web.bot.started.size)
    for label, rows in month_groups(month_keys(bot.started)) if bot.started.size else []:
        table = bot_table(bot, rows, conversations, customer_ids, tickets)
        written["web/bot_conversations"] += write_parquet(table, folder / f"bot_conversations/{label}.parquet")
    forum, posts, threads = web.forum, post_ids(web.forum.created.size), web.forum.thread_ids()
    for label, rows in month_groups(month_keys(forum.created)) if forum.created.size else []:
        table = forum_table(forum, rows, posts, threads, customer_ids)
        written["web/forum_posts"] += write_parquet(table, folder / f"forum_posts/{label}.parquet")
    social, interactions = web.social, interaction_ids(web.social.t.size)
    for label, rows in month_groups(month_keys(social.t)) if social.t.size else []:
        table = social_table(social, rows, interactions, tickets, customer_ids)
        written["web/social_interactions"] += write_parquet(table, folder / f"social_interactions/{label}.parquet")
    return written


def _write_survey(
    landing: Path, staff: Staff, customers: Customers, hd: Helpdesk, surveys: Surveys, reviews: Reviews
) -> dict[str, int]:
    folder = landing / "survey"
    written = {"survey/survey_responses": 0, "survey/quality_reviews": 0}
    customer_ids, tickets = customers.ids(), ticket_ids(hd.tickets.n)
    n_calls = int(max(surveys.call.max(initial=-1), reviews.call.max(initial=-1))) + 1
    calls = call_ids(n_calls)
    responses = response_ids(surveys.sent.size)
    for label, rows in month_groups(month_keys(surveys.sent)) if surveys.sent.size else []:
        table = surveys_table(surveys, rows, response_id=responses, customer_id=customer_ids, ticket_id=tickets,
                              call_id=calls, agent_id=staff.agent_id)  # fmt: skip
        written["survey/survey_responses"] += write_parquet(table, folder / f"survey_responses/{label}.parquet")
    for label, rows in month_groups(month_keys(reviews.reviewed)) if reviews.reviewed.size else []:
        table = reviews_table(reviews, rows, agent_id=staff.agent_id, ticket_id=tickets, call_id=calls)
        written["survey/quality_reviews"] += write_parquet(table, folder / f"quality_reviews/{label}.parquet")
    return written


def _write_commerce(
    landing: Path, world: World, customers: Customers, churned: np.ndarray, hd: Helpdesk, facts: TicketFacts
) -> dict[str, int]:
    folder = landing / "crm"
    written = {"crm/orders": 0, "crm/discounts": 0, "crm/customer_activities": 0}
    customer_ids, tickets = customers.ids(), ticket_ids(hd.tickets.n)
    orders = simulate_orders(world, customers, churned)
    for label, rows in month_groups(month_keys(orders.t)) if orders.t.size else []:
        written["crm/orders"] += write_parquet(
            orders_table(orders, rows, customer_ids), folder / f"orders/{label}.parquet"
        )
    discounts = simulate_discounts(world, customers, churned, hd, facts)
    for label, rows in month_groups(month_keys(discounts.t)) if discounts.t.size else []:
        table = discounts_table(discounts, rows, customer_ids, tickets)
        written["crm/discounts"] += write_parquet(table, folder / f"discounts/{label}.parquet")
    activities = simulate_activities(world, customers, churned)
    for label, rows in month_groups(month_keys(activities.t)) if activities.t.size else []:
        table = activities_table(activities, rows, customer_ids)
        written["crm/customer_activities"] += write_parquet(table, folder / f"customer_activities/{label}.parquet")
    return written


def _write_telephony(
    landing: Path, staff: Staff, customers: Customers, hd: Helpdesk, phone: Telephony
) -> dict[str, int]:
    folder = landing / "telephony"
    written = {"telephony/calls": 0, "telephony/agent_states": 0}
    calls, states = phone.calls, phone.states
    ids, customer_ids, tickets = call_ids(calls.arrived.size), customers.ids(), ticket_ids(hd.tickets.n)
    for label, rows in month_groups(month_keys(calls.arrived)) if calls.arrived.size else []:
        table = calls_table(calls, rows, call_id=ids, agent_id=staff.agent_id, customer_id=customer_ids,
                            ticket_id=tickets)  # fmt: skip
        written["telephony/calls"] += write_parquet(table, folder / f"calls/{label}.parquet")
    for label, rows in month_groups(month_keys(states.start)) if states.start.size else []:
        table = states_table(states, rows, staff.agent_id)
        written["telephony/agent_states"] += write_parquet(table, folder / f"agent_states/{label}.parquet")
    return written


def _write_helpdesk(landing: Path, world: World, staff: Staff, customers: Customers, hd: Helpdesk) -> dict[str, int]:
    folder = landing / "helpdesk"
    written = {
        "helpdesk/groups": write_csv(groups_table(), folder / "groups/groups.csv"),
        "helpdesk/agents": write_csv(agents_table(staff, world.period.cutoff_ts), folder / "agents/agents.csv"),
        "helpdesk/tickets": 0,
        "helpdesk/ticket_events": 0,
    }
    ids = ticket_ids(hd.tickets.n)
    customer_ids = customers.ids()
    versions = ticket_versions(hd, staff)
    order = np.lexsort((versions.ticket, versions.updated))
    for label, rows in month_groups(month_keys(versions.updated[order])):
        table = tickets_table(
            hd,
            versions,
            order[rows],
            ticket_id=ids,
            customer_id=customer_ids,
            customer_country=customers.country,
            staff=staff,
        )
        written["helpdesk/tickets"] += write_parquet(table, folder / f"tickets/{label}.parquet")

    e = hd.events
    order = np.lexsort((e.seq, e.ticket, e.t))
    for label, rows in month_groups(month_keys(e.t[order])):
        table = events_table(hd, order[rows], ids)
        written["helpdesk/ticket_events"] += write_parquet(table, folder / f"ticket_events/{label}.parquet")
    return written


def groups_table() -> pa.Table:
    return pa.table(
        {
            "group_id": [g.group_id for g in GROUPS],
            "group_name": [g.group_name for g in GROUPS],
        }
    )


def agents_table(staff: Staff, cutoff_ts: int) -> pa.Table:
    return pa.table(
        {
            "agent_id": staff.agent_id,
            "agent_name": staff.agent_name,
            "email": staff.email,
            "group_id": codes_to_strings(staff.group, [g.group_id for g in GROUPS]),
            "hired_at": pa.array(staff.hired_ts.astype("datetime64[s]").astype("datetime64[D]")),
            "country_code": staff.country_code,
            "is_active": pa.array(staff.is_active(cutoff_ts)),
        }
    )
