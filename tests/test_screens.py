"""Spec §3: each screen count gives its tier, and the referral follows from the tiers."""

from __future__ import annotations

import pytest

from walkback_rules import recommend, screen
from walkback_rules.core.screens import CANCER_OTHERS, CES, INFECTION_RISKS, NEURO

from .conftest import first_visit

RISKS = sorted(INFECTION_RISKS)
OTHERS = sorted(CANCER_OTHERS)
CRITERIA = [
    "axspa_onset_before_35",
    "axspa_night_waking",
    "axspa_buttock",
    "axspa_movement",
    "axspa_anti_inflammatory",
]


def tiers(*codes: str) -> dict[str, str]:
    """Condition → tier for the features ticked."""
    return {t.condition: t.tier for t in screen(codes).tiers}


@pytest.mark.parametrize("code", sorted(CES))
def test_any_one_cauda_equina_feature_is_an_emergency(code: str) -> None:
    """Each cauda equina feature alone, the early ones included, is an emergency."""

    assert tiers(code) == {"cauda_equina": "emergency"}


@pytest.mark.parametrize("code", sorted(NEURO))
def test_any_one_progressive_neurological_feature_is_an_emergency(code: str) -> None:
    """Worsening weakness, foot drop or gait disturbance alone is an emergency."""

    assert tiers(code) == {"progressive_neurological_deficit": "emergency"}


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ((), {}),
        (("cancer_history",), {"malignancy": "monitor"}),
        (
            ("cancer_history", "ces_saddle"),
            {
                "cauda_equina": "emergency",
                "metastatic_cord_compression": "emergency",
                "malignancy": "monitor",
            },
        ),
        (
            ("cancer_history", "neuro_gait"),
            {
                "progressive_neurological_deficit": "emergency",
                "metastatic_cord_compression": "emergency",
                "malignancy": "monitor",
            },
        ),
        (("ces_saddle",), {"cauda_equina": "emergency"}),  # no cancer: no MSCC
    ],
    ids=["nothing", "cancer-alone", "cancer-ces", "cancer-neuro", "ces-no-cancer"],
)
def test_cancer_history_with_new_neurology(
    codes: tuple[str, ...], expected: dict[str, str]
) -> None:
    """A cancer history counts in both malignancy and metastatic cord compression."""

    assert tiers(*codes) == expected


@pytest.mark.parametrize(
    ("codes", "tier"),
    [
        (("infection_fever",), "urgent"),  # fever without a risk factor
        (("infection_fever", RISKS[0]), "same_day"),  # fever with one risk factor
        (("infection_fever", RISKS[0], RISKS[1]), "same_day"),
        ((RISKS[0],), "monitor"),  # exactly one risk factor
        ((RISKS[0], RISKS[1]), "urgent"),  # two risk factors without fever
        (tuple(RISKS), "urgent"),
    ],
    ids=["fever-alone", "fever-1-risk", "fever-2-risks", "1-risk", "2-risks", "5-risks"],
)
def test_spinal_infection(codes: tuple[str, ...], tier: str) -> None:
    """Fever with a risk factor is same day, never also monitor (one tier per condition)."""

    assert tiers(*codes) == {"spinal_infection": tier}


@pytest.mark.parametrize("risk", RISKS)
def test_each_infection_risk_factor_with_fever_is_same_day(risk: str) -> None:
    """Every risk factor counts."""

    assert tiers("infection_fever", risk) == {"spinal_infection": "same_day"}


@pytest.mark.parametrize(
    ("codes", "tier"),
    [
        (("cancer_history",), "monitor"),
        ((OTHERS[0],), "monitor"),
        (("cancer_history", OTHERS[0]), "same_day"),
        ((OTHERS[0], OTHERS[1]), "urgent"),
        (tuple(OTHERS), "urgent"),
        (("cancer_history", *OTHERS), "same_day"),
    ],
    ids=["history-alone", "one-other", "history-and-one", "two-others", "all-five", "all-six"],
)
def test_malignancy(codes: tuple[str, ...], tier: str) -> None:
    """History with another feature, or two others: urgent; one alone: monitor."""

    assert tiers(*codes) == {"malignancy": tier}


@pytest.mark.parametrize("other", OTHERS)
def test_each_other_malignancy_feature_alone_is_monitor(other: str) -> None:
    """Each of the five other features alone is only noted."""

    assert tiers(other) == {"malignancy": "monitor"}


@pytest.mark.parametrize(
    ("codes", "tier"),
    [
        (("fracture_major_trauma",), "same_day"),
        (("fracture_fragility",), "urgent"),
        (("fracture_deformity",), "monitor"),
        (("fracture_eased_lying",), "monitor"),
        (("fracture_deformity", "fracture_eased_lying"), "urgent"),
        (("fracture_major_trauma", "fracture_deformity"), "same_day"),
        (("fracture_major_trauma", "fracture_fragility"), "same_day"),
        (("fracture_fragility", "fracture_deformity"), "urgent"),
    ],
)
def test_fracture(codes: tuple[str, ...], tier: str) -> None:
    """Trauma or fragility: urgent; deformity and pain eased lying: urgent together."""

    assert tiers(*codes) == {"fracture": tier}


