"""Validate an assessment and turn every problem into one plain message per field.

Each message names the field by its dotted path and says what is allowed. When a record has
several problems all are reported: besides pydantic's own errors, the cross-field rules of
§2 are checked on the raw data wherever the fields they read are themselves valid.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .models import CROSS_FIELD_RULES, Assessment
from .plaintext import escaped

ROOT = "assessment"
MAX_ERRORS = 20  # per record: enough to fix, never a flood


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with the input: the field's dotted path and what is wrong or allowed."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class AssessmentError(ValueError):
    """An assessment that cannot be used; carries one `FieldError` per problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


def capped(errors: list[FieldError], where: str = ROOT) -> list[FieldError]:
    """The first `MAX_ERRORS` problems, then one line saying how many more there are."""
    if len(errors) <= MAX_ERRORS:
        return errors
    more = len(errors) - MAX_ERRORS
    noun = "problem" if more == 1 else "problems"
    return [*errors[:MAX_ERRORS], FieldError(where, f"and {more:,} more {noun}; fix these first")]


_NULL = re.compile(r"\bnull\b")


def in_words(label: str, message: str) -> str:
    """A field's problem as a sentence for someone at a form: "Age must be a whole number
    from 0 to 120; you entered 130", "Age is required: …". JSON's null is an empty box."""
    allowed, told, got = message.removeprefix("must be ").rpartition("; got ")
    typed = message.startswith("must be ") and told
    if message.startswith("required unless"):
        text = f"{label} is {message}"
    elif typed and got == "null":
        text = f"{label} is required: {allowed}"
    elif typed:
        text = f"{label} must be {allowed}; you entered {got}"
    else:
        text = f"{label}: {message}"
    return _NULL.sub("empty", text)


KEY_SHOWN = 60  # characters of an unknown key an error repeats


def _path(loc: tuple[int | str, ...]) -> str:
    """A dotted path; a key's control or invisible characters are written as escapes, so a
    key can never forge a line of output or reorder one."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            part = escaped(part)
            if len(part) > KEY_SHOWN:  # a key a megabyte long is named, not echoed whole
                part = part[: KEY_SHOWN - 3] + "..."
            text += f".{part}" if text else part
    return text or ROOT


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, UnionType):
        for arg in get_args(annotation):
            if arg is not NoneType:
                return _model_of(arg)
    return None


def _locate(
    loc: tuple[int | str, ...], root: type[BaseModel]
) -> tuple[FieldInfo | None, type[BaseModel] | None]:
    """The field at `loc` and the model that holds it (None where the path leaves the models)."""
    model: type[BaseModel] | None = root
    info: FieldInfo | None = None
    for part in loc:
        if isinstance(part, int):
            continue  # an item of a list field: the list field's text covers it
        if model is None:
            return None, None
        holder = model
        info = model.model_fields.get(part)
        if info is None:
            return None, holder
        model = _model_of(info.annotation)
        if part == loc[-1]:
            return info, holder
    return info, model


def _allowed(info: FieldInfo | None) -> str | None:
    extra = info.json_schema_extra if info is not None else None
    if isinstance(extra, dict):
        allowed = extra.get("allowed")
        if isinstance(allowed, str):
            return allowed
    return None


def _shown(value: Any) -> str:
    try:
        text = escaped(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def field_errors(exc: ValidationError, model: type[BaseModel] = Assessment) -> list[FieldError]:
    """One `FieldError` per problem, in the order pydantic found them."""
    out: list[FieldError] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        ctx = err.get("ctx") or {}
        if kind == "cross_field":
            out.extend(FieldError(_prefixed(loc, f), m) for f, m in ctx["problems"])
            continue
        field = _path(loc)
        info, holder = _locate(loc, model)
        allowed = _allowed(info)
        if kind == "json_invalid":
            message = f"not valid JSON ({ctx.get('error', 'could not parse')})"
        elif kind == "extra_forbidden":
            names = ", ".join(holder.model_fields) if holder is not None else ""
            message = f"unknown field; the fields allowed here are: {names}"
        elif kind == "missing":
            message = f"required: {allowed}" if allowed else "required"
        elif kind in ("model_type", "model_attributes_type", "dict_type") and not loc:
            message = f"must be a JSON object with the record's fields; got {_shown(err['input'])}"
        elif kind == "null_not_allowed":
            message = (
                f"must be {allowed}, not null (it may be left out, only when the screens "
                "reach an emergency)"
            )
        elif kind in ("duplicate_code", "union_tag_invalid", "union_tag_not_found"):
            message = err["msg"]
        elif allowed:
            message = f"must be {allowed}; got {_shown(err['input'])}"
        else:
            message = err["msg"]
        out.append(FieldError(field, message))
    return out


def _prefixed(loc: tuple[int | str, ...], field: str) -> str:
    """A cross-field problem's path, under the path of the assessment that holds it."""
    return field if not loc else f"{_path(loc)}.{field}"


# ----------------------------------------------------------------------------- raw checks


class _Raw:
    """Raw JSON data read through attributes, with each model's defaults for absent keys."""

    __slots__ = ("_blank", "_data", "_model")

    def __init__(
        self, data: Mapping[str, Any], model: type[BaseModel], blank: frozenset[str] = frozenset()
    ) -> None:
        self._data = data
        self._model = model
        self._blank = blank  # fields with an error, read as their default

    def __getattr__(self, name: str) -> Any:
        info = self._model.model_fields[name]
        if name in self._data and name not in self._blank:
            value = self._data[name]
        else:
            value = info.get_default(call_default_factory=True)
        inner = _model_of(info.annotation)
        if inner is not None and isinstance(value, Mapping):
            return _Raw(value, inner)
        return value


def _touches(path: str, bad: set[str]) -> bool:
    """Whether `path` is, holds or lies inside a field that has an error."""
    return any(
        path == b or path.startswith(b + ".") or b.startswith(path + ".") or b == ROOT for b in bad
    )


def cross_field_errors(data: Any, errors: list[FieldError]) -> list[FieldError]:
    """The cross-field problems of raw `data` that pydantic could not reach.

    A rule is checked only when every field it reads is valid (`errors` names none of them),
    so a problem is never reported twice or on a value that is itself wrong.
    """
    if not isinstance(data, Mapping):
        return []
    bad = {e.field.split("[")[0] for e in errors}
    known = {(e.field, e.message) for e in errors}
    # A field with an error reads as its default: a screen that carries an error never
    # counts as reaching an emergency (§2); every rule that reads such a field is skipped.
    raw = _Raw(data, Assessment, frozenset(b.split(".")[0] for b in bad))
    found: list[FieldError] = []
    for rule in CROSS_FIELD_RULES:
        if any(_touches(p, bad) for p in rule.reads):
            continue
        try:
            if not rule.broken(raw):
                continue
            problem = FieldError(rule.field, rule.message(raw))
        except (AttributeError, KeyError, TypeError):
            continue  # data of a shape the field errors already describe
        if (problem.field, problem.message) not in known:
            found.append(problem)
    return found


def validate_assessment(data: Any) -> Assessment:
    """A validated `Assessment`, or `AssessmentError` with every problem of `data`."""
    try:
        return Assessment.model_validate(data)
    except ValidationError as exc:
        errors = field_errors(exc)
        raise AssessmentError(capped(errors + cross_field_errors(data, errors))) from None


def validate_assessment_json(text: str) -> Assessment:
    """`validate_assessment` for JSON text, read strictly (`jsontext.parse_json`): a repeated
    key, NaN or a runaway nesting is an error, never quietly resolved."""
    from .jsontext import parse_json

    return validate_assessment(parse_json(text))
