"""Teaching worksheets: a set of cases without their answers, and a separate answer key with
the reasons. Both come from the case library and the rule tables (`teaching.reveal`): no
answer is copied by hand, so a change to the rules changes the key with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from ..core.codes import RULESET_VERSION
from ..core.engine import decide
from ..core.validation import validate_assessment
from ..teaching.cases import DemoCase
from ..teaching.lessons import case_reveal, outcome_rows, vignette
from .content import Paper
from .pdf import FONT, GREY, INK, new_pdf, text

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF

SIZE = 11.0  # points
LINE = 5.2  # mm between lines
WRITE_LINES = 2  # ruled lines for the reasons on the worksheet

INTRO = (
    "For each case, write the decision you would expect the WalkBack rules to make, the "
    "walking dose, and the reason. Anything not listed was asked and was normal or absent. "
    "The cases are made up: none of them is a real person."
)
KEY_INTRO = (
    "What the WalkBack rules decide for each case, the rule that decided and its reason, "
    "the nearest change that would alter the decision, and how strong the evidence is."
)


def answers(case: DemoCase) -> list[tuple[str, str]]:
    """One case's answer as the key prints it, label and value."""
    shown = case_reveal(case)
    rule = f"rule {shown.number} of 12, {shown.rule.id} {shown.rule.title}: {shown.why}"
    rows = [
        ("Decision", shown.decision),
        *outcome_rows(decide(validate_assessment(case.data))),
        ("Deciding rule", rule),
    ]
    if shown.nearest:
        rows.append(("Nearest change", str(shown.nearest[0])))
    evidence = shown.rule.evidence_level
    if shown.caveats:
        evidence += ". " + " ".join(shown.caveats)
    rows.append(("Evidence", evidence))
    rows.append(("Teaching point", case.teaches))
    return rows


def worksheet_pdf(
    cases: Sequence[DemoCase],
    *,
    key: bool = False,
    paper: Paper = "a4",
    issued: date | None = None,
) -> bytes:
    """The worksheet (cases, no answers) or, with `key`, its answer key, as PDF bytes."""
    title = "WalkBack CDS: answer key" if key else "WalkBack CDS: case worksheet"
    pdf = new_pdf(paper, f"{title} · {len(cases)} cases · ruleset {RULESET_VERSION}", title, issued)
    pdf.set_font(FONT, "B", 18)
    pdf.set_text_color(*INK)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, size=SIZE)
    text(pdf, KEY_INTRO if key else INTRO, LINE)
    pdf.ln(3)
    for number, case in enumerate(cases, start=1):
        heading = f"Case {number} (demo {case.id[-2:]})"
        rows = answers(case) if key else vignette(validate_assessment(case.data))
        _case(pdf, heading, rows, write=not key)
    return bytes(pdf.output())


LABEL = 44.0  # mm for the label column; a longer label wraps within it


def _lines(pdf: FPDF, rows: list[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
    """Each row's label and value broken into lines of their own columns, so a long label
    ("Pain rose after last step") wraps in its column and never runs over its value."""
    from .pdf import wrap

    out = []
    for name, value in rows:
        pdf.set_font(FONT, "B", SIZE)
        names = wrap(pdf, name, LABEL - 3)
        pdf.set_font(FONT, size=SIZE)
        out.append((names, wrap(pdf, value, pdf.epw - LABEL)))
    return out


def _rows_height(pdf: FPDF, rows: list[tuple[str, str]], write: bool) -> float:
    height = 9.0 + sum(max(len(n), len(v)) * LINE for n, v in _lines(pdf, rows))
    return height + (LINE * (3 + WRITE_LINES) + 4 if write else 2)


def _case(pdf: FPDF, heading: str, rows: list[tuple[str, str]], write: bool) -> None:
    if pdf.will_page_break(min(_rows_height(pdf, rows, write), pdf.eph - 10)):
        pdf.add_page()  # a case is never split from its heading, nor its answer lines
    pdf.start_section(heading)
    pdf.set_font(FONT, "B", 13)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    for names, values in _lines(pdf, rows):
        for i in range(max(len(names), len(values))):
            pdf.set_font(FONT, "B", SIZE)
            pdf.cell(LABEL, LINE, names[i] if i < len(names) else "")
            pdf.set_font(FONT, size=SIZE)
            line = values[i] if i < len(values) else ""
            pdf.cell(pdf.epw - LABEL, LINE, line, new_x="LMARGIN", new_y="NEXT")
    if write:
        pdf.ln(2)
        pdf.set_draw_color(*GREY)
        pdf.set_line_width(0.2)
        for name in ("Your decision", "Your dose", "Why", *[""] * (WRITE_LINES - 1)):
            pdf.set_font(FONT, "B", SIZE)
            pdf.cell(LABEL, LINE + 2, name)
            y = pdf.get_y() + LINE + 1.5
            pdf.line(pdf.l_margin + LABEL, y, pdf.w - pdf.r_margin, y)
            pdf.ln(LINE + 2)
    pdf.ln(4)
