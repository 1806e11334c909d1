"""The consultation's field table: each answer once, its range read from the model."""

from __future__ import annotations

import pytest

from walkback_rules import Assessment
from walkback_rules.consultation.fields import FIELD, FIELDS, bounds
from walkback_rules.consultation.form import LABELS, ConsultationForm
from walkback_rules.teaching.explorer import CONTROLS


def _schema_range(path: str) -> tuple[int, int]:
    """A dotted path's minimum and maximum as the published JSON Schema states them."""
    schema = Assessment.model_json_schema()
    defs = schema.get("$defs", {})
    node = schema
    for part in path.split("."):
        prop = node["properties"][part]
        options = prop.get("anyOf", [prop])
        refs = [defs[o["$ref"].split("/")[-1]] for o in options if "$ref" in o]
        node = refs[0] if refs else next(o for o in options if o.get("type") == "integer")
    return node["minimum"], node["maximum"]


@pytest.mark.parametrize("field", [f for f in FIELDS if f.path], ids=lambda f: f.key)
def test_a_fields_range_is_the_contracts_own(field: object) -> None:
    """Every range on the form is the one the contract publishes; none is restated."""
    assert field.path is not None  # type: ignore[attr-defined]

    assert bounds(field.path) == _schema_range(field.path)  # type: ignore[attr-defined]


def test_every_field_is_a_form_field_with_one_label() -> None:
    """The table names only fields the typed form holds, each once, and the form's messages
    use the table's labels."""
    keys = [f.key for f in FIELDS]

    assert len(keys) == len(set(keys))
    assert set(keys) <= set(ConsultationForm.model_fields)
    assert all(LABELS[f.key] == f.label for f in FIELDS)


def test_a_question_shows_the_range_the_model_gives() -> None:
    """ "Pain now (0–10)" is built from the model's 0 and 10, not typed in."""
    assert FIELD["pain_now"].prompt == "Pain now (0–10)"
    assert FIELD["startback_distress"].prompt == "STarT Back distress (items 5–9, 0–5)"
    assert FIELD["age"].range == (0, 120)


def test_the_explorer_names_and_bounds_its_controls_from_the_table() -> None:
    """A control that is a form field has the field's label (or question) and the model's
    range."""
    named = {f.label for f in FIELDS} | {f.prompt for f in FIELDS}
    for control in CONTROLS:
        if control.kind in ("number", "optional", "scale"):
            assert (control.low, control.high) == bounds(".".join(control.path)), control.key
    assert sum(c.label in named for c in CONTROLS) >= 20
