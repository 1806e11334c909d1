"""One consultation, one set of facts: the card, the clinician summary, the patient's
sheet, the referral letter and the plan state the same dose, dose to resume, tier,
place and time, and review date; and no sheet holds two instructions that contradict
each other (a list of forbidden pairs).

Patients had been given contradicting instructions when two places worded the same fact:
"do not go for exercise walks" above "keep to your walking plan", a same-day sheet that
also reassured, "about 5 walks a week of 30 minutes" printed under 2 walks of 150.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from walkback_rules import Assessment, Decision, Flag, recommend
from walkback_rules.core.cards import (
    MSCC_COORDINATOR,
    SAME_DAY_WORDS,
    URGENCY_WORDS,
    describe_dose,
    mscc,
    referral_found,
    referral_where,
    same_day_places,
    walking_line,
)
from walkback_rules.core.dosing import Dose
from walkback_rules.core.models import FLARE_DECISIONS, REFERRAL_DECISIONS
from walkback_rules.core.screens import screen
from walkback_rules.handouts import HandoutOptions, build_handout, summary_file
from walkback_rules.handouts.content import (
    MSCC_TEXT,
    REFERRAL_TITLES,
    SAME_DAY_PLACE_TEXT,
    SAME_DAY_TITLES,
    DoseBox,
    review_words,
    walks_words,
)
from walkback_rules.handouts.letter import receiver, referral_facts
from walkback_rules.plan import project

from . import strategies as s
from .conftest import first_visit
from .test_handouts import all_text


def example_each(cases: tuple[Assessment, ...]) -> Any:
    """Hypothesis examples, one per case: checked on every run, before the drawn cases."""

    def apply(test: Any) -> Any:
        for case in cases:
            test = example(case)(test)
        return test

    return apply


ISSUED = date(2026, 12, 2)

# Two instructions that must never share a sheet: (one, the other, why).
FORBIDDEN_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("do not go for exercise walks", "keep to your walking plan", "stop walking, then walk"),
    ("do not go for exercise walks", "short walks of 2 to 5 minutes", "stop walking, then walk"),
    ("do not start the walking plan", "keep to your walking plan", "not started, then kept"),
    ("before you start the walking plan", "keep to your walking plan", "wait, then keep"),
    ("before you start the walking plan", "short walks of 2 to 5 minutes", "wait, then walk"),
    ("in the next few days, this week", "most often not serious", "urgent, then reassured"),
    ("do not go for exercise walks", "most often not serious", "same day, then reassured"),
    ("do not start the walking plan", "most often not serious", "emergency, then reassured"),
    ("walking is not tolerated", "short walks of 2 to 5 minutes can ease", "cannot walk"),
)
# Where the letter is addressed and what it says the person was told, by place.
LETTER_TEAMS = {
    "doctor": "urgent care doctor, today",
    "oncology": "acute oncology / MSCC team, within 24 hours",
    "trauma": "emergency department team, today",
}
LETTER_TOLD = {
    "doctor": "or urgent care) today",
    "oncology": "acute oncology / MSCC team within 24 hours",
    "trauma": "emergency department today for assessment and imaging",
}
# Never on any sheet: a diagnosis, or advice to rest.
NEVER = ("a nerve in your back that is upset", "rest more", "bed rest is fine")


def _options(rec: object) -> HandoutOptions:
    review_in = getattr(rec, "review_in_days", None)
    return HandoutOptions(
        clinic="Harbourside Physio",
        phone="02 9555 0123",
        patient="P-7K2QF9",
        issued=ISSUED,
        review=None if review_in is None else ISSUED + timedelta(days=review_in),
        emergency="000",
        clinician="Sam Lee",
    )


def _summary_text(a: Assessment, rec: object, options: HandoutOptions) -> str:
    data = summary_file(a, options, rec)  # type: ignore[arg-type]
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(p.extract_text() for p in pages).replace("\u00a0", " ")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _exact(span_min: int, span_max: int) -> bool:
    return span_min == span_max


# Each family drawn as often as the others: programme, flare, sharing, step back, and each
# referral tier (the counts are printed with --hypothesis-show-statistics).
CASES = st.sampled_from([
    s.programme_assessments,
    s.flare_assessments,
    s.long_walk_assessments,
    s.step_back_assessments,
    s.same_day_assessments,
    s.two_urgent_assessments,
    s.urgent_assessments,
    s.emergency_assessments,
    s.unscreened_assessments,
    s.steady_assessments,
    s.monitor_only_assessments,
]).flatmap(lambda family: family)  # fmt: skip


def _case(**changes: object) -> Assessment:
    return first_visit(age=60, **changes)


# Every place §3.3 names, always checked besides the generated cases.
PLACES = (
    _case(red_flags=["cancer_history", "cancer_non_mechanical"]),  # acute oncology / MSCC
    _case(red_flags=["fracture_major_trauma"]),  # emergency department today
    _case(red_flags=["infection_fever"], exercise_screen=["breathless_on_exertion"]),  # together
    _case(red_flags=["cancer_history", "neuro_foot_drop"]),  # the MSCC coordinator
    _case(red_flags=["cancer_history", "ces_bladder"], exercise_screen=["chest_pain_at_rest"]),
    _case(red_flags=["cancer_history", "cancer_age", "fracture_major_trauma"]),  # two places
    _case(
        walking={"walks_per_week": 1, "minutes_per_walk": 150, "weeks_at_current_dose": 2},
        visit="review",
    ),
)


@settings(max_examples=80, deadline=None)
@given(CASES)
@example_each(PLACES)
def test_card_summary_sheet_letter_and_plan_state_the_same_facts(a: Assessment) -> None:
    rec = recommend(a)
    options = _options(rec)
    card = rec.cards[0]
    card_text = _flat(card.summary + " " + card.detail)
    summary = _flat(_summary_text(a, rec, options))
    handout = build_handout(a, rec, options)
    sheet = _flat(all_text(handout))
    event(rec.decision.value)

    # The dose, worded once (cards.walking_line) on the card and the summary.
    label, words = walking_line(rec.decision, rec.next_dose)
    if rec.next_dose is not None:
        assert f"**{label}:** {words}." in card.detail
    assert _flat(f"{label}: {words}.") in summary
    boxes = [b for sec in handout.sections for b in sec.blocks if isinstance(b, DoseBox)]
    plan = project(a, rec)
    if rec.next_dose is not None and rec.next_dose.walks_per_week is not None:
        walks, minutes = rec.next_dose.walks_per_week, rec.next_dose.minutes_per_walk
        if boxes:
            box = " ".join(boxes[0].lines)
            assert f"{walks.min}" in box and f"{minutes.min}" in box
        first = plan.weeks[0]
        assert (first.walks, first.minutes) == (walks.min, minutes.min)
        top = first.top or (first.walks, first.minutes)
        assert top == (walks.max, minutes.max)
    elif rec.next_dose is None:
        assert not boxes and not plan.weeks

    # The dose to resume after a flare: card, summary and sheet alike.
    if rec.resume_dose is not None:
        resume = describe_dose(rec.resume_dose)
        assert resume in card.detail and _flat(resume) in summary
        assert rec.decision in FLARE_DECISIONS
        r = rec.resume_dose
        assert r.walks_per_week is not None
        assert walks_words(r.walks_per_week.min, r.minutes_per_walk.min) in sheet

    # The review date: the card's days, the sheet's date.
    if rec.review_in_days is not None:
        assert f"in {rec.review_in_days} days" in card.detail
        assert options.review is not None
        assert review_words(options.review) in sheet

    # The tier and where and when: card, summary, sheet and letter from one decision.
    referral = rec.referral
    if referral is not None:
        screened = screen(a.red_flags, a.exercise_screen)
        where = referral_where(referral.urgency, screened)
        found = referral_found(referral.urgency, screened)
        assert referral.reason == f"{found} {where}"
        if card.indicator == "critical":  # a referral decision: where and when come first
            assert card_text.index(_flat(where)) < card_text.index(_flat(found))
        else:
            assert _flat(referral.reason) in card_text
        assert URGENCY_WORDS[referral.urgency] in summary
        facts = referral_facts(a, rec, options)
        to = receiver(a, rec)
        screening = screen(a.red_flags, a.exercise_screen)
        if (
            rec.decision in REFERRAL_DECISIONS
            and handout.sections[0].title != "Call an ambulance now"
        ):
            title = handout.sections[0].title
            if referral.urgency == "same_day":
                places = same_day_places(screening)
                expected = SAME_DAY_TITLES[places[0]] if len(places) == 1 else "Get seen today"
                assert title == expected
            else:
                assert title == REFERRAL_TITLES[rec.decision]
        if referral.urgency == "same_day":
            for place in same_day_places(screening):
                assert SAME_DAY_WORDS[place][1:] in card_text
                assert LETTER_TEAMS[place] in to and LETTER_TOLD[place] in facts.told
                text = SAME_DAY_PLACE_TEXT[place].format(doctor=options.doctor)
                assert _flat(text) in sheet
            event(f"same day: {', '.join(same_day_places(screening))}")
        if referral.urgency == "emergency" and mscc(screening):
            assert MSCC_COORDINATOR in card_text
            assert "MSCC coordinator" in to and "MSCC coordinator" in facts.told
            assert MSCC_TEXT in sheet
            event("MSCC")

    # No sheet contradicts itself.
    lowered = sheet.lower()
    for one, other, why in FORBIDDEN_PAIRS:
        assert not (one in lowered and other in lowered), (why, one, other)
    for words_ in NEVER:
        assert words_ not in lowered, words_
    # Reassurance only beside a single weak feature noted, never on a referral's sheet.
    if "not serious" in lowered:
        assert Flag.RED_FLAG_FEATURES_NOTED in rec.flags
        assert rec.decision not in REFERRAL_DECISIONS
        event("reassured")


@settings(max_examples=120, deadline=None)
@given(CASES)
def test_the_goal_and_the_steps_are_worded_as_the_dose_is(a: Assessment) -> None:
    """ "5 walks a week of 30 minutes" is the goal's wording only when it is the dose; a
    step that shares the minutes says so; a step back that cannot lower the dose never
    says "step back to" the same dose; "until the next review" only for a kept dose."""
    rec = recommend(a)
    sheet = _flat(all_text(build_handout(a, rec, _options(rec))))
    card = rec.cards[0]
    dose = rec.next_dose
    exact = (
        dose is not None
        and dose.walks_per_week is not None
        and _exact(dose.walks_per_week.min, dose.walks_per_week.max)
        and _exact(dose.minutes_per_walk.min, dose.minutes_per_walk.max)
    )
    then = Dose(dose.walks_per_week.min, dose.minutes_per_walk.min) if exact and dose else None

    for claim in ("takes you to the goal of 5 walks", "reached the goal of 5 walks"):
        if claim in sheet:
            assert then == Dose(5, 30), (claim, then)
    if a.walking is not None and then is not None and rec.decision is Decision.PROGRESS:
        now = Dose(a.walking.walks_per_week, a.walking.minutes_per_walk)
        if then.walks == now.walks + 1 and then.minutes < now.minutes:
            assert "spread over one more" in card.detail
            event("sharing step")
    kept = a.walking is not None and then == Dose(
        a.walking.walks_per_week, a.walking.minutes_per_walk
    )
    if rec.decision is Decision.STEP_BACK and kept:
        assert not card.summary.startswith("Step back to")
        assert "already the smallest amount" in sheet
        event("step back kept")
    if "Until the next review" in card.detail:
        assert rec.decision is Decision.MAINTAIN
