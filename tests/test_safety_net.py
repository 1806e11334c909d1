"""The get-help-now box against the screens, the page-1 strip, the history's extra signs,
the clinic's own words, and one fact said the same on every sheet."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from walkback_rules import recommend, validate_assessment
from walkback_rules.core.cards import URGENCY_WORDS, describe_dose
from walkback_rules.core.codes import Decision, Flag
from walkback_rules.core.models import PROGRAMME_DECISIONS, REFERRAL_DECISIONS, Assessment
from walkback_rules.core.screens import FEATURES, INFECTION_RISKS, screen
from walkback_rules.handouts import HandoutOptions, build_handout, render, summary_file
from walkback_rules.handouts.content import (
    REVIEW_SECTIONS,
    DoseBox,
    HelpBox,
    referral_title,
    review_words,
    signs_for,
    walks_words,
)
from walkback_rules.handouts.letter import letter_title, referral_facts
from walkback_rules.plan import project
from walkback_rules.teaching.cases import CASES, CASES_BY_ID

from .medicines import medicines_named
from .strategies import (
    emergency_assessments,
    programme_assessments,
    same_day_assessments,
    step_back_assessments,
    unscreened_assessments,
    urgent_assessments,
)
from .test_handouts import all_text

OPTIONS = HandoutOptions(
    clinic="Harbourside Physio",
    phone="02 9555 0123",
    patient="P-7K2QF9",
    issued=date(2026, 12, 2),
    review=date(2026, 12, 16),
    emergency="000",
    clinician="Sam Lee",
)
RISKY = ("emergency", "same_day", "urgent")


def case(case_id: str) -> Assessment:
    return validate_assessment(CASES_BY_ID[case_id].data)


def page_texts(data: bytes) -> list[str]:
    pages = PdfReader(io.BytesIO(data)).pages
    return [p.extract_text().replace("\u00a0", " ").replace("\n", " ") for p in pages]


def _tier(codes: list[str]) -> str | None:
    """The highest tier these features reach, as the engine's screens give it."""
    exercise = [c for c in codes if FEATURES[c].condition == "cardiorespiratory"]
    return screen([c for c in codes if c not in exercise], exercise).highest


# --- the box matches the screens ----------------------------------------------------


@pytest.mark.parametrize("code", sorted(FEATURES))
def test_every_feature_that_alone_needs_a_doctor_is_a_sign_at_its_own_tier(code: str) -> None:
    """A feature that by itself reaches the emergency, same-day or urgent tier is in the
    box under that tier, and never under a lower one ("foot drop" was filed under "see a
    doctor today or tomorrow" while the engine called it an emergency)."""

    tier = _tier([code])
    signs = [s for s in signs_for(None) if code in s.covers]

    if tier in RISKY:
        assert any(s.tier == tier for s in signs), (code, tier)
    if tier == "emergency":
        assert all(s.tier == "emergency" for s in signs), code


@pytest.mark.parametrize("risk", sorted(INFECTION_RISKS))
def test_fever_with_any_risk_factor_is_a_same_day_sign(risk: str) -> None:
    """For a person with a known infection risk, fever is a same-day sign; without one it
    is a this-week sign; never both on the same sheet."""
    assert _tier(["infection_fever", risk]) == "same_day"
    with_risk = signs_for(validate_assessment({**CASES_BY_ID["demo-02"].data, "red_flags": [risk]}))
    fever = [s for s in with_risk if "infection_fever" in s.covers]
    assert [s.tier for s in fever] == ["same_day"]
    assert [s.tier for s in signs_for(None) if "infection_fever" in s.covers] == ["urgent"]


def test_after_cancer_the_signs_of_spread_are_same_day_for_the_cancer_team() -> None:
    a = validate_assessment({**CASES_BY_ID["demo-02"].data, "red_flags": ["cancer_history"]})
    cancer = [s for s in signs_for(a) if s.covers & {"cancer_weight_loss", "cancer_non_mechanical"}]
    assert {(s.tier, s.place) for s in cancer} == {("same_day", "oncology")}
    text = all_text(build_handout(a, recommend(a), OPTIONS))
    assert "call your cancer team today" in text


def test_sign_tiers_are_only_those_the_screens_give() -> None:
    """No sign claims a tier its features cannot reach together."""
    people = [None, *(validate_assessment(c.data) for c in CASES)]
    for person in people:
        for sign in signs_for(person):
            # Each covered feature alone, or with one other feature of its own condition.
            reached = set()
            for code in sign.covers:
                condition = FEATURES[code].condition
                mates = [f for f in FEATURES.values() if f.condition == condition]
                reached.add(_tier([code]))
                reached |= {_tier([code, m.code]) for m in mates}
            assert sign.tier in reached, sign.words


