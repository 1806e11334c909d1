"""Derived values of specification §4: pain bands, the flare level used, the target, steps.

Pure arithmetic on plain numbers; every threshold has a name.
"""

from __future__ import annotations

from typing import NamedTuple

from .codes import FLARE_LEVELS, FlareLevel, WalkingTolerance

# Numeric pain rating → band. The boundaries 0|1, 3|4 and 6|7 are tested.
PAIN_BANDS: tuple[tuple[int, int, FlareLevel], ...] = (
    (0, 0, "none"),
    (1, 3, "mild"),
    (4, 6, "moderate"),
    (7, 10, "severe"),
)
_BAND_OF_PAIN: tuple[FlareLevel, ...] = tuple(
    band for lo, hi, band in PAIN_BANDS for _ in range(lo, hi + 1)
)
_RANK = {level: rank for rank, level in enumerate(FLARE_LEVELS)}
MISMATCH_BANDS = 2  # entered level and implied level this many bands apart: the worse one

TARGET_WALKS = 5  # WalkBack: about 5 walks a week of 30 minutes
TARGET_MINUTES = 30
TARGET_MIN_WALKS_FOR_WEEKLY = 3  # 150 minutes a week counts from 3 walks a week
TARGET_WEEKLY_MINUTES = TARGET_WALKS * TARGET_MINUTES  # 150, also the WHO weekly minimum
WHO_UPPER_WEEKLY_MINUTES = 300  # above the WHO range: more is never asked
MAX_PROGRESSED_WALKS = 7
MINUTES_STEP = 5
MIN_STEP_BACK_MINUTES = 5
START_WALKS = (3, 4)
START_MINUTES = (5, 10)
MODERATE_FLARE_MINUTES = (2, 5)
CHRONIC_WEEKS = 12


class Dose(NamedTuple):
    """A walking dose: walks a week and minutes per walk."""

    walks: int
    minutes: int


def pain_band(pain: int) -> FlareLevel:
    """The band (none, mild, moderate, severe) of a 0–10 pain rating."""
    return _BAND_OF_PAIN[pain]


def band_range(band: FlareLevel) -> str:
    """The pain ratings of a band, as clinicians write them ("7–10")."""
    for lo, hi, name in PAIN_BANDS:
        if name == band:
            return str(lo) if lo == hi else f"{lo}–{hi}"
    raise ValueError(band)


def implied_level(pain_now: int, usual_pain: int | None) -> FlareLevel:
    """The band of the rise above the person's usual pain (unknown usual pain counts as 0)."""
    return _BAND_OF_PAIN[max(0, pain_now - (usual_pain or 0))]


def effective_level(entered: FlareLevel, implied: FlareLevel) -> tuple[FlareLevel, bool]:
    """The flare level the rules use, and whether the entry and the pain rating disagree.

    The entered level stands unless it and the implied level are two or more bands apart;
    then the more severe of the two is used, and the mismatch is raised either way.
    """
    a, b = _RANK[entered], _RANK[implied]
    if abs(a - b) >= MISMATCH_BANDS:
        return FLARE_LEVELS[max(a, b)], True
    return entered, False


def chronic(episode_weeks: int | None, flare_days: int | None) -> bool:
    """Whether the episode, or the flare, has lasted 12 weeks or more."""
    return max(episode_weeks or 0, (flare_days or 0) // 7) >= CHRONIC_WEEKS


def target_met(dose: Dose) -> bool:
    """Whether a dose reaches the WalkBack target (5 × 30, or 150 a week from 3 walks, or 300)."""
    walks, minutes = dose
    weekly = walks * minutes
    return (
        (walks >= TARGET_WALKS and minutes >= TARGET_MINUTES)
        or (walks >= TARGET_MIN_WALKS_FOR_WEEKLY and weekly >= TARGET_WEEKLY_MINUTES)
        or weekly >= WHO_UPPER_WEEKLY_MINUTES
    )


def capped(dose: Dose, tolerance: WalkingTolerance) -> bool:
    """Walk length is limited and the walks are already at their most (7 a week)."""
    return tolerance == "duration_limited" and dose.walks >= MAX_PROGRESSED_WALKS


def can_progress(dose: Dose, tolerance: WalkingTolerance) -> bool:
    """The target is not met and the dose is not capped."""
    return not target_met(dose) and not capped(dose, tolerance)


def shared(dose: Dose) -> Dose:
    """The week's minutes shared over one more walk: the smallest multiple of 5 minutes that
    keeps the week's total, and never under 30 (1 × 150 → 2 × 75, 3 × 45 → 4 × 35)."""
    walks, minutes = dose
    total = walks * minutes
    more = walks + 1
    share = -(-total // (more * MINUTES_STEP)) * MINUTES_STEP  # rounded up to a multiple of 5
    return Dose(more, max(TARGET_MINUTES, share))


def is_sharing_step(before: Dose, after: Dose) -> bool:
    """Whether a step up spread the same week over one more, shorter walk."""
    return after.walks == before.walks + 1 and after.minutes < before.minutes


def progression_step(dose: Dose, tolerance: WalkingTolerance) -> Dose:
    """One step up (§4): more walks first (or only, when walk length is limited), then longer.

    Walks longer than 30 minutes are not multiplied: the week's minutes are shared over one
    more walk. A step never lowers the walks or the week's total; only the sharing step
    lowers the minutes of a walk, and never below 30. Walks never go above 7 and minutes
    are never raised above 30.
    """
    walks, minutes = dose
    if tolerance == "duration_limited":
        return Dose(walks + 1 if walks < MAX_PROGRESSED_WALKS else walks, minutes)
    if walks < TARGET_WALKS and minutes <= TARGET_MINUTES:
        return Dose(walks + 1, minutes)
    if walks < TARGET_WALKS:
        return shared(dose)
    return Dose(walks, max(minutes, min(minutes + MINUTES_STEP, TARGET_MINUTES)))


def step_back(dose: Dose, tolerance: WalkingTolerance) -> Dose:
    """One step down, used when the dose before the last step up is not known.

    A step back never raises either number; a walk already under 5 minutes is kept.
    """
    walks, minutes = dose
    if tolerance == "duration_limited":
        return Dose(max(walks - 1, 1), minutes)
    if walks >= TARGET_WALKS and minutes > 10:
        return Dose(walks, minutes - MINUTES_STEP)
    if walks > 1:
        return Dose(walks - 1, minutes)
    if minutes < MIN_STEP_BACK_MINUTES:
        return dose
    return Dose(walks, max(minutes - MINUTES_STEP, MIN_STEP_BACK_MINUTES))
