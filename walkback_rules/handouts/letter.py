"""The referral letter: one page for the team a person is sent to.

It states what was found and the tier, when each symptom began, the examination findings,
what the person was told, when (with the time zone) they were assessed, by whom and where,
and what else was noted. The product is pseudonymous: name, date of birth and identifier
are blank lines completed by hand, and the clinician signs it. Clinical words only: no
patient-facing text and no medicine names. The same facts head the emergency sheet the
person carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..clinic import Doctor, zone_words
from ..consultation.visit import VisitDetails
from ..core.cards import URGENCY_WORDS, SameDayPlace, mscc, same_day_places
from ..core.codes import Urgency
from ..core.models import Assessment, Recommendation
from ..core.screens import CONDITION_INFO, FEATURES, Screening, screen
from ..handover import also_noted
from .content import HandoutOptions
from .typeset import PAGE_WORDS, typeset


def _same_day_told(place: SameDayPlace, doctor: Doctor) -> str:
    return {
        "doctor": f"to see a doctor ({doctor} or urgent care) today, or the emergency "
        "department if very unwell",
        "oncology": "to be seen by the acute oncology / MSCC team within 24 hours",
        "trauma": "to go to the emergency department today for assessment and imaging",
    }[place]


def told(urgency: Urgency, doctor: Doctor, screening: Screening) -> str:
    """What the person was told, by the referral's tier and where §3.3 sends them, in the
    receiving team's words. The patient's own sheet says the same in plain words
    (content.referral_section); both follow the core's `same_day_places`."""
    if urgency == "emergency":
        words = (
            "to go to a hospital emergency department now, and not to start the walking "
            "programme until assessed"
        )
        if mscc(screening):
            words += "; the MSCC coordinator is contacted at once as well"
        return words
    if urgency == "same_day":
        places = " and ".join(_same_day_told(p, doctor) for p in same_day_places(screening))
        return f"{places}; no exercise walking until seen, gentle activity only"
    if urgency == "urgent":
        return (
            "to see a doctor within days, this week; to keep gently active and not to start "
            "a new exercise programme until seen"
        )
    return (
        f"to make an appointment with their {doctor} within weeks; the walking "
        "programme continues meanwhile"
    )


TOLD_AMBULANCE = "to call an ambulance now, and not to drive themselves"
SAFETY_NET = (
    "The person was given written warning signs, each with one action: the emergency "
    "department now, a doctor today, or a doctor within days."
)
# Completed by hand: the product keeps only a pseudonym.
BY_HAND = ("Name", "Date of birth", "Identifier")
NOT_RECORDED = "not recorded"


LETTER_TITLES: dict[Urgency, str] = {
    "emergency": "Emergency referral",
    "same_day": "Same-day referral",
    "urgent": "Urgent referral",
    "routine": "Routine referral",
}


@dataclass(frozen=True, slots=True)
class Facts:
    """A referral's facts for the receiving team: a lead line, then one line each."""

    lead: str
    lines: tuple[str, ...]
    found: tuple[tuple[str, tuple[str, ...]], ...]  # each condition, with its features
    told: str
    noted: tuple[str, ...]


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def when_assessed(options: HandoutOptions, at: datetime | None) -> str:
    """The day and time of the assessment in the zone it was given in (the clinic's, from
    `HandoutOptions.from_settings`), with that zone: "7 December 2026, 09:14
    (Europe/London, UTC+00:00)". A time without a zone is read as this computer's."""
    at = at or options.assessed_at
    if at is not None:
        given = options.assessed_at
        zone = given.tzinfo if given is not None and given.tzinfo is not None else None
        moment = at.astimezone(zone) if zone is not None or at.tzinfo is None else at
        return f"{moment.day} {moment:%B %Y}, {moment:%H:%M} ({zone_words(moment)})"
    if options.issued is not None:
        return f"{options.issued.day} {options.issued:%B %Y} (time not recorded)"
    return "date and time not recorded"


def referral_facts(
    assessment: Assessment,
    rec: Recommendation,
    options: HandoutOptions,
    at: datetime | None = None,
    details: VisitDetails | None = None,
) -> Facts:
    """What a referral hands over, read from the recommendation and the screens."""
    referral = rec.referral
    assert referral is not None  # only a referral has a letter
    screening = screen(assessment.red_flags, assessment.exercise_screen)
    onsets = (details.onsets if details is not None else None) or {}

    def feature(code: str) -> str:
        began = onsets.get(code)  # type: ignore[call-overload]
        return FEATURES[code].wording + (f" (onset: {began})" if began else "")

    found = tuple(
        (
            _capital(CONDITION_INFO[t.condition].name) + f" ({URGENCY_WORDS[t.tier].lower()})",
            tuple(feature(c) for c in t.features),
        )
        for t in screening.referred
        if t.tier in URGENCY_WORDS
    )
    together = screening.combined_by_count
    top = {t.condition for t in screening.deciding}
    ambulance = referral.urgency == "emergency" and "cardiorespiratory" in top
    said = TOLD_AMBULANCE if ambulance else told(referral.urgency, options.doctor, screening)
    if ambulance and mscc(screening):
        said += "; the MSCC coordinator is contacted at once as well"
    who = options.clinician or "the treating physiotherapist"
    where = options.clinic or "the physiotherapy clinic"
    phone = f" ({options.phone})" if options.phone else ""
    lead = f"Assessed by {who}, {where}{phone}, on {when_assessed(options, at)}."
    tier = f"{URGENCY_WORDS[referral.urgency]}: " + "; ".join(
        CONDITION_INFO[c].name for c in referral.conditions if c in top
    )
    if together:
        tier += " (several concerns together: two or more urgent concerns make it same day)"
    lines = [
        f"Tier: {tier}. Clinician to confirm; not a diagnosis.",
        *(f"{name}: " + "; ".join(w.lower() for w in words) + "." for name, words in found),
        f"The person was told {said}.",
    ]
    return Facts(lead, tuple(lines), found, said, tuple(also_noted(assessment, rec)))


