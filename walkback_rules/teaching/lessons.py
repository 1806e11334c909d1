"""Teaching: the rule table, predict-then-reveal over the case library, and each rule's
evidence appraised.

Nothing here decides: the answers come from `recommend()` on the case library, so a change
to the rule table changes every answer, reveal and worksheet with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ..core.cards import DECISION_NAMES, URGENCY_WORDS, describe_dose, short_dose
from ..core.codes import Decision
from ..core.engine import Decided, recommend
from ..core.evidence import SOURCES
from ..core.models import Assessment, NextDose, Recommendation
from ..core.rules import DECISION_RULES, RULES, DecisionRule, FlagRule
from ..core.screens import CONDITION_INFO
from ..core.validation import validate_assessment
from ..handouts.summary import assessment_rows
from ..whatif import Alternative, what_would_change
from .cases import CASES, DemoCase
from .reasoning import FLAG_TITLES

# The case library's topics, in the order a course meets them.
TOPICS: tuple[str, ...] = ("red flags", "flares", "progression", "chronic pain", "screens")
_RULE_NUMBER = {r.id: n for n, r in enumerate(DECISION_RULES, start=1)}


def rule_rows(rules: Sequence[DecisionRule | FlagRule], query: str = "") -> list[dict[str, str]]:
    """The rule table as rows, keeping those where any column contains every query word."""
    rows = [
        {
            "id": r.id,
            "title": r.title,
            "sets": r.sets,
            "evidence level": r.evidence_level,
            "sources": ", ".join(r.source_ids),
            "rationale": r.rationale,
        }
        for r in rules
    ]
    words = query.lower().split()
    return [row for row in rows if all(w in " ".join(row.values()).lower() for w in words)]


def cases_for(topics: Iterable[str] = (), ids: Iterable[str] = ()) -> tuple[DemoCase, ...]:
    """The library's cases, in library order: those named in `ids`, or else those on any of
    `topics`, or else every case."""
    wanted_ids, wanted_topics = set(ids), set(topics)
    if wanted_ids:
        return tuple(c for c in CASES if c.id in wanted_ids)
    if wanted_topics:
        return tuple(c for c in CASES if wanted_topics & set(c.topics))
    return CASES


def case_label(case: DemoCase, short: bool = False) -> str:
    """A case as a teacher picks it: "Demo 08 · 58, moderate flare…", or "Demo 08" where
    a projector's narrow box would cut the rest off."""
    return f"Demo {case.id[-2:]}" if short else f"Demo {case.id[-2:]} · {case.title}"


# What a case shows before its answer: what was found, never what the rules made of it.
# Answers left at their usual value are not listed (the worksheet says so).
_UNREMARKABLE = frozenset({"no", "—", "not asked"})
_ALWAYS = frozenset({"Red-flag features", "Exercise screen"})


def vignette(assessment: Assessment) -> list[tuple[str, str]]:
    """The case as a student reads it: each answer that is not at its usual value, and the
    two screens always (an empty screen was asked and found nothing)."""
    usual = {
        "Other exercise (min/week)": "0",
        "Leg symptoms": "none",
        "Walking tolerance": "full",
    }
    rows = []
    for label, value in assessment_rows(assessment):
        if label in _ALWAYS:
            rows.append((label, "none found" if value == "none ticked" else value))
        elif value not in _UNREMARKABLE and usual.get(label) != value:
            rows.append((label, value))
    return rows


def outcome_rows(decided: Decided) -> list[tuple[str, str]]:
    """What the rules concluded, in words, as the teaching pages and the answer key say it:
    the dose, the dose to resume at, the referral and the flags."""
    rows = [("Dose", describe_dose(decided.next_dose))]
    if decided.resume_dose is not None:
        rows.append(("Once the flare settles", describe_dose(decided.resume_dose)))
    if decided.urgency is not None:
        names = ", ".join(CONDITION_INFO[c].name for c in decided.conditions)  # type: ignore[index]
        rows.append(("Referral", f"{URGENCY_WORDS[decided.urgency].lower()}, for {names}"))
    rows.append(("Flags", "; ".join(FLAG_TITLES[f] for f in decided.flags) or "none"))
    return rows


