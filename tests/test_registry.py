"""Invariants of the rule table and source registry, and of the package's public surface."""

from __future__ import annotations

import string
import subprocess
import sys

import pytest

import walkback_rules
from walkback_rules import DECISION_RULES, FLAG_RULES, RULES, SOURCES, Decision, Flag
from walkback_rules.core.rules import derive, patient_values

from .conftest import flare, make_assessment, walking

RULE_IDS = [r.id for r in RULES]


def test_rule_ids_unique_and_stable_format() -> None:
    """Rule ids are unique and follow WB-R## for decisions, WB-F## for flags."""

    assert len(set(RULE_IDS)) == len(RULE_IDS)
    assert all(r.id.startswith("WB-R") for r in DECISION_RULES)
    assert all(r.id.startswith("WB-F") for r in FLAG_RULES)


def test_decision_rules_follow_spec_order() -> None:
    """The decision rules run in the precedence order of spec §4."""

    assert [r.decision for r in DECISION_RULES] == list(Decision)


def test_every_flag_has_one_rule() -> None:
    """Each flag of spec §5 is set by exactly one rule."""

    assert sorted(r.flag for r in FLAG_RULES) == sorted(Flag)


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_cites_existing_sources(rule: object) -> None:
    """Every rule cites at least one source that exists in the registry."""

    ids = rule.source_ids  # type: ignore[attr-defined]
    assert ids and all(i in SOURCES for i in ids)


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_evidence_level_admits_opinion_and_team_decisions(rule: object) -> None:
    """A rule resting on expert opinion or a team decision says so in its evidence level."""

    ids, level = rule.source_ids, rule.evidence_level  # type: ignore[attr-defined]
    if "team" in ids:
        assert "team decision" in level
    if "seed-verywell-2024" in ids:
        assert "expert opinion" in level
    assert rule.rationale and rule.title  # type: ignore[attr-defined]


SAMPLES = [
    make_assessment(),
    make_assessment(
        age=70,
        phq2=4,
        flare=flare("severe", 8, 9),
        walking=walking(5, 20, None),
        last_progression={
            "pain_increased": True,
            "settled_within_24h": False,
            "previous_dose": {"walks_per_week": 4, "minutes_per_walk": 20},
        },
        red_flags=["suspected_fracture"],
    ),
    make_assessment(visit="initial", walking=walking(0, 0, None)),
]


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_reason_templates_format(rule: object) -> None:
    """Every reason template names only values the engine provides, for any sample patient."""

    for a in SAMPLES:
        values = derive(a).values
        values["decision"] = "PROGRESS"
        for template in (rule.if_true, rule.if_false):  # type: ignore[attr-defined]
            fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            known = patient_values(derive(a)).keys() | {"decision"}
            assert fields <= known, fields - known
            template.format_map(values)


def test_every_decision_reachable() -> None:
    """Each decision of spec §4 is reached by at least one sample patient."""

    patients = {
        Decision.EMERGENCY_REFERRAL: make_assessment(red_flags=["cauda_equina"]),
        Decision.URGENT_REFERRAL: make_assessment(red_flags=["suspected_malignancy"]),
        Decision.ROUTINE_REFERRAL: make_assessment(red_flags=["suspected_inflammatory_disease"]),
        Decision.OUT_OF_SCOPE: make_assessment(age=15),
        Decision.MEDICAL_CLEARANCE: make_assessment(cardiorespiratory_concern=True),
        Decision.CHRONIC_PATHWAY: make_assessment(flare=flare("moderate", 5, 100)),
        Decision.SEVERE_FLARE: make_assessment(flare=flare("severe", 9, 2)),
        Decision.MODERATE_FLARE: make_assessment(flare=flare("moderate", 5, 2)),
        Decision.ALTERNATIVE_EXERCISE: make_assessment(prefers_other_exercise=True),
        Decision.STEP_BACK: make_assessment(
            last_progression={"pain_increased": True, "settled_within_24h": False}
        ),
        Decision.HOLD: make_assessment(walking=walking(4, 10, 0)),
        Decision.START: make_assessment(walking=walking(0, 0, None)),
        Decision.MAINTAIN: make_assessment(walking=walking(5, 30)),
        Decision.PROGRESS: make_assessment(),
    }

    reached = {d: walkback_rules.recommend(a).decision for d, a in patients.items()}

    assert reached == {d: d for d in Decision}


def test_all_is_honest() -> None:
    """`__all__` lists exactly the public names the package imports, each importable."""

    public = {n for n in dir(walkback_rules) if not n.startswith("_")}
    modules = {
        "cards", "cases", "charts", "cli", "codes", "dosing", "engine", "evidence", "intake",
        "models", "plan", "rules", "teaching", "validation", "whatif",
    }  # fmt: skip

    assert set(walkback_rules.__all__) == public - modules
    assert walkback_rules.__all__ == sorted(
        walkback_rules.__all__, key=lambda n: (not n.isupper(), n)
    )


def test_import_stays_light() -> None:
    """Importing the core loads no UI, dataframe, chart, PDF or database library."""

    code = (
        "import sys, walkback_rules, walkback_rules.cli\n"
        "heavy = {'streamlit', 'pandas', 'altair', 'fpdf', 'sqlalchemy', 'numpy'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "[]"


def test_package_loads_names_on_first_use() -> None:
    """`import walkback_rules` alone loads no pydantic; asking for a name loads its module."""

    code = (
        "import sys, walkback_rules\n"
        "print('pydantic' in sys.modules)\n"
        "print(walkback_rules.recommend.__module__, 'pydantic' in sys.modules)\n"
    )

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.split() == ["False", "walkback_rules.core.engine", "True"]
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = walkback_rules.nothing_here  # type: ignore[attr-defined]
