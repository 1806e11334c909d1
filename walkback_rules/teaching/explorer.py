"""The what-if explorer's inputs: every field of the assessment as one control.

The page draws a widget per control and sets the value it reads with `Control.put`; a test
walks the same table, so no input can be on the page without reaching the rules. Here,
unlike on the consultation, a finding may be unticked: the lesson is that it wins.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..consultation.fields import FIELD, bounds
from ..consultation.form import (
    ADHERENCE_CHOICES,
    HISTORY_QUESTIONS,
    LAST_STEP_CHOICES,
    LEG_CHOICES,
    TOLERANCE_CHOICES,
    last_progression_for,
    plain,
    step_of,
)
from ..core.codes import ADHERENCE, FLARE_LEVELS, LEG_SYMPTOMS, VISITS, WALKING_TOLERANCES
from ..core.models import Assessment
from ..core.screens import CONDITION_INFO, EXERCISE_FEATURES, RED_FLAG_FEATURES
from ..core.validation import AssessmentError, validate_assessment

Data = dict[str, Any]
Kind = Literal["number", "optional", "scale", "choice", "switch", "features"]

# The explorer's groups, in the order the page shows them.
GROUPS: tuple[str, ...] = ("The person", "Flare and pain", "Walking", "Review", "Screens", "Mood")
# The review-only fields and their values at an initial visit (RULES_SPEC §2).
REVIEW_DEFAULTS: dict[str, Any] = {
    "baseline_walks_per_week": None,
    "last_progression": None,
    "returning_after_flare": False,
    "adherence": None,
    "new_lower_limb_pain": False,
}


def _get(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _put(data: Data, path: tuple[str, ...], value: Any) -> None:
    target = data
    for key in path[:-1]:
        if not isinstance(target.get(key), dict):
            target[key] = {}
        target = target[key]
    target[path[-1]] = value


@dataclass(frozen=True, slots=True)
class Control:
    """One input of the assessment: its label, its widget and where its value lives."""

    key: str
    label: str
    group: str
    kind: Kind
    path: tuple[str, ...]
    low: int = 0
    high: int = 0
    choices: Mapping[Any, str] = field(default_factory=dict)
    read: Callable[[Mapping[str, Any]], Any] | None = None  # when not simply the path
    write: Callable[[Data, Any], None] | None = None
    applies: Callable[[Mapping[str, Any]], bool] = lambda d: True  # else drawn disabled
    help: str | None = None
    default: Any = None  # the field's value when the data leaves it out (RULES_SPEC §2)

    def value(self, data: Mapping[str, Any]) -> Any:
        """The control's value in assessment data (a default when the field is left out)."""
        if self.read is not None:
            return self.read(data)
        value = _get(data, self.path)
        if value is None and self.default is not None:
            return self.default
        if value is None and self.kind == "switch":
            return False
        if value is None and self.kind == "features":
            return []
        return value

    def put(self, data: Data, value: Any) -> None:
        """Set the control's value in `data` (in place)."""
        if self.write is not None:
            self.write(data, value)
        else:
            _put(data, self.path, list(value) if self.kind == "features" else value)

    def words(self, value: Any) -> str:
        """A value as the trail says it."""
        if self.kind == "features":
            return f"{len(value)} ticked" if value else "none"
        if self.kind == "switch":
            return "yes" if value else "no"
        if self.choices:
            return str(self.choices.get(value, value))
        return "not asked" if value is None else str(value)


def _review(data: Mapping[str, Any]) -> bool:
    return data.get("visit") == "review"


def _stepped(data: Mapping[str, Any]) -> bool:
    return _review(data) and data.get("last_progression") is not None


def _write_visit(data: Data, visit: Any) -> None:
    # An initial visit has no review answers: they go back to their defaults, and the trail
    # names each one that changed, so nothing is lost without a word.
    data["visit"] = visit
    if visit == "initial":
        data.update(copy.deepcopy(REVIEW_DEFAULTS))


def _write_step(data: Data, step: Any) -> None:
    previous = (data.get("last_progression") or {}).get("previous_dose")
    data["last_progression"] = last_progression_for(step, previous)


