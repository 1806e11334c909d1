"""Render the sample handout pages shown in the README (needs pdftoppm, poppler-utils).

uv run python tools/handout_samples.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from walkback_rules import Assessment  # noqa: E402
from walkback_rules.cases import CASES_BY_ID  # noqa: E402
from walkback_rules.handouts import HandoutOptions, handout_file, summary_file  # noqa: E402

OUT = ROOT / "docs" / "handouts"
OPTIONS = HandoutOptions(
    clinic="Harbourside Physio",
    phone="02 9555 0123",
    patient="Demo 05",
    issued=date(2026, 11, 26),
)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    a = Assessment.model_validate(CASES_BY_ID["demo-05"].data)
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in (
            ("handout", handout_file(a, OPTIONS)),
            ("summary", summary_file(a, OPTIONS)),
        ):
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
