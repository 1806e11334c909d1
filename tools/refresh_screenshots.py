"""Refresh the committed screenshots in docs/screenshots from the browser tests.

Run: uv run python tools/refresh_screenshots.py   (a plain test run writes them elsewhere)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    shots = ROOT / "docs" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "WALKBACK_SHOTS": str(shots)}
    tests = [
        "tests/test_e2e.py",
        "tests/test_course.py",
        "tests/test_teaching_browser.py",
        "tests/test_clinic_server.py",
        "tests/test_followup_browser.py",
        "tests/test_ruleset21_browser.py",
        "tests/test_outcomes_browser.py",
    ]
    command = [sys.executable, "-m", "pytest", *tests, "-q", "--no-cov"]
    raise SystemExit(subprocess.call(command, cwd=ROOT, env=env))