def _previous(axis: str) -> tuple[Callable[[Mapping[str, Any]], Any], Callable[[Data, Any], None]]:
    def read(data: Mapping[str, Any]) -> Any:
        return _get(data, ("last_progression", "previous_dose", axis))

    def write(data: Data, value: Any) -> None:
        last = data.get("last_progression")
        if last is None:
            return  # drawn disabled: there is no step to have come from
        dose = dict(last.get("previous_dose") or {"walks_per_week": None, "minutes_per_walk": None})
        dose[axis] = value
        last["previous_dose"] = None if all(v is None for v in dose.values()) else dose

    return read, write


def _startback(axis: str) -> tuple[Callable[[Mapping[str, Any]], Any], Callable[[Data, Any], None]]:
    def read(data: Mapping[str, Any]) -> Any:
        return _get(data, ("startback", axis))

    def write(data: Data, value: Any) -> None:
        scores = dict(data.get("startback") or {"total": None, "distress": None})
        scores[axis] = value
        data["startback"] = None if all(v is None for v in scores.values()) else scores

    return read, write


def _feature_choices(features: tuple[Any, ...]) -> dict[str, str]:
    return {
        f.code: f"{CONDITION_INFO[f.condition].name.removeprefix('possible ').capitalize()}: "
        f"{f.wording[0].lower()}{f.wording[1:]}"
        for f in features
    }


_prev_walks, _prev_minutes = _previous("walks_per_week"), _previous("minutes_per_walk")
_sb_total, _sb_distress = _startback("total"), _startback("distress")
_P, _F, _W, _R, _S, _M = GROUPS

