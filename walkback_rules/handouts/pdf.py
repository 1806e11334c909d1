"""The patient handout as a PDF (fpdf2): 12 pt body text, a Unicode font, page footers.

Every string is written as text through fpdf2's cell functions, never parsed as markup, so
a clinic name such as ``<script>`` prints as those characters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from .content import (
    Block,
    Bullets,
    DoseBox,
    Handout,
    HelpBox,
    Paper,
    Paragraph,
    PlanChart,
    Section,
    StaffNote,
    WalkingLog,
)

if TYPE_CHECKING:  # pragma: no cover
    from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
INK = (31, 59, 87)  # the charts' dark blue
RED = (176, 0, 32)
PALE_RED = (253, 236, 238)
PALE_BLUE = (232, 240, 248)
GREY = (90, 90, 90)
BODY = 12  # points; the handout never sets patient text smaller
LINE = 5.5  # mm between lines of 12 pt text (1.3 times the type size)
MARGIN = 18  # mm


def new_pdf(paper: Paper, footer: str, title: str, issued: date | None = None) -> FPDF:
    """An fpdf2 document with the bundled fonts and a footer on every page."""
    from fpdf import FPDF

    class _Document(FPDF):
        def footer(self) -> None:
            self.set_font(FONT, size=9)
            self.set_text_color(*GREY)
            # The footer's facts wrap above the page number rather than run under it (a
            # long clinic name); the page number keeps the last line's right end.
            room = self.epw - self.get_string_width("Page 99 of 99") - 4
            lines = wrap(self, footer, room)
            self.set_y(-13 - 4 * (len(lines) - 1))
            for line in lines[:-1]:
                self.cell(0, 4, line, align="L", new_x="LMARGIN", new_y="NEXT")
            self.cell(0, 5, lines[-1], align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

    pdf = _Document(format="A4" if paper == "a4" else "Letter", unit="mm")
    pdf.set_title(title)
    pdf.set_lang("en")
    pdf.set_creator("WalkBack CDS")
    # A reader shows the document's title, not its file name, and the outline beside it.
    from fpdf.prefs import ViewerPreferences

    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.page_mode = "USE_OUTLINES"
    if issued is not None:
        # Dated by the day it is issued for, not the moment it is built: a reprint of a
        # saved consultation is then the same file, byte for byte.
        pdf.set_creation_date(datetime(issued.year, issued.month, issued.day, tzinfo=UTC))
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, 16, MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    return pdf


def one_page(build: Callable[[float], FPDF], sizes: tuple[float, ...]) -> bytes:
    """The document at the largest type size in `sizes` that fits one page (the smallest
    when none does); the font files of each discarded attempt are released."""
    from fpdf.fonts import TTFFont

    for size in sizes:
        pdf = build(size)
        if pdf.page_no() == 1 or size == sizes[-1]:
            break
        for font in pdf.fonts.values():
            if isinstance(font, TTFFont):
                font.close()
    return bytes(pdf.output())


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Break `text` into lines no wider than `width` in the current font, at plain spaces.

    fpdf2's own multi_cell measures a line again for every character it adds; measuring
    each word once is several times faster and gives the same breaks for plain text.
    """
    space = pdf.get_string_width(" ")
    lines: list[str] = []
    line, used = "", 0.0
    # Only a plain space is a break: a no-break space holds a phone number together.
    for word in filter(None, text.split(" ")):
        size = pdf.get_string_width(word)
        if line and used + space + size > width:
            lines.append(line)
            line, used = word, size
        else:
            line, used = (f"{line} {word}", used + space + size) if line else (word, size)
    if line or not lines:
        lines.append(line)
    return lines


def text(pdf: FPDF, body: str, height: float = LINE, left: float = 0, width: float = 0) -> None:
    """A left-aligned paragraph from `left` (mm in from the margin), `width` wide (0: to the
    right margin); the cursor ends at the left margin on the next line."""
    width = width or pdf.epw - left
    lines = wrap(pdf, body, width)
    if len(lines) * height < 40 and pdf.will_page_break(len(lines) * height):
        pdf.add_page()  # a short paragraph or list item is never split across pages
    for line in lines:
        pdf.set_x(pdf.l_margin + left)
        pdf.cell(width, height, line, new_x="LMARGIN", new_y="NEXT")


