"""Render every demo case's sheets, and keep the samples in docs/handouts.

    uv run python tools/handout_samples.py            # samples into docs/handouts
    uv run python tools/handout_samples.py --all DIR  # every case, every sheet, every page

Each sheet is a PDF (patient handout, referral letter, clinician summary) rendered to PNG
page by page with pdftoppm (Debian's poppler-utils), to be looked at. The reading grade of
each handout section is printed (textstat, offline).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from walkback_rules import recommend, validate_assessment  # noqa: E402
from walkback_rules.handouts import HandoutOptions, build_handout, render, summary_file  # noqa: E402
from walkback_rules.handouts.content import default_sections  # noqa: E402
from walkback_rules.handouts.letter import letter_pdf  # noqa: E402
from walkback_rules.handouts.readability import readings  # noqa: E402
from walkback_rules.teaching.cases import CASES, CASES_BY_ID  # noqa: E402

OUT = ROOT / "docs" / "handouts"
OPTIONS = HandoutOptions(
    clinic="Harbourside Physio",
    phone="02 9555 0123",
    issued=date(2026, 12, 2),
    emergency="000",
    urgent_line="13 14 50",
    clinician="Sam Lee",
)
AT = datetime(2026, 12, 2, 10, 30)
# A review with a flare after a step up (its resume dose), a first visit, an emergency and
# its letter, and a same-day referral.
SAMPLES = (
    ("handout", "demo-10"),
    ("first-visit", "demo-01"),
    ("emergency", "demo-20"),
    ("letter", "demo-20"),
    ("same-day", "demo-15"),
    ("summary", "demo-10"),
)


def sheet(kind: str, case_id: str) -> bytes:
    """One sheet of one demo case, as the app prints it."""
    a = validate_assessment(CASES_BY_ID[case_id].data)
    rec = recommend(a)
    review = None if rec.review_in_days is None else date(2026, 12, 2).toordinal()
    options = HandoutOptions.from_json(
        {
            **OPTIONS.to_json(),
            "patient": f"Demo {case_id[-2:]}",
            "sections": list(default_sections(a)),
            "review": None
            if review is None
            else date.fromordinal(review + (rec.review_in_days or 0)).isoformat(),
        }
    )
    if kind == "letter":
        return letter_pdf(a, rec, options, AT)
    if kind == "summary":
        return summary_file(a, options, rec)
    return render(build_handout(a, rec, options))


def pages(pdf: Path, stem: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(stem)], check=True)
    return sorted(stem.parent.glob(f"{stem.name}-*.png"))


def samples() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        old.unlink()
    for name, case_id in SAMPLES:
        pdf = OUT / f"{name}.pdf"
        pdf.write_bytes(sheet(name if name in ("letter", "summary") else "handout", case_id))
        for png in pages(pdf, OUT / name):
            print(png.relative_to(ROOT))


def every(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    grades: dict[str, list[float]] = defaultdict(list)
    for case in CASES:
        a = validate_assessment(case.data)
        rec = recommend(a)
        kinds = ["handout", "summary"] + (["letter"] if rec.referral is not None else [])
        for kind in kinds:
            pdf = folder / f"{case.id}-{kind}.pdf"
            pdf.write_bytes(sheet(kind, case.id))
            shown = pages(pdf, folder / f"{case.id}-{kind}")
            print(f"{case.id} {rec.decision.value:22} {kind:8} {len(shown)} page(s)")
        for reading in readings(build_handout(a, rec, OPTIONS)):
            grades[reading.section].append(reading.flesch_kincaid)
    print("\nFlesch-Kincaid grade by section (every demo case): mean, highest")
    for section, values in sorted(grades.items()):
        print(f"  {section:36} {sum(values) / len(values):4.1f} {max(values):4.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", metavar="DIR", type=Path, help="every case into DIR")
    args = parser.parse_args()
    every(args.all) if args.all else samples()
