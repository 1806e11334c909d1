"""The Patient-Specific Functional Scale: function, not only pain (docs/MEASURES.md).

At the first visit the person names up to five activities their back makes hard, and rates
each from 0 (cannot do it) to 10 (can do it as before the problem); at reviews and at
discharge the same activities are rated again. The score is the average of the ratings,
computed here from them, never typed.

Source: Stratford P, Gill C, Westaway M, Binkley J. Physiotherapy Canada 1995;47(4):
258-263. The form its developers allow to be reproduced gives 2 points on the average
(3 on one activity) as the smallest change detectable with 90% confidence; the product
states that figure, with its source, beside every change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

ACTIVITIES_MAX = 5
SCORE_MAX = 10
NAME_MAX = 60
DETECTABLE_AVERAGE = 2  # points on the average score, 90% confidence (Stratford et al. 1995)
DETECTABLE_ONE = 3  # points on one activity
SOURCE = (
    "Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change on "
    "individual patients: a report of a patient-specific measure. Physiotherapy Canada "
    "1995;47(4):258-263"
)
When = Literal["first", "review", "discharge"]
WHEN: dict[When, str] = {"first": "first visit", "review": "review", "discharge": "discharge"}
FIELD_LABELS = {
    "day": "Day rated",
    "when": "At",
    "activities": "Activities",
}


@dataclass(frozen=True, slots=True)
class Psfs:
    """One rating of the person's activities: the day, the point in the programme, and
    each activity with its score (0 to 10)."""

    day: date
    when: When
    activities: tuple[tuple[str, int], ...]

    @property
    def average(self) -> Fraction:
        """The score: the average of the ratings (exact, shown to one decimal)."""
        return Fraction(sum(s for _, s in self.activities), len(self.activities))


def _name_problem(name: str) -> str | None:
    if not name.strip():
        return "a name for the activity (or leave out its score too)"
    if len(name) > NAME_MAX:
        return f"at most {NAME_MAX} characters"
    if any(not c.isprintable() for c in name) or "<" in name or ">" in name:
        return "plain text on one line, without < or >"
    return None


def problems(
    entry: Psfs, earlier: Sequence[Psfs] = (), today: date | None = None
) -> dict[str, str]:
    """What is wrong with a rating, by field, in plain words (empty when it can be kept).
    An activity's field is `activity N` (1 to 5)."""
    errors: dict[str, str] = {}
    if entry.when not in WHEN:
        errors["when"] = "first visit, review or discharge"
    if today is not None and entry.day > today:
        errors["day"] = "today or earlier"
    elif any(e.day == entry.day for e in earlier):
        errors["day"] = f"{entry.day.isoformat()} is already rated: one rating a day"
    if not 1 <= len(entry.activities) <= ACTIVITIES_MAX:
        errors["activities"] = f"from 1 to {ACTIVITIES_MAX} activities, each with its score"
    seen: set[str] = set()
    for n, (name, score) in enumerate(entry.activities, start=1):
        problem = _name_problem(name)
        if problem is None and name.strip().casefold() in seen:
            problem = "named twice: give each activity once"
        seen.add(name.strip().casefold())
        if problem is None and (type(score) is not int or not 0 <= score <= SCORE_MAX):
            problem = f"a whole number score from 0 (cannot do it) to {SCORE_MAX} (as before)"
        if problem is not None:
            errors[f"activity {n}"] = problem
    return errors


def average_text(value: Fraction) -> str:
    return f"{float(value):.1f}"


def change_words(first: Psfs, latest: Psfs) -> str:
    """The change in the average from the first rating to the latest, beside the change
    the scale's developers give as detectable."""
    diff = latest.average - first.average
    sign = "+" if diff > 0 else ""
    size = "at least" if abs(diff) >= DETECTABLE_AVERAGE else "less than"
    direction = "better" if diff > 0 else "worse" if diff < 0 else "no change"
    return (
        f"Average {average_text(first.average)} on {first.day.isoformat()} → "
        f"{average_text(latest.average)} on {latest.day.isoformat()} "
        f"({sign}{average_text(diff)}, {direction}): {size} the {DETECTABLE_AVERAGE} points "
        f"its developers give as the smallest change detectable with 90% confidence "
        f"(Stratford et al. 1995)."
    )


def rows(ratings: Sequence[Psfs]) -> list[dict[str, object]]:
    """The ratings as table rows, oldest first: each activity a column, then the average."""
    names: list[str] = []
    for r in ratings:
        names += [n for n, _ in r.activities if n not in names]
    out: list[dict[str, object]] = []
    for r in ratings:
        scores = dict(r.activities)
        row: dict[str, object] = {"Day": r.day.isoformat(), "At": WHEN[r.when]}
        row |= {n: scores.get(n, "") for n in names}
        row["Average"] = average_text(r.average)
        out.append(row)
    return out


def from_rows(
    day: date,
    when: When,
    entered: Sequence[tuple[str, int | None]],
    earlier: Sequence[Psfs] = (),
    today: date | None = None,
) -> tuple[Psfs | None, dict[str, str]]:
    """A rating from the form's rows (an activity's name and its score, either left blank):
    blank rows are left out, a row half filled is refused by its number, and the rest is
    checked as `problems` does. Returns the rating, or None with what is wrong."""
    errors: dict[str, str] = {}
    kept: list[tuple[str, int]] = []
    for n, (name, score) in enumerate(entered, start=1):
        if not name.strip() and score is None:
            continue
        if score is None:
            errors[f"activity {n}"] = f"its score, from 0 (cannot do it) to {SCORE_MAX} (as before)"
        elif not name.strip():
            errors[f"activity {n}"] = "a name for the activity (or leave out its score too)"
        else:
            kept.append((name.strip(), score))
    if errors:
        return None, errors
    entry = Psfs(day, when, tuple(kept))
    found = problems(entry, earlier, today)
    return (None, found) if found else (entry, {})
