"""TEST AND BENCH ONLY: how the dashboard's browser checks start Chromium. Playwright cannot
download its own browser here; Debian's `chromium` package (installed by `make test`) is launched
by path, without the sandbox (CI runs as root) and without background networking (the machine's
network is closed; Chromium would keep trying Google's hosts)."""

from __future__ import annotations

from typing import Any

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def launch_chromium(playwright: Any) -> Any:
    """A headless Debian Chromium driven by ``playwright`` (a started ``sync_playwright()``)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(LAUNCH_ARGS))
