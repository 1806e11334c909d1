"""Render the sample handout pages shown in the README (needs pdftoppm, poppler-utils).

uv run python tools/handout_samples.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from walkback_rules import validate_assessment  # noqa: E402
from walkback_rules.cases import CASES_BY_ID  # noqa: E402
from walkback_rules.handouts import HandoutOptions, handout_file, summary_file  # noqa: E402

OUT = ROOT / "docs" / "handouts"
OPTIONS = HandoutOptions(
    clinic="Harbourside Physio",
    phone="02 9555 0123",
    issued=date(2026, 12, 1),
)
# The visit with a flare after a step up (its resume dose), and a same-day referral sheet.
SAMPLES = (("handout", "demo-10"), ("summary", "demo-10"), ("same-day", "demo-15"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, case_id in SAMPLES:
            a = validate_assessment(CASES_BY_ID[case_id].data)
            options = replace(OPTIONS, patient=f"Demo {case_id[-2:]}")
            build = summary_file if name == "summary" else handout_file
            data = build(a, options)
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(data)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                 str(OUT / f"{name}-page-1")],
                check=True,
            )  # fmt: skip
            print(OUT / f"{name}-page-1.png")


if __name__ == "__main__":
    main()
