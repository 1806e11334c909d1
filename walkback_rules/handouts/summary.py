"""The clinician summary: one PDF page for the patient record (templates/summary.typ).

It holds the assessment as entered, the decision, the dose, the referral and review, the
flags, and every rule that fired with its reason and full references.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ..consultation.findings import ANSWERS, words_of
from ..consultation.visit import VisitDetails, review_words, screens_line
from ..core.cards import DECISION_NAMES, describe_dose, walking_line
from ..core.evidence import SOURCES
from ..core.models import Assessment, Recommendation
from ..core.rules import RULES
from ..core.screens import FEATURES
from ..outcomes.followup import next_steps
from .content import Paper
from .typeset import PAGE_WORDS, typeset

# Points: a record page for clinicians, dense but readable. A long record steps down a size
# at a time until it fits on one page.
SIZES = (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0)
LONG_VALUE = 34  # characters; a longer value gets a row of its own


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _or_dash(value: object) -> str:
    return "—" if value is None else str(value)


# An answer an emergency left out (spec §2): never shown as 0 or "none".
NOT_ASKED = "not asked"


def _or_not_asked(value: object) -> str:
    return NOT_ASKED if value is None else str(value)


def assessment_rows(assessment: Assessment) -> list[tuple[str, str]]:
    """The assessment as entered, as (label, value) pairs in clinical words."""
    a = assessment
    flare, walking = a.flare, a.walking
    flare_rows = (
        [
            (label, NOT_ASKED)
            for label in ("Flare level entered", "Pain now (0–10)", "Days since onset")
        ]
        if flare is None
        else [
            ("Flare level entered", flare.level),
            ("Pain now (0–10)", str(flare.pain_now)),
            ("Days since onset", _or_dash(flare.days_since_onset)),
        ]
    )
    walking_rows = (
        [("Walking now", NOT_ASKED), ("Weeks at this dose", NOT_ASKED)]
        if walking is None
        else [
            ("Walking now", f"{walking.walks_per_week} × {walking.minutes_per_walk} min"),
            ("Weeks at this dose", _or_dash(walking.weeks_at_current_dose)),
        ]
    )
    features = [FEATURES[c].wording for c in a.red_flags]
    screen_items = [FEATURES[c].wording for c in a.exercise_screen]
    rows = [
        ("Age", str(a.age)),
        ("Visit", a.visit),
        ("Previous episodes", _or_not_asked(a.previous_episodes)),
        ("Episode (weeks)", _or_dash(a.episode_weeks)),
        ("Usual pain (0–10)", _or_dash(a.usual_pain)),
        *flare_rows,
        *walking_rows,
        ("Walking tolerance", a.walking_tolerance.replace("_", " ")),
        ("Prefers another exercise", _yes(a.prefers_other_exercise)),
        ("Other exercise (min/week)", str(a.other_exercise_minutes_per_week)),
        ("Leg symptoms", a.leg_symptoms.replace("_", " ")),
        ("PHQ-2 total", "not asked" if a.phq2 is None else str(a.phq2)),
        (
            "STarT Back",
            "not asked"
            if a.startback is None
            else f"total {a.startback.total}, distress {a.startback.distress}",
        ),
        ("Self-harm concern", _yes(a.self_harm_concern)),
    ]
    for field, label in (
        ("stable_neuro_deficit", "Stable neurological deficit"),
        ("neurogenic_claudication", "Neurogenic claudication"),
        ("pregnant_or_postpartum", "Pregnant or postpartum"),
        ("spinal_surgery_within_6_months", "Spinal surgery < 6 months"),
        ("falls_last_year", "Falls in the last year"),
    ):
        if getattr(a, field):
            rows.append((label, "yes"))
    if a.visit == "review":
        rows.append(("Baseline walks a week", _or_dash(a.baseline_walks_per_week)))
        rows.append(("Returning after a flare", _yes(a.returning_after_flare)))
        rows.append(("Adherence", (a.adherence or "not asked").replace("_", " ")))
        rows.append(("New lower-limb pain", _yes(a.new_lower_limb_pain)))
    last = a.last_progression
    if last is not None:
        settled = {True: "yes", False: "no", None: "—"}[last.settled_within_24h]
        rows.append(("Pain rose after last step", _yes(last.pain_increased)))
        rows.append(("Settled within 24 h", settled))
        if last.previous_dose is not None:
            p = last.previous_dose
            rows.append(("Dose before last step", f"{p.walks_per_week} × {p.minutes_per_walk} min"))
    rows.append(("Red-flag features", "; ".join(features) or "none ticked"))
    rows.append(("Exercise screen", "; ".join(screen_items) or "none ticked"))
    return rows


def visit_rows(visit: VisitDetails, rec: Recommendation | None = None) -> list[tuple[str, str]]:
    """The visit as the summary and the record show it, label and value. With no date set,
    the next review is worded as the recommendation words it ("after the referral")."""
    unset = review_words(rec) if rec is not None else "none set"
    rows = [
        ("Visit date", visit.visit_date),
        ("Clinician", visit.clinician or "not recorded"),
        ("Screens", screens_line(visit.screens)),
        ("Next review", visit.review_date or unset),
    ]
    if visit.carried:
        rows.append(
            (
                "Carried findings",
                "; ".join(
                    f"{words_of(key)}: {ANSWERS[answer].lower()}"
                    for key, answer in visit.carried.items()
                ),
            )
        )
    if visit.corrects:
        rows.append(
            ("Corrects", f"the consultation recorded {visit.corrects[:16].replace('T', ' ')} UTC")
        )
    if visit.note:
        rows.append(("Clinical note", visit.note))
    return rows


def summary_pdf(
    assessment: Assessment,
    rec: Recommendation,
    *,
    patient: str = "",
    clinic: str = "",
    paper: Paper = "a4",
    issued: date | None = None,
    visit: VisitDetails | None = None,
    referrals: Sequence[str] = (),
    discharged: date | None = None,
) -> bytes:
    """The one-page clinician summary as PDF bytes: the visit (its date, clinician, screens,
    note and next review) when it is a saved or ready-to-save consultation, each of the
    patient's referrals with its status, and the follow-up when the visit was the last."""
    day = issued or (visit.day() if visit is not None else date.today())
    data = summary_data(
        assessment, rec, patient, clinic, paper, day, visit, tuple(referrals), discharged
    )
    return typeset("summary", data, sheet="clinician summary", issued=day)