# ----------------------------------------------------------------------------- the quiz

DoseKind = Literal["none", "short", "weekly"]
DOSE_KINDS: dict[DoseKind, str] = {
    "none": "No walking dose",
    "short": "Short walks, as tolerated",
    "weekly": "A weekly dose",
}
DECISION_CHOICES: tuple[Decision, ...] = tuple(DECISION_NAMES)


def dose_kind(dose: NextDose | None) -> DoseKind:
    """Which kind of dose a recommendation gives."""
    if dose is None:
        return "none"
    return "short" if dose.walks_per_week is None else "weekly"


@dataclass(frozen=True, slots=True)
class Answer:
    """What the room (or a student) commits to before the reveal."""

    decision: Decision
    dose: DoseKind
    walks: int | None = None  # a weekly dose only
    minutes: int | None = None

    def words(self) -> str:
        dose = DOSE_KINDS[self.dose]
        if self.dose == "weekly":
            dose = f"{self.walks} × {self.minutes} min"
        return f"{DECISION_NAMES[self.decision]}, {dose}"


@dataclass(frozen=True, slots=True)
class Mark:
    """How an answer compares with the rules: the decision, and the dose."""

    decision: bool
    dose: bool


def mark(answer: Answer, rec: Recommendation) -> Mark:
    """The decision must match; the dose must be of the same kind and, for a weekly dose,
    inside the recommended range on both axes (a range such as 3–4 × 5–10 takes any dose
    within it)."""
    dose = rec.next_dose
    kind = dose_kind(dose)
    right = answer.dose == kind
    if right and dose is not None and dose.walks_per_week is not None:
        w, m = dose.walks_per_week, dose.minutes_per_walk
        right = (
            answer.walks is not None
            and answer.minutes is not None
            and w.min <= answer.walks <= w.max
            and m.min <= answer.minutes <= m.max
        )
    return Mark(answer.decision == rec.decision, right)


@dataclass(frozen=True, slots=True)
class Score:
    """A run's score for this session only: no names, nothing stored."""

    answered: int = 0
    decisions: int = 0
    doses: int = 0

    def add(self, m: Mark) -> Score:
        return replace(
            self,
            answered=self.answered + 1,
            decisions=self.decisions + m.decision,
            doses=self.doses + m.dose,
        )

    def words(self) -> str:
        if not self.answered:
            return "No answers yet"
        n = self.answered
        return f"Decisions {self.decisions} of {n} · doses {self.doses} of {n}"


@dataclass(frozen=True, slots=True)
class Reveal:
    """What the rules made of a case, and why."""

    rec: Recommendation
    rule: DecisionRule  # the first rule that held
    number: int  # its place in the decision order, 1–12
    why: str  # its reason, in the person's values
    nearest: tuple[Alternative, ...]  # the nearest changes that would alter the decision
    caveats: tuple[str, ...]  # where the deciding rule's evidence is weak, in words

    @property
    def decision(self) -> str:
        return DECISION_NAMES[self.rec.decision]

    @property
    def dose(self) -> str:
        return describe_dose(self.rec.next_dose)

    @property
    def short_dose(self) -> str:
        return short_dose(self.rec.next_dose) or "no walking dose"


def reveal(assessment: Assessment, nearest: int = 3) -> Reveal:
    """The reveal for one case: the decision and dose, the deciding rule and its reason,
    the nearest changes that would alter it (a finding left out counts here), and how
    strong the deciding rule's evidence is."""
    rec = recommend(assessment)
    at = next(i for i, entry in enumerate(rec.trace) if entry.fired)
    rule = DECISION_RULES[at]
    return Reveal(
        rec=rec,
        rule=rule,
        number=at + 1,
        why=rec.trace[at].reason,
        nearest=tuple(what_would_change(assessment, nearest, findings=True)),
        caveats=caveats(rule.source_ids),
    )


