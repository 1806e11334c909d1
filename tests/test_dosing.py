"""Derived values of spec §3: pain bands, effective level, target, and dose steps."""

from __future__ import annotations

import pytest

from walkback_rules.core.dosing import (
    Dose,
    band_range,
    effective_level,
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
    ids=[
        "0-none",
        "1-mild",
        "3-mild-top",
        "4-moderate-bottom",
        "6-moderate-top",
        "7-severe-bottom",
        "10",
    ],
)
def test_pain_band(pain: int, band: str) -> None:
    """Pain ratings fall in the bands 0 | 1–3 | 4–6 | 7–10."""

    assert pain_band(pain) == band


def test_band_range_names_the_ratings() -> None:
    """Each band names its ratings the way clinicians write them."""

    assert [band_range(b) for b in ("none", "mild", "moderate", "severe")] == [
        "0",
        "1–3",
        "4–6",
        "7–10",
    ]
    with pytest.raises(ValueError, match="extreme"):
        band_range("extreme")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entered", "pain", "expected"),
    [
        ("none", 3, ("none", False)),  # one band apart: entry stands
        ("none", 4, ("moderate", True)),  # two bands apart: more severe used
        ("none", 7, ("severe", True)),
        ("mild", 6, ("mild", False)),
        ("mild", 7, ("severe", True)),
        ("severe", 4, ("severe", False)),
        ("severe", 3, ("severe", True)),  # the entry is the more severe: kept, still flagged
        ("moderate", 0, ("moderate", True)),
        ("moderate", 10, ("moderate", False)),
    ],
)
def test_effective_level(entered: str, pain: int, expected: tuple[str, bool]) -> None:
    """The entered level stands unless two or more bands from the pain band; then the worse."""

    assert effective_level(entered, pain) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("dose", "met"),
    [
        (Dose(5, 30), True),
        (Dose(5, 29), False),
        (Dose(4, 30), False),
        (Dose(4, 37), False),  # 148 minutes a week
        (Dose(3, 50), True),  # 150 minutes a week
        (Dose(6, 25), True),
        (Dose(0, 0), False),
    ],
)
def test_target_met(dose: Dose, met: bool) -> None:
    """5 walks of 30 minutes, or 150 minutes a week, meets the target."""

    assert target_met(dose) is met


@pytest.mark.parametrize(
    ("dose", "tolerance", "expected"),
    [
        (Dose(4, 10), "full", Dose(5, 10)),  # more walks first
        (Dose(1, 5), "full", Dose(2, 5)),
        (Dose(5, 10), "full", Dose(5, 15)),  # then longer walks
        (Dose(5, 25), "full", Dose(5, 30)),  # the 30-minute cap reached
        (Dose(5, 27), "full", Dose(5, 30)),  # capped at 30, not 32
        (Dose(5, 30), "full", Dose(5, 30)),  # nothing left to step
        (Dose(8, 10), "full", Dose(8, 15)),  # walks above 7 kept as they are
        (Dose(4, 40), "full", Dose(5, 40)),  # minutes above 30 kept as they are
        (Dose(5, 10), "duration_limited", Dose(6, 10)),  # frequency only
        (Dose(6, 10), "duration_limited", Dose(7, 10)),
        (Dose(7, 10), "duration_limited", Dose(7, 10)),  # never above 7
        (Dose(9, 10), "duration_limited", Dose(9, 10)),  # above 7 kept, never raised
    ],
)
def test_progression_step(dose: Dose, tolerance: str, expected: Dose) -> None:
    """One step up adds a walk until 5, then 5 minutes until 30; frequency only when limited."""

    assert progression_step(dose, tolerance) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("dose", "tolerance", "expected"),
    [
        (Dose(5, 20), "full", Dose(5, 15)),  # at 5+ walks, shorter walks first
        (Dose(5, 11), "full", Dose(5, 6)),
        (Dose(5, 10), "full", Dose(4, 10)),  # 10 minutes or less: fewer walks
        (Dose(4, 20), "full", Dose(3, 20)),
        (Dose(2, 20), "full", Dose(1, 20)),
        (Dose(1, 20), "full", Dose(1, 15)),  # one walk: shorter
        (Dose(1, 7), "full", Dose(1, 5)),  # never below 5 minutes
        (Dose(1, 5), "full", Dose(1, 5)),
        (Dose(1, 3), "full", Dose(1, 3)),  # already shorter than 5: kept
        (Dose(6, 20), "duration_limited", Dose(5, 20)),
        (Dose(1, 20), "duration_limited", Dose(1, 20)),  # not below 1 walk
    ],
)
def test_step_back(dose: Dose, tolerance: str, expected: Dose) -> None:
    """One step back never raises either number and follows spec §3's order."""

    assert step_back(dose, tolerance) == expected  # type: ignore[arg-type]
