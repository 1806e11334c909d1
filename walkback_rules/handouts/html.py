"""The web-page versions of the printed sheets: standalone, print-friendly HTML (no app
chrome, no scripts) for the patient handout, the clinician summary and the referral letter.

Every piece of text is escaped, so clinician-entered text (the clinic's name) shows as text.
The chart, when there is one, is drawn inline as SVG by the print template: the page needs
nothing else. The summary and the letter are made from the same data as their PDFs
(`summary.summary_data`, `letter.letter_data`), so the two never word a fact differently.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .content import (
    Block,
    Bullets,
    DoseBox,
    Handout,
    HelpBox,
    Paragraph,
    PlanChart,
    Section,
    StaffNote,
    WalkingLog,
)
from .i18n import _, speaking

CSS = """
@page { size: %(paper)s; margin: 16mm 18mm 18mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 12pt;
       line-height: 1.45; color: #111; max-width: 180mm; margin: 0 auto; padding: 8mm 0; }
h1 { color: #1f3b57; font-size: 22pt; margin: 0 0 4pt; }
h2 { color: #1f3b57; font-size: 16pt; border-bottom: 2px solid #1f3b57; margin: 16pt 0 6pt;
     break-after: avoid; }
section.help h2, section.warn h2, h1.warn { color: #b00020; border-color: #b00020; }
.strip { border: 3px solid #b00020; background: #fdecee; padding: 4pt 10pt; font-weight: bold;
         margin: 6pt 0; }
.staff { border: 1px solid #5a5a5a; padding: 4pt 10pt; }
.notice { border: 2px solid #5a5a5a; padding: 4pt 10pt; margin: 6pt 0; }
p { margin: 0 0 6pt; }
ul { margin: 0 0 6pt; padding-left: 18pt; }
.lead { font-weight: bold; margin-bottom: 2pt; }
.dose { border: 2px solid #1f3b57; background: #e8f0f8; padding: 6pt 10pt; margin: 4pt 0 8pt;
        break-inside: avoid; }
.dose strong { display: block; font-size: 18pt; color: #1f3b57; }
figure { margin: 6pt 0 8pt; text-align: center; break-inside: avoid; }
figure svg { width: 150mm; max-width: 100%%; height: auto; }
figcaption { text-align: left; }
.logbox { break-inside: avoid; }
table.log { border-collapse: collapse; width: 100%%; margin: 4pt 0 10pt; break-inside: avoid; }
table.log th, table.log td { border: 1px solid #5a5a5a; height: 10mm; text-align: center; }
table.log th { background: #e8f0f8; }
table.log td.box::after { content: ""; display: inline-block; width: 5mm; height: 5mm;
                          border: 1px solid #5a5a5a; }
.helpbox { border: 3px solid #b00020; background: #fdecee; padding: 6pt 10pt;
           break-inside: avoid; }
.helpbox .act { color: #b00020; font-weight: bold; }
.helpbox .soon { font-weight: bold; }
.helpbox .warnlead { color: #b00020; }
footer { margin-top: 14pt; border-top: 1px solid #999; color: #444; font-size: 9pt;
         padding-top: 4pt; }
@media print { body { padding: 0; max-width: none; } }
@media screen and (max-width: 480px) {
  /* A phone: the same sheet, reflowed to the width with nothing to scroll sideways. */
  body { font-size: 11pt; padding: 4mm 3mm; }
  h1 { font-size: 18pt; }
  h2 { font-size: 14pt; }
  .dose strong { font-size: 15pt; }
  table.log { table-layout: fixed; font-size: 8pt; }
  table.log th, table.log td { height: 8mm; padding: 0; overflow-wrap: anywhere; }
  table.log td.box::after { width: 3.5mm; height: 3.5mm; }
}
"""


def handout_html(handout: Handout) -> str:
    """The handout as one HTML document, ready for a browser's print dialogue, in the
    handout's language."""
    with speaking(handout.language):
        return _handout_html(handout)


def _handout_html(handout: Handout) -> str:
    body = "\n".join(_section(s) for s in handout.sections)
    css = CSS % {"paper": "A4" if handout.paper == "a4" else "letter"}
    strip = f'<p class="strip" role="note">{escape(handout.strip)}</p>' if handout.strip else ""
    notice = (
        f'<div class="notice" role="note"><p><strong>{escape(handout.notice[0])}</strong></p></div>'
        if handout.notice
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="{escape(handout.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>{escape(handout.title)}</title>
<style>{css}</style>
</head>
<body>
<header>
<h1{' class="warn"' if handout.warning else ""}>{escape(handout.title)}</h1>
{notice}
<p>{escape(handout.intro)}</p>
{strip}
</header>
<main>
{body}
</main>
<footer>{escape(handout.footer())}</footer>
</body>
</html>
"""  # noqa: E501 - the policy line reads best whole


def _section(section: Section) -> str:
    blocks = "\n".join(_block(b) for b in section.blocks)
    warn = " warn" if section.warning else ""
    label = f"h-{escape(section.key)}"
    return (
        f'<section class="{escape(section.key)}{warn}" aria-labelledby="{label}">\n'
        f'<h2 id="{label}">{escape(section.title)}</h2>\n{blocks}\n</section>'
    )


def _list(items: tuple[str, ...], lead: str = "") -> str:
    lines = "".join(f"<li>{escape(i)}</li>" for i in items)
    head = f'<p class="lead">{escape(lead)}</p>' if lead else ""
    return f"{head}<ul>{lines}</ul>"


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Bullets):
        return _list(block.items, block.lead)
    if isinstance(block, DoseBox):
        lines = "".join(f"<strong>{escape(line)}</strong>" for line in block.lines)
        return f'<div class="dose"><p class="lead">{escape(block.heading)}</p>{lines}</div>'
    if isinstance(block, PlanChart):
        if not block.plan.weeks:
            return ""
        from .pdf import chart_svg

        # The drawing is the print template's own, made from numbers only; its words for a
        # screen reader are the figure's label.
        svg = chart_svg(block).replace(
            "<svg", f'<svg role="img" aria-label="{escape(block.alt_text())}"', 1
        )
        return f"<figure>{svg}<figcaption>{escape(block.caption)}</figcaption></figure>"
    if isinstance(block, WalkingLog):
        caption = _("Your walking log")
        head = "".join(f'<th scope="col">{escape(d)}</th>' for d in block.days)
        head += "".join(f'<th scope="col">{escape(t)}</th>' for t in block.totals)
        boxes = '<td class="box"></td>' * len(block.days) + "<td></td>" * len(block.totals)
        rows = "".join(
            f'<tr><th scope="row">{week}</th>{boxes}</tr>' for week in range(1, block.weeks + 1)
        )
        return (
            f'<div class="logbox"><p>{escape(block.instruction)}</p>'
            f'<table class="log"><caption>{escape(caption)}</caption><thead><tr>'
            f'<th scope="col">{escape(block.first_column)}</th>{head}'
            f"</tr></thead><tbody>{rows}</tbody></table></div>"
        )
    if isinstance(block, StaffNote):
        items = "".join(f"<li>{escape(line)}</li>" for line in block.lines)
        return f'<div class="staff" lang="en"><p>{escape(block.lead)}</p><ul>{items}</ul></div>'
    return _help(block)


def _help(box: HelpBox) -> str:
    label = _("Warning signs")
    parts = [f'<div class="helpbox" role="note" aria-label="{escape(label)}">']
    for group in box.groups:
        lead = f'<p class="lead{" warnlead" if group.warning else ""}">{escape(group.heading)}</p>'
        signs = "".join(f"<li>{escape(s)}</li>" for s in group.signs)
        act = "act" if group.warning else "soon"
        parts.append(f'{lead}<ul>{signs}</ul><p class="{act}">{escape(group.action)}</p>')
    parts += [f"<p>{escape(line)}</p>" for line in box.contact]
    parts.append("</div>")
    return "".join(parts)


RECORD_CSS = """
@page { size: %(paper)s; margin: 15mm; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 12pt;
       line-height: 1.45; color: #111; max-width: 180mm; margin: 0 auto; padding: 8mm 4mm; }
h1 { color: #1f3b57; font-size: 18pt; margin: 0 0 6pt; }
h1.warn { color: #b00020; }
h2 { color: #1f3b57; font-size: 14pt; border-bottom: 1px solid #5a5a5a; margin: 14pt 0 6pt;
     break-after: avoid; }
h3 { font-size: 12pt; margin: 8pt 0 2pt; }
dl { display: grid; grid-template-columns: minmax(9em, 16em) 1fr; gap: 2pt 10pt; margin: 0 0 8pt; }
dt { font-weight: bold; }
dd { margin: 0; overflow-wrap: anywhere; }
dd.blank { border-bottom: 1px solid #1f3b57; min-height: 1.4em; max-width: 30em; }
p, ul, ol { margin: 0 0 6pt; }
footer { margin-top: 14pt; border-top: 1px solid #999; color: #444; font-size: 10pt;
         padding-top: 4pt; }
@media print { body { padding: 0; max-width: none; } }
@media screen and (max-width: 480px) {
  dl { grid-template-columns: 1fr; } dd { margin-bottom: 4pt; }
}
"""


def _record_page(data: dict[str, Any], body: str, warn: bool = False) -> str:
    css = RECORD_CSS % {"paper": "A4" if data["paper"] == "a4" else "letter"}
    return f"""<!DOCTYPE html>
<html lang="{escape(data["lang"])}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(data["title"])}</title>
<style>{css}</style>
</head>
<body>
<main>
<h1{' class="warn"' if warn else ""}>{escape(data["heading"])}</h1>
{body}
</main>
<footer>{escape(data["footer"])}</footer>
</body>
</html>
"""


def _pairs(rows: list[list[str]]) -> str:
    """Label and value pairs as a description list."""
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return f"<dl>{items}</dl>" if items else ""


def _items(items: list[str], tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + f"</{tag}>"


def summary_html(data: dict[str, Any]) -> str:
    """The clinician summary as a web page, from `summary.summary_data`."""
    rules = "".join(
        f"<h3>{escape(r['title'])}</h3><p>{escape(r['reason'])}</p>" for r in data["rules"]
    )
    body = "\n".join(
        [
            f"<p>{escape(data['intro'])}</p>",
            _pairs(data["visit"]),
            f"<h2>{escape(data['assessment-heading'])}</h2>",
            _pairs(data["short"] + data["long"]),
            f"<h2>{escape(data['recommendation-heading'])}</h2>",
            f"<p><strong>{escape(data['headline'])}</strong></p>",
            "".join(f"<p>{escape(f)}</p>" for f in data["facts"]),
            f"<h2>{escape(data['rules-heading'])}</h2>",
            rules,
            f"<h2>{escape(data['references-heading'])}</h2>",
            _items(data["references"], "ol"),
        ]
    )
    return _record_page(data, body)


def letter_html(data: dict[str, Any]) -> str:
    """The referral letter as a web page, from `letter.letter_data`; the lines to complete
    by hand are empty boxes to write in once printed."""
    blanks = "".join(
        f'<dt>{escape(label)}</dt><dd class="blank"></dd>' for label in data["by-hand"]
    )
    found = "".join(f"<h3>{escape(f['name'])}</h3>{_items(f['features'])}" for f in data["found"])
    clinician = (
        f"<dt>{escape(data['clinician'][0])}</dt><dd>{escape(data['clinician'][1])}</dd>"
        if data["clinician"]
        else f'<dt>{escape(data["clinician-label"])}</dt><dd class="blank"></dd>'
    )
    noted = _items(data["noted"]) if data["noted"] else f"<p>{escape(data['nothing-noted'])}</p>"
    body = "\n".join(
        [
            _pairs([data["to"]]).replace("</dl>", blanks + "</dl>"),
            _pairs(data["details"]),
            f"<h2>{escape(data['findings-heading'])}</h2>",
            found,
            f"<p>{escape(data['pain'])}</p>",
            f"<h3>{escape(data['exam-heading'])}</h3>",
            "".join(f"<p>{escape(p)}</p>" for p in data["exam"]),
            f"<h2>{escape(data['told-heading'])}</h2>",
            "".join(f"<p>{escape(p)}</p>" for p in data["told"]),
            f"<h2>{escape(data['noted-heading'])}</h2>",
            noted,
            f"<h2>{escape(data['signed-heading'])}</h2>",
            f'<dl><dt>{escape(data["signature"])}</dt><dd class="blank"></dd>{clinician}'
            f"<dt>{escape(data['when'][0])}</dt><dd>{escape(data['when'][1])}</dd></dl>",
            f"<h2>{escape(data['basis-heading'])}</h2>",
            f"<p>{escape(data['basis'])}</p>",
        ]
    )
    return _record_page(data, body, warn=data["urgent"])
