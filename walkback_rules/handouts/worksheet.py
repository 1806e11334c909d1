"""Teaching worksheets: a set of cases without their answers, and a separate answer key with
the reasons. Both come from the case library and the rule tables (`teaching.reveal`): no
answer is copied by hand, so a change to the rules changes the key with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..core.codes import RULESET_VERSION
from ..core.engine import decide
from ..core.validation import validate_assessment
from ..teaching.cases import DemoCase
from ..teaching.lessons import case_reveal, outcome_rows, vignette
from .content import Paper
from .typeset import PAGE_WORDS, typeset

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
    data = {
        "title": title,
        "lang": "en",
        "paper": paper,
        "footer": f"{title} · {len(cases)} cases · ruleset {RULESET_VERSION}",
        "page-words": PAGE_WORDS,
        "intro": KEY_INTRO if key else INTRO,
        "write": not key,
        "write-labels": ["Your decision", "Your dose", "Why", *[""] * (WRITE_LINES - 1)],
        "cases": [
            {
                "heading": f"Case {number} (demo {case.id[-2:]})",
                "rows": [
                    list(row)
                    for row in (answers(case) if key else vignette(validate_assessment(case.data)))
                ],
            }
            for number, case in enumerate(cases, start=1)
        ],
    }
    return typeset("worksheet", data, sheet="answer key" if key else "worksheet", issued=issued)