def handout_pdf(handout: Handout, chart_png: bytes | None = None) -> bytes:
    """The handout as PDF bytes. `chart_png` is the plan chart, when the handout has one."""
    pdf = new_pdf(handout.paper, handout.footer(), handout.title, handout.issued)
    pdf.set_font(FONT, "B", 22)
    pdf.set_text_color(*(RED if handout.warning else INK))
    pdf.start_section(handout.title)
    text(pdf, handout.title, 10)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, size=BODY)
    text(pdf, handout.intro)
    pdf.ln(2)
    if handout.strip:
        _strip(pdf, handout.strip)
    for section in handout.sections:
        _section(pdf, section, chart_png)
    return bytes(pdf.output())


def _section(pdf: FPDF, section: Section, chart_png: bytes | None) -> None:
    # A heading never ends a page: it moves on with (the start of) its first block.
    first = section.blocks[0] if section.blocks else None
    if pdf.will_page_break(12 + _opening_height(pdf, first)):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "B", 16)
    colour = RED if section.key == "help" or section.warning else INK
    pdf.set_text_color(*colour)
    pdf.start_section(section.title, level=1)
    text(pdf, section.title, 8)
    y = pdf.get_y()
    pdf.set_draw_color(*colour)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    for block in section.blocks:
        _block(pdf, block, chart_png)


def _strip(pdf: FPDF, words: str) -> None:
    """The short warning on page 1, pointing to the get-help-now box."""
    pdf.set_font(FONT, size=BODY)
    lines = wrap(pdf, words, pdf.epw - 2 * HELP_INSET)
    height = len(lines) * LINE + 4
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_fill_color(*PALE_RED)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.rect(x, y, pdf.epw, height, style="DF")
    pdf.set_y(y + 2)
    for line in lines:
        pdf.set_x(x + HELP_INSET)
        pdf.cell(pdf.epw - 2 * HELP_INSET, LINE, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(y + height + 2)
    pdf.set_font(FONT, size=BODY)


def _opening_height(pdf: FPDF, block: Block | None) -> float:
    """How much of a block must fit under its section's heading."""
    if isinstance(block, HelpBox):
        return _help_height(pdf, block) + 4
    if isinstance(block, DoseBox):
        return _dose_height(block)
    if isinstance(block, Bullets):
        # A short list moves whole with its heading; a long one needs only its start.
        width = pdf.epw - 6
        whole = sum(len(wrap(pdf, item, width)) for item in block.items) * LINE
        whole += LINE if block.lead else 0
        return whole if whole <= SHORT_LIST else 2 * LINE
    return 3 * LINE


SHORT_LIST = 45.0  # mm: a list this short is never split from its heading


def _block(pdf: FPDF, block: Block, chart_png: bytes | None) -> None:
    pdf.set_font(FONT, size=BODY)
    if isinstance(block, Paragraph):
        text(pdf, block.text)
        pdf.ln(1.5)
    elif isinstance(block, Bullets):
        _bullets(pdf, block.items, block.lead)
    elif isinstance(block, DoseBox):
        _dose_box(pdf, block)
    elif isinstance(block, PlanChart):
        if chart_png is not None:
            _chart(pdf, block, chart_png)
    elif isinstance(block, WalkingLog):
        _log(pdf, block)
    elif isinstance(block, StaffNote):
        _staff(pdf, block)
    else:
        _help_box(pdf, block)


def _staff(pdf: FPDF, note: StaffNote) -> None:
    """The emergency team's facts, in a plain ruled box."""
    text(pdf, note.lead)
    for line in note.lines:
        pdf.cell(6, LINE, "•")
        text(pdf, line, left=6)
    pdf.ln(1.5)


def _bullets(
    pdf: FPDF, items: tuple[str, ...], lead: str = "", inset: float = 0, indent: float = 6
) -> None:
    """A list with a lead line; `inset` keeps it clear of a box's edges on both sides."""
    if lead:
        pdf.set_font(FONT, "B", BODY)
        first = len(wrap(pdf, items[0], pdf.epw - 2 * inset - indent)) if items else 0
        if pdf.will_page_break((len(wrap(pdf, lead, pdf.epw - 2 * inset)) + first) * LINE):
            pdf.add_page()  # a lead line never ends a page: it moves on with its first item
        text(pdf, lead, left=inset, width=pdf.epw - 2 * inset)
        pdf.set_font(FONT, size=BODY)
    width = pdf.epw - 2 * inset - indent
    for item in items:
        if pdf.will_page_break(len(wrap(pdf, item, width)) * LINE):
            pdf.add_page()  # the bullet moves with its item
        pdf.set_x(pdf.l_margin + inset)
        pdf.cell(indent, LINE, "•")
        text(pdf, item, left=inset + indent, width=width)
    pdf.ln(1.5)


def _dose_height(box: DoseBox) -> float:
    """A dose box: its heading, a 9 mm line per dose line, and its padding."""
    return 13 + 9 * len(box.lines)


def _dose_box(pdf: FPDF, box: DoseBox) -> None:
    height = _dose_height(box)
    if pdf.will_page_break(height):
        pdf.add_page()
    x, y, width = pdf.l_margin, pdf.get_y(), pdf.epw
    pdf.set_fill_color(*PALE_BLUE)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.5)
    pdf.rect(x, y, width, height, style="DF")
    pdf.set_xy(x + 5, y + 3)
    pdf.set_font(FONT, "B", BODY)
    pdf.cell(0, 6, box.heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 18)
    pdf.set_text_color(*INK)
    for line in box.lines:
        pdf.set_x(x + 5)
        pdf.cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(y + height + 3)


