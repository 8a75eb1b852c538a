"""Time the dashboard of a data dir in Debian's Chromium: for each page, the median of ``--repeats``
cold loads (a new browser context each, from the file system) until the page has rendered and
every chart is drawn; and the dashboard's size. Used by `make bench` (scripts/bench.py) and
runnable on any data dir: ``python scripts/dashboard_timing.py --data-dir data``."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from dagster_project.dashboard.build import PAGES
from dagster_project.testing.browser import launch_chromium

DRAWN = (
    "() => document.body.dataset.rendered"
    " && [...document.querySelectorAll('.plot')].every(p => p.querySelector('.main-svg'))"
)


def dashboard_timing(dashboard: Path, repeats: int = 3) -> dict:
    """``{"size_bytes": n, "pages": {file: median seconds}}``."""
    from playwright.sync_api import sync_playwright

    pages: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for _page_id, file, _title in PAGES:
                samples = []
                for _ in range(repeats):
                    context = browser.new_context(viewport={"width": 1400, "height": 900})
                    tab = context.new_page()
                    start = time.perf_counter()
                    tab.goto((dashboard / file).as_uri())
                    tab.wait_for_function(DRAWN, timeout=60_000)
                    samples.append(time.perf_counter() - start)
                    context.close()
                pages[file] = statistics.median(samples)
        finally:
            browser.close()
    size = sum(path.stat().st_size for path in dashboard.rglob("*") if path.is_file())
    return {"size_bytes": size, "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(dashboard_timing(args.data_dir / "dashboard", args.repeats), indent=2))


if __name__ == "__main__":
    main()
