"""Server CPU per action, over Streamlit's own WebSocket protocol, and what one process carries.

A real `streamlit run` server is driven by headless Chromium; the server process's own CPU
time (user + system, from /proc) is read before and after a run of actions, so the figure is
what the server spends per action, whatever the browser costs. Each figure sits beside the
same action on a bare Streamlit app (a number box and a rerun), in the same run.

  - a clinician action: a number typed on the Consultation page (the most frequent action);
  - a teaching action: a value changed in the What-if explorer (the rules run again);
  - the bare app: a number typed in a bare form.

One process runs its scripts on one core at a time (Python's global lock), so one core
serves about 1 / (CPU per action) actions a second; the guide sizes a clinic from that.

Run: uv run python bench/bench_load.py [--actions 30] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM_ARGS, chromium_path, free_port, settle  # noqa: E402

BARE_APP = """
import streamlit as st

st.title("Bare form")
st.number_input("Age (years)", min_value=0, max_value=120, value=None, key="age")
st.write("Typed:", st.session_state.get("age"))
"""
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """A process's user and system CPU time so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def serve(script: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                return proc, url
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def rss_mb(pid: int) -> float:
    """A process's resident memory, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def per_action(pid: int, act: Callable[[int], None], actions: int) -> float:
    """CPU seconds the server spends per action, over `actions` actions."""
    before = cpu_seconds(pid)
    for i in range(actions):
        act(i)
    return (cpu_seconds(pid) - before) / actions


def type_number(tab: Any, label: str, first: int) -> Callable[[int], None]:
    def act(i: int) -> None:
        box = tab.get_by_role("spinbutton", name=label, exact=True)
        box.fill(str(first + i % 40))
        box.press("Enter")
        settle(tab)

    return act


def spread(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"{statistics.median(ms):6.1f} ms (range {ms[0]:.1f}-{ms[-1]:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--actions", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    figures: dict[str, list[float]] = {"clinician": [], "teaching": [], "bare": []}
    memory: dict[str, list[tuple[float, float]]] = {"clinician": [], "teaching": [], "bare": []}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        folder = Path(tmp)
        (folder / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        env = {"WALKBACK_DB_URL": f"sqlite:///{folder / 'record.db'}"}
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for _ in range(args.rounds):  # alternate, so each sees the same machine state
            for name, script, cwd, page, label in (
                ("clinician", "app.py", ROOT, "", "Age (years)"),
                ("teaching", "app.py", ROOT, "/explorer", "Age"),
                ("bare", "bare_app.py", folder, "", "Age (years)"),
            ):
                proc, url = serve(script, cwd, env)
                try:
                    tab = browser.new_page(viewport={"width": 1280, "height": 1000})
                    tab.set_default_timeout(60_000)
                    tab.goto(url + page)
                    tab.get_by_role("spinbutton", name=label, exact=True).wait_for()
                    settle(tab)
                    type_number(tab, label, 30)(0)  # warm: the first run loads the pages
                    before = rss_mb(proc.pid)
                    act = type_number(tab, label, 31)
                    figures[name].append(per_action(proc.pid, act, args.actions))
                    memory[name].append((before, rss_mb(proc.pid)))
                    tab.close()
                finally:
                    proc.terminate()
                    proc.wait()
        browser.close()
    load = os.getloadavg()
    print(
        f"server CPU per action ({args.actions} actions x {args.rounds} rounds; load {load[0]:.2f})"
    )
    for name, words in (
        ("clinician", "clinician action (a number on the Consultation page)"),
        ("teaching", "teaching action (a value in the What-if explorer)"),
        ("bare", "bare Streamlit app (a number in a bare form)"),
    ):
        median = statistics.median(figures[name])
        print(f"  {words:<55} {spread(figures[name])}   ~{1 / median:5.1f} actions/s per core")
        grown = ", ".join(f"{a:.0f} -> {b:.0f} MB" for a, b in memory[name])
        print(f"    the server's memory over each round's actions: {grown}")


if __name__ == "__main__":
    main()
