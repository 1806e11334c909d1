"""The clinician summary: one PDF page for the patient record.

It holds the assessment as entered, the decision, the dose, the referral and review, the
flags, and every rule that fired with its reason and full references.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..cards import describe_dose
from ..evidence import SOURCES
from ..models import Assessment, Recommendation
from ..rules import RULES
from .content import Paper
from .pdf import FONT, GREY, INK, new_pdf, text

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF

# Points: a record page for clinicians, dense but readable. A long record steps down a size
# at a time until it fits on one page.
SIZES = (9.0, 8.5, 8.0, 7.5, 7.0)


def assessment_rows(assessment: Assessment) -> list[tuple[str, str]]:
    """The assessment as entered, as (label, value) pairs in clinical words."""
    a = assessment
    flare = a.flare
    walking = a.walking
    rows = [
        ("Age", str(a.age)),
        ("Visit", a.visit),
        ("Previous episodes", str(a.previous_episodes)),
        ("Flare level", flare.level),
        ("Pain now (0–10)", str(flare.pain_now)),
        (
            "Days since onset",
            "—" if flare.days_since_onset is None else str(flare.days_since_onset),
        ),
        ("Walks a week", str(walking.walks_per_week)),
        ("Minutes per walk", str(walking.minutes_per_walk)),
        (
            "Weeks at this dose",
            "—" if walking.weeks_at_current_dose is None else str(walking.weeks_at_current_dose),
        ),
        ("Walking tolerance", a.walking_tolerance.replace("_", " ")),
        ("Red flags", ", ".join(a.red_flags) or "none"),
        ("PHQ-2 total", "not asked" if a.phq2 is None else str(a.phq2)),
        ("Cardiorespiratory concern", "yes" if a.cardiorespiratory_concern else "no"),
        ("Prefers another exercise", "yes" if a.prefers_other_exercise else "no"),
    ]
    last = a.last_progression
    if last is not None:
        settled = {True: "yes", False: "no", None: "—"}[last.settled_within_24h]
        rows.append(("Pain rose after last step", "yes" if last.pain_increased else "no"))
        rows.append(("Settled within 24 h", settled))
        if last.previous_dose is not None:
            p = last.previous_dose
            rows.append(("Dose before last step", f"{p.walks_per_week} × {p.minutes_per_walk} min"))
    return rows


def summary_pdf(
    assessment: Assessment,
    rec: Recommendation,
    *,
    patient: str = "",
    clinic: str = "",
    paper: Paper = "a4",
    issued: date | None = None,
) -> bytes:
    """The one-page clinician summary as PDF bytes."""
    from fpdf.fonts import TTFFont

    issued = issued or date.today()
    for size in SIZES:
        pdf = _summary(assessment, rec, patient, clinic, paper, issued, size)
        if pdf.page_no() == 1 or size == SIZES[-1]:
            break
        for font in pdf.fonts.values():
            if isinstance(font, TTFFont):
                font.close()  # a discarded attempt: release its font files
    return bytes(pdf.output())


def _summary(
    assessment: Assessment,
    rec: Recommendation,
    patient: str,
    clinic: str,
    paper: Paper,
    issued: date,
    size: float,
) -> FPDF:
    line = size * 0.49
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
    pdf = new_pdf(paper, footer, "WalkBack CDS clinician summary")
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_font(FONT, "B", 15)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, "WalkBack CDS: clinician summary", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, size=size)
    text(
        pdf,
        "Decision support, not a diagnosis; the clinician's judgement decides. "
        f"Patient: {patient or 'not recorded'}. Date: {issued.isoformat()}. "
        f"Ruleset {rec.ruleset_version}.",
        line,
    )
    pdf.ln(1.5)

    _heading(pdf, "Assessment as entered")
    rows = assessment_rows(assessment)
    half = (len(rows) + 1) // 2
    col = pdf.epw / 2
    label_w = 52.0
    top = pdf.get_y()
    for column, chunk in enumerate((rows[:half], rows[half:])):
        pdf.set_y(top)
        for label, value in chunk:
            pdf.set_x(pdf.l_margin + column * col)
            pdf.set_font(FONT, "B", size)
            pdf.cell(label_w, line, label)
            pdf.set_font(FONT, size=size)
            pdf.cell(col - label_w - 2, line, value, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top + half * line + 1.5)

    _heading(pdf, "Recommendation")
    pdf.set_font(FONT, "B", size + 2)
    text(pdf, f"{rec.decision.value}: {rec.cards[0].summary}", line + 1)
    pdf.set_font(FONT, size=size)
    review = "after referral" if rec.review_in_days is None else f"in {rec.review_in_days} days"
    prompts = [
        name
        for name, on in (
            ("cold or heat pack", rec.ice_or_heat),
            ("pain-relief talk with GP or pharmacist", rec.medication_discussion),
        )
        if on
    ]
    referral = (
        f"{rec.referral.urgency} — {rec.referral.reason}" if rec.referral is not None else "none"
    )
    for fact in (
        f"Walking this week: {describe_dose(rec.next_dose)}.",
        f"Referral: {referral}.",
        f"Review: {review}.",
        f"Prompts: {'; '.join(prompts) or 'none'}.",
        f"Flags: {', '.join(f.value for f in rec.flags) or 'none'}.",
    ):
        text(pdf, fact, line)
    pdf.ln(1.5)

    _heading(pdf, "Rules that fired, with their evidence")
    rules = {r.id: r for r in RULES}
    cited: list[str] = []
    for entry in rec.trace:
        if not entry.fired:
            continue
        numbers = []
        for source in entry.source_ids:
            if source not in cited:
                cited.append(source)
            numbers.append(str(cited.index(source) + 1))
        pdf.set_font(FONT, "B", size)
        text(pdf, f"{entry.rule_id} · {entry.title}", line)
        pdf.set_font(FONT, size=size)
        text(
            pdf,
            f"{entry.reason}. Evidence: {rules[entry.rule_id].evidence_level}; "
            f"references [{', '.join(numbers)}].",
            line,
        )
        pdf.ln(0.8)
    pdf.ln(1)

    _heading(pdf, "References")
    pdf.set_font(FONT, size=size - 1)
    for number, source in enumerate(cited, start=1):
        s = SOURCES[source]
        text(pdf, f"[{number}] {s.reference} ({s.level})", line - 0.4)
    return pdf


def _heading(pdf: FPDF, title: str) -> None:
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*INK)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y()
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1.2)
