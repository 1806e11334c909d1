"""Imports checked whole: a consultation labelled with an earlier ruleset is checked for
what that ruleset could have recorded, without its engine; a screen's status agrees with
its findings; a stored print's options pass the clinic settings' own checks. Each file
that fails writes nothing (the security test's findings, as cases)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from walkback_rules.store import ImportError_, Store, dumps

from .stores import rows
from .test_store import V1_ASSESSMENT, V1_RECOMMENDATION, v1_file

RULESET_2_0 = Path(__file__).parent / "data" / "ruleset-2.0-patient.json"


def refused(store: Store, data: dict[str, Any]) -> list[str]:
    """The fields an import names, having written nothing."""
    with pytest.raises(ImportError_) as caught:
        store.import_file(dumps(data).encode())
    assert rows(store, "patients") == 0 and rows(store, "consultations") == 0
    return [f"{e.field}: {e.message}" for e in caught.value.errors]


def test_a_1_0_cauda_equina_stored_as_progress_dated_today_is_refused(store: Store) -> None:
    """The finding itself: a cauda-equina consultation labelled 1.0, stored as PROGRESS and
    dated today, imported and set the next review's dose."""
    data = v1_file()
    visit = data["consultations"][0]  # type: ignore[index]
    visit["assessment"] = {**V1_ASSESSMENT, "red_flags": ["cauda_equina"]}
    visit["recorded_at"] = "2026-12-07T09:00:00+00:00"
    said = refused(store, data)

    assert any(s.startswith("consultations[0].recommendation.decision: PROGRESS beside an "
                            "emergency red flag (cauda_equina)") for s in said), said  # fmt: skip


@pytest.mark.parametrize(
    ("flags", "decision", "words"),
    [
        (["suspected_fracture"], "PROGRESS", "under 1.0 every red flag was a referral"),
        (["progressive_neurological_deficit"], "URGENT_REFERRAL", "an EMERGENCY_REFERRAL"),
    ],
)
def test_a_1_0_red_flag_beside_the_wrong_decision_is_refused(
    store: Store, flags: list[str], decision: str, words: str
) -> None:
    rec = {**V1_RECOMMENDATION, "decision": decision}
    if decision != "PROGRESS":
        rec |= {"next_dose": None, "referral": {"urgency": "urgent", "reason": "Refer."}}
    data = v1_file("P-2345AB", rec)
    data["consultations"][0]["assessment"] = {**V1_ASSESSMENT, "red_flags": flags}  # type: ignore[index]

    assert any(words in s for s in refused(store, data))


def test_a_1_0_record_dated_after_2_0_replaced_it_is_refused(store: Store) -> None:
    data = v1_file()
    data["consultations"][0]["recorded_at"] = "2026-12-02T09:00:00+00:00"  # type: ignore[index]

    assert any("after ruleset 2.0 replaced 1.0 on 2026-12-01" in s for s in refused(store, data))


def test_a_2_0_emergency_feature_beside_a_programme_decision_is_refused(store: Store) -> None:
    data = json.loads(RULESET_2_0.read_text())
    visit = data["consultations"][1]  # stored as PROGRESS with a cancer history (urgent)
    visit["assessment"]["red_flags"] = ["cancer_history", "ces_saddle"]

    said = refused(store, data)
    assert any("PROGRESS beside an emergency feature (ces_saddle)" in s for s in said), said


def test_a_screen_stored_as_negative_beside_a_red_flag_is_refused(store: Store) -> None:
    data = json.loads(RULESET_2_0.read_text())
    data["consultations"][1]["details"]["screens"]["red_flags"] = "negative"

    said = refused(store, data)
    assert any(s.startswith("consultations[1].details.screens.red_flags: must be positive")
               for s in said), said  # fmt: skip


def test_a_print_whose_emergency_number_is_not_a_number_is_refused(store: Store) -> None:
    """'Print again as first printed' printed "call 0 FAKE 555 for an ambulance"."""
    data = json.loads(RULESET_2_0.read_text())
    data["consultations"][1]["printed"] = [
        {
            "kind": "handout",
            "options": {"clinic": "Riverside", "emergency": "0 FAKE 555", "paper": "a4"},
            "printed_at": "2026-10-15T09:05:00+00:00",
        }
    ]

    said = refused(store, data)
    assert any(s.startswith("consultations[1].printed[0].options.emergency") for s in said), said


def test_the_sound_2_0_file_still_imports(store: Store) -> None:
    assert store.import_file(RULESET_2_0.read_bytes())


def test_a_decision_card_that_its_ruleset_would_not_have_made_is_refused(store: Store) -> None:
    """Under 1.0 a progression's card was "info"; one stored as "critical" is not a 1.0
    record, and neither is a 2.0 emergency shown as plain information."""
    card = {**V1_RECOMMENDATION["cards"][0], "indicator": "critical"}  # type: ignore[index]
    said = refused(store, v1_file("P-2345AB", {**V1_RECOMMENDATION, "cards": [card]}))
    wanted = "consultations[0].recommendation.cards[0].indicator: the decision's card of PROGRESS"
    assert any(s.startswith(wanted) and "was 'info'" in s for s in said), said

    data = json.loads(RULESET_2_0.read_text())
    data["consultations"][0]["recommendation"]["cards"][0]["indicator"] = "info"  # an urgent one
    assert any("was 'critical' under 2.0" in s for s in refused(store, data))
