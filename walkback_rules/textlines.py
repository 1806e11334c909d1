"""Large text files read line by line, a block at a time, as `jsontext.json_lines` splits
text: on line feeds only (a CR before one dropped), a leading byte-order mark skipped, and
a line blank when `str.strip` leaves nothing. The JSON Lines batch and the import of a
backup read their files this way, so neither ever holds a whole file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from .core.jsontext import BOM

BLOCK_BYTES = 1 << 20  # read this much at a time
_BOM = BOM.encode("utf-8")


class NotUtf8(ValueError):
    """The file is not UTF-8 text."""


class LineTooLong(ValueError):
    """A line is longer than the reader allows; carries its number."""

    def __init__(self, number: int) -> None:
        super().__init__(f"line {number} is too long")
        self.number = number


def lines(source: BinaryIO, longest: int | None = None) -> Iterator[tuple[int, int, bytes]]:
    """Each line's byte offset, number and content; `NotUtf8` when the text is not UTF-8
    (found a block at a time, before any line of that block is given), and `LineTooLong`
    as soon as a line is longer than `longest` bytes (None: any length)."""
    offset, number, tail, first = 0, 1, b"", True
    while True:
        block = source.read(BLOCK_BYTES)
        data = tail + block
        if longest is not None and len(tail) > longest:
            raise LineTooLong(number)
        if first:
            first = False
            if data.startswith(_BOM):
                data, offset = data[len(_BOM) :], len(_BOM)
        if block:
            cut = data.rfind(b"\n") + 1
            whole, tail = data[:cut], data[cut:]
        else:
            whole, tail = data, b""
        try:
            whole.decode("utf-8")
        except UnicodeDecodeError:
            raise NotUtf8("not UTF-8 text") from None
        pieces = whole.split(b"\n")
        if block:
            pieces.pop()  # `whole` ends with a line feed: what follows it is the next block's
        for line in pieces:
            if longest is not None and len(line) > longest:
                raise LineTooLong(number)
            yield offset, number, line[:-1] if line.endswith(b"\r") else line
            offset += len(line) + 1
            number += 1
        if not block:
            return


def blank(line: bytes) -> bool:
    """Blank as `str.strip` sees it (Unicode spaces too), cheaply for the usual line."""
    stripped = line.strip()
    if not stripped:
        return True
    if 0x20 < stripped[0] < 0x80:
        return False  # starts with a printable ASCII character (not one of \x1c-\x1f)
    return not line.decode("utf-8").strip()
