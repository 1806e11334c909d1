"""Derived values of specification §3: pain bands, the effective flare level, and dose steps."""

from __future__ import annotations

from typing import NamedTuple

from .codes import FLARE_LEVELS, FlareLevel, WalkingTolerance

# Numeric pain rating → band. The boundaries 3|4 and 6|7 are tested.
PAIN_BANDS: tuple[tuple[int, int, FlareLevel], ...] = (
    (0, 0, "none"),
    (1, 3, "mild"),
    (4, 6, "moderate"),
    (7, 10, "severe"),
)
_BAND_OF_PAIN: tuple[FlareLevel, ...] = tuple(
    band for lo, hi, band in PAIN_BANDS for _ in range(lo, hi + 1)
)

TARGET_WALKS = 5
TARGET_MINUTES = 30
TARGET_WEEKLY_MINUTES = TARGET_WALKS * TARGET_MINUTES  # 150, the WHO weekly minimum too
MAX_PROGRESSED_WALKS = 7
MINUTES_STEP = 5
MIN_STEP_BACK_MINUTES = 5
START_WALKS = (3, 4)
START_MINUTES = (5, 10)
MODERATE_FLARE_MINUTES = (2, 5)


class Dose(NamedTuple):
    """A walking dose: walks a week and minutes per walk."""

    walks: int
    minutes: int


def pain_band(pain_now: int) -> FlareLevel:
    """The band (none, mild, moderate, severe) of a 0–10 pain rating."""
    return _BAND_OF_PAIN[pain_now]


def band_range(band: FlareLevel) -> str:
    """The pain ratings of a band, as clinicians write them ("7–10")."""
    for lo, hi, name in PAIN_BANDS:
        if name == band:
            return str(lo) if lo == hi else f"{lo}–{hi}"
    raise ValueError(band)


def effective_level(entered: FlareLevel, pain_now: int) -> tuple[FlareLevel, bool]:
    """The flare level the rules use, and whether the entry and the pain rating disagree.

    The entered level stands unless it and the pain band are two or more bands apart; then
    the more severe of the two is used and the mismatch is reported.
    """
    band = pain_band(pain_now)
    entered_rank, band_rank = FLARE_LEVELS.index(entered), FLARE_LEVELS.index(band)
    if abs(entered_rank - band_rank) >= 2:
        return FLARE_LEVELS[max(entered_rank, band_rank)], True
    return entered, False


def target_met(dose: Dose) -> bool:
    """Whether a dose reaches the WalkBack target of 5 walks of 30 minutes (or 150 a week)."""
    return (
        dose.walks >= TARGET_WALKS and dose.minutes >= TARGET_MINUTES
    ) or dose.walks * dose.minutes >= TARGET_WEEKLY_MINUTES


def progression_step(dose: Dose, tolerance: WalkingTolerance) -> Dose:
    """One step up: more walks first (or only, when walk length is limited), then longer walks."""
    walks, minutes = dose
    if tolerance == "duration_limited":
        return Dose(walks + 1 if walks < MAX_PROGRESSED_WALKS else walks, minutes)
    if walks < TARGET_WALKS:
        return Dose(walks + 1, minutes)
    if minutes < TARGET_MINUTES:
        return Dose(walks, min(minutes + MINUTES_STEP, TARGET_MINUTES))
    return dose


def step_back(dose: Dose, tolerance: WalkingTolerance) -> Dose:
    """One step down, used when the dose before the last step up is not known."""
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
