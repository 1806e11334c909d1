"""The patient handout as a standalone, print-friendly HTML page (no app chrome, no scripts).

Every piece of text is escaped, so clinician-entered text (the clinic's name) shows as text.
The chart, when there is one, is drawn inline as SVG by the print template: the page needs
nothing else.
"""

from __future__ import annotations

from html import escape

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
p { margin: 0 0 6pt; }
ul { margin: 0 0 6pt; padding-left: 18pt; }
.lead { font-weight: bold; margin-bottom: 2pt; }
.dose { border: 2px solid #1f3b57; background: #e8f0f8; padding: 6pt 10pt; margin: 4pt 0 8pt;
        break-inside: avoid; }
.dose strong { display: block; font-size: 18pt; color: #1f3b57; }
figure { margin: 6pt 0 8pt; text-align: center; break-inside: avoid; }
figure img { width: 150mm; max-width: 100%%; }
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
    """The handout as one HTML document, ready for a browser's print dialogue."""
    body = "\n".join(_section(s) for s in handout.sections)
    css = CSS % {"paper": "A4" if handout.paper == "a4" else "letter"}
    strip = f'<p class="strip" role="note">{escape(handout.strip)}</p>' if handout.strip else ""
    return f"""<!DOCTYPE html>
<html lang="en">
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
        head = "".join(f'<th scope="col">{escape(d)}</th>' for d in block.days)
        head += "".join(f'<th scope="col">{escape(t)}</th>' for t in block.totals)
        boxes = '<td class="box"></td>' * len(block.days) + "<td></td>" * len(block.totals)
        rows = "".join(
            f'<tr><th scope="row">{week}</th>{boxes}</tr>' for week in range(1, block.weeks + 1)
        )
        return (
            f'<div class="logbox"><p>{escape(block.instruction)}</p>'
            '<table class="log"><caption>Your walking log</caption><thead><tr>'
            f'<th scope="col">{escape(block.first_column)}</th>{head}'
            f"</tr></thead><tbody>{rows}</tbody></table></div>"
        )
    if isinstance(block, StaffNote):
        items = "".join(f"<li>{escape(line)}</li>" for line in block.lines)
        return f'<div class="staff"><p>{escape(block.lead)}</p><ul>{items}</ul></div>'
    return _help(block)


def _help(box: HelpBox) -> str:
    parts = ['<div class="helpbox" role="note" aria-label="Warning signs">']
    for group in box.groups:
        lead = f'<p class="lead{" warnlead" if group.warning else ""}">{escape(group.heading)}</p>'
        signs = "".join(f"<li>{escape(s)}</li>" for s in group.signs)
        act = "act" if group.warning else "soon"
        parts.append(f'{lead}<ul>{signs}</ul><p class="{act}">{escape(group.action)}</p>')
    parts += [f"<p>{escape(line)}</p>" for line in box.contact]
    parts.append("</div>")
    return "".join(parts)
