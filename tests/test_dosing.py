"""Spec §4: pain bands, the implied and effective level, chronic, the target and the steps."""

from __future__ import annotations

import pytest

from walkback_rules.core.dosing import (
    Dose,
    band_range,
    can_progress,
    chronic,
    effective_level,
    implied_level,
    pain_band,
    progression_step,
    step_back,
    target_met,
)


@pytest.mark.parametrize(
    ("pain", "band"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_pain_band(pain: int, band: str) -> None:
    """0 none, 1–3 mild, 4–6 moderate, 7–10 severe."""

    assert pain_band(pain) == band


def test_band_range() -> None:
    """Bands read as clinicians write them."""

    assert [band_range(b) for b in ("none", "mild", "moderate", "severe")] == [  # type: ignore[arg-type]
        "0",
        "1–3",
        "4–6",
        "7–10",
    ]
    with pytest.raises(ValueError, match="extreme"):
        band_range("extreme")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pain", "usual", "implied"),
    [
        (5, 5, "none"),  # usual 5 and now 5 is no flare
        (7, 5, "mild"),  # usual 5 and now 7 is mild
        (9, 2, "severe"),  # usual 2 and now 9 is severe
        (3, 6, "none"),  # below usual counts as no rise
        (7, None, "severe"),  # usual not asked counts as 0
        (6, 0, "moderate"),
        (1, None, "mild"),
    ],
)
def test_implied_level_is_the_rise_above_usual_pain(
    pain: int, usual: int | None, implied: str
) -> None:
    """A flare is judged against the person's usual state."""

    assert implied_level(pain, usual) == implied


@pytest.mark.parametrize(
    ("entered", "implied", "used", "mismatch"),
    [
        ("none", "mild", "none", False),  # one band apart: the entry stands
        ("none", "moderate", "moderate", True),  # two apart: the more severe
        ("none", "severe", "severe", True),
        ("severe", "mild", "severe", True),  # the entry is the more severe, and stands
        ("severe", "moderate", "severe", False),
        ("mild", "severe", "severe", True),
        ("moderate", "none", "moderate", True),
        ("mild", "none", "mild", False),
    ],
)
def test_effective_level(entered: str, implied: str, used: str, mismatch: bool) -> None:
    """Two or more bands apart: the more severe is used and the mismatch is raised."""

    assert effective_level(entered, implied) == (used, mismatch)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("episode_weeks", "flare_days", "expected"),
    [
        (11, None, False),
        (12, None, True),
        (None, 83, False),  # 11 whole weeks
        (None, 84, True),  # 12 whole weeks
        (0, 83, False),
        (None, None, False),
        (13, 2, True),
    ],
)
def test_chronic(episode_weeks: int | None, flare_days: int | None, expected: bool) -> None:
    """Chronic at 12 weeks of episode or flare: 11|12 weeks and 83|84 days."""

    assert chronic(episode_weeks, flare_days) is expected


@pytest.mark.parametrize(
    ("dose", "met"),
    [
        (Dose(5, 30), True),
        (Dose(5, 29), False),
        (Dose(4, 30), False),
        (Dose(3, 50), True),  # 3 walks and 150 minutes
        (Dose(3, 49), False),
        (Dose(2, 75), False),  # 150 minutes but only 2 walks
        (Dose(2, 150), True),  # 300 minutes
        (Dose(2, 149), False),
        (Dose(2, 240), True),
        (Dose(1, 240), False),
        (Dose(14, 22), True),  # 308 minutes
        (Dose(0, 0), False),
    ],
)
def test_target_met(dose: Dose, met: bool) -> None:
    """5 × 30; or 3+ walks and 150 minutes; or 300 minutes a week."""

    assert target_met(dose) is met


@pytest.mark.parametrize(
    ("dose", "tolerance", "expected"),
    [
        (Dose(4, 10), "full", True),
        (Dose(5, 30), "full", False),
        (Dose(6, 10), "duration_limited", True),
        (Dose(7, 10), "duration_limited", False),
        (Dose(7, 10), "full", True),
        (Dose(7, 25), "duration_limited", False),
    ],
)
def test_can_progress(dose: Dose, tolerance: str, expected: bool) -> None:
    """Can progress: the target is not met and not duration-limited at 7 or more walks."""

    assert can_progress(dose, tolerance) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("dose", "tolerance", "after"),
    [
        (Dose(1, 5), "full", Dose(2, 5)),
        (Dose(4, 10), "full", Dose(5, 10)),
        (Dose(5, 10), "full", Dose(5, 15)),
        (Dose(5, 25), "full", Dose(5, 30)),
        (Dose(5, 28), "full", Dose(5, 30)),  # never above 30
        (Dose(5, 35), "full", Dose(5, 35)),  # already above 30: kept
        (Dose(8, 10), "full", Dose(8, 15)),
        (Dose(6, 10), "duration_limited", Dose(7, 10)),
        (Dose(7, 10), "duration_limited", Dose(7, 10)),  # never above 7
        (Dose(9, 10), "duration_limited", Dose(9, 10)),
        (Dose(4, 30), "full", Dose(5, 30)),  # 30 minutes: a walk is added, not shared
        (Dose(3, 40), "full", Dose(4, 30)),  # 120 minutes over 4 walks, never below 30
        (Dose(1, 150), "full", Dose(2, 75)),  # the week's minutes shared (§4)
        (Dose(2, 75), "full", Dose(3, 50)),
        (Dose(3, 45), "full", Dose(4, 35)),  # 135 / 4 = 33.75, rounded up to 35
        (Dose(1, 40), "full", Dose(2, 30)),  # 20 each would be below 30
        (Dose(1, 31), "full", Dose(2, 30)),
        (Dose(4, 240), "full", Dose(5, 195)),  # 960 / 5 = 192, rounded up to 195
        (Dose(1, 150), "duration_limited", Dose(2, 150)),  # walk length limited: as before
    ],
)
def test_progression_step(dose: Dose, tolerance: str, after: Dose) -> None:
    """Walks first (to 5; only walks, to 7, when duration-limited), then 5 minutes to 30;
    walks longer than 30 minutes share the week's minutes over one more walk."""

    assert progression_step(dose, tolerance) == after  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("dose", "tolerance", "after"),
    [
        (Dose(5, 20), "full", Dose(5, 15)),
        (Dose(5, 11), "full", Dose(5, 6)),
        (Dose(5, 10), "full", Dose(4, 10)),
        (Dose(4, 30), "full", Dose(3, 30)),
        (Dose(1, 12), "full", Dose(1, 7)),
        (Dose(1, 8), "full", Dose(1, 5)),  # not below 5
        (Dose(1, 5), "full", Dose(1, 5)),
        (Dose(1, 3), "full", Dose(1, 3)),  # a walk under 5 minutes is kept as it is
        (Dose(6, 30), "duration_limited", Dose(5, 30)),
        (Dose(1, 30), "duration_limited", Dose(1, 30)),  # not below 1
    ],
)
def test_step_back(dose: Dose, tolerance: str, after: Dose) -> None:
    """One step back: never raises either number."""

    assert step_back(dose, tolerance) == after  # type: ignore[arg-type]