def summary_page(
    assessment: Assessment,
    rec: Recommendation,
    *,
    patient: str = "",
    clinic: str = "",
    paper: Paper = "a4",
    issued: date | None = None,
    visit: VisitDetails | None = None,
    referrals: Sequence[str] = (),
    discharged: date | None = None,
) -> bytes:
    """The clinician summary as a web page (UTF-8 HTML): the same facts as its PDF, for a
    screen reader or a browser's own text size."""
    from .html import summary_html

    day = issued or (visit.day() if visit is not None else date.today())
    data = summary_data(
        assessment, rec, patient, clinic, paper, day, visit, tuple(referrals), discharged
    )
    return summary_html(data).encode("utf-8")


def summary_data(
    assessment: Assessment,
    rec: Recommendation,
    patient: str,
    clinic: str,
    paper: Paper,
    issued: date,
    visit: VisitDetails | None = None,
    referrals: tuple[str, ...] = (),
    discharged: date | None = None,
) -> dict[str, Any]:
    """The summary as its template reads it."""
    footer = " · ".join(
        p
        for p in (
            clinic,
            f"Patient: {patient}" if patient else "",
            f"{issued.day} {issued:%B %Y}",
            f"WalkBack CDS ruleset {rec.ruleset_version}",
        )
        if p
    )
    rows_now = visit_rows(visit, rec) if visit is not None else []
    rows_now += [("Referral", line_) for line_ in referrals]
    if discharged is not None:  # the review set at the visit no longer follows
        rows_now = [(k, "none: discharged") if k == "Next review" else (k, v) for k, v in rows_now]
        rows_now.append(("Follow-up", next_steps(discharged)))
    every = assessment_rows(assessment)

    name, summary = DECISION_NAMES[rec.decision], rec.cards[0].summary
    headline = summary if summary.lower().startswith(name.lower()) else f"{name}: {summary}"
    # Discharged at this visit: no review follows, the monthly check-ins do.
    review = review_words(rec) if discharged is None else "none: discharged (see Follow-up)"
    prompts = [
        name
        for name, on in (
            ("cold or heat pack", rec.ice_or_heat),
            ("pain-relief talk with GP or pharmacist", rec.medication_discussion),
        )
        if on
    ]
    referral = rec.referral.reason if rec.referral is not None else "none."
    titles = {r.sets: r.title for r in RULES}
    facts = [
        "{}: {}.".format(*walking_line(rec.decision, rec.next_dose)),
        f"Referral: {referral}",
        f"Review: {review}.",
        f"Prompts: {'; '.join(prompts) or 'none'}.",
        f"Flags: {'; '.join(titles[f.value] for f in rec.flags) or 'none'}.",
    ]
    if rec.resume_dose is not None:
        facts.insert(1, f"Once the flare settles, resume at: {describe_dose(rec.resume_dose)}.")

    rules = {r.id: r for r in RULES}
    cited: list[str] = []
    fired = []
    for entry in rec.trace:
        if not entry.fired:
            continue
        numbers = []
        for source in entry.source_ids:
            if source not in cited:
                cited.append(source)
            numbers.append(str(cited.index(source) + 1))
        fired.append(
            {
                "title": f"{entry.rule_id} · {entry.title}",
                "reason": f"{entry.reason}. Evidence: {rules[entry.rule_id].evidence_level}; "
                f"references [{', '.join(numbers)}].",
            }
        )
    return {
        "title": "WalkBack CDS clinician summary",
        "lang": "en",
        "paper": paper,
        "footer": footer,
        "page-words": PAGE_WORDS,
        "sizes": list(SIZES),
        "heading": "WalkBack CDS: clinician summary",
        "intro": "Decision support, not a diagnosis; the clinician's judgement decides. "
        f"Patient: {patient or 'not recorded'}. Date: {issued.isoformat()}. "
        f"Ruleset {rec.ruleset_version}.",
        "visit": [list(r) for r in rows_now],
        "assessment-heading": "Assessment as entered",
        "short": [list(r) for r in every if len(r[1]) <= LONG_VALUE],
        "long": [list(r) for r in every if len(r[1]) > LONG_VALUE],
        "recommendation-heading": "Recommendation",
        "headline": headline,
        "facts": facts,
        "rules-heading": "Rules that fired, with their evidence",
        "rules": fired,
        "references-heading": "References",
        "references": [f"{SOURCES[s].reference} ({SOURCES[s].level})" for s in cited],
    }