def receiver(assessment: Assessment, rec: Recommendation, doctor: Doctor = "GP") -> str:
    """Whom the letter is for, by the tier (specification §3.3's "where")."""
    referral = rec.referral
    assert referral is not None
    screening = screen(assessment.red_flags, assessment.exercise_screen)
    if referral.urgency == "emergency":
        team = (
            "The ambulance crew and the emergency department team"
            if screening.tier_of("cardiorespiratory") == "emergency"
            else "The hospital emergency department team"
        )
        return team + (", and the MSCC coordinator" if mscc(screening) else "")
    if referral.urgency == "same_day":
        teams = {
            "doctor": f"the {doctor} or urgent care doctor, today",
            "oncology": "the acute oncology / MSCC team, within 24 hours",
            "trauma": "the emergency department team, today",
        }
        return _capital("; ".join(teams[p] for p in same_day_places(screening)))
    if referral.urgency == "urgent":
        return f"The {doctor}, this week"
    return f"The {doctor}, or rheumatology"


def pain_line(assessment: Assessment) -> str:
    """The pain rating and the flare level, or that an emergency did not ask them."""
    flare = assessment.flare
    if flare is None:
        return "Pain and flare level not asked: the emergency was referred at once."
    onset = f", day {flare.days_since_onset}" if flare.days_since_onset is not None else ""
    return f"Pain now {flare.pain_now}/10; flare level as judged: {flare.level}{onset}."


def letter_title(rec: Recommendation) -> str:
    assert rec.referral is not None
    return LETTER_TITLES[rec.referral.urgency]


def letter_pdf(
    assessment: Assessment,
    rec: Recommendation,
    options: HandoutOptions,
    at: datetime | None = None,
    details: VisitDetails | None = None,
) -> bytes:
    """The referral letter as a one-page PDF, with the visit's onsets and examination
    findings when the record holds them."""
    moment = at or options.assessed_at
    issued = moment.date() if moment is not None else options.issued
    return typeset(
        "letter",
        letter_data(assessment, rec, options, at, details),
        sheet="referral letter",
        issued=issued,
    )


def letter_page(
    assessment: Assessment,
    rec: Recommendation,
    options: HandoutOptions,
    at: datetime | None = None,
    details: VisitDetails | None = None,
) -> bytes:
    """The referral letter as a web page (UTF-8 HTML): the same facts as its PDF."""
    from .html import letter_html

    return letter_html(letter_data(assessment, rec, options, at, details)).encode("utf-8")


LETTER_SIZES = (11.0, 10.0, 9.0, 8.0)  # points: the largest that fits one page is used


def letter_data(
    assessment: Assessment,
    rec: Recommendation,
    options: HandoutOptions,
    at: datetime | None = None,
    details: VisitDetails | None = None,
) -> dict[str, Any]:
    """The letter as its template reads it."""
    referral = rec.referral
    assert referral is not None
    facts = referral_facts(assessment, rec, options, at, details)
    title = letter_title(rec)
    footer = " · ".join(
        p
        for p in (
            options.clinic,
            f"Patient: {options.patient}" if options.patient else "",
            f"WalkBack CDS ruleset {rec.ruleset_version}",
        )
        if p
    )
    by = options.clinician or "the treating physiotherapist"
    exam = details.exam_findings if details is not None else None
    assessed = when_assessed(options, at)
    return {
        "title": f"{title}: WalkBack CDS",
        "lang": "en",
        "paper": options.paper,
        "footer": footer,
        "page-words": PAGE_WORDS,
        "sizes": list(LETTER_SIZES),
        "heading": title,
        "urgent": referral.urgency in ("emergency", "same_day"),
        "to": ["To", receiver(assessment, rec, options.doctor)],
        "by-hand": list(BY_HAND),
        "details": [
            [
                "Pseudonym",
                f"{options.patient or 'not recorded'}, aged {assessment.age} (name, date of "
                "birth and identifier to be completed by hand)",
            ],
            ["Assessed", assessed],
            [
                "By",
                f"{by}, {options.clinic or 'the physiotherapy clinic'}"
                + (f", {options.phone}" if options.phone else ""),
            ],
            ["Tier", URGENCY_WORDS[referral.urgency]],
        ],
        "findings-heading": "Findings",
        "found": [{"name": name, "features": list(words)} for name, words in facts.found],
        "pain": pain_line(assessment),
        "exam-heading": "Examination findings",
        "exam": (exam or "Not recorded.").split("\n"),
        "told-heading": "What the person was told",
        "told": [f"The person was told {facts.told}.", SAFETY_NET],
        "noted-heading": "Also noted",
        "noted": list(facts.noted),
        "nothing-noted": "Nothing else of note was recorded.",
        "signed-heading": "Signed",
        "signature": "Signature",
        "clinician-label": "Clinician",
        "clinician": ["Clinician", options.clinician] if options.clinician else None,
        "when": ["Date and time", assessed],
        "basis-heading": "Basis",
        "basis": "Screened with WalkBack CDS, ruleset "
        f"{rec.ruleset_version}: decision support built on published red-flag guidance. "
        "Single red flags have poor diagnostic accuracy; the tier is the clinician's level "
        "of concern from the combination of features, to be confirmed by the receiving team.",
    }
