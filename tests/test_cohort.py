"""The clinic's recurrence curve beside the trial: which people it counts, what it says of
the comparison, and the worked estimate of the events still needed."""

from __future__ import annotations

import math
import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkback_rules.core.evidence import TRIAL_ARMS
from walkback_rules.outcomes.chart import at_risk_rows, curve_rows, curve_spec, curve_words
from walkback_rules.outcomes.cohort import (
    Filters,
    Member,
    chosen,
    compare,
    events_to_separate,
    teaching_cohort,
)
from walkback_rules.outcomes.followup import Outcome


def _people(n: int, median: float, seed: int = 1, follow: int = 730) -> list[Member]:
    """`n` people with recurrences at a steady rate around `median` days, followed up to
    `follow` days."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        t = rng.expovariate(math.log(2) / median)
        outcome = Outcome(int(t), True, i % 2 == 0) if t <= follow else Outcome(follow, False)
        out.append(
            Member(
                f"P{i}", date(2025, 1, 1), "A" if i % 3 else "B", i % 4 == 0, i % 2 == 0, outcome
            )
        )
    return out


@pytest.mark.parametrize(
    ("n", "median", "verdict"),
    [
        (600, 210, "like_programme"),
        (600, 110, "like_no_programme"),
        (600, 500, "above"),
        (600, 50, "below"),
        (12, 160, "too_few"),
    ],
)
def test_the_verdict_follows_where_the_clinics_interval_lies(
    n: int, median: float, verdict: str
) -> None:
    comparison = compare(_people(n, median))
    assert comparison.verdict == verdict, comparison.words
    assert (comparison.events_needed is not None) == (verdict == "too_few")


def test_nobody_answered_yet_draws_no_curve() -> None:
    waiting = [Member("P1", date(2026, 1, 1), None, None, None, Outcome(None, False))]
    comparison = compare(waiting)

    assert comparison.curve is None and comparison.verdict == "none"
    assert comparison.discharged == 1 and comparison.followed == 0
    assert curve_rows(comparison) == [] and "No curve yet" in curve_words(comparison)


def test_no_recurrence_yet_cannot_be_compared_and_says_why() -> None:
    quiet = [
        Member(f"P{i}", date(2026, 1, 1), None, None, None, Outcome(60, False)) for i in range(5)
    ]
    comparison = compare(quiet)

    assert comparison.verdict == "too_few" and comparison.events_needed is None
    assert "cannot be estimated" in comparison.words


def test_a_handful_of_recurrences_gives_no_estimate() -> None:
    comparison = compare(_people(4, 143, follow=10_000))  # four recurrences, none censored

    assert comparison.verdict == "too_few" and comparison.events_needed is None
    assert "4 recurrences so far" in comparison.words


def test_the_words_state_the_estimate_as_an_estimate() -> None:
    comparison = compare(_people(12, 160))
    assert f"about {comparison.events_needed} more recurrence" in comparison.words
    assert "a guide, not a promise" in comparison.words


@pytest.mark.parametrize(
    ("median", "events", "more"),
    [
        # Between the arms at 145, it must clear the farther: ln(145/140) ≈ 0.0351 on the
        # log scale (ln(149/145) ≈ 0.0272 is nearer), so (1.96 / 0.0351)² ≈ 3,120 events.
        (145.0, 0, 3120),
        # At 208 (the programme's median) it must clear the other arm: ln(208/140) ≈ 0.396,
        # (1.96 / 0.396)² ≈ 24.5, so 25 events in all.
        (208.0, 10, 15),
        (208.0, 40, 1),  # already enough by the estimate: at least one more is still said
        (60.0, 0, 5),  # ln(89/60) ≈ 0.394: 25 events
    ],
)
def test_events_to_separate_as_worked(median: float, events: int, more: int) -> None:
    assert events_to_separate(median, events) == more


ABOVE = TRIAL_ARMS[0].ci_high + 1  # above both arms' intervals
BELOW = TRIAL_ARMS[1].ci_low - 1  # below both


@given(
    st.sampled_from([(ABOVE, 2000.0), (5.0, BELOW)]).flatmap(
        lambda span: st.tuples(st.floats(*span), st.floats(*span))
    ),
    st.integers(0, 500),
)
def test_a_median_farther_from_the_arms_needs_no_more_events(
    medians: tuple[float, float], events: int
) -> None:
    """Above both arms or below both (every draw is), moving the clinic's median farther
    from them never raises the events needed."""
    near, far = sorted(medians, key=lambda m: abs(math.log(m / 150)))
    assert events_to_separate(far, events) <= events_to_separate(near, events)


def test_filters_keep_the_people_asked_for() -> None:
    people = _people(60, 200)
    kept = chosen(
        people, Filters(clinicians=frozenset({"B"}), many_episodes=True, target_reached=True)
    )

    assert kept and all(m.clinician == "B" and m.many_episodes and m.target_reached for m in kept)
    assert chosen(people, Filters()) == people
    assert chosen(people, Filters(since=date(2025, 1, 2))) == []


def test_numbers_at_risk_are_those_still_followed_without_a_recurrence() -> None:
    people = [
        Member("P1", date(2025, 1, 1), None, None, None, Outcome(100, True)),
        Member("P2", date(2025, 1, 1), None, None, None, Outcome(200, False)),
        Member("P3", date(2025, 1, 1), None, None, None, Outcome(400, False)),
    ]
    (row,) = at_risk_rows(compare(people))
    assert row == {"Days since discharge": "Still followed", "0": 3, "90": 3, "180": 2,
                   "270": 1, "365": 1}  # fmt: skip


def test_the_teaching_set_is_the_same_every_time_and_shows_a_curve() -> None:
    first, again = teaching_cohort(), teaching_cohort()
    comparison = compare(first)

    assert first == again and len(first) == 160
    assert all(m.patient.startswith("Teaching ") for m in first)
    assert comparison.curve is not None and comparison.curve.median is not None
    spec = curve_spec(comparison)
    assert spec["description"].startswith("Chart of the share")
    assert spec["layer"][1]["data"]["values"][-1]["Days since discharge"] == comparison.longest
