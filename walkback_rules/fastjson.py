"""The batch path's reader and writer: the everyday path's answers, sooner.

A JSON Lines batch reads many thousands of assessments a second. Each line is first read by
pydantic's own JSON parser into the same `Assessment` model, strictly (no second schema to
drift from it), after jiter has checked that no object repeats a key. Whatever this fast
reader doubts (a repeated key, any validation error, a byte-order mark) is read again by the
everyday reader, `validate_assessment_json`, which alone words every error: a line is
accepted by both or refused by both, with the same messages. What the everyday reader also
refuses, a valid assessment cannot hold: nesting deeper than three levels, more than 21
fields, lists longer than the codes they list, integers beyond any field's range, NaN.

The recommendation is written by msgspec, with the same bytes as pydantic's
`model_dump_json` (every demo case and thousands of generated cases are compared in the
tests) in about half the time.
"""

from __future__ import annotations

from typing import Any

import jiter
import msgspec
from pydantic import BaseModel, ValidationError

from .core.models import Assessment, Recommendation
from .core.validation import validate_assessment_json


def read_assessment(raw: bytes) -> Assessment:
    """One JSON Lines record as an `Assessment`, or `AssessmentError` naming every problem
    exactly as `validate_assessment_json` does."""
    try:
        jiter.from_json(raw, catch_duplicate_keys=True, cache_mode=False)
        return Assessment.model_validate_json(raw, strict=True)
    except (ValueError, ValidationError):
        pass
    # Doubted: the everyday reader decides, and words what is wrong.
    return validate_assessment_json(raw.decode("utf-8"))


def _fields(value: Any) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        return value.__dict__
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


_ENCODER = msgspec.json.Encoder(enc_hook=_fields)


def recommendation_json(recommendation: Recommendation) -> bytes:
    """`recommendation.model_dump_json()`, byte for byte, as UTF-8."""
    return _ENCODER.encode(recommendation)


def compact_json(value: Any) -> bytes:
    """`json.dumps(value, separators=(",", ":"))` for plain ASCII data (the brief line)."""
    return _ENCODER.encode(value)
