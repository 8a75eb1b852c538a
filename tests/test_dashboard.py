"""The dashboard (issue 16), checked as a person would: Playwright driving Debian's Chromium
(/usr/bin/chromium, installed by `make test`'s set-up) opens every page of the dashboard that the
run built into ``<data-dir>/dashboard`` from file:// URLs, with no console error; the scorecard
shows every KPI of the latest month with the mart's value; the month selector and the language
switch change what is shown. A full-page screenshot of every page is saved under
``test-artifacts/dashboard/<fixture>/``.

On the golden helpdesk fixture (values known: tests/test_golden_helpdesk.py) and the demo run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dagster_project.dashboard.build import PAGES, build_dashboard, unavailable_dashboard
from dagster_project.dashboard.i18n import LANGUAGES, translations
from dagster_project.dashboard.kpi_query import KpiQuery, KpiQueryError
from dagster_project.publish import open_mart
from dagster_project.testing.browser import CHROMIUM, launch_chromium
from tests.conftest import REPO, CliRun

ARTIFACTS = REPO / "test-artifacts" / "dashboard"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium package"
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


class Page:
    """One browser tab on a dashboard, recording console errors and uncaught exceptions."""

    def __init__(self, browser: Any, root: Path) -> None:
        self.root = root
        self.tab = browser.new_page(viewport={"width": 1400, "height": 900})
        self.errors: list[str] = []
        self.tab.on("console", lambda message: self._console(message))
        self.tab.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.tab.on("requestfailed", lambda request: self.errors.append(f"request failed: {request.url}"))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def open(self, file: str, fragment: str = "") -> None:
        self.tab.goto(self.root.joinpath(file).as_uri() + fragment)
        self.tab.wait_for_selector("body[data-rendered]")

    def rendered(self) -> str:
        return self.tab.get_attribute("body", "data-rendered")

    def select(self, selector: str, value: str) -> None:
        before = self.rendered()
        self.tab.select_option(selector, value)
        self.tab.wait_for_function("previous => document.body.dataset.rendered !== previous", arg=before)

    def values(self) -> dict[str, str]:
        """``{kpi_id: data-value}`` of the scorecard rows shown."""
        return self.tab.eval_on_selector_all(
            "tr[data-kpi-id]",
            "rows => Object.fromEntries(rows.map(r => [r.dataset.kpiId, r.querySelector('td.value').dataset.value]))",
        )

    def names(self) -> dict[str, str]:
        return self.tab.eval_on_selector_all(
            "tr[data-kpi-id]",
            "rows => Object.fromEntries(rows.map(r => [r.dataset.kpiId, r.querySelector('th.kpi-name').textContent]))",
        )


def scorecard(run: CliRun, month: str | None = None) -> tuple[str, dict[str, float | None]]:
    con = open_mart(run.mart_path)
    try:
        chosen = month or f"{con.execute('select max(month) from mart.kpi_scorecard_monthly').fetchone()[0]:%Y-%m}"
        rows = con.execute(
            "select kpi_id, value from mart.kpi_scorecard_monthly where strftime(month, '%Y-%m') = ?", [chosen]
        ).fetchall()
    finally:
        con.close()
    return chosen, dict(rows)


def assert_shows(shown: dict[str, str], expected: dict[str, float | None]) -> None:
    assert set(shown) == set(expected)
    for kpi_id, value in expected.items():
        if value is None:
            assert shown[kpi_id] == "", kpi_id
        else:
            assert float(shown[kpi_id]) == pytest.approx(value, rel=1e-12, abs=1e-12), kpi_id


def check_every_page(browser: Any, run: CliRun, name: str) -> None:
    """Every page opens without a console error, every chart has a text alternative, a screenshot each."""
    root = run.data_dir / "dashboard"
    out = ARTIFACTS / name
    out.mkdir(parents=True, exist_ok=True)
    page = Page(browser, root)
    for page_id, file, _title in PAGES:
        page.open(file)
        plots = page.tab.eval_on_selector_all(
            ".plot",
            "plots => plots.map(p => [p.getAttribute('role'), p.getAttribute('aria-label'), "
            "!!p.parentElement.querySelector('details table'), !!p.querySelector('.main-svg')])",
        )
        for role, label, table, drawn in plots:
            assert role == "img" and label and table and drawn, (page_id, label)
        if page_id != "scorecard":
            assert plots or page.tab.query_selector(".empty"), page_id
        page.tab.screenshot(path=str(out / f"{file.removesuffix('.html')}.png"), full_page=True)
    assert page.errors == []
    size = sum(path.stat().st_size for path in root.rglob("*") if path.is_file())
    assert size < 20e6


def test_golden_pages_open_cleanly(browser: Any, golden_run: CliRun) -> None:
    check_every_page(browser, golden_run, "golden_helpdesk")


def test_demo_pages_open_cleanly(browser: Any, demo_run: CliRun) -> None:
    check_every_page(browser, demo_run, "demo")


def check_latest_month(browser: Any, run: CliRun) -> None:
    month, expected = scorecard(run)
    page = Page(browser, run.data_dir / "dashboard")
    page.open("index.html")
    assert page.rendered() == f"{month}|en"
    assert_shows(page.values(), expected)
    # A status is never colour alone: every badge carries a word.
    badges = page.tab.eval_on_selector_all("td.status .badge", "badges => badges.map(b => b.textContent.trim())")
    assert badges and all(re.search(r"\w{3,}", text) for text in badges)
    assert page.errors == []


def test_golden_scorecard_shows_every_kpi_of_the_latest_month(browser: Any, golden_run: CliRun) -> None:
    check_latest_month(browser, golden_run)


def test_demo_scorecard_shows_every_kpi_of_the_latest_month(browser: Any, demo_run: CliRun) -> None:
    check_latest_month(browser, demo_run)


def test_month_selector_shows_that_month(browser: Any, golden_run: CliRun) -> None:
    """The golden helpdesk fixture's months: the selector lists them all; picking one shows its
    values, and the choice follows to the next page."""
    con = open_mart(golden_run.mart_path)
    try:
        months = [
            f"{m:%Y-%m}" for (m,) in con.execute("select distinct month from mart.kpi_scorecard_monthly").fetchall()
        ]
    finally:
        con.close()
    page = Page(browser, golden_run.data_dir / "dashboard")
    page.open("index.html")
    options = page.tab.eval_on_selector_all("#month-select option", "options => options.map(o => o.value)")
    assert sorted(options) == sorted(months) and len(months) >= 2
    earlier = sorted(months)[0]
    page.select("#month-select", earlier)
    assert_shows(page.values(), scorecard(golden_run, earlier)[1])
    page.tab.click("nav a[data-page='helpdesk']")
    page.tab.wait_for_selector("body[data-page='helpdesk'][data-rendered]")
    assert page.rendered() == f"{earlier}|en"
    assert page.tab.input_value("#month-select") == earlier
    assert page.errors == []


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_language_switch_changes_every_name(browser: Any, golden_run: CliRun, language: str) -> None:
    """Every KPI name is the registry's name in that language, the interface text is translated,
    and the page says which language it is in."""
    con = open_mart(golden_run.mart_path)
    try:
        names = dict(con.execute(f"select kpi_id, name_{language} from mart.kpi_definitions").fetchall())
    finally:
        con.close()
    page = Page(browser, golden_run.data_dir / "dashboard")
    page.open("index.html")
    page.select("#language-select", language)
    shown = page.names()
    assert shown and all(shown[kpi_id] == names[kpi_id] for kpi_id in shown)
    texts = translations()[language]
    assert page.tab.text_content("h1") == texts["page.scorecard"]
    assert page.tab.get_attribute("html", "lang") == language
    headers = page.tab.eval_on_selector_all("table.scorecard thead th", "cells => cells.map(c => c.textContent)")
    assert texts["col.value"] in headers
    # The choice follows to the other pages.
    page.tab.click("nav a[data-page='agents']")
    page.tab.wait_for_selector("body[data-page='agents'][data-rendered]")
    assert page.tab.text_content("h1") == texts["page.agents"]
    assert page.errors == []


def test_what_moved_the_first_response_time(browser: Any, golden_run: CliRun) -> None:
    """January 2026 of the golden helpdesk fixture: the mean first response fell from 1 695 to 831
    minutes (tests/test_golden_helpdesk.py); the sentence beside it names the channel that moved it
    most, from mart.kpi_change_drivers."""
    con = open_mart(golden_run.mart_path)
    try:
        top = con.execute(
            "select dimension_value from mart.kpi_change_drivers where kpi_id = 'first_response_time_avg_minutes' "
            "and month = '2026-01-01' and dimension = 'channel' order by abs(effect) desc limit 1"
        ).fetchone()[0]
    finally:
        con.close()
    page = Page(browser, golden_run.data_dir / "dashboard")
    page.open("index.html", "#month=2026-01&lang=en")
    text = page.tab.text_content("tr[data-kpi-id='first_response_time_avg_minutes'] td.drivers")
    assert text.startswith("by channel:") and top in text, text


def test_kpi_query_agrees_with_the_scorecard(golden_run: CliRun) -> None:
    """The dashboard's figures by dimension come from the registry's declaration through KpiQuery
    (the published semantic manifest); ungrouped, it gives the scorecard's value for every KPI it can
    compute and every month, and its groups add up to the scorecard's numerator and denominator."""
    query = KpiQuery.from_file(golden_run.data_dir / "semantic_manifest.json")
    con = open_mart(golden_run.mart_path)
    try:
        scorecard = {
            (kpi_id, month): value
            for kpi_id, month, value in con.execute(
                "select kpi_id, month, value from mart.kpi_scorecard_monthly"
            ).fetchall()
        }
        checked = 0
        for kpi_id in sorted({kpi_id for kpi_id, _ in scorecard}):
            try:
                sql = query.sql(kpi_id)
            except KpiQueryError:
                continue
            for month, value in con.execute(sql).fetchall():
                if (kpi_id, month) in scorecard:
                    expected = scorecard[(kpi_id, month)]
                    assert value == (None if expected is None else pytest.approx(expected, rel=1e-12)), (kpi_id, month)
                    checked += 1
        assert checked >= 60
        by_priority = con.execute(query.sql("first_response_sla_pct", ("priority",))).fetchall()
        assert {row[1] for row in by_priority} >= {"normal", "high"}
    finally:
        con.close()


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_text_colours_have_enough_contrast() -> None:
    """WCAG AA (4.5:1) for every rule of the stylesheet that sets both a text colour and a
    background, the status badges included, and for text colours on the white cards."""
    css = (REPO / "dagster_project" / "dashboard" / "static" / "dashboard.css").read_text()
    variables = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-fA-F]{6})", css))
    pairs = []
    for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        values = {
            prop: variables.get(value[6:-1], value) if value.startswith("var(") else value
            for prop, value in re.findall(r"(?<![-\w])(color|background):\s*([^;]+);", body)
        }
        colour = values.get("color", "")
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            continue
        # Without a background of its own, text in the header stands on the band, elsewhere on white.
        behind = variables["band"] if selector.strip().startswith(("nav", "header")) else "#ffffff"
        background = values.get("background", behind)
        pairs.append((selector.strip(), colour, background if background.startswith("#") else behind))
    assert len(pairs) >= 8
    for selector, colour, background in pairs:
        assert contrast(colour, background) >= 4.5, (selector, colour, background)
    assert contrast("#ffffff", variables["band"]) >= 4.5  # header text on the band


def test_a_dashboard_that_cannot_be_built_leaves_a_page_saying_why(tmp_path: Path) -> None:
    """The publish step never leaves an older mart's dashboard behind: when the build fails (here:
    no mart), the folder is replaced by one page naming the cause. (tests/test_gates_blocking.py
    publishes a hand-made partial mart through the job: the run succeeds with this page.)"""
    out = tmp_path / "dashboard"
    (out / "data").mkdir(parents=True)
    (out / "index.html").write_text("the dashboard of an older mart")
    with pytest.raises(FileNotFoundError) as failure:
        build_dashboard(tmp_path / "missing.duckdb", tmp_path / "semantic_manifest.json", out)
    unavailable_dashboard(out, f"FileNotFoundError: {failure.value}")
    page = (out / "index.html").read_text()
    assert "Dashboard unavailable" in page and "missing.duckdb" in page and "older mart" not in page
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]
