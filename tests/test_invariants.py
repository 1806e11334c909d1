"""Spec §9: the safety invariants as properties, each aimed at its decision or tier.

A property checks nothing on cases that never reach its antecedent, so each one counts
the generated cases that reached it and fails if fewer than a quarter did (a run over the
whole input space beside an aimed one reports its count without a floor). The counts are
printed at the end of the run (see `conftest.pytest_terminal_summary`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkback_rules import (
    Assessment,
    Decision,
    decide,
    recommend,
)
from walkback_rules.core.dosing import Dose, progression_step, step_back
from walkback_rules.core.models import (
    NOT_ASKED_IN_AN_EMERGENCY,
    PROGRAMME_DECISIONS,
    REFERRAL_DECISIONS,
    NextDose,
)
from walkback_rules.core.rules import derive
from walkback_rules.core.screens import screen
from walkback_rules.core.validation import AssessmentError, validate_assessment

from . import strategies as s
from .medicines import medicines_named

REACH: dict[str, tuple[int, int]] = {}  # property → (cases that reached it, cases run)
RANK = {None: 0, "routine": 1, "urgent": 2, "same_day": 3, "emergency": 4}


def reaches(
    name: str, strategy: Any, prop: Callable[[Assessment], bool], share: float = 0.25
) -> None:
    """Run `prop` over `strategy`; it returns whether its antecedent held for the case, and
    at least `share` of the cases must reach it."""
    counts = [0, 0]

    @given(strategy)
    def run(a: Assessment) -> None:
        counts[1] += 1
        if prop(a):
            counts[0] += 1

    run()
    REACH[name] = (counts[0], counts[1])
    floor = int(settings().max_examples * share)
    assert counts[0] >= floor, f"{name}: only {counts[0]} of {counts[1]} cases reached it"


def _exact(dose: NextDose | None) -> Dose:
    assert dose is not None and dose.walks_per_week is not None
    assert dose.walks_per_week.min == dose.walks_per_week.max
    assert dose.minutes_per_walk.min == dose.minutes_per_walk.max
    return Dose(dose.walks_per_week.min, dose.minutes_per_walk.min)


def _current(a: Assessment) -> Dose:
    assert a.walking is not None  # only an emergency leaves the walking out
    return Dose(a.walking.walks_per_week, a.walking.minutes_per_walk)


def test_1_emergency_shows_nothing_but_itself() -> None:
    """1. An emergency tier: EMERGENCY_REFERRAL, no doses, no flare care, no review."""

    def prop(a: Assessment) -> bool:
        if screen(a.red_flags, a.exercise_screen).combined != "emergency":
            return False
        d = decide(a)
        assert d.decision is Decision.EMERGENCY_REFERRAL
        assert (d.next_dose, d.resume_dose, d.review_in_days) == (None, None, None)
        assert (d.ice_or_heat, d.medication_discussion) == (False, False)
        assert set(d.flags) <= {"SELF_HARM_CONCERN"}
        return True

    reaches("1 emergency", s.emergency_assessments, prop)


def test_2_same_day_and_urgent_refer_with_no_dose() -> None:
    """2. A same-day or urgent combined tier: its referral decision, no doses, no review."""

    def prop(a: Assessment) -> bool:
        tier = screen(a.red_flags, a.exercise_screen).combined
        if tier not in ("same_day", "urgent"):
            return False
        rec = recommend(a)
        expected = {"same_day": Decision.SAME_DAY_REFERRAL, "urgent": Decision.URGENT_REFERRAL}
        assert rec.decision is expected[tier]
        assert (rec.next_dose, rec.resume_dose, rec.review_in_days) == (None, None, None)
        assert rec.referral is not None and rec.referral.urgency == tier
        return True

    reaches("2 same day or urgent", st.one_of(s.same_day_assessments, s.urgent_assessments), prop)


def test_2_two_urgent_conditions_are_a_same_day_referral() -> None:
    """2. Two or more conditions at urgent and none higher: SAME_DAY_REFERRAL, and each
    condition keeps its own tier."""

    def prop(a: Assessment) -> bool:
        screening = screen(a.red_flags, a.exercise_screen)
        urgent = [t for t in screening.tiers if t.tier == "urgent"]
        if screening.highest != "urgent" or len(urgent) < 2:
            return False
        rec = recommend(a)
        assert rec.decision is Decision.SAME_DAY_REFERRAL
        assert rec.referral is not None and rec.referral.urgency == "same_day"
        assert set(rec.referral.conditions) == {t.condition for t in urgent}
        assert "Several concerns together" in rec.referral.reason
        return True

    reaches("2 two urgent conditions", s.two_urgent_assessments, prop)


def test_3_referral_exactly_when_a_condition_reaches_routine() -> None:
    """3. referral null ⇔ nothing at routine or above; a referral decision ⇔ above routine."""

    def prop(a: Assessment) -> bool:
        screening = screen(a.red_flags, a.exercise_screen)
        rec = recommend(a)
        top = screening.combined
        if top in (None, "monitor"):
            assert rec.referral is None
            assert rec.decision not in REFERRAL_DECISIONS
            return False
        assert rec.referral is not None and rec.referral.urgency == top
        assert (rec.decision in REFERRAL_DECISIONS) is (top != "routine")
        return True

    reaches("3 referral iff routine or above", s.assessments, prop)


def test_4_ticking_a_feature_never_lowers_the_urgency() -> None:
    """4. Adding a red-flag feature or an exercise-screen item never lowers the urgency."""

    def prop(case: tuple[Assessment, str]) -> bool:
        a, code = case
        data = a.model_dump(mode="json", exclude_unset=True)
        field = "exercise_screen" if code in s.EXERCISE_ITEMS else "red_flags"
        if code in data[field]:
            return False
        data[field] = [*data[field], code]
        before = decide(a).urgency
        after = decide(s.as_assessment(data)).urgency
        assert RANK[after] >= RANK[before]
        return True

    reaches("4 never lowers", st.tuples(s.assessments, s.extra_features), prop)  # type: ignore[arg-type]


def test_5_a_single_monitor_feature_is_noted_not_referred() -> None:
    """5. One monitor feature alone: no referral, RED_FLAG_FEATURES_NOTED."""

    def prop(a: Assessment) -> bool:
        if len(a.red_flags) != 1 or a.exercise_screen:
            return False
        rec = recommend(a)
        assert rec.referral is None
        assert "RED_FLAG_FEATURES_NOTED" in rec.flags
        return True

    reaches("5 single monitor feature", s.monitor_only_assessments, prop)


def _texts(a: Assessment) -> list[str]:
    rec = recommend(a)
    texts = [c.summary for c in rec.cards] + [c.detail for c in rec.cards]
    texts += [t.reason for t in rec.trace] + [t.title for t in rec.trace]
    if rec.referral is not None:
        texts.append(rec.referral.reason)
    return texts


def test_6_pain_relief_talk_only_in_a_severe_flare_and_no_medicine_named() -> None:
    """6. medication_discussion ⇔ severe and not an emergency or out of scope; no medicine."""

    def prop(a: Assessment) -> bool:
        d = decide(a)
        severe = derive(a).level == "severe"
        withheld = d.decision in (Decision.EMERGENCY_REFERRAL, Decision.OUT_OF_SCOPE)
        assert d.medication_discussion is (severe and not withheld)
        assert [m for t in _texts(a) for m in medicines_named(t)] == []
        return d.medication_discussion

    reaches("6 pain-relief talk", st.one_of(s.unscreened_assessments, s.flare_assessments), prop)


def test_7_progress_only_when_safe_and_by_exactly_one_step() -> None:
    """7. PROGRESS never in a flare, after a pain rise, at 0 weeks, back from a flare, below
    plan, with new lower-limb pain, not walking, preferring other exercise, under 16, or above
    a routine tier; it changes the dose by exactly one step."""

    def prop(a: Assessment) -> bool:
        d = decide(a)
        if d.decision is not Decision.PROGRESS:
            return False
        last = a.last_progression
        assert derive(a).level == "none"
        assert last is None or not last.pain_increased
        assert a.walking.weeks_at_current_dose != 0
        assert not a.returning_after_flare and not a.new_lower_limb_pain
        assert a.adherence != "less_than_planned"
        assert a.walking_tolerance != "not_tolerated" and not a.prefers_other_exercise
        assert a.age >= 16 and d.urgency in (None, "routine")
        now = _current(a)
        assert _exact(d.next_dose) == progression_step(now, a.walking_tolerance) != now
        return True

    # Steady reviews land on PROGRESS two times in three; every other case, drawn from the
    # whole input space (flares, pain rises, referrals…), must never be a PROGRESS.
    reaches("7 progress", s.steady_assessments, prop)
    reaches("7 progress, whole input space", s.assessments, prop, share=0)


def test_8_only_step_back_lowers_and_hold_and_maintain_keep() -> None:
    """8. Of the programme decisions only STEP_BACK lowers the dose, and it never raises one;
    PROGRESS never lowers the walks or the week's total, and lowers the minutes of a walk
    only when it shares them over one more walk, never below 30."""

    def prop(a: Assessment) -> bool:
        d = decide(a)
        if d.decision not in PROGRAMME_DECISIONS or d.decision is Decision.START:
            return False
        now, then = _current(a), _exact(d.next_dose)
        if d.decision is Decision.STEP_BACK:
            assert then.walks <= now.walks and then.minutes <= now.minutes
        elif d.decision is Decision.PROGRESS:
            _never_lower(now, then)
        else:
            assert then.walks >= now.walks and then.minutes >= now.minutes
        if d.decision in (Decision.HOLD, Decision.MAINTAIN):
            assert then == now
        return True

    reaches(
        "8 programme doses",
        st.one_of(s.steady_assessments, s.step_back_assessments, s.settled_assessments),
        prop,
    )


def _never_lower(now: Dose, then: Dose) -> None:
    assert then.walks >= now.walks
    assert then.walks * then.minutes >= now.walks * now.minutes
    if then.minutes < now.minutes:  # the sharing step, and only it
        assert then.walks == now.walks + 1 and then.minutes >= 30


def test_8_the_sharing_step_never_lowers_the_walks_or_the_weeks_total() -> None:
    """8. Fewer than 5 walks longer than 30 minutes: one more walk sharing the week's
    minutes (1 × 150 → 2 × 75), never fewer walks, never a smaller week, never under 30."""

    def prop(a: Assessment) -> bool:
        d = decide(a)
        now = _current(a)
        if d.decision is not Decision.PROGRESS or not (now.walks < 5 and now.minutes > 30):
            return False
        then = _exact(d.next_dose)
        _never_lower(now, then)
        assert (then.walks == now.walks + 1 and then.minutes < now.minutes) or now.minutes <= 30
        return True

    reaches("8 sharing step", s.long_walk_assessments, prop)


def test_9_progression_never_beyond_7_walks_or_30_minutes() -> None:
    """9. A step up never takes walks above 7 or minutes above 30; above them, kept."""

    def prop(a: Assessment) -> bool:
        d = decide(a)
        if d.decision is not Decision.PROGRESS:
            return False
        now, then = _current(a), _exact(d.next_dose)
        assert then.walks <= max(7, now.walks) and then.minutes <= max(30, now.minutes)
        return True

    reaches("9 progression caps", s.steady_assessments, prop)


def test_10_resume_dose_never_above_the_current_dose() -> None:
    """10. resume_dose is on neither axis above the current dose; for a moderate flare after
    an unsettled step with previous_dose given, it is previous_dose; for a severe flare it is
    one step back from what a moderate flare would resume at (so never above it)."""

    def prop(a: Assessment) -> bool:
        d = decide(a)
        if d.resume_dose is None:
            return False
        now, resume = _current(a), _exact(d.resume_dose)
        assert resume.walks <= now.walks and resume.minutes <= now.minutes
        moderate = _exact(decide(_as_moderate(a)).resume_dose)
        if d.decision is Decision.SEVERE_FLARE:
            assert resume == step_back(moderate, a.walking_tolerance)
            assert resume.walks <= moderate.walks and resume.minutes <= moderate.minutes
            return True
        last = a.last_progression
        if (
            last is not None
            and last.pain_increased
            and last.settled_within_24h is False
            and last.previous_dose is not None
        ):
            previous = last.previous_dose
            assert resume == Dose(previous.walks_per_week, previous.minutes_per_walk)
        return True

    reaches("10 resume dose", s.flare_assessments, prop)


def _as_moderate(a: Assessment) -> Assessment:
    """The same walking answers in a moderate flare."""
    data = a.model_dump(mode="json", exclude_unset=True)
    data["flare"] = {"level": "moderate", "pain_now": 5, "days_since_onset": 2}
    data["usual_pain"] = None
    return s.as_assessment(data)


def test_10_the_severe_resume_dose_is_a_graded_return() -> None:
    """10. Severe flares on purpose: the resume dose is never above the moderate one."""

    def prop(a: Assessment) -> bool:
        d = decide(a)
        if d.decision is not Decision.SEVERE_FLARE or d.resume_dose is None:
            return False
        severe = _exact(d.resume_dose)
        moderate = _exact(decide(_as_moderate(a)).resume_dose)
        assert severe.walks <= moderate.walks and severe.minutes <= moderate.minutes
        return True

    reaches("10 severe resume dose", s.flare_assessments, prop)


def test_12_an_emergency_needs_only_what_decides_it() -> None:
    """12. Leaving out previous_episodes, flare or walking in an emergency gives the same
    output as giving any valid values for them; without an emergency it is an error."""

    def prop(data: dict[str, Any]) -> bool:
        full = s.as_assessment(data)
        short = {k: v for k, v in data.items() if k not in NOT_ASKED_IN_AN_EMERGENCY}
        short.pop("last_progression", None)
        assert recommend(s.as_assessment(short)) == recommend(full)
        quiet = {**short, "red_flags": [], "exercise_screen": []}
        with pytest.raises(AssessmentError) as told:
            validate_assessment(quiet)
        fields = {e.field for e in told.value.errors}
        assert fields >= set(NOT_ASKED_IN_AN_EMERGENCY)
        return True

    reaches("12 emergency with answers left out", s.emergency_dicts, prop)
