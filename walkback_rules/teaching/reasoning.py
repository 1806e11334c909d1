"""The reasoning as a picture and side by side: the path one assessment takes through the
screens and the decision order, drawn as Graphviz DOT from the rule tables themselves, and
two assessments compared input by input and rule by rule.

Nothing is drawn by hand: a rule added to a table is a node in the picture and a row in the
comparison.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

from ..core.cards import DECISION_NAMES, URGENCY_WORDS, short_dose
from ..core.codes import CONDITIONS, Flag, Tier
from ..core.engine import decide
from ..core.models import Assessment, NextDose
from ..core.rules import DECISION_RULES, FLAG_RULES, derive
from ..core.screens import CONDITION_INFO, TIER_RULES, Screening, screen
from ..handouts.summary import assessment_rows

TIER_WORDS: dict[Tier, str] = {"monitor": "Monitor"}
for _urgency, _words in URGENCY_WORDS.items():
    TIER_WORDS[_urgency] = _words
FLAG_TITLES: dict[Flag, str] = {r.flag: r.title for r in FLAG_RULES}


@dataclass(frozen=True, slots=True)
class Path:
    """Where one assessment went: the tier rules that held, each decision rule's condition
    (held or not), the first that held, and what the rules concluded."""

    screening: Screening
    tier_rules_held: frozenset[str]
    holds: tuple[bool, ...]  # one per decision rule, in order
    decided_at: int  # index of the first decision rule that held
    flags: tuple[Flag, ...]
    next_dose: NextDose | None

    @property
    def decision(self) -> str:
        return DECISION_NAMES[DECISION_RULES[self.decided_at].decision]


def path_of(assessment: Assessment) -> Path:
    """The path the rules take for one assessment."""
    facts = derive(assessment)
    holds = tuple(rule.holds(facts) for rule in DECISION_RULES)
    ticked = frozenset(assessment.red_flags) | frozenset(assessment.exercise_screen)
    decided = decide(assessment)
    return Path(
        screening=screen(assessment.red_flags, assessment.exercise_screen),
        tier_rules_held=frozenset(r.id for r in TIER_RULES if r.holds(ticked)),
        holds=holds,
        decided_at=holds.index(True),
        flags=decided.flags,
        next_dose=decided.next_dose,
    )


def _rule_name(n: int, plain: bool) -> str:
    rule = DECISION_RULES[n]
    return f"rule {n + 1} ({rule.title})" if plain else f"rule {n + 1} ({rule.id}, {rule.title})"


def _span(first: int, last: int) -> str:
    """Rules first to last, in words: "Rule 3", "Rules 3 and 4", "Rules 3 to 9"."""
    if first == last:
        return f"Rule {first}"
    return f"Rules {first} {'and' if last == first + 1 else 'to'} {last}"


def path_words(path: Path, plain: bool = False) -> str:
    """The path in sentences, for a screen reader and for anyone who cannot see the picture."""
    reached = [
        f"{CONDITION_INFO[t.condition].name} reached {TIER_WORDS[t.tier].lower()}"
        + ("" if plain else f" ({t.rule_id})")
        for t in path.screening.tiers
    ]
    screens = (
        "The screens: " + "; ".join(reached) + "."
        if reached
        else "The screens: no condition reached a tier."
    )
    at, last = path.decided_at, len(DECISION_RULES)
    before = (
        "" if at == 0 else " Rule 1 did not hold." if at == 1 else f" Rules 1 to {at} did not hold."
    )
    after = (
        ""
        if at == last - 1
        else f" {_span(at + 2, last)} {'was' if at == last - 2 else 'were'} not needed."
    )
    name = _rule_name(at, plain)
    return f"{screens}{before} {name[0].upper()}{name[1:]} held first and decided: " + (
        f"{path.decision}.{after}"
    )


# ----------------------------------------------------------------------------- the picture

INK = "#1f3b57"
GREY = "#8a8a8a"
PALE = "#f2f2f2"
# Fill and text colour of a tier in the screens table (the tier is also written out).
TIER_COLOURS = {
    "emergency": ("#b00020", "#ffffff"),
    "same_day": ("#c2410c", "#ffffff"),
    "urgent": ("#fde68a", "#111111"),
    "routine": ("#dbeafe", "#111111"),
    "monitor": ("#e5e7eb", "#111111"),
}


def _q(text: str) -> str:
    """A DOT string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


