"""Read JSON text strictly, in one place, for every reader of the product's JSON.

A duplicate key is refused, never resolved by letting one value win: `{"red_flags":
["ces_saddle"], "red_flags": []}` must not quietly become a patient with no red flags.
Also refused: nesting beyond a small depth, NaN and Infinity, integers longer than any
field allows, and objects or arrays far larger than any record holds (so a small file can
never make a million errors). A leading byte-order mark is accepted. Every problem is a
`FieldError` that names where it is (a field path, or the line and column of broken JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .plaintext import escaped
from .validation import ROOT, AssessmentError, FieldError, capped

MAX_DEPTH = 16  # the deepest record (a patient file) nests 7 levels
MAX_INT_DIGITS = 12
MAX_MEMBERS = 100  # the widest record (an assessment) has 21 fields
MAX_ITEMS = 2000  # the longest list (a patient's consultations or diary weeks) is far shorter
BOM = "\ufeff"


class _Repeated(dict[str, Any]):
    """An object that had a key more than once (found after parsing, to name its path)."""

    __slots__ = ("repeated",)

    def __init__(self, pairs: list[tuple[str, Any]], repeated: list[str]) -> None:
        super().__init__(pairs)
        self.repeated = repeated


class _Wide(dict[str, Any]):
    """An object with more members than any record has; its members are dropped unread."""

    __slots__ = ("members",)

    def __init__(self, members: int) -> None:
        super().__init__()
        self.members = members


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits is longer than any field allows")
    return int(text)


def _path(parts: list[str | int]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, str):
            part = escaped(part)
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or ROOT


def _problems(value: Any) -> list[FieldError]:
    """Repeated keys and excess depth anywhere in a parsed value, by path."""
    found: list[FieldError] = []
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        item, where = stack.pop()
        if len(where) > MAX_DEPTH:
            found.append(FieldError(_path(where), f"nested more than {MAX_DEPTH} levels deep"))
            continue
        if isinstance(item, _Wide):
            found.append(
                FieldError(
                    _path(where),
                    f"an object of {item.members:,} fields is larger than any record "
                    f"(at most {MAX_MEMBERS})",
                )
            )
        elif isinstance(item, dict):
            if isinstance(item, _Repeated):
                for key in item.repeated:
                    found.append(
                        FieldError(
                            _path([*where, key]),
                            "appears more than once in the same object; give each field once",
                        )
                    )
            stack.extend((v, [*where, k]) for k, v in item.items())
        elif isinstance(item, list):
            if len(item) > MAX_ITEMS:
                found.append(
                    FieldError(
                        _path(where),
                        f"a list of {len(item):,} items is longer than any field allows "
                        f"(at most {MAX_ITEMS:,})",
                    )
                )
                continue
            stack.extend((v, [*where, i]) for i, v in enumerate(item))
    return sorted(found, key=lambda e: e.field)


def parse_json(text: str) -> Any:
    """The value of one JSON text, read strictly; `AssessmentError` names every problem."""
    if text.startswith(BOM):
        text = text[len(BOM) :]
    suspect = False

    def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal suspect
        if len(pairs) > MAX_MEMBERS:
            suspect = True
            return _Wide(len(pairs))
        value = dict(pairs)
        if len(value) == len(pairs):
            return value
        suspect = True
        keys = [k for k, _ in pairs]
        return _Repeated(pairs, sorted({k for k in keys if keys.count(k) > 1}))

    try:
        value = json.loads(
            text, object_pairs_hook=_object, parse_constant=_constant, parse_int=_integer
        )
    except json.JSONDecodeError as exc:
        raise AssessmentError(
            [FieldError(ROOT, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")]
        ) from None
    except ValueError as exc:
        raise AssessmentError([FieldError(ROOT, f"not valid JSON: {exc}")]) from None
    except RecursionError:
        raise AssessmentError(
            [FieldError(ROOT, f"not valid JSON: nested more than {MAX_DEPTH} levels deep")]
        ) from None
    # Walk the value only when it could hold a problem: a repeated key or a huge object,
    # enough brackets to nest too deep, or enough commas for a huge array.
    if suspect or text.count("{") + text.count("[") > MAX_DEPTH or text.count(",") > MAX_ITEMS:
        problems = _problems(value)
        if problems:
            raise AssessmentError(capped(problems))
    return value


def json_lines(text: str) -> list[tuple[int, str]] | None:
    """How a text holds its records, decided predictably.

    One JSON value: None (read it with `parse_json`). Otherwise, when every line that is not
    blank is a JSON value: those lines with their numbers (JSON Lines, split on line feeds
    only, a CR before one dropped). Anything else is one broken object: `AssessmentError`
    with the line and column of the problem.
    """
    if text.startswith(BOM):
        text = text[len(BOM) :]
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        pass
    else:
        return None
    records = [(n, line) for n, line in _lines(text) if line.strip()]
    if len(records) > 1:
        try:
            for _, line in records:
                json.loads(line)
        except (ValueError, RecursionError):
            pass
        else:
            return records
    parse_json(text)  # raises, naming the line and column
    raise AssertionError("unreachable: the text did not parse as a whole")  # pragma: no cover


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of `text` with their numbers, split on line feeds only (a CR before one
    dropped), one at a time: a file of millions of short lines is never held twice."""
    start, number = 0, 1
    while True:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        yield number, line[:-1] if line.endswith("\r") else line
        if end < 0:
            return
        start, number = end + 1, number + 1
