"""The codes of the clinical specification (ruleset 1.0, §2), free of any heavy library.

The consultation form needs these to draw its choices; keeping them apart from the pydantic
models lets the form appear without loading pydantic.
"""

from __future__ import annotations

from typing import Literal, get_args

RULESET_VERSION = "1.0"

FlareLevel = Literal["none", "mild", "moderate", "severe"]
Visit = Literal["initial", "review"]
WalkingTolerance = Literal["full", "duration_limited", "not_tolerated"]
RedFlagCode = Literal[
    "cauda_equina",
    "progressive_neurological_deficit",
    "suspected_malignancy",
    "suspected_infection",
    "suspected_fracture",
    "suspected_inflammatory_disease",
]

# The same codes as tuples, in the specification's order, for forms and checks.
FLARE_LEVELS: tuple[FlareLevel, ...] = get_args(FlareLevel)
RED_FLAG_CODES: tuple[RedFlagCode, ...] = get_args(RedFlagCode)
WALKING_TOLERANCES: tuple[WalkingTolerance, ...] = get_args(WalkingTolerance)
VISITS: tuple[Visit, ...] = get_args(Visit)
