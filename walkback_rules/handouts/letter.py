"""The referral letter: one page for the team a person is sent to.

It states what was found and the tier, what the person was told, when they were assessed,
by whom and where, and what else was noted. Clinical words only: no patient-facing text
and no medicine names. The same facts head the emergency sheet the person carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..clinic import Doctor
from ..core.cards import URGENCY_WORDS
from ..core.codes import Urgency
from ..core.models import Assessment, Recommendation
from ..core.screens import CONDITION_INFO, FEATURES, screen
from ..handover import also_noted
from .content import HandoutOptions

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF


def told(urgency: Urgency, doctor: Doctor) -> str:
    """What the person was told, by the referral's tier, in the receiving team's words. The
    patient's own sheet says the same in plain words (content.referral_section)."""
    return {
        "emergency": (
            "to go to a hospital emergency department now, and not to start the walking "
            "programme until assessed"
        ),
        "same_day": (
            f"to see a doctor ({doctor} or urgent care) today, or the emergency department "
            "if very unwell; no exercise walking until seen, gentle activity only"
        ),
        "urgent": (
            "to see a doctor within days, this week; to keep gently active and not to start "
            "a new exercise programme until seen"
        ),
        "routine": (
            f"to make an appointment with their {doctor} within weeks; the walking "
            "programme continues meanwhile"
        ),
    }[urgency]


TOLD_AMBULANCE = "to call an ambulance now, and not to drive themselves"
SAFETY_NET = (
    "The person was given written warning signs: what needs the emergency department now, "
    "a doctor today, or a doctor within days."
)

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


def _when(options: HandoutOptions, at: datetime | None) -> str:
    if at is not None:
        return f"{at.day} {at:%B %Y}, {at:%H:%M}"
    if options.issued is not None:
        return f"{options.issued.day} {options.issued:%B %Y}"
    return "date not recorded"


def referral_facts(
    assessment: Assessment,
    rec: Recommendation,
    options: HandoutOptions,
    at: datetime | None = None,
) -> Facts:
    """What a referral hands over, read from the recommendation and the screens."""
    referral = rec.referral
    assert referral is not None  # only a referral has a letter
    screening = screen(assessment.red_flags, assessment.exercise_screen)
    found = tuple(
        (
            _capital(CONDITION_INFO[t.condition].name) + f" ({URGENCY_WORDS[t.tier].lower()})",
            tuple(FEATURES[c].wording for c in t.features),
        )
        for t in screening.referred
        if t.tier in URGENCY_WORDS
    )
    top = {t.condition for t in screening.referred if t.tier == referral.urgency}
    ambulance = referral.urgency == "emergency" and "cardiorespiratory" in top
    said = TOLD_AMBULANCE if ambulance else told(referral.urgency, options.doctor)
    who = options.clinician or "the treating physiotherapist"
    where = options.clinic or "the physiotherapy clinic"
    phone = f" ({options.phone})" if options.phone else ""
    lead = f"Assessed by {who}, {where}{phone}, on {_when(options, at)}."
    tier = f"{URGENCY_WORDS[referral.urgency]}: " + "; ".join(
        CONDITION_INFO[c].name for c in referral.conditions if c in top
    )
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
    if referral.urgency == "emergency":
        screening = screen(assessment.red_flags, assessment.exercise_screen)
        if screening.tier_of("cardiorespiratory") == "emergency":
            return "The ambulance crew and the emergency department team"
        return "The hospital emergency department team"
    if referral.urgency == "same_day":
        return f"The {doctor} or urgent care doctor, today"
    if referral.urgency == "urgent":
        if "cancer_history" in assessment.red_flags:
            return f"The acute oncology or MSCC service, or the {doctor}, this week"
        return f"The {doctor}, this week"
    return f"The {doctor}, or rheumatology"


def letter_title(rec: Recommendation) -> str:
    assert rec.referral is not None
    return LETTER_TITLES[rec.referral.urgency]


def letter_pdf(
    assessment: Assessment,
    rec: Recommendation,
    options: HandoutOptions,
    at: datetime | None = None,
) -> bytes:
    """The referral letter as a one-page PDF."""
    from .pdf import one_page

    return one_page(lambda size: _letter(assessment, rec, options, at, size), LETTER_SIZES)


LETTER_SIZES = (11.0, 10.0, 9.0, 8.0)  # points: the largest that fits one page is used


def _letter(
    assessment: Assessment,
    rec: Recommendation,
    options: HandoutOptions,
    at: datetime | None,
    size: float,
) -> FPDF:
    from .pdf import FONT, INK, RED, new_pdf, text

    referral = rec.referral
    assert referral is not None
    facts = referral_facts(assessment, rec, options, at)
    line = size * 0.5
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
    issued = at.date() if at is not None else options.issued
    pdf = new_pdf(options.paper, footer, f"{title}: WalkBack CDS", issued)
    pdf.set_auto_page_break(True, margin=16)
    urgent = referral.urgency in ("emergency", "same_day")
    pdf.set_font(FONT, "B", 17)
    pdf.set_text_color(*(RED if urgent else INK))
    pdf.start_section(title)
    pdf.cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)

    def heading(words: str) -> None:
        pdf.ln(1.5)
        pdf.set_font(FONT, "B", size + 1)
        pdf.set_text_color(*INK)
        pdf.start_section(words, level=1)
        pdf.cell(0, line + 1, words, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(FONT, size=size)

    def row(label: str, value: str) -> None:
        pdf.set_font(FONT, "B", size)
        pdf.cell(38, line, label)
        pdf.set_font(FONT, size=size)
        text(pdf, value, line, left=38)

    pdf.set_font(FONT, size=size)
    row("To", receiver(assessment, rec, options.doctor))
    row("Patient", f"{options.patient or 'pseudonym not recorded'}, aged {assessment.age}")
    row("Assessed", _when(options, at))
    by = options.clinician or "the treating physiotherapist"
    row(
        "By",
        f"{by}, {options.clinic or 'the physiotherapy clinic'}"
        + (f", {options.phone}" if options.phone else ""),
    )
    row("Tier", URGENCY_WORDS[referral.urgency])

    heading("Findings")
    for name, words in facts.found:
        pdf.set_font(FONT, "B", size)
        text(pdf, name, line)
        pdf.set_font(FONT, size=size)
        for w in words:
            pdf.cell(5, line, "•")
            text(pdf, w, line, left=5)
    flare = assessment.flare
    text(
        pdf,
        f"Pain now {flare.pain_now}/10; flare level as judged: {flare.level}"
        + (f", day {flare.days_since_onset}" if flare.days_since_onset is not None else "")
        + ".",
        line,
    )

    heading("What the person was told")
    text(pdf, f"The person was told {facts.told}.", line)
    text(pdf, SAFETY_NET, line)

    heading("Also noted")
    if facts.noted:
        for item in facts.noted:
            pdf.cell(5, line, "•")
            text(pdf, item, line, left=5)
    else:
        text(pdf, "Nothing else of note was recorded.", line)

    heading("Basis")
    text(
        pdf,
        "Screened with WalkBack CDS, ruleset "
        f"{rec.ruleset_version}: decision support built on published red-flag guidance. "
        "Single red flags have poor diagnostic accuracy; the tier is the clinician's level "
        "of concern from the combination of features, to be confirmed by the receiving team.",
        line,
    )
    return pdf
