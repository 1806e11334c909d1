"""Hypothesis strategies: valid 2.1 assessments, aimed at each decision and each tier.

A property only checks something when its antecedent is reached, so besides assessments
drawn from the whole input space of spec §2 there are strategies that land on each
screen tier and each programme decision often. `reached` counts what was generated.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import strategies as st

from walkback_rules import Assessment, validate_assessment
from walkback_rules.core.codes import (
    ADHERENCE,
    EXERCISE_ITEMS,
    FLARE_LEVELS,
    LEG_SYMPTOMS,
    RED_FLAG_FEATURES,
    WALKING_TOLERANCES,
)
from walkback_rules.core.models import NOT_ASKED_IN_AN_EMERGENCY, reaches_emergency
from walkback_rules.core.screens import (
    AXSPA_CRITERIA,
    CANCER_OTHERS,
    CES,
    INFECTION_RISKS,
    NEURO,
)

# What the generated cases reached, by name: the properties report and bound these.
reached: Counter[str] = Counter()

MONITOR_SINGLES = (
    *sorted(INFECTION_RISKS),
    "cancer_history",
    *sorted(CANCER_OTHERS),
    "fracture_deformity",
    "fracture_eased_lying",
)


def _features(draw: st.DrawFn, pool: tuple[str, ...] | frozenset[str], most: int) -> list[str]:
    return draw(st.lists(st.sampled_from(sorted(pool)), unique=True, max_size=most))


# Red-flag sets that land on each tier: an emergency, fever with a risk factor, urgent
# combinations, a routine axSpA referral, one monitor feature, or a random mix.
_EMERGENCY = st.one_of(
    st.sampled_from(sorted(CES | NEURO | {"vascular_aneurysm"})).map(lambda c: [c]),
    st.sampled_from(sorted(CES | NEURO)).map(lambda c: ["cancer_history", c]),
)
# One condition at urgent, each way the screens reach it (§3.1).
_URGENT_INFECTION = st.one_of(
    st.just(["infection_fever"]),
    st.lists(st.sampled_from(sorted(INFECTION_RISKS)), min_size=2, max_size=3, unique=True),
)
_URGENT_MALIGNANCY = st.lists(
    st.sampled_from(sorted(CANCER_OTHERS)), min_size=2, max_size=3, unique=True
)
_URGENT_FRACTURE = st.one_of(
    st.just(["fracture_fragility"]), st.just(["fracture_deformity", "fracture_eased_lying"])
)
_URGENT = st.one_of(_URGENT_INFECTION, _URGENT_MALIGNANCY, _URGENT_FRACTURE)
# Two different conditions at urgent: together a same-day concern (§3.3).
_TWO_URGENT = st.one_of(
    st.tuples(_URGENT_INFECTION, _URGENT_MALIGNANCY).map(lambda p: p[0] + p[1]),
    st.tuples(_URGENT_INFECTION, _URGENT_FRACTURE).map(lambda p: p[0] + p[1]),
    st.tuples(_URGENT_MALIGNANCY, _URGENT_FRACTURE).map(lambda p: p[0] + p[1]),
)
_SAME_DAY = st.one_of(
    st.sampled_from(sorted(INFECTION_RISKS)).map(lambda r: ["infection_fever", r]),
    st.sampled_from(sorted(CANCER_OTHERS)).map(lambda c: ["cancer_history", c]),
    st.just(["fracture_major_trauma"]),
    _TWO_URGENT,
)
_ROUTINE = st.lists(
    st.sampled_from(sorted(AXSPA_CRITERIA)), min_size=4, max_size=9, unique=True
).map(lambda c: ["axspa_gate", *c])
_AXSPA_3 = st.lists(
    st.sampled_from(sorted(AXSPA_CRITERIA)), min_size=3, max_size=3, unique=True
).map(lambda c: ["axspa_gate", *c])
_MONITOR = st.sampled_from(MONITOR_SINGLES).map(lambda c: [c])
red_flag_sets = st.one_of(
    st.just([]),
    st.just([]),
    _EMERGENCY,
    _SAME_DAY,
    _URGENT,
    _TWO_URGENT,
    _ROUTINE,
    _AXSPA_3,
    _MONITOR,
    st.lists(st.sampled_from(RED_FLAG_FEATURES), unique=True, max_size=4),
)
exercise_sets = st.one_of(
    st.just([]),
    st.just([]),
    st.just([]),
    st.lists(st.sampled_from(EXERCISE_ITEMS), unique=True, max_size=2),
)


@st.composite
def assessment_dicts(
    draw: st.DrawFn,
    *,
    red_flags: Any = red_flag_sets,
    exercise: Any = exercise_sets,
    adult: bool | None = None,
    calm: bool = False,
    left_out: bool = True,
) -> dict[str, Any]:
    """JSON-shaped assessments satisfying every constraint of spec §2.

    `calm` draws no flare and no pain (the programme decisions); `adult` fixes the age band.
    """
    visit = draw(st.sampled_from(("initial", "review", "review")))
    review = visit == "review"
    walks = draw(st.one_of(st.just(0), st.integers(1, 7), st.integers(0, 14)))
    minutes = (
        0
        if walks == 0
        else draw(st.one_of(st.sampled_from((5, 10, 25, 30, 50)), st.integers(1, 240)))
    )
    if calm:
        level, pain, usual, days = "none", 0, draw(st.one_of(st.none(), st.integers(0, 3))), None
    else:
        level = draw(st.sampled_from(FLARE_LEVELS))
        pain = draw(st.integers(0, 10))
        usual = draw(st.one_of(st.none(), st.integers(0, 10)))
        days = (
            draw(st.one_of(st.none(), st.integers(0, 120)))
            if level == "none"
            else draw(st.integers(0, 120))
        )
    if adult is None:
        age = draw(st.one_of(st.integers(16, 90), st.integers(0, 120)))
    else:
        age = draw(st.integers(16, 120)) if adult else draw(st.integers(0, 15))
    data: dict[str, Any] = {
        "age": age,
        "visit": visit,
        "previous_episodes": draw(st.one_of(st.integers(0, 6), st.integers(0, 1000))),
        "episode_weeks": draw(st.one_of(st.none(), st.integers(0, 20), st.integers(0, 520))),
        "usual_pain": usual,
        "flare": {"level": level, "pain_now": pain, "days_since_onset": days},
        "walking": {
            "walks_per_week": walks,
            "minutes_per_walk": minutes,
            "weeks_at_current_dose": draw(
                st.one_of(st.none(), st.integers(0, 3), st.integers(0, 520))
            ),
        },
        "red_flags": draw(red_flags),
        "exercise_screen": draw(exercise),
        "self_harm_concern": draw(st.sampled_from((False, False, False, True))),
        "phq2": draw(st.one_of(st.none(), st.integers(0, 6))),
        "walking_tolerance": draw(st.sampled_from(("full", "full", *WALKING_TOLERANCES))),
        "prefers_other_exercise": draw(st.sampled_from((False, False, False, True))),
        "other_exercise_minutes_per_week": draw(st.sampled_from((0, 0, 60, 150, 2000))),
        "leg_symptoms": draw(st.sampled_from(LEG_SYMPTOMS)),
        "stable_neuro_deficit": draw(st.booleans()),
        "neurogenic_claudication": draw(st.booleans()),
        "pregnant_or_postpartum": draw(st.sampled_from((False, False, True))),
        "spinal_surgery_within_6_months": draw(st.sampled_from((False, False, True))),
        "falls_last_year": draw(st.booleans()),
    }
    if draw(st.booleans()):
        distress = draw(st.integers(0, 5))
        data["startback"] = {
            "total": draw(st.integers(distress, min(9, distress + 4))),
            "distress": distress,
        }
    if review:
        data["baseline_walks_per_week"] = draw(st.one_of(st.none(), st.integers(0, 14)))
        data["returning_after_flare"] = draw(st.sampled_from((False, False, True)))
        data["adherence"] = draw(st.sampled_from((None, None, *ADHERENCE)))
        data["new_lower_limb_pain"] = draw(st.sampled_from((False, False, False, True)))
        if walks > 0 and draw(st.booleans()):
            increased = draw(st.booleans())
            previous = None
            if draw(st.booleans()) and (walks > 1 or minutes > 1):
                before_w = draw(st.integers(1, walks))
                before_m = draw(st.integers(1, minutes))
                if (before_w, before_m) != (walks, minutes):
                    previous = {"walks_per_week": before_w, "minutes_per_walk": before_m}
            data["last_progression"] = {
                "pain_increased": increased,
                "settled_within_24h": draw(st.booleans()) if increased else None,
                "previous_dose": previous,
            }
    if left_out and reaches_emergency(data["red_flags"], data["exercise_screen"]):
        # An emergency needs only what decides it (§2): leave out what it does not read.
        for key in NOT_ASKED_IN_AN_EMERGENCY:
            if draw(st.booleans()):
                del data[key]
                if key == "walking":
                    data.pop("last_progression", None)
    return data


assessments = assessment_dicts().map(validate_assessment)
# Adults with nothing ticked in either screen and no flare: the programme decisions.
programme_assessments = assessment_dicts(
    red_flags=st.just([]), exercise=st.just([]), adult=True, calm=True
).map(validate_assessment)
# Adults with nothing ticked, any flare: flare care and the flare decisions.
unscreened_assessments = assessment_dicts(
    red_flags=st.just([]), exercise=st.just([]), adult=True
).map(validate_assessment)
# Each tier on purpose.
emergency_assessments = assessment_dicts(red_flags=_EMERGENCY).map(validate_assessment)
# Emergencies with every answer given, to compare with the same screens and answers left out.
emergency_dicts = assessment_dicts(red_flags=_EMERGENCY, left_out=False)
same_day_assessments = assessment_dicts(red_flags=_SAME_DAY, exercise=st.just([])).map(
    validate_assessment
)
two_urgent_assessments = assessment_dicts(red_flags=_TWO_URGENT, exercise=st.just([])).map(
    validate_assessment
)
urgent_assessments = assessment_dicts(red_flags=_URGENT, exercise=st.just([])).map(
    validate_assessment
)
monitor_only_assessments = assessment_dicts(red_flags=_MONITOR, exercise=st.just([])).map(
    validate_assessment
)
extra_features = st.sampled_from(RED_FLAG_FEATURES + EXERCISE_ITEMS)


def as_assessment(data: dict[str, Any]) -> Assessment:
    return validate_assessment(data)


def _steady(d: dict[str, Any]) -> dict[str, Any]:
    """A review of a walking adult with no flare, nothing ticked and nothing to hold for."""
    d = {**d, "visit": "review", "red_flags": [], "exercise_screen": [], "age": max(d["age"], 16)}
    d["flare"] = {"level": "none", "pain_now": 0, "days_since_onset": None}
    d["usual_pain"] = None
    d["prefers_other_exercise"] = False
    if d["walking_tolerance"] == "not_tolerated":
        d["walking_tolerance"] = "full"
    walking = dict(d["walking"])
    if walking["walks_per_week"] == 0:
        walking["walks_per_week"], walking["minutes_per_walk"] = 1, 5
    if walking["weeks_at_current_dose"] == 0:
        walking["weeks_at_current_dose"] = 1
    d["walking"] = walking
    d.update(returning_after_flare=False, adherence=None, new_lower_limb_pain=False)
    d.setdefault("baseline_walks_per_week", None)
    d["last_progression"] = None
    return d


def _stepped(settled: bool | None) -> Any:
    """A steady review after a step up whose pain rose (settled or not), or did not rise."""

    def apply(d: dict[str, Any]) -> dict[str, Any]:
        d = _steady(d)
        w, m = d["walking"]["walks_per_week"], d["walking"]["minutes_per_walk"]
        previous = None
        if w > 1:
            previous = {"walks_per_week": w - 1, "minutes_per_walk": m}
        elif m > 5:
            previous = {"walks_per_week": w, "minutes_per_walk": m - 5}
        d["last_progression"] = {
            "pain_increased": settled is not None,
            "settled_within_24h": settled,
            "previous_dose": previous if d["walking"]["weeks_at_current_dose"] != 3 else None,
        }
        return d

    return apply


steady_assessments = assessment_dicts(left_out=False).map(_steady).map(validate_assessment)


def _long_walks(d: dict[str, Any]) -> dict[str, Any]:
    """A steady review of fewer than 5 walks longer than 30 minutes: the sharing step."""
    d = _steady(d)
    if d["walking_tolerance"] == "duration_limited":
        d["walking_tolerance"] = "full"
    walks = 1 + d["previous_episodes"] % 4
    minutes = 31 + (d["walking"]["minutes_per_walk"] * 7) % 210
    d["walking"] = {**d["walking"], "walks_per_week": walks, "minutes_per_walk": minutes}
    return d


# Steady reviews of 1 to 4 walks of 31 to 240 minutes: most of them share the week's
# minutes over one more walk (those already at 150 minutes a week from 3 walks are kept).
long_walk_assessments = assessment_dicts(left_out=False).map(_long_walks).map(validate_assessment)
step_back_assessments = (
    assessment_dicts(left_out=False).map(_stepped(False)).map(validate_assessment)
)
settled_assessments = assessment_dicts(left_out=False).map(_stepped(True)).map(validate_assessment)


def _flared(d: dict[str, Any]) -> dict[str, Any]:
    """The same case, walking, in a severe or a moderate flare."""
    d = dict(d)
    if d["walking"]["walks_per_week"] == 0:
        d["walking"] = {**d["walking"], "walks_per_week": 3, "minutes_per_walk": 10}
    if d["walking_tolerance"] == "not_tolerated":
        d["walking_tolerance"] = "full"
    d["usual_pain"] = None
    pain = 5 if d["previous_episodes"] % 3 == 0 else 8  # two in three severe
    d["flare"] = {
        "level": "severe" if pain == 8 else "moderate",
        "pain_now": pain,
        "days_since_onset": 2,
    }
    return d


# Walking adults with nothing ticked, in a severe or moderate flare.
flare_assessments = (
    assessment_dicts(red_flags=st.just([]), exercise=st.just([]), adult=True, left_out=False)
    .map(_flared)
    .map(validate_assessment)
)