CONTROLS: tuple[Control, ...] = (
    Control("age", FIELD["age"].label, _P, "number", ("age",), *bounds("age")),
    Control(
        "visit",
        FIELD["visit"].label,
        _P,
        "choice",
        ("visit",),
        choices={v: "First visit" if v == "initial" else "Review" for v in VISITS},
        write=_write_visit,
        default="initial",
    ),
    Control(
        "previous_episodes",
        FIELD["previous_episodes"].label,
        _P,
        "number",
        ("previous_episodes",),
        *bounds("previous_episodes"),
    ),
    Control(
        "episode_weeks",
        FIELD["episode_weeks"].label,
        _P,
        "optional",
        ("episode_weeks",),
        *bounds("episode_weeks"),
    ),
    Control(
        "flare_level",
        "Flare level (the clinician's judgement)",
        _F,
        "choice",
        ("flare", "level"),
        choices={v: v.capitalize() for v in FLARE_LEVELS},
    ),
    Control(
        "pain_now",
        FIELD["pain_now"].prompt,
        _F,
        "scale",
        ("flare", "pain_now"),
        *bounds("flare.pain_now"),
    ),
    Control(
        "usual_pain",
        FIELD["usual_pain"].label,
        _F,
        "optional",
        ("usual_pain",),
        *bounds("usual_pain"),
    ),
    Control(
        "days_since_onset",
        FIELD["days_since_onset"].label,
        _F,
        "optional",
        ("flare", "days_since_onset"),
        *bounds("flare.days_since_onset"),
    ),
    Control(
        "walks",
        FIELD["walks_per_week"].label,
        _W,
        "number",
        ("walking", "walks_per_week"),
        *bounds("walking.walks_per_week"),
    ),
    Control(
        "minutes",
        FIELD["minutes_per_walk"].label,
        _W,
        "number",
        ("walking", "minutes_per_walk"),
        *bounds("walking.minutes_per_walk"),
    ),
    Control(
        "weeks",
        FIELD["weeks_at_current_dose"].label,
        _W,
        "optional",
        ("walking", "weeks_at_current_dose"),
        *bounds("walking.weeks_at_current_dose"),
        help="Left empty: not known, counted as at least a week.",
    ),
    Control(
        "tolerance",
        FIELD["walking_tolerance"].label,
        _W,
        "choice",
        ("walking_tolerance",),
        choices={v: TOLERANCE_CHOICES[v] for v in WALKING_TOLERANCES},
        default="full",
    ),
    Control(
        "prefers_other",
        FIELD["prefers_other_exercise"].label,
        _W,
        "switch",
        ("prefers_other_exercise",),
    ),
    Control(
        "other_minutes",
        FIELD["other_exercise_minutes_per_week"].label,
        _W,
        "number",
        ("other_exercise_minutes_per_week",),
        *bounds("other_exercise_minutes_per_week"),
        default=0,
    ),
    Control(
        "baseline",
        FIELD["baseline_walks_per_week"].label,
        _R,
        "optional",
        ("baseline_walks_per_week",),
        *bounds("baseline_walks_per_week"),
        applies=_review,
    ),
    Control(
        "last_step",
        FIELD["last_step"].label,
        _R,
        "choice",
        ("last_progression",),
        choices=LAST_STEP_CHOICES,
        read=lambda d: step_of(d.get("last_progression")),
        write=_write_step,
        applies=_review,
    ),
    Control(
        "previous_walks",
        FIELD["previous_walks"].label,
        _R,
        "optional",
        ("last_progression", "previous_dose", "walks_per_week"),
        *bounds("last_progression.previous_dose.walks_per_week"),
        read=_prev_walks[0],
        write=_prev_walks[1],
        applies=_stepped,
    ),
    Control(
        "previous_minutes",
        FIELD["previous_minutes"].label,
        _R,
        "optional",
        ("last_progression", "previous_dose", "minutes_per_walk"),
        *bounds("last_progression.previous_dose.minutes_per_walk"),
        read=_prev_minutes[0],
        write=_prev_minutes[1],
        applies=_stepped,
    ),
    Control(
        "returning",
        FIELD["returning_after_flare"].label,
        _R,
        "switch",
        ("returning_after_flare",),
        applies=_review,
    ),
    Control(
        "adherence",
        FIELD["adherence"].label,
        _R,
        "choice",
        ("adherence",),
        choices={None: ADHERENCE_CHOICES[None], **{v: ADHERENCE_CHOICES[v] for v in ADHERENCE}},
        applies=_review,
    ),
    Control(
        "new_limb_pain",
        FIELD["new_lower_limb_pain"].label,
        _R,
        "switch",
        ("new_lower_limb_pain",),
        applies=_review,
    ),
    Control(
        "red_flags",
        "Red-flag features",
        _S,
        "features",
        ("red_flags",),
        choices=_feature_choices(RED_FLAG_FEATURES),
    ),
    Control(
        "exercise_screen",
        "Exercise-safety screen",
        _S,
        "features",
        ("exercise_screen",),
        choices=_feature_choices(EXERCISE_FEATURES),
    ),
    Control(
        "legs",
        FIELD["leg_symptoms"].label,
        _S,
        "choice",
        ("leg_symptoms",),
        choices={v: LEG_CHOICES[v] for v in LEG_SYMPTOMS},
        default="none",
    ),
    *(Control(f, label, _S, "switch", (f,)) for f, label in HISTORY_QUESTIONS),
    Control("self_harm", "Concern about self-harm", _M, "switch", ("self_harm_concern",)),
    Control("phq2", "PHQ-2 total (0–6)", _M, "optional", ("phq2",), *bounds("phq2")),
    Control(
        "startback_total",
        FIELD["startback_total"].prompt,
        _M,
        "optional",
        ("startback", "total"),
        *bounds("startback.total"),
        read=_sb_total[0],
        write=_sb_total[1],
    ),
    Control(
        "startback_distress",
        "STarT Back distress (0–5)",
        _M,
        "optional",
        ("startback", "distress"),
        *bounds("startback.distress"),
        read=_sb_distress[0],
        write=_sb_distress[1],
    ),
)
CONTROLS_BY_KEY = {c.key: c for c in CONTROLS}


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What changed between two states, one phrase a control: "Pain now (0–10): 3 → 7"; a
    screen names what was ticked or unticked."""
    out: list[str] = []
    for c in CONTROLS:
        old, new = c.value(before), c.value(after)
        if old == new:
            continue
        if c.kind == "features":
            added = [c.choices[x] for x in new if x not in old]
            removed = [c.choices[x] for x in old if x not in new]
            out += [f"ticked {x}" for x in added] + [f"unticked {x}" for x in removed]
        else:
            out.append(f"{c.label}: {c.words(old)} → {c.words(new)}")
    return out


@dataclass(frozen=True, slots=True)
class Explored:
    """The explorer's state read by the rules: the assessment, or what is wrong, in words."""

    assessment: Assessment | None
    errors: tuple[str, ...]


def explore(data: Mapping[str, Any]) -> Explored:
    """Validate the explorer's data; errors are in plain words, never field paths."""
    try:
        return Explored(validate_assessment(dict(data)), ())
    except AssessmentError as exc:
        return Explored(None, tuple(dict.fromkeys(plain(str(e)) for e in exc.errors)))
