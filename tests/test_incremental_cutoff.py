"""A ticket's facts that read the data cut-off stay exact in incremental builds (issue 14).

The randomized arrival sequences (tests/test_incremental.py) deliver files in random order, so the
data cut-off (the latest ticket event loaded) usually reaches its final value early and later runs
do not move it. This scenario moves it on purpose, with rows nobody else touches:

  batch 1   t_wait: urgent (first-response target 60 calendar minutes), created Mon 2026-03-02
            09:00 UTC, no reply ever: due 10:00. t_old: urgent, created Sun 03-01 09:00, no reply
            ever: due 03-01 10:00. t_busy: created 09:00, an agent reply at 09:30.
            Cut-off 09:30 -> t_wait 'pending', t_old 'breached'.
  batch 2   one customer reply on t_busy at 12:00. Cut-off 12:00 -> t_wait 'breached', although
            none of its own rows arrived; t_old stays 'breached' and is not recomputed.
  batch 3   t_busy is deleted (a new version with excluded_reason), and its events with it: the
            cut-off moves back to t_wait's creation, 09:00 -> t_wait 'pending' again (its stored
            'breached' no longer holds); t_old stays 'breached' and is not recomputed.

Three dbt builds of fct_tickets and its parents on a copy of the empty warehouse: the first with
since_batch_id = 0 (everything new), then each incremental from the batch before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import build_batches, dbt_tests_of, tampered_copy

TICKET = (
    "insert into raw_helpdesk.tickets (ticket_id, created_at, updated_at, channel, priority, status,"
    " requester_id, _batch_id, _source_file, _source_line, _loaded_at)"
    " values (?, ?, ?, 'email', ?, 'open', 'c1', ?, 'tickets.csv', ?, '2026-03-02 13:00:00')"
)
DELETED_TICKET = (
    "insert into raw_helpdesk.tickets (ticket_id, created_at, updated_at, channel, priority, status,"
    " requester_id, excluded_reason, _batch_id, _source_file, _source_line, _loaded_at)"
    " values (?, ?, ?, 'email', 'normal', 'closed', 'c1', 'deleted', ?, 'tickets.csv', ?, '2026-03-02 13:00:00')"
)
# each build's first-response SLA statuses, and the tickets it recomputed them for
STATUSES_AND_RECOMPUTED = (
    "select 'status', ticket_id, first_response_sla_status from mart.fct_tickets"
    " union all select 'recomputed', ticket_id, null from intermediate.int_affected__ticket_facts"
)
EVENT = (
    "insert into raw_helpdesk.ticket_events (event_id, ticket_id, occurred_at, event_type, actor_type,"
    " actor_id, is_public, _batch_id, _source_file, _source_line, _loaded_at)"
    " values (?, ?, ?, ?, ?, ?, true, ?, 'events.csv', ?, '2026-03-02 13:00:00')"
)


@pytest.fixture(scope="module")
def cutoff_builds(empty_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    batch_1 = [
        (TICKET, ["t_wait", "2026-03-02 09:00:00", "2026-03-02 09:00:00", "urgent", 1, 2]),
        (TICKET, ["t_busy", "2026-03-02 09:00:00", "2026-03-02 09:30:00", "normal", 1, 3]),
        (TICKET, ["t_old", "2026-03-01 09:00:00", "2026-03-01 09:00:00", "urgent", 1, 4]),
        (EVENT, ["e1", "t_wait", "2026-03-02 09:00:00", "created", "customer", "c1", 1, 2]),
        (EVENT, ["e2", "t_busy", "2026-03-02 09:00:00", "created", "customer", "c1", 1, 3]),
        (EVENT, ["e3", "t_busy", "2026-03-02 09:30:00", "agent_reply", "agent", "a1", 1, 4]),
        (EVENT, ["e0", "t_old", "2026-03-01 09:00:00", "created", "customer", "c1", 1, 5]),
    ]
    batch_2 = [(EVENT, ["e4", "t_busy", "2026-03-02 12:00:00", "customer_reply", "customer", "c1", 2, 2])]
    batch_3 = [(DELETED_TICKET, ["t_busy", "2026-03-02 09:00:00", "2026-03-02 12:30:00", 3, 2])]
    # dim_date too: fct_tickets' dates are tested against it
    selected = ("fct_tickets", "dim_date")
    warehouse, builds = build_batches(
        empty_warehouse, tmp_path_factory.mktemp("incremental-cutoff"), [batch_1, batch_2], selected,
        STATUSES_AND_RECOMPUTED,
    )
    # batch 3 on a copy: the tests below tamper with the warehouse as batch 2 left it
    _, moved_back = build_batches(
        warehouse, tmp_path_factory.mktemp("cutoff-moved-back"), [batch_3], selected, STATUSES_AND_RECOMPUTED,
        built_batches=2,
    )
    first, incremental, back = (
        {
            "status": {ticket: status for kind, ticket, status in rows if kind == "status"},
            "recomputed": {ticket for kind, ticket, _ in rows if kind == "recomputed"},
        }
        for rows in (*builds, *moved_back)
    )
    return {"first": first, "incremental": incremental, "moved_back": back, "warehouse": warehouse}


def test_an_unreplied_ticket_is_pending_before_the_cutoff_passes_its_target(cutoff_builds: dict[str, Any]) -> None:
    assert cutoff_builds["first"]["status"] == {"t_wait": "pending", "t_busy": "met", "t_old": "breached"}


def test_a_later_unrelated_event_breaches_it_in_the_incremental_build(cutoff_builds: dict[str, Any]) -> None:
    assert cutoff_builds["incremental"]["status"] == {"t_wait": "breached", "t_busy": "met", "t_old": "breached"}


def test_the_build_recomputes_the_ticket_whose_status_the_cutoff_changed_and_not_the_others(
    cutoff_builds: dict[str, Any],
) -> None:
    # t_busy for its new event, t_wait because the cut-off passed its due time; t_old, long
    # breached without a reply, keeps its rows
    assert cutoff_builds["incremental"]["recomputed"] == {"t_busy", "t_wait"}


def test_a_cutoff_moving_back_makes_the_ticket_pending_again(cutoff_builds: dict[str, Any]) -> None:
    assert cutoff_builds["moved_back"]["status"] == {"t_wait": "pending", "t_old": "breached"}
    assert cutoff_builds["moved_back"]["recomputed"] == {"t_busy", "t_wait"}


# --- the data tests of an incremental build read the rows it recomputed ------------------------
# After the incremental build above, int_affected__tickets holds t_busy only (its new event e4);
# t_wait's rows were not recomputed. Two tampered copies of that warehouse; the unique rule of
# stg_helpdesk__ticket_events.event_id is run as the build runs it (`dbt build --resource-type
# test`) and stand-alone (`dbt test`). Its failures = the number of duplicated event_ids it saw.
UNIQUE_EVENT_ID = "column_rules_stg_helpdesk__ticket_events"  # its unique rule on event_id
DUPLICATE_EVENT = (
    "insert into staging.stg_helpdesk__ticket_events select * replace ({ticket} as ticket_id)"
    " from staging.stg_helpdesk__ticket_events where event_id = '{event}'"
)
SELECT_EVENTS = ("--select", "stg_helpdesk__ticket_events")
IN_BUILD = ("build", "--resource-type", "test", *SELECT_EVENTS)


@pytest.fixture(scope="module")
def scoped_test_results(cutoff_builds: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    work = tmp_path_factory.mktemp("scoped-tests")
    # e2 (recomputed t_busy) twice, and e1 (old t_wait) twice
    twice = tampered_copy(
        cutoff_builds["warehouse"],
        work / "twice",
        [DUPLICATE_EVENT.format(ticket="ticket_id", event=event) for event in ("e2", "e1")],
    )
    # t_wait's e1 once more under t_busy: a recomputed row duplicating an old one
    paired = tampered_copy(
        cutoff_builds["warehouse"],
        work / "paired",
        [DUPLICATE_EVENT.format(ticket="'t_busy'", event="e1")],
    )
    return {
        "twice_in_build": dbt_tests_of(twice, work / "twice", *IN_BUILD)[UNIQUE_EVENT_ID],
        "twice_in_dbt_test": dbt_tests_of(twice, work / "twice", "test", *SELECT_EVENTS)[UNIQUE_EVENT_ID],
        "paired_in_build": dbt_tests_of(paired, work / "paired", *IN_BUILD)[UNIQUE_EVENT_ID],
    }


def test_the_build_finds_the_recomputed_duplicate_and_does_not_rescan_old_rows(
    scoped_test_results: dict[str, tuple],
) -> None:
    assert scoped_test_results["twice_in_build"] == ("fail", 1)


def test_a_recomputed_row_duplicating_an_old_one_fails_the_build(scoped_test_results: dict[str, tuple]) -> None:
    assert scoped_test_results["paired_in_build"] == ("fail", 1)


def test_dbt_test_on_its_own_reads_every_row(scoped_test_results: dict[str, tuple]) -> None:
    assert scoped_test_results["twice_in_dbt_test"] == ("fail", 2)


# --- relationships and the early-event check follow the recomputed tickets too ----------------
# stg_helpdesk__ticket_events and stg_helpdesk__tickets are both recomputed by int_affected__tickets
# on ticket_id, so a child row loses its ticket only with its ticket recomputed (DECISIONS.md "A
# build's tests read the rows it recomputed"). Tampered copies of the same warehouse:
#   orphans: t_wait's e1 moved to a ticket that does not exist (an old row), and t_busy deleted
#            from stg_helpdesk__tickets (its three recomputed events lose their ticket);
#   early:   e1 (t_wait, old) and e3 (t_busy, recomputed) stamped before their tickets' creation.
EVENTS_HAVE_A_TICKET = "relationships_stg_helpdesk__ticket_events_ticket_id__ticket_id__ref_stg_helpdesk__tickets_"
EVENTS_NOT_BEFORE_CREATION = "assert_ticket_events_not_before_ticket_creation"
ORPHANS = (
    "update staging.stg_helpdesk__ticket_events set ticket_id = 't_ghost' where event_id = 'e1'",
    "delete from staging.stg_helpdesk__tickets where ticket_id = 't_busy'",
)
EARLY = (
    "update staging.stg_helpdesk__ticket_events set occurred_at = timestamp '2026-03-02 08:00:00'"
    " where event_id in ('e1', 'e3')",
)


@pytest.fixture(scope="module")
def related_test_results(cutoff_builds: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    work = tmp_path_factory.mktemp("related-tests")
    results = {}
    for name, statements, test in (
        ("orphans", ORPHANS, EVENTS_HAVE_A_TICKET),
        ("early", EARLY, EVENTS_NOT_BEFORE_CREATION),
    ):
        copy = tampered_copy(cutoff_builds["warehouse"], work / name, statements)
        results[f"{name}_in_build"] = dbt_tests_of(copy, work / name, *IN_BUILD)[test]
        results[f"{name}_in_dbt_test"] = dbt_tests_of(copy, work / name, "test", *SELECT_EVENTS)[test]
    return results


def test_the_build_finds_the_events_of_a_recomputed_ticket_that_vanished(
    related_test_results: dict[str, tuple],
) -> None:
    assert related_test_results["orphans_in_build"] == ("warn", 3)


def test_dbt_test_on_its_own_finds_the_old_orphan_too(related_test_results: dict[str, tuple]) -> None:
    assert related_test_results["orphans_in_dbt_test"] == ("warn", 4)


def test_the_build_checks_the_recomputed_tickets_events_against_their_creation(
    related_test_results: dict[str, tuple],
) -> None:
    assert related_test_results["early_in_build"] == ("warn", 1)


def test_dbt_test_on_its_own_checks_every_event_against_its_ticket(related_test_results: dict[str, tuple]) -> None:
    assert related_test_results["early_in_dbt_test"] == ("warn", 2)
