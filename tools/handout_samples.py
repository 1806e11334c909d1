"""Render every demo case's sheets, and keep the samples in docs/handouts.

    uv run python tools/handout_samples.py            # samples into docs/handouts
    uv run python tools/handout_samples.py --all DIR  # every case, every sheet, every page

Each sheet is a PDF (patient handout, referral letter, clinician summary, contacts slip,
worksheet and answer key) rendered to PNG
page by page with pdftoppm (Debian's poppler-utils), to be looked at. The reading grade of
each handout section is printed (textstat, offline).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from walkback_rules import recommend, validate_assessment  # noqa: E402
from walkback_rules.consultation.visit import VisitDetails  # noqa: E402
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
    assessed_at=datetime(2026, 12, 2, 10, 30, tzinfo=UTC),
)
AT = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
# A review with a flare after a step up (its resume dose), a first visit, an emergency and
# its letter, a same-day referral; and ruleset 2.1's: the acute oncology / MSCC team, major
# trauma, cord compression with the MSCC coordinator, 1 × 150 spread out, a severe flare's
# graded return, and an emergency recorded from the age and the features alone, with its
# letter carrying the onsets and the examination findings.
SAMPLES = (
    ("handout", "demo-10"),
    ("first-visit", "demo-01"),
    ("emergency", "demo-20"),
    ("letter", "demo-20"),
    ("same-day", "demo-15"),
    ("summary", "demo-10"),
    ("cancer-same-day", "demo-19"),
    ("cancer-same-day-letter", "demo-19"),
    ("major-trauma", "demo-34"),
    ("mscc-letter", "demo-18"),
    ("spread-walks", "demo-36"),
    ("graded-return", "demo-37"),
    ("emergency-only-letter", "demo-41"),
    ("emergency-only-summary", "demo-41"),
    # Spanish: a first visit, a review after a flare, an emergency sheet.
    ("es-first-visit", "demo-01"),
    ("es-handout", "demo-10"),
    ("es-emergency", "demo-20"),
)
# What the clinician recorded for the emergency seen at once (demo-41).
DETAILS = {
    "demo-41": {
        "visit_date": "2026-12-02",
        "screens": {"red_flags": "positive", "exercise_screen": "not_asked",
                    "phq2": "not_asked", "startback": "not_asked"},
        "onsets": {"ces_saddle": "this morning, about 6 am", "ces_bladder": "since last night"},
        "exam_findings": "Reduced pinprick sensation S3–S5 bilaterally. L4–S1 myotomes 5/5.\n"
        "Ankle reflexes present and equal. Post-void residual not measured.",
    }
}  # fmt: skip


def sheet(kind: str, case_id: str, language: str = "en") -> bytes:
    """One sheet of one demo case, as the app prints it."""
    a = validate_assessment(CASES_BY_ID[case_id].data)
    rec = recommend(a)
    review = None if rec.review_in_days is None else date(2026, 12, 2).toordinal()
    options = HandoutOptions.from_json(
        {
            **OPTIONS.to_json(),
            "patient": f"Demo {case_id[-2:]}",
            "language": language,
            "sections": list(default_sections(a)),
            "review": None
            if review is None
            else date.fromordinal(review + (rec.review_in_days or 0)).isoformat(),
        }
    )
    details = DETAILS.get(case_id)
    visit = None if details is None else VisitDetails.model_validate(details)
    if kind == "letter":
        return letter_pdf(a, rec, options, AT, visit)
    if kind == "summary":
        return summary_file(a, options, rec, visit)
    return render(build_handout(a, rec, options))


def slip(language: str = "en") -> bytes:
    """The discreet contacts slip, as a clinic with its crisis contacts set prints it."""
    from walkback_rules.handouts.slip import slip_pdf

    return slip_pdf(
        HandoutOptions(
            emergency="000",
            crisis_line="13 11 14",
            mental_health="Crisis team 1800 011 511",
            language="es" if language == "es" else "en",
        )
    )


def kind_of(name: str) -> str:
    return (
        "letter"
        if name.endswith("letter")
        else "summary"
        if name.endswith("summary")
        else "handout"
    )


def pages(pdf: Path, stem: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(stem)], check=True)
    return sorted(stem.parent.glob(f"{stem.name}-*.png"))


def samples() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        old.unlink()
    for name, case_id in SAMPLES:
        pdf = OUT / f"{name}.pdf"
        pdf.write_bytes(sheet(kind_of(name), case_id, "es" if name.startswith("es-") else "en"))
        for png in pages(pdf, OUT / name):
            print(png.relative_to(ROOT))
    for name, language in (("contacts-slip", "en"), ("es-contacts-slip", "es")):
        pdf = OUT / f"{name}.pdf"
        pdf.write_bytes(slip(language))
        for png in pages(pdf, OUT / name):
            print(png.relative_to(ROOT))
    from walkback_rules.handouts.card import card_pdf
    from walkback_rules.handouts.worksheet import worksheet_pdf

    for name, language in (("follow-up-card", "en"), ("es-follow-up-card", "es")):
        pdf = OUT / f"{name}.pdf"
        options = HandoutOptions.from_json(
            {**OPTIONS.to_json(), "patient": "Demo 01", "language": language}
        )
        pdf.write_bytes(card_pdf(date(2026, 12, 2), options))
        for png in pages(pdf, OUT / name):
            print(png.relative_to(ROOT))

    teaching = [CASES_BY_ID[c] for c in ("demo-01", "demo-10", "demo-15", "demo-20")]
    for name, key in (("worksheet", False), ("answer-key", True)):
        pdf = OUT / f"{name}.pdf"
        pdf.write_bytes(worksheet_pdf(teaching, key=key, issued=date(2026, 12, 2)))
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