@settings(max_examples=200)
@given(st.one_of(unscreened_assessments, urgent_assessments, same_day_assessments))
def test_each_warning_sign_is_in_exactly_one_tier_of_the_box(a: Assessment) -> None:
    """A feature is covered by signs of one tier only, in the box this person gets, and
    each sign's words appear once ("feel very unwell" was in two tiers)."""
    [box] = [b for s in build_handout(a, recommend(a), OPTIONS).sections for b in s.blocks
             if isinstance(b, HelpBox)]  # fmt: skip
    shown = [sign for group in box.groups for sign in group.signs]
    assert len(shown) == len(set(shown))
    tiers: dict[str, set[str]] = {}
    for sign in signs_for(a):
        for code in sign.covers:
            tiers.setdefault(code, set()).add(sign.tier)
    assert all(len(t) == 1 for t in tiers.values()), tiers
    event(f"fever is {tiers['infection_fever'].pop()}")


def test_the_box_has_the_incomplete_cauda_equina_signs_and_chest_pain_at_rest() -> None:
    [box] = [b for s in build_handout(case("demo-02"), recommend(case("demo-02")), OPTIONS).sections
             for b in s.blocks if isinstance(b, HelpBox)]  # fmt: skip
    groups = {g.heading: g for g in box.groups}
    now = groups["Go to hospital now if:"]
    today = groups["See a doctor today if:"]
    week = groups["See a doctor in the next few days if:"]

    assert now.warning
    text = " ".join(now.signs)
    for words in ("hard to start", "flow is weak", "strain", "when you wipe", "foot drags"):
        assert words in text
    assert "Chest pain or tightness while you are resting: call 000 for an ambulance" in text
    assert any("faint" in s for s in today.signs)
    assert any("fall" in s for s in groups["Go to hospital today if:"].signs)
    assert any("out of breath" in s for s in week.signs)


# --- page 1 ---------------------------------------------------------------------------

SAFETY_NET = [
    c.id for c in CASES if Flag.RED_FLAG_SAFETY_NET in recommend(validate_assessment(c.data)).flags
]


@pytest.mark.parametrize("case_id", SAFETY_NET)
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_safety_net_decision_shows_the_warning_signs_on_page_1(case_id: str, paper: str) -> None:
    """Flare handouts had the box on their last page, the very ones that need it most."""

    a = case(case_id)
    options = replace(OPTIONS, paper=paper, issued=None, review=None)
    first = page_texts(render(build_handout(a, recommend(a), options)))[0]

    assert "Warning signs:" in first or "Go to hospital now if:" in first
    assert "go to hospital now" in first.lower()


def test_the_strip_is_only_for_the_safety_net() -> None:
    for c in CASES:
        a = validate_assessment(c.data)
        rec = recommend(a)
        handout = build_handout(a, rec, OPTIONS)
        assert bool(handout.strip) == (Flag.RED_FLAG_SAFETY_NET in rec.flags), c.id


# --- what this person's history adds ------------------------------------------------


@pytest.mark.parametrize("pregnant", [False, True])
@pytest.mark.parametrize("surgery", [False, True])
def test_pregnancy_and_recent_surgery_add_their_signs(pregnant: bool, surgery: bool) -> None:
    data = {**CASES_BY_ID["demo-02"].data, "pregnant_or_postpartum": pregnant,
            "spinal_surgery_within_6_months": surgery}  # fmt: skip
    a = validate_assessment(data)
    text = all_text(build_handout(a, recommend(a), OPTIONS))

    assert ("maternity unit" in text) is pregnant
    assert ("Your wound gets red, hot, swollen" in text) is surgery


# --- the clinic's own words -----------------------------------------------------------


@pytest.mark.parametrize("case_id", [c.id for c in CASES])
def test_a_family_doctor_clinic_never_prints_gp(case_id: str) -> None:
    a = case(case_id)
    options = HandoutOptions(doctor="family doctor", emergency="911")
    rec = recommend(a)
    text = all_text(build_handout(a, rec, options))

    assert not re.search(r"\bGP\b", text)
    if rec.referral is not None:
        facts = referral_facts(a, rec, options)
        assert not re.search(r"\bGP\b", facts.told)


def test_the_emergency_number_is_printed_wherever_an_ambulance_is_named() -> None:
    for c in CASES:
        a = validate_assessment(c.data)
        handout = build_handout(a, recommend(a), HandoutOptions(emergency="112"))
        text = " ".join(section.text() for section in handout.sections)  # not the headings
        for sentence in re.split(r"(?<=[.:])\s", text):
            if "ambulance" in sentence and "crew" not in sentence:
                assert "112" in sentence, (c.id, sentence)


