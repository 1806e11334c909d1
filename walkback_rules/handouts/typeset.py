"""Every printed sheet is typeset by Typst from a template kept beside this module
(`templates/`), as a tagged PDF/UA-1 document: a title, the language, headings in order,
lists, tables with header cells, figures with their alt text, page furniture marked as
artifacts, and the bundled fonts embedded.

A sheet's content reaches its template as data: one JSON value in `sys.inputs`, read by the
template and shown as text. Nothing typed by a clinician or kept in the record is ever
written into Typst markup, so a clinic name such as ``*#set`` prints as those characters.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from .i18n import N_

TEMPLATES = Path(__file__).parent / "templates"
FONTS = Path(__file__).parent / "fonts"
# {page} and {pages} are filled in by the template (a catalogue message: `_(PAGE_WORDS)`).
PAGE_WORDS = N_("Page {page} of {pages}")

Template = Literal["handout", "summary", "letter", "worksheet", "slip", "plan-chart", "card"]


class TypesetError(ValueError):
    """A sheet that could not be typeset, with the sheet's name and the cause in plain words."""


_compiler: Any = None
_lock = threading.Lock()  # one compiler per process, used by one print at a time


def _typst() -> Any:
    global _compiler
    if _compiler is None:
        import typst

        _compiler = typst.Compiler(
            root=str(TEMPLATES), font_paths=[str(FONTS)], ignore_system_fonts=True
        )
    return _compiler


def typeset(
    template: Template,
    data: dict[str, Any],
    *,
    sheet: str,
    issued: date | None,
    fmt: Literal["pdf", "svg"] = "pdf",
) -> bytes:
    """The sheet `template` filled with `data`, as PDF/UA-1 bytes (or, for a chart, SVG).

    Dated by the day it is issued for, not the moment it is built, so a reprint of a saved
    consultation is the same file byte for byte. `sheet` names the sheet in an error.
    """
    import typst

    day = issued or date.today()
    stamp = datetime(day.year, day.month, day.day, tzinfo=UTC)
    payload = json.dumps({**data, "date": day.isoformat()}, ensure_ascii=False)
    with _lock:
        try:
            out = _typst().compile(
                input=str(TEMPLATES / f"{template}.typ"),
                format=fmt,
                sys_inputs={"data": payload},
                pdf_standards=["ua-1"] if fmt == "pdf" else [],
                timestamp=stamp,
            )
        except typst.TypstError as error:
            cause = getattr(error, "message", None) or str(error.args[0] if error.args else error)
            raise TypesetError(f"The {sheet} could not be typeset: {cause}.") from error
    if isinstance(out, list):  # one image per page: a chart is one page
        out = out[0]
    assert isinstance(out, bytes)
    return out


def warm() -> None:
    """Load Typst, its fonts and every template once, before the first print."""
    _typst()
