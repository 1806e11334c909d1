"""The weekly plan projection, the what-if alternatives and the teaching helpers."""

from __future__ import annotations

import altair
import pytest

from walkback_rules import RULES, Decision, recommend, validate_assessment
from walkback_rules.charts import history_spec, plan_spec, plan_table, trial_spec
from walkback_rules.plan import NO_PLAN, project
from walkback_rules.teaching.cases import CASES, DemoCase
from walkback_rules.teaching.lessons import rule_rows
from walkback_rules.whatif import what_would_change

from .conftest import flare, make_assessment, walking


def plan_for(**overrides: object):  # type: ignore[no-untyped-def]
    a = make_assessment(**overrides)
    return project(a, recommend(a))


def test_start_reaches_target_in_week_8() -> None:
    """From 3 × 5 minutes: 4, 5 walks, then 5 minutes more a week until 30: week 8."""

    plan = plan_for(walking=walking(0, 0, None))

    assert [(w.walks, w.minutes) for w in plan.weeks] == [
        (3, 5), (4, 5), (5, 5), (5, 10), (5, 15), (5, 20), (5, 25), (5, 30)
    ]  # fmt: skip
    assert plan.target_week == 8 and plan.now is None


def test_progress_plan_starts_at_the_new_dose() -> None:
    """The plan's first week is the recommended dose; week 0 is the current one."""

    plan = plan_for(walking=walking(4, 10))

    assert (plan.now.walks, plan.now.minutes) == (4, 10)  # type: ignore[union-attr]
    assert (plan.weeks[0].walks, plan.weeks[0].minutes) == (5, 10)
    assert plan.weeks[-1].target_met and plan.target_week == len(plan.weeks)


def test_target_already_met() -> None:
    """A dose at the target is a one-week plan that says keep it up."""

    plan = plan_for(walking=walking(5, 30))

    assert plan.target_week == 1 and "keep it up" in plan.note


def test_duration_limited_plan_levels_off() -> None:
    """Frequency-only progression stops at 7 walks and says the target is out of reach."""

    plan = plan_for(walking=walking(5, 10), walking_tolerance="duration_limited")

    assert [w.walks for w in plan.weeks] == [6, 7]
    assert plan.target_week is None and "levels off at 7 walks of 10 minutes" in plan.note


@pytest.mark.parametrize("decision", list(NO_PLAN))
def test_no_plan_says_why(decision: Decision) -> None:
    """Referral, flare and other no-dose decisions explain why there is no plan."""

    patients = {
        Decision.EMERGENCY_REFERRAL: {"red_flags": ["ces_saddle"]},
        Decision.SAME_DAY_REFERRAL: {"exercise_screen": ["fainting_on_exertion"]},
        Decision.URGENT_REFERRAL: {"red_flags": ["infection_fever"]},
        Decision.OUT_OF_SCOPE: {"age": 12},
        Decision.SEVERE_FLARE: {"flare": flare("severe", 9)},
        Decision.MODERATE_FLARE: {"flare": flare("moderate", 5)},
        Decision.ALTERNATIVE_EXERCISE: {"prefers_other_exercise": True},
    }

    plan = plan_for(**patients[decision])

    assert plan.weeks == () and plan.note == NO_PLAN[decision]


def test_plan_table_and_chart() -> None:
    """The table has the current dose first; the charts build valid Vega-Lite."""

    plan = plan_for(walking=walking(4, 10))
    rows = plan_table(plan)

    assert rows[0]["Week"] == "Now" and rows[1]["Week"] == "1"
    for spec in (plan_spec(plan), trial_spec()):
        # The app draws the plain spec; Vega-Lite's own schema checks it here, once.
        altair.Chart.from_dict(spec, validate=True)
    assert "week 5" in plan_spec(plan)["description"]  # 4 × 10 now: 5 × 10, 5 × 15 … 5 × 30
    assert "No programme 112 days" in trial_spec()["description"]


def test_the_history_chart_says_its_facts_in_words() -> None:
    visits = [
        {"Date": "2026-01-05", "Decision": "Start", "Planned walking": "3 × 10 min",
         "Flare": "none"},
        {"Date": "2026-01-19", "Decision": "Hold", "Planned walking": "3 × 10 min",
         "Flare": "mild"},
    ]  # fmt: skip
    weeks = [
        {"Week of": "2026-01-05", "Walks": 3, "Reported minutes": 30, "Worst pain": 4},
        {"Week of": "2026-01-12", "Walks": 2, "Reported minutes": 20, "Worst pain": 6},
    ]

    words = history_spec(visits, weeks)["description"]

    assert "2 consultations: 2026-01-05 Start" in words
    assert "Flare-ups: 2026-01-19 (mild)." in words
    assert "20 to 30 minutes a week reported, worst pain 4 to 6 out of 10" in words
    altair.Chart.from_dict(history_spec(visits, weeks), validate=True)


