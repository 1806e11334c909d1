"""Turn pydantic's validation errors into one plain message per field, naming what is allowed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .models import Assessment

ROOT = "assessment"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with the input: the field's dotted path and what is wrong or allowed."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
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
        text = json.dumps(value, ensure_ascii=False)
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
            out.extend(FieldError(field, message) for field, message in ctx["problems"])
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
            message = (
                f"must be a JSON object with the assessment's fields; got {_shown(err['input'])}"
            )
        elif kind == "duplicate_code":
            message = err["msg"]
        elif allowed:
            message = f"must be {allowed}; got {_shown(err['input'])}"
        else:
            message = err["msg"]
        out.append(FieldError(field, message))
    return out