def test_without_an_emergency_number_the_sheet_still_says_to_call_for_an_ambulance() -> None:
    a = case("demo-24")
    text = all_text(build_handout(a, recommend(a), HandoutOptions()))

    assert "Call the emergency number for an ambulance now" in text


# --- one fact, one wording, on every sheet -------------------------------------------

mixed = st.one_of(
    programme_assessments,
    unscreened_assessments,
    step_back_assessments,
    emergency_assessments,
    same_day_assessments,
    urgent_assessments,
)


@settings(max_examples=80, deadline=None)
@given(mixed, st.integers(min_value=1, max_value=60))
def test_no_sheet_states_a_dose_tier_or_date_the_card_and_summary_do_not(
    a: Assessment, days: int
) -> None:
    """Over generated patients aimed at every decision and tier: the handout's dose, next
    step, resume dose, review date and referral tier are the recommendation's own, and the
    card and the clinician summary say the same."""

    rec = recommend(a)
    issued = date(2026, 12, 2)
    review = issued + timedelta(days=days)
    options = replace(OPTIONS, issued=issued, review=review)
    handout = build_handout(a, rec, options)
    text = all_text(handout)
    summary = " ".join(page_texts(summary_file(a, options, rec)))
    event(f"decision {rec.decision.value}")

    assert f"Your next visit is on {review_words(review)}." in handout.intro
    boxes = [b for s in handout.sections for b in s.blocks if isinstance(b, DoseBox)]
    if rec.next_dose is None:
        assert boxes == []
    else:
        words = describe_dose(rec.next_dose)
        assert words in summary
        assert rec.cards[0].detail and (
            words in rec.cards[0].detail or rec.decision is Decision.MODERATE_FLARE
        )
        [box] = boxes
        w, m = rec.next_dose.walks_per_week, rec.next_dose.minutes_per_walk
        if w is not None:
            lead = f"{w.min} walk" if w.min == w.max else f"{w.min} to {w.max} walks"
            assert box.lines[0].startswith(lead)
        assert box.lines[1].startswith(
            f"{m.min} minute" if m.min == m.max else f"{m.min} to {m.max} minutes"
        )
        plan = project(a, rec)
        step = re.search(r"step up to (\d+ walks? a week of \d+ minutes?)", text)
        if step:
            event("states a next step")
            assert len(plan.weeks) > 1
            assert step.group(1) == walks_words(plan.weeks[1].walks, plan.weeks[1].minutes)
    if rec.resume_dose is not None:
        event("states a resume dose")
        r = rec.resume_dose
        assert describe_dose(r) in summary
        assert f"go back to {walks_words(r.walks_per_week.min, r.minutes_per_walk.min)}" in text  # type: ignore[union-attr]
    if rec.decision in REFERRAL_DECISIONS:
        assert rec.referral is not None
        event(f"referral {rec.referral.urgency}")
        title = handout.sections[0].title
        screening = screen(a.red_flags, a.exercise_screen)
        assert title in (referral_title(rec.decision, screening), "Call an ambulance now")
        assert URGENCY_WORDS[rec.referral.urgency] in summary
        assert letter_title(rec).startswith(
            {"emergency": "Emergency", "same_day": "Same-day", "urgent": "Urgent"}[
                rec.referral.urgency
            ]
        )
    assert medicines_named(text) == []


# --- two pages where the content fits ------------------------------------------------


@pytest.mark.parametrize(
    "case_id",
    [
        c.id
        for c in CASES
        if c.expected in PROGRAMME_DECISIONS
        and recommend(validate_assessment(c.data)).referral is None
    ],
)
def test_a_review_handout_of_the_walking_plan_fits_two_a4_pages(case_id: str) -> None:
    """The plan, the flare-up plan and the warning signs: no third, mostly blank page."""

    a = case(case_id)
    options = replace(OPTIONS, sections=REVIEW_SECTIONS)
    pages = page_texts(render(build_handout(a, recommend(a), options)))

    assert len(pages) <= 2, case_id


@pytest.mark.parametrize("case_id", [c.id for c in CASES])
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("review", [False, True])
def test_no_handout_ends_on_a_page_of_a_few_lines(case_id: str, paper: str, review: bool) -> None:
    """A third page was mostly blank: a last page holds more than a tail of the box."""
    a = case(case_id)
    sections = REVIEW_SECTIONS if review else OPTIONS.sections
    options = replace(OPTIONS, paper=paper, urgent_line="13 14 50", sections=sections)
    pages = page_texts(render(build_handout(a, recommend(a), options)))
    if len(pages) > 1:
        body = pages[-1].split("Harbourside Physio ·")[0]
        assert len(body.split()) >= 60, (case_id, body)
