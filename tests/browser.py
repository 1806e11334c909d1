"""Helpers for real-browser tests: a Streamlit server on a free loopback port, and Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .needs import unavailable

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Chromium's path; in CI a missing browser fails the test, elsewhere it skips with why."""
    path = (
        os.environ.get("WALKBACK_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        unavailable("Chromium not found (install Debian's 'chromium' or set WALKBACK_CHROMIUM)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def streamlit_server(
    script: str = "app.py",
    cwd: Path = ROOT,
    options: Sequence[str] = (),
    env: dict[str, str] | None = None,
    address: str = "127.0.0.1",
) -> Iterator[str]:
    """Run `streamlit run script` on a free port of `address` (loopback unless a test needs
    another), with more command-line `options` and environment; yield its loopback URL."""
    with serving(script, cwd, options, env, address) as (url, _):
        yield url


@contextmanager
def serving(
    script: str = "app.py",
    cwd: Path = ROOT,
    options: Sequence[str] = (),
    env: dict[str, str] | None = None,
    address: str = "127.0.0.1",
    port: int | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`streamlit_server`, on `port` when given, yielding its process too (a test that
    kills it)."""
    port = port or free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
        "--server.port", str(port), "--server.address", address,
        "--browser.gatherUsageStats", "false", *options,
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with running(command, cwd=cwd, env=None if env is None else {**os.environ, **env}) as proc:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not start within 60 s") from None
                time.sleep(0.2)
        yield url, proc


@contextmanager
def running(
    command: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A program running in the background while the block runs, stopped after it (if the
    block has not stopped it already)."""
    proc = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- driving the app's pages --------------------------------------------------------------


def settle(tab: Any) -> None:
    """Wait until Streamlit has finished its rerun."""
    tab.wait_for_timeout(300)
    tab.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")


def number(tab: Any, label: str, value: str) -> None:
    """Type a number into the number box labelled `label`, and send it."""
    field = tab.get_by_role("spinbutton", name=label, exact=True)
    field.fill(value)
    field.press("Enter")
    settle(tab)


def choose(tab: Any, label: re.Pattern[str], option: str | re.Pattern[str]) -> None:
    """Choose `option` in the drop-down labelled `label`."""
    box = tab.get_by_role("combobox", name=label)
    wanted = tab.get_by_role("option", name=option, exact=isinstance(option, str))
    for _ in range(3):  # a rerun that lands as the list opens closes it again
        settle(tab)
        box.click()
        try:
            wanted.wait_for(timeout=3000)
            break
        except Exception:
            tab.keyboard.press("Escape")
    wanted.click()
    settle(tab)


def answer_the_rest(tab: Any, flare: str = "None", pain: str = "0") -> None:
    """What every visit asks besides the person: the flare, the pain now, and each
    checklist answered as none present."""
    choose(tab, re.compile("^Flare level"), flare)
    number(tab, "Pain now (0–10)", pain)
    for label in ("Walks a week", "Minutes per walk"):  # not walking, unless given
        if not tab.get_by_role("spinbutton", name=label, exact=True).input_value():
            number(tab, label, "0")
    for i in range(2):
        tab.get_by_text("Asked: none present").nth(i).click()
        settle(tab)


def discard_if_asked(tab: Any) -> None:
    """Answer "discard it" when the app asks before losing what was typed."""
    button = tab.get_by_role("button", name="Discard it")
    if button.count():
        button.click()
        settle(tab)


def save_clinic_settings(tab: Any, **values: str) -> None:
    """Set the clinic's settings on their page ("Clinic name"="…"), and save them."""
    tab.get_by_role("link", name="Clinic settings", exact=True).first.click()
    tab.get_by_role("heading", name="Clinic settings", exact=True).wait_for()
    settle(tab)
    for label, value in values.items():
        box = tab.get_by_role("textbox", name=label.replace("_", " "), exact=True)
        box.fill(value)
        box.press("Tab")
        settle(tab)
    tab.get_by_role("button", name="Save settings").click()
    settle(tab)
    tab.get_by_text("Saved.").wait_for()


@contextmanager
def app_tab(
    record: Path, width: int, height: int, on_request: Any = None
) -> Iterator[tuple[Any, str]]:
    """The app on its own record (`record`, a folder), in a Chromium tab `width` × `height`,
    opened at the Consultation page; yields the tab and the app's URL."""
    import playwright.sync_api as playwright_api

    executable = chromium_path()
    shared = os.environ["WALKBACK_DB_URL"]
    os.environ["WALKBACK_DB_URL"] = f"sqlite:///{record / 'record.db'}"
    try:
        with streamlit_server() as url, playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": width, "height": height})
            tab.set_default_timeout(30_000)
            if on_request is not None:
                tab.on("request", on_request)
            tab.goto(url)
            tab.get_by_role("heading", name="Consultation").wait_for()
            yield tab, url
            browser.close()
    finally:
        os.environ["WALKBACK_DB_URL"] = shared
