"""The Kaplan–Meier estimator against statsmodels' on generated cohorts (ties and
censoring included), and its own boundaries."""

from __future__ import annotations

import math
import random

import pytest

from walkback_rules.outcomes.survival import kaplan_meier

COHORTS = 300


def cohort(rng: random.Random) -> tuple[list[float], list[bool]]:
    """A cohort as a clinic's follow-up makes one: whole days (so ties), monthly check-ins
    (so many censorings at the same days), some cohorts with no events or all events."""
    n = rng.choice([1, 2, 3, 5, 10, 30, 80, 200])
    censoring = rng.choice([0.0, 0.2, 0.5, 0.8, 1.0])
    durations = [
        float(rng.choice([rng.randint(0, 400), 30 * rng.randint(0, 12)])) for _ in range(n)
    ]
    events = [rng.random() >= censoring for _ in range(n)]
    return durations, events


def test_it_agrees_with_statsmodels_on_generated_cohorts() -> None:
    import numpy as np
    from statsmodels.duration.survfunc import SurvfuncRight

    rng = random.Random(20261207)
    compared = {"cohorts": 0, "steps": 0, "medians reached": 0, "median intervals": 0}
    for _ in range(COHORTS):
        durations, events = cohort(rng)
        ours = kaplan_meier(durations, events)
        if not any(events):
            assert ours.steps == () and ours.median is None
            continue
        with np.errstate(all="ignore"):  # statsmodels takes log(0) where survival reaches 0
            theirs = SurvfuncRight(np.array(durations), np.array(events, dtype=float))
            median = theirs.quantile(0.5)
            lower, upper = theirs.quantile_ci(0.5, alpha=0.05, method="cloglog")
        compared["cohorts"] += 1

        assert [s.time for s in ours.steps] == list(theirs.surv_times)
        assert [s.at_risk for s in ours.steps] == list(theirs.n_risk)
        assert [s.events for s in ours.steps] == list(theirs.n_events)
        for step, p, se in zip(ours.steps, theirs.surv_prob, theirs.surv_prob_se, strict=True):
            assert abs(step.survival - p) <= 1e-9
            if math.isnan(se):
                assert step.se is None
            else:
                assert step.se is not None and abs(step.se - se) <= 1e-9
            compared["steps"] += 1

        exact_half = any(abs(p - 0.5) <= 1e-12 for p in theirs.surv_prob)
        if exact_half:  # floating point decides theirs; ours is exact (strictly below 1/2)
            compared["exact halves"] = compared.get("exact halves", 0) + 1
            first_below = next((s.time for s in ours.steps if s.survival < 0.5 - 1e-12), None)
            assert ours.median == first_below
        else:
            assert (ours.median is None) == bool(np.isnan(median))
            if ours.median is not None:
                assert ours.median == median
                compared["medians reached"] += 1
        if np.isnan(lower):
            assert ours.median_lower is None and ours.median_upper is None
        else:
            compared["median intervals"] += 1
            assert abs(ours.median_lower - lower) <= 1e-6  # type: ignore[operator]
            assert (ours.median_upper is None) == bool(np.isinf(upper))
            if ours.median_upper is not None:
                assert abs(ours.median_upper - upper) <= 1e-6
    print("\ncompared with statsmodels:", compared)

    assert compared["cohorts"] >= 200
    assert compared["medians reached"] >= 50 and compared["median intervals"] >= 50


def test_every_pointwise_interval_holds_its_estimate_and_stays_a_probability() -> None:
    rng = random.Random(7)
    checked = 0
    for _ in range(COHORTS):
        for step in kaplan_meier(*cohort(rng)).steps:
            if step.lower is None:
                assert step.upper is None and (step.se is None or step.survival in (0.0, 1.0))
                continue
            assert 0 <= step.lower <= step.survival <= step.upper <= 1  # type: ignore[operator]
            checked += 1
    print("\npointwise intervals checked:", checked)
    assert checked >= 1000


@pytest.mark.parametrize(
    ("durations", "events", "survival", "median"),
    [
        ([10, 20, 30, 40], [True, True, True, True], [0.75, 0.5, 0.25, 0.0], 30),
        # A censoring at an event's day is still at risk for it.
        ([10, 10, 20], [True, False, True], [2 / 3, 0.0], 20),
        ([5, 5, 5, 5], [False, False, False, False], [], None),
        ([0, 3], [True, False], [0.5], None),  # one half exactly is not below one half
    ],
)
def test_hand_worked_cohorts(
    durations: list[float], events: list[bool], survival: list[float], median: float | None
) -> None:
    curve = kaplan_meier(durations, events)

    assert [round(s.survival, 12) for s in curve.steps] == [round(v, 12) for v in survival]
    assert curve.median == median
    assert curve.subjects == len(durations) and curve.events == sum(events)


@pytest.mark.parametrize(
    ("durations", "events", "words"),
    [
        ([1, 2], [True], "one event flag for each duration"),
        ([-1], [True], "0 or more"),
        ([math.inf], [False], "finite"),
    ],
)
def test_bad_input_is_refused_in_words(
    durations: list[float], events: list[bool], words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        kaplan_meier(durations, events)


def test_survival_at_a_time_is_the_step_at_or_before_it() -> None:
    curve = kaplan_meier([10, 20, 30], [True, True, False])

    assert [curve.survival_at(t) for t in (0, 10, 15, 20, 100)] == pytest.approx(
        [1.0, 2 / 3, 2 / 3, 1 / 3, 1 / 3], abs=1e-12
    )
