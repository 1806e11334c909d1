"""Printable handouts: the patient's own plan (PDF or HTML) and a one-page clinician summary.

One source of content (`content.build_handout`) feeds two renderers (`pdf`, `html`). Every
printed sheet is typeset by Typst (`typeset`), which loads only when a file is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ..consultation.visit import VisitDetails
from ..core.engine import recommend
from ..core.models import Assessment, Recommendation
from .content import (
    PAPERS,
    SECTION_TITLES,
    SECTIONS,
    Handout,
    HandoutOptions,
    build_handout,
)

Format = Literal["pdf", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "html")

__all__ = [
    "FORMATS",
    "PAPERS",
    "SECTIONS",
    "SECTION_TITLES",
    "Format",
    "Handout",
    "HandoutOptions",
    "build_handout",
    "handout_file",
    "render",
    "summary_file",
    "warm",
    "warm_in_background",
]


def render(handout: Handout, fmt: Format = "pdf") -> bytes:
    """The handout as a file: PDF bytes, or UTF-8 HTML."""
    if fmt == "html":
        from .html import handout_html

        return handout_html(handout).encode("utf-8")
    from .pdf import handout_pdf

    return handout_pdf(handout)


def handout_file(
    assessment: Assessment,
    options: HandoutOptions | None = None,
    fmt: Format = "pdf",
    rec: Recommendation | None = None,
) -> bytes:
    """The patient handout for one assessment, built and rendered."""
    rec = rec or recommend(assessment)
    return render(build_handout(assessment, rec, options), fmt)


def warm() -> None:
    """Build one handout PDF from a demo case and discard it, so the libraries it needs
    (Typst, its fonts and templates) are loaded before a clinician's first
    print. The app's server calls it once at start, in the background; no patient's data
    is touched."""
    from ..core.validation import validate_assessment
    from ..teaching.cases import CASES_BY_ID

    handout_file(validate_assessment(CASES_BY_ID["demo-02"].data))


_warming: list[object] = []  # the one background warm-up of this process, once started


def warm_in_background() -> None:
    """Start `warm` in a background thread, once per process, so the first PDF a clinician
    asks for is as quick as any other."""
    if not _warming:
        import threading

        thread = threading.Thread(target=warm, name="warm-printing", daemon=True)
        _warming.append(thread)
        thread.start()


def summary_file(
    assessment: Assessment,
    options: HandoutOptions | None = None,
    rec: Recommendation | None = None,
    visit: VisitDetails | None = None,
    referrals: Sequence[str] = (),
    fmt: Format = "pdf",
) -> bytes:
    """The one-page clinician summary for one assessment, as PDF bytes or (`fmt="html"`) its
    web page, with the patient's referrals and their statuses when there are any."""
    from .summary import summary_page, summary_pdf

    options = options or HandoutOptions()
    build = summary_pdf if fmt == "pdf" else summary_page
    return build(
        assessment,
        rec or recommend(assessment),
        patient=options.patient,
        clinic=options.clinic,
        paper=options.paper,
        issued=options.issued,
        visit=visit,
        referrals=referrals,
        discharged=options.discharged,
    )
