"""How the browser tests and the page benchmark start Chromium: one definition for both.

Debian's /usr/bin/chromium (never a Playwright-downloaded build), headless, with the
background services that would reach the network or add noise switched off.
"""
from __future__ import annotations

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
# Keyword arguments for Playwright's chromium.launch / launch_persistent_context.
LAUNCH = {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}
