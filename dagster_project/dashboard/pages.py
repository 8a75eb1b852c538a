"""What each dashboard page shows, read from the published mart: Plotly figures (plain dicts, one
per month where the page's month selector applies, ``"*"`` where a chart covers every month) and
the scorecard's rows. Text the reader sees is an i18n key (``@t:key``) or a KPI id (``@k:kpi_id``),
which the page's script shows in the chosen language. KPI figures grouped by a dimension come
from the KPI registry's declaration (KpiQuery), never from a formula typed again here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from dagster_project.dashboard.kpi_query import KpiQuery

Figure = dict[str, Any]
ALL_MONTHS = "*"
FAMILIES = (
    "helpdesk_volume",
    "helpdesk_backlog",
    "helpdesk_speed",
    "helpdesk_quality",
    "telephony",
    "surveys",
    "customers",
    "self_service_social",
    "costs",
)
# Preferred dimension for the sentence beside a KPI (the others stay in mart.kpi_change_drivers).
DRIVER_DIMENSIONS = (
    "channel",
    "reply_channel",
    "survey_channel",
    "queue_name",
    "segment",
    "network",
    "priority",
    "reply_priority",
    "survey_segment",
)
_WIDE_LABELS = {"l": 140, "r": 20, "t": 10, "b": 40}
# Sequential scales, light (low) to dark (high), and red (low) to green (high) for service level.
BLUES = [[0, "#f2f7fc"], [0.5, "#6baed6"], [1, "#08306b"]]
REDS = [[0, "#fff5f0"], [0.5, "#fb6a4a"], [1, "#67000d"]]
RED_TO_GREEN = [[0, "#b2182b"], [0.5, "#fee08b"], [1, "#1a9850"]]
PALETTE = ["#1f5fa6", "#d9822b", "#2e7d32", "#8e3b8e", "#c62828", "#00838f", "#6d4c41", "#546e7a"]


@dataclass
class Chart:
    id: str
    title: str
    figures: dict[str, Figure]
    unit: str = ""
    # A trend over months: the page shows the 13 months ending with the chosen month.
    trend: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "unit": self.unit, "figures": self.figures, "trend": self.trend}


@dataclass
class Page:
    id: str
    charts: list[Chart] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "charts": [chart.as_json() for chart in self.charts], **self.extra}


def month_key(value: date) -> str:
    return f"{value:%Y-%m}"


def _layout(y_title: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "margin": {"l": 60, "r": 20, "t": 10, "b": 50},
        "height": 320,
        "font": {"family": "system-ui, sans-serif", "size": 13, "color": "#1a1a1a"},
        "legend": {"orientation": "h", "y": -0.2},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        **extra,
    }


def _bar(name: str, x: list[Any], y: list[Any], colour: int = 0, **extra: Any) -> dict[str, Any]:
    return {"type": "bar", "name": name, "x": x, "y": y, "marker": {"color": PALETTE[colour % len(PALETTE)]}, **extra}


def _line(name: str, x: list[Any], y: list[Any], colour: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": x,
        "y": y,
        "line": {"color": PALETTE[colour % len(PALETTE)], "width": 2},
        **extra,
    }


class PageBuilder:
    def __init__(self, con: duckdb.DuckDBPyConnection, kpis: KpiQuery | None) -> None:
        """``kpis`` None: no semantic manifest was published with the mart (a build that wrote
        none); the charts of a KPI by a dimension then show no data."""
        self.con = con
        self.kpis = kpis
        self.months = [month_key(row[0]) for row in self._rows("select distinct month from mart.kpi_scorecard_monthly")]
        self.months.sort()

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    def _kpi_by(self, kpi_id: str, by: tuple[str, ...]) -> list[tuple[Any, ...]]:
        if self.kpis is None:
            return []
        return self._rows(f"select * from ({self.kpis.sql(kpi_id, by)}) order by all")

    def _scorecard_series(self, kpi_ids: tuple[str, ...]) -> dict[str, dict[str, float | None]]:
        rows = self._rows(
            "select kpi_id, month, value from mart.kpi_scorecard_monthly where kpi_id in (select unnest(?))",
            [list(kpi_ids)],
        )
        series: dict[str, dict[str, float | None]] = {kpi_id: {} for kpi_id in kpi_ids}
        for kpi_id, month, value in rows:
            series[kpi_id][month_key(month)] = value
        return series

    def _trend(self, chart_id: str, title: str, kpi_ids: tuple[str, ...], y_title: str = "", **layout: Any) -> Chart:
        series = self._scorecard_series(kpi_ids)
        traces = [
            _line(f"@k:{kpi_id}", self.months, [series[kpi_id].get(m) for m in self.months], colour=i)
            for i, kpi_id in enumerate(kpi_ids)
        ]
        return Chart(chart_id, title, {ALL_MONTHS: {"data": traces, "layout": _layout(y_title, **layout)}}, trend=True)

    def _grouped_by_month(
        self, chart_id: str, title: str, kpi_ids: tuple[str, ...], by: str, y_title: str = ""
    ) -> Chart:
        """One grouped bar chart per month: each KPI by the groups of one dimension."""
        figures: dict[str, Figure] = {}
        values: dict[str, dict[str, dict[str, float | None]]] = defaultdict(lambda: defaultdict(dict))
        for kpi_id in kpi_ids:
            for month, group, value in self._kpi_by(kpi_id, (by,)):
                values[month_key(month)][kpi_id]["unknown" if group is None else str(group)] = value
        for month, by_kpi in values.items():
            groups = sorted({group for figures_of in by_kpi.values() for group in figures_of})
            traces = [
                _bar(f"@k:{kpi_id}", groups, [by_kpi[kpi_id].get(g) for g in groups], colour=i)
                for i, kpi_id in enumerate(kpi_ids)
            ]
            figures[month] = {"data": traces, "layout": _layout(y_title, barmode="group")}
        return Chart(chart_id, title, figures)

    # ------------------------------------------------------------------ scorecard
    def scorecard(self) -> Page:
        definitions = self._rows(
            "select kpi_id, family, unit, higher_is_better, name_en, name_sv, name_fi, name_da, name_ru, "
            "definition_en from mart.kpi_definitions order by kpi_id"
        )
        benchmarks = {
            row[0]: {"comparison": row[1], "value": row[2]}
            for row in self._rows("select kpi_id, comparison, benchmark_value from mart.kpi_benchmarks")
        }
        order = {family: i for i, family in enumerate(FAMILIES)}
        kpis = [
            {
                "id": kpi_id,
                "family": family,
                "unit": unit,
                "higher_is_better": higher,
                "names": dict(zip(("en", "sv", "fi", "da", "ru"), names, strict=True)),
                "definition": definition,
                "benchmark": benchmarks.get(kpi_id),
            }
            for kpi_id, family, unit, higher, *names, definition in definitions
        ]
        kpis.sort(key=lambda kpi: (order.get(kpi["family"], len(order)), kpi["id"]))
        values: dict[str, dict[str, list[Any]]] = defaultdict(dict)
        for month, kpi_id, value, status in self._rows(
            "select month, kpi_id, value, benchmark_status from mart.kpi_scorecard_monthly"
        ):
            values[kpi_id][month_key(month)] = [value, status]
        return Page("scorecard", extra={"kpis": kpis, "values": values, "drivers": self._drivers()})

    def _drivers(self) -> dict[str, dict[str, Any]]:
        """``{month: {kpi_id: {dimension, change, groups: [top two by |effect|]}}}``."""
        rows = self._rows(
            "select month, kpi_id, dimension, dimension_value, change, previous_share, share, previous_rate, rate, "
            "mix_effect, rate_effect, effect from mart.kpi_change_drivers order by all"
        )
        by_key: dict[tuple[str, str, str], list[tuple[Any, ...]]] = defaultdict(list)
        for row in rows:
            by_key[(month_key(row[0]), row[1], row[2])].append(row)
        drivers: dict[str, dict[str, Any]] = defaultdict(dict)
        for (month, kpi_id, dimension), groups in sorted(by_key.items()):
            known = drivers[month].get(kpi_id)
            rank = DRIVER_DIMENSIONS.index(dimension) if dimension in DRIVER_DIMENSIONS else len(DRIVER_DIMENSIONS)
            if known and known["rank"] <= rank:
                continue
            top = sorted(groups, key=lambda g: (-abs(g[11]), g[3]))[:2]
            drivers[month][kpi_id] = {
                "rank": rank,
                "dimension": dimension,
                "change": groups[0][4],
                "groups": [
                    {
                        "name": g[3],
                        "share_from": g[5],
                        "share_to": g[6],
                        "rate_from": g[7],
                        "rate_to": g[8],
                        "mix": g[9],
                        "rate": g[10],
                    }
                    for g in top
                ],
            }
        return drivers

    # ------------------------------------------------------------------ helpdesk
    def helpdesk(self) -> Page:
        page = Page("helpdesk")
        volume: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        for day, channel, tickets in self._rows(
            "select created_date, coalesce(channel, 'unknown'), sum(tickets_created_count) "
            "from mart.kpi_ticket_volume_daily group by all order by all"
        ):
            volume[month_key(day)][channel][day.isoformat()] = int(tickets)
        figures = {}
        for month, channels in volume.items():
            days = sorted({d for per_day in channels.values() for d in per_day})
            traces = [
                _bar(channel, days, [per_day.get(d, 0) for d in days], colour=i)
                for i, (channel, per_day) in enumerate(sorted(channels.items()))
            ]
            figures[month] = {"data": traces, "layout": _layout("@t:series.tickets", barmode="stack")}
        page.charts.append(Chart("volume_by_channel", "chart.volume_by_channel", figures))

        flow = self._rows(
            "select month, created_tickets, resolve_transitions, reopen_transitions, closing_unresolved_tickets "
            "from mart.kpi_ticket_backlog_flow_monthly order by month"
        )
        months = [month_key(row[0]) for row in flow]
        traces = [
            _bar("@t:series.created", months, [row[1] for row in flow], 0),
            _bar("@t:series.resolved", months, [row[2] for row in flow], 2),
            _bar("@t:series.reopened", months, [row[3] for row in flow], 1),
            _line("@t:series.open_end", months, [row[4] for row in flow], 4),
        ]
        page.charts.append(
            Chart(
                "backlog_flow",
                "chart.backlog_flow",
                {ALL_MONTHS: {"data": traces, "layout": _layout("@t:series.tickets", barmode="group")}},
            )
        )
        page.charts.append(
            self._distribution(
                "first_response_distribution",
                "chart.first_response_distribution",
                "created_month",
                "first_response_minutes",
                (
                    (15, "< 15 min"),
                    (30, "15–30 min"),
                    (60, "30–60 min"),
                    (120, "1–2 h"),
                    (240, "2–4 h"),
                    (480, "4–8 h"),
                    (1440, "8–24 h"),
                    (4320, "1–3 d"),
                    (None, "> 3 d"),
                ),
            )
        )
        page.charts.append(
            self._distribution(
                "resolution_distribution",
                "chart.resolution_distribution",
                "first_resolved_month",
                "first_resolution_minutes",
                (
                    (60, "< 1 h"),
                    (240, "1–4 h"),
                    (480, "4–8 h"),
                    (1440, "8–24 h"),
                    (2880, "1–2 d"),
                    (5760, "2–4 d"),
                    (10080, "4–7 d"),
                    (None, "> 7 d"),
                ),
            )
        )
        page.charts.append(
            self._grouped_by_month(
                "sla_by_priority",
                "chart.sla_by_priority",
                ("first_response_sla_pct", "resolution_sla_pct"),
                "priority",
                "@t:axis.percent",
            )
        )
        heat = self._rows(
            "select day_of_week_iso, hour_of_day, contacts_per_hour_avg from mart.kpi_ticket_load_heatmap order by all"
        )
        page.charts.append(self._heatmap("load_heatmap", "chart.load_heatmap", {ALL_MONTHS: heat}, BLUES))
        return page

    def _distribution(
        self, chart_id: str, title: str, month_column: str, minutes_column: str, bins: tuple[tuple[Any, str], ...]
    ) -> Chart:
        cases = " ".join(f"when {minutes_column} < {edge} then {i}" for i, (edge, _) in enumerate(bins) if edge)
        rows = self._rows(
            f"select {month_column}, case {cases} else {len(bins) - 1} end as bin, count(*) from mart.fct_tickets "
            f"where {month_column} is not null and {minutes_column} is not null group by all order by all"
        )
        counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(bins))
        for month, index, tickets in rows:
            counts[month_key(month)][index] = int(tickets)
        labels = [label for _, label in bins]
        figures = {
            month: {"data": [_bar("@t:series.tickets", labels, per_bin)], "layout": _layout("@t:series.tickets")}
            for month, per_bin in counts.items()
        }
        return Chart(chart_id, title, figures)

    def _heatmap(
        self, chart_id: str, title: str, cells: dict[str, list[tuple[Any, ...]]], scale: list[list[Any]], unit: str = ""
    ) -> Chart:
        """cells: ``{month: [(weekday 1-7, x, value)]}``; weekdays as rows, x as columns."""
        figures = {}
        for month, rows in cells.items():
            xs = sorted({row[1] for row in rows})
            weekdays = sorted({row[0] for row in rows})
            z = {(row[0], row[1]): row[2] for row in rows}
            figures[month] = {
                "data": [
                    {
                        "type": "heatmap",
                        "x": [str(x)[:5] if not isinstance(x, int) else x for x in xs],
                        "y": [f"@t:weekday.{d}" for d in weekdays],
                        "z": [[z.get((d, x)) for x in xs] for d in weekdays],
                        "colorscale": scale,
                        "hoverongaps": False,
                    }
                ],
                "layout": _layout(
                    "", yaxis={"autorange": "reversed"}, xaxis={"tickangle": 0, "nticks": 12}, height=300
                ),
            }
        return Chart(chart_id, title, figures, unit)

    # ------------------------------------------------------------------ contact centre
    def contact_centre(self) -> Page:
        page = Page("contact_centre")
        for chart_id, kpi_id, scale in (
            ("service_level_heatmap", "service_level_pct", RED_TO_GREEN),
            ("abandon_heatmap", "abandoned_call_rate_pct", REDS),
        ):
            cells: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
            for month, weekday, interval, value in self._kpi_by(kpi_id, ("day_of_week_iso", "interval_time")):
                cells[month_key(month)].append((weekday, interval, value))
            page.charts.append(self._heatmap(chart_id, f"chart.{chart_id}", cells, scale, "%"))
        page.charts.append(
            self._trend(
                "asa_aht_trend",
                "chart.asa_aht_trend",
                ("average_speed_of_answer_seconds", "average_handle_time_seconds", "average_wait_time_seconds"),
                "@t:axis.seconds",
            )
        )
        staffing = self._rows(
            "select weekday_iso, interval_start_time, sum(required_agents), sum(staffed_agents) "
            "from mart.kpi_staffing_forecast group by all order by all"
        )
        # One point per weekday and interval along the week; a tick at the start of each weekday.
        labels = [f"@t:weekday.{row[0]} {str(row[1])[:5]}" for row in staffing]
        positions = list(range(len(staffing)))
        ticks = [i for i, row in enumerate(staffing) if i == 0 or staffing[i - 1][0] != row[0]]
        traces = [
            _line("@t:series.required", positions, [row[2] for row in staffing], 4, mode="lines", text=labels),
            _line("@t:series.staffed", positions, [row[3] for row in staffing], 0, mode="lines", text=labels),
        ]
        for trace in traces:
            trace["line"]["shape"] = "hv"
            trace["hovertemplate"] = "%{text}: %{y}<extra>%{fullData.name}</extra>"
        axis = {"tickvals": ticks, "ticktext": [labels[i].split(" ")[0] for i in ticks], "tickangle": 0}
        page.charts.append(
            Chart(
                "staffing",
                "chart.staffing",
                {ALL_MONTHS: {"data": traces, "layout": _layout("@t:axis.agents", xaxis=axis)}},
            )
        )
        return page

    # ------------------------------------------------------------------ satisfaction and customers
    def satisfaction(self) -> Page:
        page = Page("satisfaction")
        page.charts.append(
            self._trend(
                "satisfaction_trend",
                "chart.satisfaction_trend",
                ("csat_pct", "nps", "internal_quality_score_pct", "survey_response_rate_pct"),
                "@t:axis.percent",
            )
        )
        page.charts.append(self._trend("ces_trend", "@k:customer_effort_score", ("customer_effort_score",), "1–7"))
        page.charts.append(
            self._grouped_by_month("csat_by_channel", "chart.csat_by_channel", ("csat_pct", "nps"), "survey_channel")
        )
        page.charts.append(
            self._grouped_by_month("csat_by_segment", "chart.csat_by_segment", ("csat_pct", "nps"), "survey_segment")
        )
        names = dict(self._rows("select agent_id, agent_name from mart.dim_agents"))
        figures = {}
        by_month: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for month, agent_id, value in self._kpi_by("csat_pct", ("agent",)):
            if agent_id is not None and value is not None:
                by_month[month_key(month)].append((names.get(agent_id) or str(agent_id), value))
        for month, agents in by_month.items():
            agents.sort(key=lambda item: (item[1], item[0]))
            agents = agents[-25:]
            figures[month] = {
                "data": [_bar("@k:csat_pct", [a[1] for a in agents], [a[0] for a in agents], 0, orientation="h")],
                "layout": _layout("", height=max(240, 22 * len(agents) + 60), margin=_WIDE_LABELS),
            }
        page.charts.append(Chart("csat_by_agent", "chart.csat_by_agent", figures))
        page.charts.append(
            self._trend(
                "customer_trend",
                "chart.customer_trend",
                ("churn_rate_pct", "customer_retention_rate_pct"),
                "@t:axis.percent",
            )
        )
        page.charts.append(self._trend("clv_trend", "chart.clv_trend", ("customer_lifetime_value",)))
        return page

    # ------------------------------------------------------------------ self-service and social
    def self_service(self) -> Page:
        page = Page("self_service")
        rows = self._rows(
            "select month, kb_sessions_count, "
            "kb_sessions_count - kb_sessions_ticket_within_24h_count, bot_resolved_count, bot_handed_off_count, "
            "bot_abandoned_count, forum_posts_count, forum_threads_count, forum_threads_answered_count "
            "from mart.kpi_self_service_monthly order by month"
        )
        funnel, bots, forum = {}, {}, {}
        for month, sessions, no_ticket, resolved, handed, abandoned, posts, threads, answered in rows:
            key = month_key(month)
            funnel[key] = {
                "data": [
                    {
                        "type": "funnel",
                        "y": ["@t:series.sessions", "@t:series.no_ticket"],
                        "x": [sessions, no_ticket],
                        "marker": {"color": PALETTE[0]},
                    }
                ],
                "layout": _layout("", margin={"l": 200, "r": 20, "t": 10, "b": 30}),
            }
            bots[key] = {
                "data": [
                    _bar("@t:series.bot_resolved", ["@t:series.bot_resolved"], [resolved], 2),
                    _bar("@t:series.bot_handed_off", ["@t:series.bot_handed_off"], [handed], 0),
                    _bar("@t:series.bot_abandoned", ["@t:series.bot_abandoned"], [abandoned], 4),
                ],
                "layout": _layout("@t:axis.count"),
            }
            forum[key] = {
                "data": [
                    _bar(
                        "@t:chart.forum",
                        ["@t:series.posts", "@t:series.threads", "@t:series.answered_threads"],
                        [posts, threads, answered],
                        3,
                    )
                ],
                "layout": _layout("@t:axis.count"),
            }
        page.charts.append(Chart("kb_funnel", "chart.kb_funnel", funnel))
        page.charts.append(Chart("bot_outcomes", "chart.bot_outcomes", bots))
        page.charts.append(Chart("forum", "chart.forum", forum))
        social: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for month, network, inbound, outbound, negative in self._rows(
            "select activity_month, network, sum(inbound_count), sum(outbound_count), sum(negative_feedback_count) "
            "from mart.kpi_social_daily group by all order by all"
        ):
            social[month_key(month)].append((network, inbound, outbound, negative))
        figures = {}
        for month, networks in social.items():
            names = [n[0] for n in networks]
            figures[month] = {
                "data": [
                    _bar("@t:series.inbound", names, [n[1] for n in networks], 0),
                    _bar("@t:series.outbound", names, [n[2] for n in networks], 2),
                    _bar("@t:series.negative", names, [n[3] for n in networks], 4),
                ],
                "layout": _layout("@t:axis.count", barmode="group"),
            }
        page.charts.append(Chart("social", "chart.social", figures))
        page.charts.append(
            self._trend(
                "self_service_trend",
                "chart.self_service_trend",
                ("bot_success_rate_pct", "kb_helpfulness_pct", "forum_success_rate_pct", "kb_bounce_rate_pct"),
                "@t:axis.percent",
            )
        )
        return page

    # ------------------------------------------------------------------ agents
    def agents(self) -> Page:
        columns = (
            "leaderboard_rank",
            "agent_name",
            "composite_score",
            "tickets_solved_count",
            "first_response_minutes_avg",
            "resolution_hours_avg",
            "first_contact_resolution_pct",
            "calls_answered_count",
            "average_handle_time_seconds",
            "occupancy_pct",
            "csat_pct",
            "internal_quality_score_pct",
        )
        rows = self._rows(
            f"select month, {', '.join(columns)} from mart.kpi_agent_leaderboard_monthly order by month, "
            "leaderboard_rank, agent_name"
        )
        table: dict[str, list[list[Any]]] = defaultdict(list)
        for month, *values in rows:
            table[month_key(month)].append(values)
        figures = {}
        for month, agents in table.items():
            top = [a for a in agents if a[2] is not None][:20][::-1]
            figures[month] = {
                "data": [_bar("@t:score", [a[2] for a in top], [a[1] for a in top], 0, orientation="h")],
                "layout": _layout("", height=max(240, 22 * len(top) + 60), margin=_WIDE_LABELS),
            }
        headers = [
            "@t:rank",
            "@t:agent",
            "@t:score",
            "@t:col.tickets_solved",
            "@k:first_response_time_avg_minutes",
            "@k:resolution_time_avg_hours",
            "@k:first_contact_resolution_pct",
            "@t:col.calls_answered",
            "@k:average_handle_time_seconds",
            "@k:occupancy_pct",
            "@k:csat_pct",
            "@k:internal_quality_score_pct",
        ]
        return Page(
            "agents",
            charts=[Chart("leaderboard", "chart.leaderboard", figures)],
            extra={"table": {"columns": headers, "rows": table}},
        )