def _chart(pdf: FPDF, block: PlanChart, png: bytes) -> None:
    """The plan chart with its caption beside it, on the right."""
    from PIL import Image

    with Image.open(BytesIO(png)) as image:
        ratio = image.height / image.width
    width = 90.0
    height = width * ratio
    beside = pdf.epw - width - 5
    pdf.set_font(FONT, size=BODY)
    caption = len(wrap(pdf, block.caption, beside)) * LINE
    if pdf.will_page_break(max(height, caption) + 3):
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(BytesIO(png), x=pdf.l_margin, y=top, w=width, h=height, alt_text=block.alt_text())
    pdf.set_y(top + 2)
    text(pdf, block.caption, left=width + 5, width=beside)
    pdf.set_y(top + max(height, caption + 2) + 3)


def _log(pdf: FPDF, log: WalkingLog) -> None:
    """The log's table: a tick box a day, then the diary's three numbers for the week."""
    row = 7.5
    pdf.set_font(FONT, "B", BODY)
    widths = (15.0, 19.0, 22.0, 28.0)
    head = (
        max(
            len(wrap(pdf, t, w - 1.5))
            for t, w in zip((log.first_column, *log.totals), widths, strict=True)
        )
        * LINE
        + 1
    )
    pdf.set_font(FONT, size=BODY)
    lines = len(wrap(pdf, log.instruction, pdf.epw))
    if pdf.will_page_break(lines * LINE + head + row * log.weeks + 4):
        pdf.add_page()  # the instruction and its table stay together
    text(pdf, log.instruction)
    pdf.ln(1)
    week_w, *total_w = widths
    day_w = (pdf.epw - week_w - sum(total_w)) / len(log.days)
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.3)
    pdf.set_font(FONT, "B", BODY)
    pdf.set_fill_color(*PALE_BLUE)
    top = pdf.get_y()
    heads = [(log.first_column, week_w), *((d, day_w) for d in log.days)]
    heads += list(zip(log.totals, total_w, strict=True))
    x = pdf.l_margin
    for words, width in heads:
        pdf.rect(x, top, width, head, style="DF")
        parts = wrap(pdf, words, width - 1.5)
        pdf.set_xy(x, top + (head - len(parts) * LINE) / 2)
        for part in parts:
            pdf.set_x(x)
            pdf.cell(width, LINE, part, align="C", new_x="LEFT", new_y="NEXT")
        x += width
    pdf.set_xy(pdf.l_margin, top + head)
    pdf.set_font(FONT, size=BODY)
    for week in range(1, log.weeks + 1):
        pdf.cell(week_w, row, str(week), border=1, align="C")
        for _ in log.days:
            x, y = pdf.get_x(), pdf.get_y()
            pdf.cell(day_w, row, "", border=1)
            pdf.rect(x + day_w / 2 - 2.5, y + row / 2 - 2.5, 5, 5)
        for width in total_w:
            pdf.cell(width, row, "", border=1)
        pdf.ln(row)
    pdf.ln(3)