ROW = 4  # decision rules a row: the order snakes down the picture, so it fits a screen


def _wrapped(text: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _screens_table(path: Path | None, plain: bool) -> str:
    """The screens as one HTML-like table: a row per condition, its tier rules, its result."""
    head = "Screens: a tier for each condition"
    rows = [
        f'<tr><td colspan="{2 if plain else 3}" bgcolor="{INK}"><font color="#ffffff">'
        f"<b>{escape(head)}</b></font></td></tr>"
    ]
    for condition in CONDITIONS:
        rules = [r for r in TIER_RULES if r.condition == condition]
        tier = None if path is None else path.screening.tier_of(condition)
        name = CONDITION_INFO[condition].name.removeprefix("a ").removeprefix("possible ")
        name = name[0].upper() + name[1:]
        if len(name) > 34:
            name = name[:33].rsplit(" ", 1)[0] + "…"
        result = "—" if tier is None else TIER_WORDS[tier]
        fill, ink = TIER_COLOURS[tier] if tier is not None else ("#ffffff", "#111111")
        held = [] if path is None else [r.id for r in rules if r.id in path.tier_rules_held]
        ids = ", ".join(f"<b>{r.id}</b>" if r.id in held else r.id for r in rules)
        cells = [f'<td align="left">{escape(name)}</td>']
        if not plain:
            cells.append(f'<td align="left"><font point-size="10">{ids}</font></td>')
        cells.append(f'<td bgcolor="{fill}"><font color="{ink}">{escape(result)}</font></td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<<table border="0" cellborder="1" cellspacing="0" cellpadding="4">'
        + "".join(rows)
        + "</table>>"
    )


# The specification's terms a rule's condition is written in, as a class hears them.
PLAIN_TERMS = (
    ("walks_per_week = 0", "no walks a week yet"),
    ("age < 16", "aged under 16"),
    ("same_day", "same day"),
    ("7+ walks", "7 or more walks"),
)


def plain_words(text: str) -> str:
    """A rule's condition without the specification's codes (presenter mode)."""
    for term, words in PLAIN_TERMS:
        text = text.replace(term, words)
    return text


def diagram(path: Path | None = None, plain: bool = False) -> str:
    """The decision order as Graphviz DOT: the screens, then decision rules 1–12 in order.

    With a path, the rules before the first that held are drawn on the path ("no"), the
    deciding rule is filled and points to the decision, and the rules after it are greyed.
    `plain` leaves the rule ids out (presenter mode)."""
    lines = [
        "digraph reasoning {",
        '  graph [rankdir=TB, nodesep=0.3, ranksep=0.25, fontname="Helvetica", '
        'bgcolor="transparent"];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=12, '
        'fillcolor="#ffffff", color="' + INK + '", fontcolor="#111111", margin="0.15,0.06"];',
        '  edge [fontname="Helvetica", fontsize=11, color="' + INK + '"];',
        f"  screens [shape=plain, label={_screens_table(path, plain)}];",
    ]
    at = None if path is None else path.decided_at
    for n, rule in enumerate(DECISION_RULES):
        title = rule.title if plain else f"{rule.id} · {rule.title}"
        condition = plain_words(rule.condition) if plain else rule.condition
        label = f"{_wrapped(f'{n + 1}. {title}')}\n\n{_wrapped('if ' + condition)}"
        if at is None:
            style = ""
        elif n < at:
            style = ", penwidth=2"
        elif n == at:
            style = f', fillcolor="{INK}", fontcolor="#ffffff", penwidth=3'
        else:
            style = (
                f', style="rounded,filled,dashed", fillcolor="{PALE}", color="{GREY}", '
                'fontcolor="#555555"'
            )
        lines.append(f"  r{n} [label={_q(label)}{style}];")
    for start in range(0, len(DECISION_RULES), ROW):
        row = "; ".join(f"r{n}" for n in range(start, min(start + ROW, len(DECISION_RULES))))
        lines.append(f"  {{ rank=same; {row}; }}")
    lines.append('  screens -> r0 [label=" tiers"];')
    for n in range(len(DECISION_RULES) - 1):
        if at is None or n < at:
            edge = 'label=" no", penwidth=2' if at is not None else 'label=" no"'
        else:
            edge = f'label=" no", color="{GREY}", fontcolor="#555555", style=dashed'
        # The last rule of a row hands on to the first of the next, back at the left.
        turn = ", constraint=false" if (n + 1) % ROW == 0 else ""
        lines.append(f"  r{n} -> r{n + 1} [{edge}{turn}];")
    for n in range(len(DECISION_RULES) - ROW):  # keep the rows' columns in line
        lines.append(f"  r{n} -> r{n + ROW} [style=invis, weight=10];")
    if path is not None and at is not None:
        dose = short_dose(path.next_dose) or "no walking dose"
        flags = "; ".join(FLAG_TITLES[f] for f in path.flags)
        label = f"Decision: {path.decision}\nDose: {dose}"
        if flags:
            label += "\n" + _wrapped("Flags: " + flags, 40)
        lines.append(
            f'  decision [label={_q(label)}, shape=box, style="filled,bold", '
            f'fillcolor="#e8f0f8", penwidth=3];'
        )
        lines.append(f'  r{at} -> decision [label=" yes, first to hold", penwidth=3];')
    lines.append("}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- side by side


@dataclass(frozen=True, slots=True)
class Difference:
    """One row that differs between two assessments: what it is, then each side's value."""

    label: str
    left: str
    right: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two assessments side by side: the inputs and the rule outcomes that differ, and what
    each decided."""

    inputs: tuple[Difference, ...]
    rules: tuple[Difference, ...]
    left: Path
    right: Path


def rule_outcomes(path: Path, plain: bool = False) -> dict[str, str]:
    """Every rule's outcome for one path, in words: the screens' tier rules, the decision
    rules (decides, held but came later, did not hold) and the flag rules (raised or not)."""
    out: dict[str, str] = {}

    def name(rule_id: str, title: str) -> str:
        return title if plain else f"{rule_id} · {title}"

    for tier_rule in TIER_RULES:
        label = f"Screen: {CONDITION_INFO[tier_rule.condition].name}, {tier_rule.when}"
        out[name(tier_rule.id, label)] = (
            f"holds ({TIER_WORDS[tier_rule.tier].lower()})"
            if tier_rule.id in path.tier_rules_held
            else "does not hold"
        )
    for n, rule in enumerate(DECISION_RULES):
        state = (
            "decides"
            if n == path.decided_at
            else "holds, but an earlier rule decides"
            if path.holds[n]
            else "does not hold"
        )
        out[name(rule.id, f"{n + 1}. {rule.title}")] = state
    for flag_rule in FLAG_RULES:
        out[name(flag_rule.id, f"Flag: {flag_rule.title}")] = (
            "raised" if flag_rule.flag in path.flags else "not raised"
        )
    return out


def compare(left: Assessment, right: Assessment, plain: bool = False) -> Comparison:
    """The inputs whose values differ and the rules whose outcome differs, in table order."""
    a, b = dict(assessment_rows(left)), dict(assessment_rows(right))
    labels = list(dict.fromkeys([*a, *b]))
    inputs = tuple(
        Difference(k, a.get(k, "—"), b.get(k, "—"))
        for k in labels
        if a.get(k, "—") != b.get(k, "—")
    )
    lp, rp = path_of(left), path_of(right)
    lo, ro = rule_outcomes(lp, plain), rule_outcomes(rp, plain)
    rules = tuple(Difference(k, lo[k], ro[k]) for k in lo if lo[k] != ro[k])
    return Comparison(inputs, rules, lp, rp)