def test_whatif_lists_nearest_changes_by_rerunning_rules() -> None:
    """A held dose after a settled rise: 'had pain not risen' leads to PROGRESS."""

    a = make_assessment(
        walking=walking(5, 15),
        last_progression={"pain_increased": True, "settled_within_24h": True},
    )

    alternatives = what_would_change(a)
    by_decision = {alt.decision: alt for alt in alternatives}

    assert recommend(a).decision == Decision.HOLD
    assert str(by_decision[Decision.PROGRESS]) == (
        "had pain not risen after the last step: Step up (5 × 20 min)"
    )
    assert Decision.HOLD not in by_decision
    assert len(alternatives) <= 6
    assert [alt.distance for alt in alternatives] == sorted(alt.distance for alt in alternatives)


@pytest.mark.parametrize(
    "overrides",
    [
        {"red_flags": ["fracture_major_trauma"]},
        {"red_flags": ["ces_saddle"]},
        {"exercise_screen": ["chest_pain_on_exertion"]},
    ],
)
def test_whatif_never_offers_unticking_a_finding(overrides: dict[str, object]) -> None:
    """For a referral nothing is offered: the finding is confirmed, never unticked here."""

    assert what_would_change(make_assessment(**overrides)) == []


def test_whatif_never_offers_findings_screens_self_harm_or_age() -> None:
    """Outside a referral too, the changes offered are never facts to confirm."""

    for a in (
        make_assessment(red_flags=["cancer_history"], self_harm_concern=True),
        make_assessment(age=16),
        make_assessment(red_flags=["axspa_gate", "axspa_buttock", "axspa_family",
                                   "axspa_psoriasis", "axspa_arthritis"]),
    ):  # fmt: skip
        for alt in what_would_change(a, limit=20):
            assert not any(w in alt.change for w in ("red flag", "age ", "self-harm", "cancer"))


def test_whatif_outcome_wording() -> None:
    """Outcomes read as a decision with its dose, or the decision alone."""

    alternatives = {a.decision: a for a in what_would_change(make_assessment())}

    assert alternatives[Decision.SEVERE_FLARE].outcome == "Severe flare care"
    assert alternatives[Decision.MODERATE_FLARE].outcome == (
        "Moderate flare care (walks of 2–5 min as tolerated)"
    )


def test_rule_rows_search_every_word() -> None:
    """Searching keeps rules that contain every word, in any column."""

    assert len(rule_rows(RULES)) == 42
    assert [r["id"] for r in rule_rows(RULES, "PHQ")] == ["WB-F31"]
    assert [r["id"] for r in rule_rows(RULES, "flare severe")][:1] == ["WB-R19"]


@pytest.mark.parametrize(
    ("overrides", "change", "decision"),
    [
        ({"red_flags": ["ces_saddle"]}, "without: numbness or altered feeling", Decision.PROGRESS),
        (
            {"exercise_screen": ["chest_pain_on_exertion"]},
            "without: chest pain, pressure or tightness brought on by exertion",
            Decision.PROGRESS,
        ),
    ],
    ids=["emergency", "same day"],
)
def test_teaching_whatif_may_leave_a_finding_out(
    overrides: dict[str, object], change: str, decision: Decision
) -> None:
    """For teaching, leaving out a finding is a change like any other: the lesson is that the
    finding decides."""

    alternatives = what_would_change(make_assessment(**overrides), findings=True)

    assert any(alt.change.startswith(change) and alt.decision == decision for alt in alternatives)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_no_nearest_change_is_an_age(case: DemoCase) -> None:
    """Nobody can change their age: no age, in or out of the programme, is offered."""
    a = validate_assessment(case.data)

    offered = what_would_change(a, findings=True) + what_would_change(a)

    assert not [alt.change for alt in offered if "aged" in alt.change or "age " in alt.change]


def test_the_pain_chart_keeps_its_0_to_10_scale_without_diary_weeks() -> None:
    """Visits alone, each with a pain of 0, drew an axis of one value ("0.000000")."""
    visits = [{"Date": "2026-01-05", "Decision": "Start", "Planned walking": "3 × 10 min",
               "Flare": "none", "Pain at visit": 0}]  # fmt: skip
    spec = history_spec(visits, [])

    def pain_scales(view: dict[str, object]) -> list[object]:
        found = []
        for layer in view.get("layer", []) + view.get("vconcat", []):  # type: ignore[operator]
            found += pain_scales(layer)
        y = view.get("encoding", {}).get("y", {})  # type: ignore[union-attr]
        if isinstance(y, dict) and y.get("field") == "Pain at visit":
            found.append(y.get("scale"))
        return found

    assert pain_scales(spec) == [{"domain": [0, 10]}]
    altair.Chart.from_dict(spec, validate=True)
