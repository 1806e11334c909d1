"""Count axe-core's findings, every impact, on each page of the app in its main states: empty,
with a programme case, an emergency and a same-day referral, and a patient with saved visits.

Run: uv run python tools/axe_audit.py   (needs Chromium and `npm ci` in tests/axe)

Prints one line per page and state: the counts by impact and the rules found. The Streamlit
markup excluded in tests/test_accessibility.py is excluded here too.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import app_tab, settle  # noqa: E402
from tests.conftest import first_visit  # noqa: E402
from tests.stores import decided  # noqa: E402
from tests.test_accessibility import _load, _open, findings  # noqa: E402
from walkback_rules.store import Store  # noqa: E402

EMPTY = ("Consultation", "Recommendation", "Plan", "Handouts", "Patients", "Clinic settings",
         "Quiz", "What-if explorer", "Side by side", "Teaching", "Evidence", "About")  # fmt: skip
WITH_CASE = ("Consultation", "Recommendation", "Plan", "Handouts")


def _line(state: str, found: list[tuple[str, str]]) -> None:
    impacts = Counter(impact for impact, _rule in found)
    rules = sorted({f"{rule} ({impact})" for impact, rule in found})
    counts = " ".join(f"{impacts[i]} {i}" for i in ("critical", "serious", "moderate", "minor"))
    print(f"{state:<44} {counts}  {', '.join(rules)}", flush=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        record = Path(folder)
        with Store.open(f"sqlite:///{record / 'record.db'}") as store:
            pid = store.new_patient("Audit").id
            for weeks_ago in (6, 4, 2):
                day = date.today() - timedelta(weeks=weeks_ago)
                walking = {"walks_per_week": 3, "minutes_per_walk": 10 + 5 * (6 - weeks_ago),
                           "weeks_at_current_dose": 2}  # fmt: skip
                store.record(pid, *decided(first_visit(walking=walking)),
                             at=f"{day.isoformat()}T09:00:00.000000+00:00")  # fmt: skip
        with app_tab(record, 1280, 900) as (tab, url):
            for link in EMPTY:
                _open(tab, link)
                _line(f"{link} (empty)", findings(tab))
            for case_id, what in (("demo-01", "programme"), ("demo-20", "emergency"),
                                  ("demo-19", "same day")):  # fmt: skip
                _load(tab, case_id)
                for link in WITH_CASE:
                    _open(tab, link)
                    _line(f"{link} ({what})", findings(tab))
            tab.goto(f"{url}/patients?patient={pid}")
            tab.get_by_role("heading", name="Patients").first.wait_for()
            settle(tab)
            tab.wait_for_timeout(1500)
            _line("Patients (3 saved visits)", findings(tab))


if __name__ == "__main__":
    main()