@pytest.mark.parametrize(
    ("gate", "criteria", "tier", "possible"),
    [
        (True, 2, None, False),
        (True, 3, None, True),  # NG65 at 3: HLA-B27 first
        (True, 4, "routine", False),  # NG65 at 4: refer
        (True, 5, "routine", False),
        (False, 5, None, False),  # criteria without the gate: no tier
        (False, 3, None, False),
    ],
)
def test_axial_spondyloarthritis_gate(
    gate: bool, criteria: int, tier: str | None, possible: bool
) -> None:
    """The NICE NG65 gate with 2, 3 and 4 criteria."""

    codes = (["axspa_gate"] if gate else []) + CRITERIA[:criteria]
    rec = recommend(first_visit(age=30, red_flags=codes))

    assert tiers(*codes).get("axial_spondyloarthritis") == tier
    assert ("AXSPA_POSSIBLE" in rec.flags) is possible
    assert (rec.referral is not None and rec.referral.urgency == "routine") is (tier is not None)


@pytest.mark.parametrize(
    ("codes", "tier"),
    [
        (("chest_pain_at_rest",), "emergency"),
        (("chest_pain_on_exertion",), "same_day"),
        (("fainting_on_exertion",), "same_day"),
        (("breathless_on_exertion",), "urgent"),
        (("breathless_on_exertion", "chest_pain_at_rest"), "emergency"),
    ],
)
def test_exercise_screen(codes: tuple[str, ...], tier: str) -> None:
    """The cardiorespiratory tier is the highest of its ticked items."""

    assert {t.condition: t.tier for t in screen((), codes).tiers} == {"cardiorespiratory": tier}


def test_aortic_aneurysm_is_an_emergency() -> None:
    assert tiers("vascular_aneurysm") == {"aortic_aneurysm": "emergency"}


@pytest.mark.parametrize(
    ("red_flags", "exercise", "urgency", "conditions"),
    [
        ([], [], None, ()),
        (["cancer_history"], [], None, ()),  # monitor only: no referral
        (["infection_fever", "infection_wound"], [], "same_day", ("spinal_infection",)),
        (
            ["cancer_history", "cancer_thoracic", "neuro_worsening_weakness"],
            [],
            "emergency",
            ("progressive_neurological_deficit", "metastatic_cord_compression", "malignancy"),
        ),
        (
            ["fracture_fragility", "infection_fever"],
            ["chest_pain_on_exertion"],
            "same_day",
            ("cardiorespiratory", "spinal_infection", "fracture"),
        ),
        (
            ["axspa_gate", *CRITERIA[:4], "fracture_fragility"],
            [],
            "urgent",
            ("fracture", "axial_spondyloarthritis"),
        ),
        (
            ["fracture_fragility", "infection_fever", "axspa_gate", *CRITERIA[:4]],
            [],
            "same_day",  # two urgent conditions together
            ("spinal_infection", "fracture", "axial_spondyloarthritis"),
        ),
    ],
    ids=["none", "monitor", "same-day", "mscc", "mixed", "urgent-and-routine", "two-urgent"],
)
def test_referral_conditions_highest_first_then_table_order(
    red_flags: list[str], exercise: list[str], urgency: str | None, conditions: tuple[str, ...]
) -> None:
    """conditions: every condition at routine or above, highest tier first, then table order."""

    rec = recommend(first_visit(red_flags=red_flags, exercise_screen=exercise))

    if urgency is None:
        assert rec.referral is None
    else:
        assert rec.referral is not None
        assert (rec.referral.urgency, rec.referral.conditions) == (urgency, conditions)


@pytest.mark.parametrize(
    ("red_flags", "exercise", "where"),
    [
        (["ces_saddle"], [], "hospital emergency department now"),
        ([], ["chest_pain_at_rest"], "Call an ambulance now"),
        (["infection_fever", "infection_wound"], [], "A doctor (GP or urgent care) today"),
        (["cancer_history", "cancer_weight_loss"], [], "The acute oncology / MSCC team, within 24"),
        (["fracture_major_trauma"], [], "The emergency department today, for assessment"),
        (["fracture_fragility"], [], "A doctor within days, this week"),
        (["cancer_history", "neuro_foot_drop"], [], "MSCC coordinator at once"),
        (["infection_fever"], ["breathless_on_exertion"], "Several concerns together"),
        (["axspa_gate", *CRITERIA[:4]], [], "The GP or rheumatology, within weeks"),
    ],
)
def test_referral_reason_says_where_and_when(
    red_flags: list[str], exercise: list[str], where: str
) -> None:
    """The reason says what was found and where the person goes (§3.3)."""

    rec = recommend(first_visit(red_flags=red_flags, exercise_screen=exercise))

    assert rec.referral is not None and where in rec.referral.reason
