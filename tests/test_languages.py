"""The patient's sheets in a second language: complete catalogues, the same facts in every
language, the same layout and PDF/UA checks, a Spanish readability gate, and the note on
every sheet printed from a catalogue no clinician has signed off."""

from __future__ import annotations

import io
import re
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from walkback_rules import recommend, validate_assessment
from walkback_rules.core.models import PROGRAMME_DECISIONS
from walkback_rules.handouts import (
    PAPERS,
    HandoutOptions,
    build_handout,
    handout_file,
    render,
)
from walkback_rules.handouts.content import REVIEW_SECTIONS, UNREVIEWED_TEXT, HelpBox
from walkback_rules.handouts.i18n import (
    DOMAIN,
    LANGUAGES,
    LOCALES,
    SIGNED_OFF,
    speaking,
    unreviewed_words,
)
from walkback_rules.handouts.readability import EASE_AIM, EASE_LIMIT, readings
from walkback_rules.handouts.slip import slip_pdf
from walkback_rules.teaching.cases import CASES, CASES_BY_ID

from .medicines import medicines_named
from .pdf_tags import elements, untagged_text
from .test_handouts import all_text

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = HandoutOptions(
    clinic="Harbourside Physio",
    phone="02 9555 0123",
    patient="P-7K2QF9",
    issued=date(2026, 12, 7),
    review=date(2026, 12, 21),
    emergency="112",
    urgent_line="13 14 50",
    crisis_line="024",
    mental_health="900 202 010",
)
SPANISH = replace(OPTIONS, language="es")
PLACEHOLDER = re.compile(r"\{\w+\}")


def catalogue(lang: str) -> object:
    from babel.messages.pofile import read_po

    with (LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        return read_po(handle)


# --- the catalogues ---------------------------------------------------------------------


def test_every_message_in_the_source_is_translated_with_the_same_placeholders() -> None:
    """A message added or changed in the code fails here until the catalogue has it
    (`tools/catalogue.py` merges it in); nothing is fuzzy and nothing is left over."""
    sys.path.insert(0, str(ROOT / "tools"))
    from catalogue import template

    wanted = {m.id for m in template() if m.id}
    for lang in LANGUAGES:
        if lang == "en":
            continue
        messages = {m.id: m for m in catalogue(lang) if m.id}  # type: ignore[attr-defined]

        assert set(messages) == wanted, lang
        for key, message in messages.items():
            assert not message.fuzzy, key
            originals = key if isinstance(key, tuple) else (key,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings), key
            for original in originals:
                for string in strings:
                    assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(original)), (
                        key
                    )


def test_the_template_on_disk_is_the_source_extracted() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    from babel.messages.pofile import read_po
    from catalogue import template

    with (LOCALES / f"{DOMAIN}.pot").open("rb") as handle:
        on_disk = {m.id for m in read_po(handle) if m.id}

    assert on_disk == {m.id for m in template() if m.id}


def test_spanish_is_not_yet_signed_off_and_the_clinician_is_told() -> None:
    assert SIGNED_OFF["es"] is None
    assert unreviewed_words("es") is not None and "Spanish" in unreviewed_words("es")  # type: ignore[operator]
    assert unreviewed_words("en") is None


# --- the same facts in every language ------------------------------------------------------


def _numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d+(?:\.\d+)?", text.replace("\u00a0", " ")))


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_the_spanish_handout_states_the_same_numbers_as_the_english(c: object) -> None:
    """Doses, minutes, days, the review date, the phone numbers and the ruleset: every
    number of the English handout is in the Spanish one, and no other."""
    a = validate_assessment(c.data)  # type: ignore[attr-defined]
    rec = recommend(a)
    english = build_handout(a, rec, OPTIONS)
    spanish = build_handout(a, rec, SPANISH)

    assert [s.key for s in spanish.sections] == [s.key for s in english.sections]
    en = all_text(english) + english.footer()
    es = all_text(spanish) + spanish.footer()
    assert _numbers(es) == _numbers(en)
    assert medicines_named(es) == []
    assert "{" not in es and "}" not in es  # every placeholder filled


def test_the_warning_strip_names_the_help_section_by_its_own_title() -> None:
    a = validate_assessment(CASES_BY_ID["demo-07"].data)
    for options in (OPTIONS, SPANISH):
        handout = build_handout(a, recommend(a), options)
        help_title = next(s.title for s in handout.sections if s.key == "help")

        assert handout.strip and f"{help_title}" in handout.strip


def test_the_trial_sentence_keeps_its_facts_in_spanish() -> None:
    """Sources and trial figures are not re-worded: "almost twice as long"."""
    a = validate_assessment(CASES_BY_ID["demo-01"].data)
    text = all_text(build_handout(a, recommend(a), SPANISH))

    assert "casi el doble" in text


