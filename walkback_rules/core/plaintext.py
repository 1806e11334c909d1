"""Text that stays text: the characters refused in typed text, and escaping for terminals.

Refused, because they change how other text is shown rather than being text: C0 and C1
control characters (a terminal escape starts with one), bidirectional overrides and
isolates (they reverse what a clinician reads), zero-width and other invisible format
characters, line and paragraph separators, and lone surrogates (not storable as UTF-8).
"""

from __future__ import annotations

import re

# Besides C0: DEL and C1; Arabic letter mark; Mongolian vowel separator; zero-width space
# to right-to-left mark; line and paragraph separators; bidi embeddings and overrides; word
# joiner to the invisible operators, bidi isolates and deprecated format characters; byte
# order mark; interlinear annotation; lone surrogates; tag characters.
_NOT_C0 = (
    "\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f"
)
UNSAFE = re.compile(f"[\x00-\x1f{_NOT_C0}]")
UNSAFE_IN_PROSE = re.compile(f"[\x00-\x08\x0b-\x1f{_NOT_C0}]")
"""The same, except that line feeds and tabs are allowed (card text has paragraphs)."""


def codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def unsafe_character(text: str, prose: bool = False) -> str | None:
    """The first refused character of `text` as "U+202E", or None when there is none.

    `prose` allows line feeds and tabs, for text of several paragraphs.
    """
    found = (UNSAFE_IN_PROSE if prose else UNSAFE).search(text)
    return None if found is None else codepoint(found.group())


def escaped(text: str) -> str:
    """`text` with every refused character written as an escape ("\\u202e"), so that
    nothing in it can move the cursor, recolour a terminal or reorder a line."""
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    n = ord(char)
    if n <= 0xFF:
        return f"\\x{n:02x}"
    if n <= 0xFFFF:
        return f"\\u{n:04x}"
    return f"\\U{n:08x}"