@dataclass(frozen=True, slots=True)
class _Row:
    """One piece of the help box: a line of text, maybe bold, red or a list item."""

    text: str
    bold: bool = False
    red: bool = False
    bullet: bool = False
    before: float = 0.0  # space above, mm


HELP_INSET = 4.0  # mm between the help box's edge and its text
BULLET = 6.0  # mm from a bullet to its item's text


def _help_units(box: HelpBox) -> list[list[_Row]]:
    """The help box's content in reading order, in units that never split across pages: a
    group's heading with its first sign, each further sign, the group's action, and whom to
    call; the last group and whom to call are one unit. Measured and drawn from the same
    lists."""
    units: list[list[_Row]] = []
    last = 0
    for number, group in enumerate(box.groups):
        last = len(units)
        first, *rest = group.signs
        gap = 1.2 if number else 0.0
        units.append(
            [
                _Row(group.heading, bold=True, red=group.warning, before=gap),
                _Row(first, bullet=True),
            ]
        )
        action = _Row(group.action, bold=True, red=group.warning, before=1.0)
        if rest:
            units += [[_Row(sign, bullet=True)] for sign in rest[:-1]]
            units.append([_Row(rest[-1], bullet=True), action])  # the last sign keeps its action
        else:
            units[-1].append(action)
    units.append([_Row(line, before=1.5 if n == 0 else 0.0) for n, line in enumerate(box.contact)])
    # The last group and whom to call stay together: a page never ends the box with a tail
    # of two or three lines on its own. (If they do not fit the page, a page follows anyway.)
    return [*units[:last], [row for unit in units[last:] for row in unit]]


def _row_lines(pdf: FPDF, row: _Row) -> list[str]:
    pdf.set_font(FONT, "B" if row.bold else "", BODY)
    return wrap(pdf, row.text, pdf.epw - 2 * HELP_INSET - (BULLET if row.bullet else 0))


def _unit_height(pdf: FPDF, rows: list[_Row]) -> float:
    return sum(len(_row_lines(pdf, r)) * LINE + r.before for r in rows)


PAD = 2.0  # mm above and below the help box's text


def _help_height(pdf: FPDF, box: HelpBox) -> float:
    """How much of the box must fit under its heading: its first few signs, so that a
    page never ends on the box's heading and a single sign."""
    return sum(_unit_height(pdf, u) for u in _help_units(box)[:4]) + 2 * PAD


def _help_box(pdf: FPDF, box: HelpBox) -> None:
    """The box, measured first and drawn page by page: where it runs over a page break,
    each page's part gets its own border and background, behind its text."""
    pages: list[list[list[_Row]]] = [[]]
    room = pdf.h - pdf.b_margin - pdf.get_y() - 2 * PAD
    used = 0.0
    for unit in _help_units(box):
        height = _unit_height(pdf, unit)
        if used + height > room and pages[-1]:
            pages.append([])
            room = pdf.h - pdf.b_margin - pdf.t_margin - 2 * PAD
            used = 0.0
        pages[-1].append(unit)
        used += height
    for number, units in enumerate(pages):
        if number:
            pdf.add_page()
        height = sum(_unit_height(pdf, u) for u in units) + 2 * PAD
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_fill_color(*PALE_RED)
        pdf.set_draw_color(*RED)
        pdf.set_line_width(0.8)
        pdf.rect(x, y, pdf.epw, height, style="DF")
        pdf.set_y(y + PAD)
        for row in (r for u in units for r in u):
            pdf.ln(row.before)
            lines = _row_lines(pdf, row)  # also sets the row's font
            pdf.set_text_color(*(RED if row.red else (0, 0, 0)))
            left = HELP_INSET + (BULLET if row.bullet else 0)
            for index, line in enumerate(lines):
                pdf.set_x(pdf.l_margin + HELP_INSET)
                if row.bullet and index == 0:
                    pdf.cell(BULLET, LINE, "•")
                pdf.set_x(pdf.l_margin + left)
                pdf.cell(pdf.epw - HELP_INSET - left, LINE, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_y(y + height)
    pdf.ln(2)
