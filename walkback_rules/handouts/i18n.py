"""The languages a patient's sheets are printed in, and the message catalogues they read.

Every sentence a patient reads is an English message (the catalogue's key) looked up in the
catalogue of the language being printed: `locales/<lang>/LC_MESSAGES/walkback.po`, read
with Babel once per process. English is the source and needs no catalogue. Dates are
formatted for the language by Babel.

The language is set for one sheet at a time with `speaking(lang)`; the content functions
read it through `_` and `ngettext`, so no function needs the language passed down.
A catalogue that no clinician who reads the language has signed off (`SIGNED_OFF`) is
printed with a note on the first page of every sheet, and the Handouts page says so before
printing.

Sources and trial figures are never re-worded: a catalogue carries the same facts.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal

Language = Literal["en", "es"]
LANGUAGES: dict[Language, str] = {"en": "English", "es": "Español (Spanish)"}
LOCALES = Path(__file__).parent / "locales"
DOMAIN = "walkback"
# Babel's locale for each language: the product's English is British ("GP", "9 December").
_BABEL: dict[Language, str] = {"en": "en_GB", "es": "es"}
# Who signed each catalogue off, and when: a clinician who reads the language, after
# reading every message against the English, in a commit of its own ("signed off by
# <name>, <role>, <date>"). None until then. A change to a signed-off catalogue's text
# sets it back to None.
SIGNED_OFF: dict[Language, str | None] = {"en": "the source text", "es": None}

_current: ContextVar[Language] = ContextVar("sheet_language", default="en")


def is_language(value: object) -> bool:
    return value in LANGUAGES


@contextmanager
def speaking(language: Language) -> Iterator[None]:
    """Word everything built inside the block in `language`."""
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


def language() -> Language:
    """The language being printed now ("en" outside `speaking`)."""
    return _current.get()


@cache
def _catalogue(lang: Language) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with (LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        catalog = read_po(handle, locale=_BABEL[lang], domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` in the language being printed."""
    return _catalogue(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for `n`, in the language being printed."""
    return _catalogue(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalogue where it is defined; `_` translates it where used."""
    return message


def reviewed(lang: Language) -> str | None:
    """Who signed the catalogue off and when, or None while no clinician has."""
    return SIGNED_OFF[lang]


def long_date(day: date) -> str:
    """A date in full words: "9 December 2026", "9 de diciembre de 2026"."""
    from babel.dates import format_date

    return format_date(day, "long", locale=_BABEL[language()])


def weekday_date(day: date) -> str:
    """A date with its weekday: "Wednesday 9 December 2026", "miércoles, 9 de diciembre
    de 2026"."""
    from babel.dates import format_date

    lang = language()
    return format_date(day, "EEEE d MMMM y" if lang == "en" else "full", locale=_BABEL[lang])


def unreviewed_words(lang: Language) -> str | None:
    """What the clinician is told before printing in a language no clinician has signed
    off, or None when the catalogue is signed off."""
    if reviewed(lang) is not None:
        return None
    name = LANGUAGES[lang].split(" (")[-1].rstrip(")")
    return (
        f"The {name} sheets have not yet been reviewed by a clinician who reads {name}: "
        "check them with the patient, and know that every sheet printed in it says so on "
        "its first page."
    )
