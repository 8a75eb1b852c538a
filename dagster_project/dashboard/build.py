"""Build the static dashboard from the published mart: six HTML pages that work offline from the
file system or any plain web server. Plotly's JavaScript comes from the installed plotly package
(no CDN); each page loads the shared script, the common data (months, languages, KPI names) and
its own data file. Written into a temporary folder and swapped in, so a reader never sees half a
dashboard."""

from __future__ import annotations

import html
import json
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import plotly

from dagster_project.dashboard.i18n import LANGUAGES, translations
from dagster_project.dashboard.kpi_query import KpiQuery
from dagster_project.dashboard.pages import Page, PageBuilder
from dagster_project.publish import open_mart
from dagster_project.semantic_layer import SEMANTIC_MANIFEST
from dagster_project.settings import Settings

DASHBOARD_DIR = "dashboard"

# (page id, file name, i18n key of its title)
PAGES = (
    ("scorecard", "index.html", "page.scorecard"),
    ("helpdesk", "helpdesk.html", "page.helpdesk"),
    ("contact_centre", "contact-centre.html", "page.contact_centre"),
    ("satisfaction", "satisfaction.html", "page.satisfaction"),
    ("self_service", "self-service.html", "page.self_service"),
    ("agents", "agents.html", "page.agents"),
)


@dataclass(frozen=True)
class DashboardResult:
    path: Path
    pages: tuple[str, ...]
    size_bytes: int


def _script(variable: str, value: Any) -> str:
    # JSON inside <script>: "</" must not end the element.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).replace("</", "<\\/")
    return f"window.{variable} = {text};\n"


def _html(page_id: str, title_key: str, with_charts: bool) -> str:
    texts = translations()["en"]
    links = "\n".join(
        f'      <li><a href="{file}" data-page="{pid}" data-i18n="{key}">{html.escape(texts[key])}</a></li>'
        for pid, file, key in PAGES
    )
    options = "\n".join(
        f'          <option value="{code}">{html.escape(name)}</option>' for code, name in LANGUAGES.items()
    )
    plotly_tag = '  <script src="assets/plotly.min.js"></script>\n' if with_charts else ""
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(texts[title_key])} · {html.escape(texts["title"])}</title>
  <link rel="stylesheet" href="assets/dashboard.css">
{plotly_tag}  <script src="data/common.js"></script>
  <script src="data/{page_id}.js"></script>
  <script src="assets/dashboard.js" defer></script>
</head>
<body data-page="{page_id}">
  <header class="top">
    <div class="brand" data-i18n="title">{html.escape(texts["title"])}</div>
    <nav aria-label="pages"><ul>
{links}
    </ul></nav>
    <div class="controls">
      <label><span data-i18n="month">Month</span>
        <select id="month-select"></select></label>
      <label><span data-i18n="language">Language</span>
        <select id="language-select">
{options}
        </select></label>
    </div>
  </header>
  <main id="content">
    <h1 data-i18n="{title_key}">{html.escape(texts[title_key])}</h1>
    <p class="meta" id="meta"></p>
    <div id="page"></div>
  </main>
</body>
</html>
"""


def _staging(out_dir: Path) -> Path:
    """A new empty folder beside ``out_dir`` to write the next dashboard into."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=out_dir.parent))


def _swap_in(staging: Path, out_dir: Path) -> None:
    """``staging`` becomes ``out_dir`` (two renames; the old folder is removed after)."""
    staging.chmod(0o755)
    previous = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=out_dir.parent)) / out_dir.name
    if out_dir.exists():
        out_dir.rename(previous)
    staging.rename(out_dir)
    shutil.rmtree(previous.parent, ignore_errors=True)


def build_dashboard(mart_path: Path, semantic_manifest: Path, out_dir: Path, currency: str = "EUR") -> DashboardResult:
    """Write the dashboard of the published mart ``mart_path`` into ``out_dir`` (replaced whole).
    Without ``semantic_manifest`` (a build that wrote none) the charts of a KPI by a dimension are
    left empty; everything else is drawn."""
    con = open_mart(mart_path)
    try:
        kpis = KpiQuery.from_file(semantic_manifest) if semantic_manifest.exists() else None
        builder = PageBuilder(con, kpis)
        pages: dict[str, Page] = {
            "scorecard": builder.scorecard(),
            "helpdesk": builder.helpdesk(),
            "contact_centre": builder.contact_centre(),
            "satisfaction": builder.satisfaction(),
            "self_service": builder.self_service(),
            "agents": builder.agents(),
        }
        published = con.execute("select max(published_at) from mart._publication").fetchone()[0]
    finally:
        con.close()
    common = {
        "months": builder.months,
        "languages": LANGUAGES,
        "i18n": translations(),
        "pages": [{"id": pid, "file": file, "title": key} for pid, file, key in PAGES],
        "kpis": {kpi["id"]: kpi for kpi in pages["scorecard"].extra["kpis"]},
        "currency": currency,
        "published_at": str(published) if published else None,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    staging = _staging(out_dir)
    (staging / "assets").mkdir()
    (staging / "data").mkdir()
    static = resources.files("dagster_project.dashboard") / "static"
    for name in ("dashboard.js", "dashboard.css"):
        (staging / "assets" / name).write_text(static.joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copyfile(
        Path(plotly.__file__).parent / "package_data" / "plotly.min.js", staging / "assets" / "plotly.min.js"
    )
    (staging / "data" / "common.js").write_text(_script("DASH", common), encoding="utf-8")
    for page_id, file, title_key in PAGES:
        (staging / "data" / f"{page_id}.js").write_text(_script("PAGE", pages[page_id].as_json()), encoding="utf-8")
        (staging / file).write_text(_html(page_id, title_key, page_id != "scorecard"), encoding="utf-8")
    _swap_in(staging, out_dir)
    size = sum(path.stat().st_size for path in out_dir.rglob("*") if path.is_file())
    return DashboardResult(out_dir, tuple(file for _, file, _ in PAGES), size)


def unavailable_dashboard(out_dir: Path, reason: str) -> None:
    """Replace the dashboard by one page saying why it could not be built: a reader never sees the
    dashboard of an older mart as if it were the current one."""
    staging = _staging(out_dir)
    (staging / "index.html").write_text(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Dashboard unavailable</title>'
        "</head><body><h1>Dashboard unavailable</h1><p>The dashboard of the mart published at "
        f"{html.escape(datetime.now(UTC).isoformat(timespec='seconds'))} could not be built: "
        f"{html.escape(reason)}</p><p>The mart itself is published. Run <code>support-kpi dashboard</code> "
        "after fixing the cause.</p></body></html>\n",
        encoding="utf-8",
    )
    _swap_in(staging, out_dir)


def publish_dashboard(settings: Settings) -> DashboardResult:
    """The dashboard of the data dir's published mart, in ``<data-dir>/dashboard``."""
    return build_dashboard(
        settings.mart_path,
        settings.data_dir / SEMANTIC_MANIFEST,
        settings.data_dir / DASHBOARD_DIR,
        settings.reporting.currency,
    )
