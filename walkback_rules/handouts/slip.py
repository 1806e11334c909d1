"""The contacts slip: one discreet page a person can keep after a concern about self-harm.

It carries the clinic's crisis line, its urgent mental-health contact and the emergency
number, and nothing else: no clinic name, no pseudonym, no footer, and never back pain or
the reason it was given. Its first line, the one seen when it is folded, reads only
"Useful phone numbers".
"""

from __future__ import annotations

from .content import UNREVIEWED_TEXT, HandoutOptions, no_break
from .i18n import N_, _, reviewed, speaking
from .typeset import typeset

OUTSIDE = N_("Useful phone numbers")
INSIDE = N_(
    "If things feel too much, or you have thoughts of harming yourself, you do not have to "
    "cope alone. You can call any of these numbers, at any time of day."
)
NOW = N_(
    "If you might act on these thoughts now: {ambulance}, or go to a hospital emergency department."
)


def contacts(options: HandoutOptions) -> tuple[tuple[str, str], ...]:
    """The slip's contacts, as (what, number), from the clinic's settings."""
    rows = []
    if options.crisis_line:
        rows.append((_("Crisis line"), options.crisis_line))
    if options.mental_health:
        rows.append((_("Urgent mental-health help"), options.mental_health))
    return tuple(rows)


def missing(options: HandoutOptions) -> str | None:
    """Why the slip cannot be printed yet, or None."""
    if contacts(options):
        return None
    return (
        "No crisis contacts are set: add the crisis line or the urgent mental-health contact "
        "in Clinic settings first."
    )


def slip_pdf(options: HandoutOptions) -> bytes:
    """The contacts slip as a one-page PDF, in the patient's language; `missing` says when
    there is nothing to print."""
    reason = missing(options)
    if reason is not None:
        raise ValueError(reason)
    with speaking(options.language):
        data = _slip_data(options)
    return typeset("slip", data, sheet="contacts slip", issued=options.issued)


def _slip_data(options: HandoutOptions) -> dict[str, object]:
    notice = [_(UNREVIEWED_TEXT), UNREVIEWED_TEXT] if reviewed(options.language) is None else []
    return {
        "title": _(OUTSIDE),
        "lang": options.language,
        "paper": options.paper,
        "footer": "",
        "notice": notice,
        "inside": _(INSIDE),
        # A number never breaks across lines.
        "contacts": [[what, no_break(number)] for what, number in contacts(options)],
        "now": _(NOW).format(ambulance=options.ambulance()),
    }