# --- layout, PDF/UA and the note -------------------------------------------------------


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_every_spanish_handout_is_pdf_ua_within_its_pages(
    c: object, paper: str, tmp_path: Path
) -> None:
    from .test_print_access import findings

    a = validate_assessment(c.data)  # type: ignore[attr-defined]
    rec = recommend(a)
    full = render(build_handout(a, rec, replace(SPANISH, paper=paper)))  # type: ignore[arg-type]
    review = render(
        build_handout(a, rec, replace(SPANISH, paper=paper, sections=REVIEW_SECTIONS))  # type: ignore[arg-type]
    )
    pages = PdfReader(io.BytesIO(full)).pages

    assert findings(full, tmp_path / "es.pdf") == []
    assert untagged_text(full) == []
    assert len(pages) <= (3 if paper == "a4" else 4)
    assert "Esta traducción todavía no" in " ".join(pages[0].extract_text().split())
    last = PdfReader(io.BytesIO(review)).pages
    if len(last) > 1:  # no last page of a few lines
        body = last[-1].extract_text().split("Harbourside Physio ·")[0]
        assert len(body.split()) >= 60, c.id  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "c",
    [
        c
        for c in CASES
        if c.expected in PROGRAMME_DECISIONS
        and recommend(validate_assessment(c.data)).referral is None
    ],
    ids=lambda c: c.id,
)
def test_a_spanish_review_of_the_walking_plan_fits_two_a4_pages(c: object) -> None:
    """As in English, with the same options as the English test: the plan, the flare-up
    plan and the warning signs on two pages."""
    from .test_safety_net import OPTIONS as REVIEW

    a = validate_assessment(c.data)  # type: ignore[attr-defined]
    options = replace(REVIEW, sections=REVIEW_SECTIONS, language="es")
    data = render(build_handout(a, recommend(a), options))

    assert len(PdfReader(io.BytesIO(data)).pages) <= 2


def test_the_spanish_pdf_declares_its_language_and_the_teams_english_its_own() -> None:
    """An emergency sheet in Spanish: the document is Spanish, and the emergency team's
    box (the letter's clinical English) is marked as English for a screen reader."""
    a = validate_assessment(CASES_BY_ID["demo-20"].data)
    language, found = elements(handout_file(a, SPANISH))
    langs = {e["Lang"] for e in found if "Lang" in e}

    assert language == "es"
    assert "en" in langs


def test_the_spanish_web_page_says_its_language_and_the_note() -> None:
    a = validate_assessment(CASES_BY_ID["demo-02"].data)
    page = handout_file(a, SPANISH, "html").decode("utf-8")
    english = handout_file(a, OPTIONS, "html").decode("utf-8")

    assert '<html lang="es">' in page
    assert "Esta traducción todavía no la ha revisado" in page
    assert "Su registro de paseos" in page and "Un gráfico de su plan" in page
    assert UNREVIEWED_TEXT not in english and '<html lang="en">' in english


def test_an_english_sheet_has_no_note() -> None:
    a = validate_assessment(CASES_BY_ID["demo-02"].data)

    assert build_handout(a, recommend(a), OPTIONS).notice == ()


def test_the_spanish_slip_is_spanish_and_says_nothing_of_back_pain(tmp_path: Path) -> None:
    from .test_print_access import findings

    data = slip_pdf(SPANISH)
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())

    assert findings(data, tmp_path / "slip.pdf") == []
    assert text.startswith("Teléfonos útiles")
    assert "Línea de crisis" in text and "llame al 112" in text
    assert "espalda" not in text and "back" not in text.replace("Harbourside", "")


# --- reading level ----------------------------------------------------------------------


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_every_spanish_section_reads_within_the_limit(c: object) -> None:
    """Fernández-Huerta reading ease of at least 60 in every section (the aim is 70)."""
    a = validate_assessment(c.data)  # type: ignore[attr-defined]
    levels = readings(build_handout(a, recommend(a), SPANISH))

    assert levels
    for level in levels:
        assert level.ease is not None and level.ease >= EASE_LIMIT, (level.section, level.ease)
        assert level.within_limit()
    assert sum(level.ease >= EASE_AIM for level in levels) >= len(levels) / 2  # type: ignore[operator]


def test_the_reading_gate_can_fail() -> None:
    """A long sentence of long words scores below the limit: the gate is not a formality."""
    from walkback_rules.handouts.content import Handout, Paragraph, Section

    hard = (
        "La caracterización multidimensional de la sintomatología lumbar crónica "
        "presupone consideraciones biopsicosociales extraordinariamente heterogéneas "
        "e interdependientes, constituyendo indudablemente una problemática "
        "epistemológica."
    )
    handout = Handout(
        "t", "i", (Section("x", "X", (Paragraph(hard),)),), "", "", "", date(2026, 12, 7),
        language="es",
    )  # fmt: skip
    [level] = readings(handout)

    assert level.ease is not None and level.ease < EASE_LIMIT and not level.within_limit()


# --- kept and chosen ------------------------------------------------------------------


def test_a_print_keeps_its_language_to_print_again_exactly() -> None:
    again = HandoutOptions.from_json(SPANISH.to_json())
    older = {k: v for k, v in SPANISH.to_json().items() if k != "language"}

    assert again.language == "es"
    assert HandoutOptions.from_json(older).language == "en"  # kept before languages
    a = validate_assessment(CASES_BY_ID["demo-10"].data)
    assert handout_file(a, again) == handout_file(a, SPANISH)


def test_the_help_box_of_a_spanish_sheet_is_all_spanish() -> None:
    a = validate_assessment(CASES_BY_ID["demo-18"].data)
    handout = build_handout(a, recommend(a), SPANISH)
    [box] = [b for s in handout.sections for b in s.blocks if isinstance(b, HelpBox)]
    english = build_handout(a, recommend(a), OPTIONS)
    [box_en] = [b for s in english.sections for b in s.blocks if isinstance(b, HelpBox)]

    assert len(box.groups) == len(box_en.groups)
    for group, group_en in zip(box.groups, box_en.groups, strict=True):
        assert len(group.signs) == len(group_en.signs)
        assert not set(group.signs) & set(group_en.signs)
    with speaking("es"):
        assert box.contact[0].startswith("¿Tiene preguntas?")
