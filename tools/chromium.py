"""How the browser tests and the page benchmark start Chromium: one definition for both.

Debian's /usr/bin/chromium (never a Playwright-downloaded build), headless, with the
background services that would reach the network or add noise switched off.
"""
from __future__ import annotations

import time

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# An address naming the default settings (seed 1 is the default): the page then opens
# a new model at GAN Lab's defaults instead of the default pre-trained model.
FRESH = "#seed=1"
# Keyword arguments for Playwright's chromium.launch / launch_persistent_context.
LAUNCH = {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


def wait_ready(page, timeout_s: float = 120) -> None:
    """Wait until the page has started (data-state "ready"); RuntimeError if it reports
    an error or is still loading after `timeout_s`. Polled with evaluate:
    wait_for_function compiles its predicate with eval in the page, which the
    page's Content-Security-Policy forbids."""
    deadline = time.monotonic() + timeout_s
    while page.evaluate("() => document.body.dataset.state") == "loading":
        if time.monotonic() > deadline:
            raise RuntimeError(f"page still loading after {timeout_s:g} s")
        time.sleep(0.02)
    if page.evaluate("() => document.body.dataset.state") != "ready":
        raise RuntimeError("page did not start: " + page.inner_text("#error-panel"))
