"""The web source: help-site sessions, chat-bot conversations, forum and social media, simulated
on top of the helpdesk and crm world (each part from its own random stream)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo_generator.bot import BotConversations, simulate_bot
from demo_generator.crm import Customers
from demo_generator.forum import Forum, simulate_forum
from demo_generator.helpdesk import Helpdesk
from demo_generator.social import Social, simulate_social
from demo_generator.staff import Staff
from demo_generator.web_kb import Catalogue, Pages, build_catalogue
from demo_generator.web_sessions import WebEvents, simulate_sessions
from demo_generator.world import World


@dataclass
class Web:
    catalogue: Catalogue
    pages: Pages
    events: WebEvents
    bot: BotConversations
    forum: Forum
    social: Social


def simulate_web(world: World, staff: Staff, customers: Customers, churned: np.ndarray, hd: Helpdesk) -> Web:
    """``churned`` = final churn time per customer (-1 = none): nobody acts after leaving."""
    catalogue = build_catalogue(world)
    forum = simulate_forum(world, customers, churned)
    pages = Pages(n_articles=catalogue.n, n_threads=forum.thread_start.size)
    return Web(
        catalogue=catalogue,
        pages=pages,
        events=simulate_sessions(world, customers, churned, hd, catalogue, pages, forum),
        bot=simulate_bot(world, customers, churned, hd),
        forum=forum,
        social=simulate_social(world, staff, customers, churned, hd),
    )
