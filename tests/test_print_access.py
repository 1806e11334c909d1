"""Every printed sheet is a tagged PDF/UA-1 document a screen reader can follow.

The `pdfua` checker runs over every sheet of every demo case on both papers and must find
nothing; and every run of text on every page is either in the structure tree or marked as
page furniture (`pdf_tags.untagged_text`), which the checker's own rule also covers. What
neither checks is listed in docs/ACCESSIBILITY.md.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from walkback_rules import recommend, validate_assessment
from walkback_rules.handouts import (
    PAPERS,
    HandoutOptions,
    build_handout,
    handout_file,
    render,
    summary_file,
)
from walkback_rules.handouts.content import WalkingLog
from walkback_rules.handouts.letter import letter_pdf
from walkback_rules.handouts.slip import slip_pdf
from walkback_rules.handouts.worksheet import worksheet_pdf
from walkback_rules.teaching.cases import CASES

from .pdf_tags import elements, structure_types, untagged_text

OPTIONS = HandoutOptions(
    clinic="Harbourside Physio",
    phone="02 9555 0123",
    patient="P-7K2QF9",
    issued=date(2026, 12, 7),
    emergency="000",
    urgent_line="13 14 50",
    crisis_line="13 11 14",
    mental_health="1800 011 511",
    assessed_at=datetime(2026, 12, 7, 9, 14, tzinfo=ZoneInfo("Australia/Sydney")),
)


def findings(data: bytes, where: Path) -> list[str]:
    """What the PDF/UA checker finds in one file, any severity, as "rule: message"."""
    import pdfua

    where.write_bytes(data)
    report = pdfua.validate(str(where))
    return [f"{f.rule_id}: {f.message}" for f in report.findings]


def check(data: bytes, where: Path, *kinds: str) -> None:
    assert findings(data, where) == []
    assert untagged_text(data) == []
    assert {"H1", "P", *kinds} <= structure_types(data)


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_every_sheet_of_every_demo_case_is_pdf_ua(c: object, paper: str, tmp_path: Path) -> None:
    """The handout, the clinician summary and, for a referral, the letter."""
    a = validate_assessment(c.data)  # type: ignore[attr-defined]
    rec = recommend(a)
    options = replace(OPTIONS, paper=paper)  # type: ignore[arg-type]

    built = build_handout(a, rec, options)
    handout = render(built)
    check(handout, tmp_path / "handout.pdf", "H2", "L", "LI")
    if any(isinstance(b, WalkingLog) for s in built.sections for b in s.blocks):
        assert {"Table", "TH"} <= structure_types(handout)  # the log, with header cells
    check(summary_file(a, options, rec), tmp_path / "summary.pdf", "H2")
    if rec.referral is not None:
        check(letter_pdf(a, rec, options), tmp_path / "letter.pdf", "H2")


@pytest.mark.parametrize("paper", PAPERS)
def test_the_worksheet_the_key_and_the_slip_are_pdf_ua(paper: str, tmp_path: Path) -> None:
    check(worksheet_pdf(CASES, paper=paper), tmp_path / "worksheet.pdf", "H2")  # type: ignore[arg-type]
    check(worksheet_pdf(CASES, key=True, paper=paper), tmp_path / "key.pdf", "H2")  # type: ignore[arg-type]
    check(slip_pdf(replace(OPTIONS, paper=paper)), tmp_path / "slip.pdf")  # type: ignore[arg-type]


def test_the_plan_chart_is_a_figure_with_its_words(tmp_path: Path) -> None:
    """A walking plan's chart is a Figure whose alt text gives every week's dose."""
    a = validate_assessment(CASES[1].data)
    alts = [e.get("Alt", "") for e in elements(handout_file(a, OPTIONS))[1] if e["S"] == "Figure"]

    assert len(alts) == 1
    assert alts[0].startswith("A chart of your plan, week by week: week 1, ")


def test_an_untagged_file_is_caught(tmp_path: Path) -> None:
    """The tag reader finds text outside the tree (here, a page written without tags)."""
    import typst

    source = tmp_path / "plain.typ"
    source.write_text('#set text(font: "DejaVu Sans")\nPlain words.\n', "utf-8")
    from walkback_rules.handouts.typeset import FONTS

    plain = typst.compile(
        str(source), font_paths=[str(FONTS)], ignore_system_fonts=True, pdf_tags=False
    )
    assert untagged_text(plain) == ["page 1: unmarked text"]


@pytest.mark.parametrize("c", [c for c in CASES if c.id in ("demo-02", "demo-24", "demo-16")])
def test_the_summary_and_letter_web_pages_say_what_their_pdfs_say(c: object) -> None:
    """Each web page is made from the same data as its PDF: every line of the PDF's text
    is on the page, and the page runs nothing and loads nothing."""
    import html
    import io
    import re

    from pypdf import PdfReader

    from walkback_rules.handouts.letter import letter_page

    a = validate_assessment(c.data)  # type: ignore[attr-defined]
    rec = recommend(a)
    pairs = [(summary_file(a, OPTIONS, rec), summary_file(a, OPTIONS, rec, fmt="html"))]
    if rec.referral is not None:
        pairs.append((letter_pdf(a, rec, OPTIONS), letter_page(a, rec, OPTIONS)))
    for pdf, page in pairs:
        text = html.unescape(re.sub(r"<[^>]+>", " ", page.decode("utf-8")))
        words = " ".join(text.split()).replace("\u00a0", " ")
        printed = " ".join(
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split()
        )
        printed = re.sub(r"\[\d+\] ", "", printed)  # the list's own numbers
        for line in re.split(r"(?<=[.:])\s", printed):
            if "Page 1 of" in line:
                continue
            assert line.strip()[:40] in words, line
        assert b"<script" not in page and b"src=" not in page
        assert page.startswith(b'<!DOCTYPE html>\n<html lang="en">')


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("paper", PAPERS)
def test_no_page_ends_on_a_heading(paper: str, language: str) -> None:
    """A section's title, a list's lead line or a warning group's heading never ends a
    page: it moves on with what it heads (every demo case, full and review handouts)."""
    import io

    from pypdf import PdfReader

    from walkback_rules.handouts.content import REVIEW_SECTIONS, Bullets, HelpBox

    for c in CASES:
        a = validate_assessment(c.data)
        rec = recommend(a)
        for sections in (OPTIONS.sections, REVIEW_SECTIONS):
            options = replace(OPTIONS, paper=paper, language=language, sections=sections)  # type: ignore[arg-type]
            built = build_handout(a, rec, options)
            heads = {s.title for s in built.sections}
            for s in built.sections:
                for b in s.blocks:
                    if isinstance(b, Bullets) and b.lead:
                        heads.add(b.lead)
                    if isinstance(b, HelpBox):
                        heads |= {g.heading for g in b.groups}
            pages = PdfReader(io.BytesIO(render(built))).pages
            for number, page in enumerate(pages[:-1], start=1):
                body = page.extract_text().split(built.clinic + " ·")[0]
                lines = [line.strip() for line in body.splitlines() if line.strip()]
                assert lines[-1] not in heads, (c.id, number, lines[-1])


def test_typst_markup_in_a_clinic_name_prints_as_its_characters() -> None:
    """Values reach the template as data: markup in a clinic name or pseudonym is text."""
    import io

    from pypdf import PdfReader

    name = "*Bold* _it_ #set text(red) $x^2$ @ref <label> \\ `raw`"
    options = replace(OPTIONS, clinic=name, patient="P-7K2QF9")
    a = validate_assessment(CASES[0].data)
    data = handout_file(a, options)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace(
        "\u00a0", " "
    )

    assert name in " ".join(text.split())