def case_reveal(case: DemoCase) -> Reveal:
    return reveal(validate_assessment(case.data))


def rule_number(rule_id: str) -> int:
    """A decision rule's place in the order, 1–12."""
    return _RULE_NUMBER[rule_id]


# ----------------------------------------------------------------------------- evidence


def caveats(source_ids: Iterable[str]) -> tuple[str, ...]:
    """Plain sentences for each weak source a rule rests on (a consumer article, expert
    advice, a team decision, a model borrowed by analogy)."""
    return tuple(c for s in source_ids if (c := SOURCES[s].caveat) is not None)


_TRIAL_LEVELS = frozenset({"randomised trial", "systematic review", "trial protocol"})
_OBSERVED_LEVELS = frozenset({"cohort study", "validation study"})
_GUIDANCE_LEVELS = frozenset(
    {"guideline", "national pathway", "professional standard", "consensus framework", "consensus"}
)


@dataclass(frozen=True, slots=True)
class Appraisal:
    """One rule laid open for students: what it says, what it rests on, and a question."""

    rule: DecisionRule | FlagRule
    sets: str  # what it sets, in words
    level: str
    references: tuple[str, ...]  # each source in full, with its kind of evidence
    caveats: tuple[str, ...]
    prompt: str


def sets_words(rule: DecisionRule | FlagRule) -> str:
    """What a rule sets, in words: a decision's name, or the flag's title."""
    if isinstance(rule, DecisionRule):
        return f"the decision “{DECISION_NAMES[rule.decision]}”"
    return f"the flag “{rule.title}”"


def appraisal(rule: DecisionRule | FlagRule) -> Appraisal:
    """A rule's condition, sources and evidence level, with a critical-appraisal prompt
    chosen by the strongest kind of evidence it rests on."""
    levels = {SOURCES[s].level for s in rule.source_ids}
    what = f"When {rule.condition}, the rules set {sets_words(rule)}."
    if levels & _TRIAL_LEVELS:
        question = (
            "The trial or review behind it tested a whole package, not this rule on its own. "
            "What study would test this rule alone: who would take part, what would the two "
            "groups do differently, and which outcome, such as days to the next recurrence, "
            "would show that it helps or harms?"
        )
    elif levels & _OBSERVED_LEVELS:
        question = (
            "A cohort or validation study shows that a sign predicts something, not that "
            "acting on it helps. What trial would show that acting on this rule changes what "
            "happens to people?"
        )
    elif levels & _GUIDANCE_LEVELS:
        question = (
            "Guidelines and consensus grade the studies they rest on. Find the "
            "recommendation this rule follows: how strong is it, what kind of study stands "
            "behind it, and what new study would make it stronger?"
        )
    else:
        question = (
            "Nothing behind this rule was tested in people with back pain. Design the "
            "smallest study that would test it: who takes part, what is compared, which "
            "outcome is measured, and for how long."
        )
    return Appraisal(
        rule=rule,
        sets=sets_words(rule),
        level=rule.evidence_level,
        references=tuple(f"{SOURCES[s].reference} ({SOURCES[s].level})" for s in rule.source_ids),
        caveats=caveats(rule.source_ids),
        prompt=f"{what} {question}",
    )


def evidence_mix() -> list[dict[str, str | int]]:
    """How many rules rest on each kind of evidence, and how many on a weak source alone."""
    counts: dict[str, int] = {}
    for rule in RULES:
        for level in dict.fromkeys(SOURCES[s].level for s in rule.source_ids):
            counts[level] = counts.get(level, 0) + 1
    return [
        {"kind of evidence": level, "rules citing it": n}
        for level, n in sorted(counts.items(), key=lambda item: -item[1])
    ]


def weak_only() -> tuple[DecisionRule | FlagRule, ...]:
    """The rules whose every source is weak (each has a caveat)."""
    return tuple(r for r in RULES if all(SOURCES[s].caveat for s in r.source_ids))
