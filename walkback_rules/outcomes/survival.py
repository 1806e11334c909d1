"""The product-limit (Kaplan–Meier) estimate of time to an event, with Greenwood's
standard error, pointwise log-log intervals, and the median with its interval.

Written here rather than taken from lifelines, which pins pandas below 3. It follows the
conventions of `statsmodels.duration.survfunc.SurvfuncRight` (a development dependency,
against which `tests/test_survival.py` checks it on generated cohorts): the curve steps at
event times only; a subject censored at an event's time is still at risk for it; the
median is the first event time at which survival falls strictly below one half (as SAS;
decided in whole numbers, so a curve that reaches exactly one half never rounds below it);
and the median's interval inverts Z-tests on the complementary log-log scale
(Brookmeyer and Crowley), its limits being event times.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from statistics import NormalDist


@dataclass(frozen=True, slots=True)
class Step:
    """The curve at one event time: who was at risk just before it, how many had the event,
    the survival just after it, its standard error and its pointwise interval (None where
    the estimate is 0 or 1 and the log-log scale is undefined)."""

    time: float
    at_risk: int
    events: int
    survival: float
    se: float | None
    lower: float | None
    upper: float | None


@dataclass(frozen=True, slots=True)
class Curve:
    """A Kaplan–Meier curve, its median (None until survival falls below one half) and the
    median's interval (its upper limit None when it is unbounded, both None when no time
    is inside it)."""

    steps: tuple[Step, ...]
    subjects: int
    events: int
    median: float | None
    median_lower: float | None
    median_upper: float | None
    alpha: float

    def survival_at(self, t: float) -> float:
        """The estimated probability of no event by time `t`."""
        survival = 1.0
        for step in self.steps:
            if step.time > t:
                break
            survival = step.survival
        return survival


def kaplan_meier(durations: Sequence[float], events: Sequence[bool], alpha: float = 0.05) -> Curve:
    """The curve for subjects followed for `durations`, each ending in the event (True) or
    censored (False). Durations must be finite and not negative; the two sequences must be
    the same length."""
    if len(durations) != len(events):
        raise ValueError("durations and events: one event flag for each duration")
    if any(not math.isfinite(d) or d < 0 for d in durations):
        raise ValueError("durations: finite numbers of days, 0 or more")
    if not 0 < alpha < 1:
        raise ValueError("alpha: between 0 and 1")
    z = NormalDist().inv_cdf(1 - alpha / 2)
    ended = Counter(durations)
    happened = Counter(d for d, e in zip(durations, events, strict=True) if e)
    at_risk = len(durations)
    survival, greenwood = 1.0, 0.0
    exact = Fraction(1)  # the same product in whole numbers: a median at exactly one half
    median: float | None = None
    undefined = False  # once everyone at risk has had the event, the variance is undefined
    steps: list[Step] = []
    for time in sorted(ended):
        d = happened.get(time, 0)
        if d:
            survival *= 1 - d / at_risk
            exact *= Fraction(at_risk - d, at_risk)
            if median is None and exact < Fraction(1, 2):
                median = time
            if d == at_risk:
                undefined = True
            else:
                greenwood += d / (at_risk * (at_risk - d))
            se = None if undefined else survival * math.sqrt(greenwood)
            steps.append(Step(time, at_risk, d, survival, se, *_loglog(survival, se, z)))
        at_risk -= ended[time]
    lower, upper = _median_interval(steps, z)
    return Curve(tuple(steps), len(durations), sum(happened.values()), median, lower, upper, alpha)


def _loglog(survival: float, se: float | None, z: float) -> tuple[float | None, float | None]:
    """The pointwise interval on the log(-log S) scale, mapped back: always inside 0 to 1."""
    if se is None or not 0 < survival < 1:
        return None, None
    spread = z * se / abs(survival * math.log(survival))
    return survival ** math.exp(spread), survival ** math.exp(-spread)


def _median_interval(steps: Sequence[Step], z: float) -> tuple[float | None, float | None]:
    """The median's interval: the event times whose Z-test against one half, on the
    complementary log-log scale, does not reject, to the event time after the last."""
    g_half = math.log(-math.log(0.5))
    inside = []
    for index, step in enumerate(steps):
        s, se = step.survival, step.se
        if se is None or not 0 < s < 1 or se == 0:
            continue
        r = (math.log(-math.log(s)) - g_half) / (-1 / (s * math.log(s)) * se)
        if abs(r) <= z:
            inside.append(index)
    if not inside:
        return None, None
    lower = steps[inside[0]].time
    upper = None if inside[-1] == len(steps) - 1 else steps[inside[-1] + 1].time
    return lower, upper
