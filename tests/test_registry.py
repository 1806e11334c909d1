"""Invariants of the tables (screens, decisions, flags, sources) and of the public surface."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import walkback_rules
from walkback_rules import (
    DECISION_RULES,
    FEATURES,
    FLAG_RULES,
    RULES,
    SOURCES,
    TIER_RULES,
    Decision,
    Flag,
    recommend,
    screen,
)
from walkback_rules.core.codes import CONDITIONS, EXERCISE_ITEMS, RED_FLAG_FEATURES, URGENCIES
from walkback_rules.core.rules import RETIRED_IDS
from walkback_rules.core.screens import CONDITION_INFO, EXERCISE_FEATURES
from walkback_rules.core.screens import RED_FLAG_FEATURES as RED_FLAG_LIST
from walkback_rules.core.validation import validate_assessment
from walkback_rules.teaching.cases import CASES

from .test_flags import FLAG_CASES

CORE = Path(walkback_rules.__file__).parent / "core"
RULE_IDS = [r.id for r in RULES]


def test_ids_unique_stable_and_never_reusing_retired_ones() -> None:
    """Ids are unique, keep their prefixes, and no 2.0 rule reuses a retired 1.0 id."""

    ids = RULE_IDS + [r.id for r in TIER_RULES]

    assert len(set(ids)) == len(ids)
    assert all(r.id.startswith("WB-R") for r in DECISION_RULES)
    assert all(r.id.startswith("WB-F") for r in FLAG_RULES)
    assert all(r.id.startswith("WB-S") for r in TIER_RULES)
    assert RETIRED_IDS.isdisjoint(ids)


def test_decision_rules_follow_spec_order() -> None:
    """The decision rules run in the precedence order of §5."""

    assert [r.decision for r in DECISION_RULES] == list(Decision)


def test_every_flag_has_one_rule_in_spec_order() -> None:
    """Each flag of §7 is raised by exactly one rule, in the table's order."""

    assert [r.flag for r in FLAG_RULES] == list(Flag)


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_rule_cites_existing_sources(rule: object) -> None:
    """Every rule cites at least one source that exists in the registry."""

    ids = rule.source_ids  # type: ignore[attr-defined]
    assert ids and all(i in SOURCES for i in ids)
    assert rule.title and rule.rationale and rule.condition  # type: ignore[attr-defined]


@pytest.mark.parametrize("rule", RULES, ids=RULE_IDS)
def test_evidence_level_admits_opinion_and_team_decisions(rule: object) -> None:
    """A rule resting on expert opinion or a team decision says so in its evidence level."""

    ids, level = rule.source_ids, rule.evidence_level  # type: ignore[attr-defined]
    assert ("team decision" in level) is ("team" in ids)
    assert ("expert opinion" in level) is ("seed-verywell-2024" in ids)


def test_codes_and_features_agree() -> None:
    """Every code of the contract is a feature on the form, and nothing else is."""

    assert [f.code for f in RED_FLAG_LIST] == list(RED_FLAG_FEATURES)
    assert [f.code for f in EXERCISE_FEATURES] == list(EXERCISE_ITEMS)
    assert set(FEATURES) == set(RED_FLAG_FEATURES) | set(EXERCISE_ITEMS)


@pytest.mark.parametrize("feature", list(FEATURES.values()), ids=list(FEATURES))
def test_every_feature_belongs_to_its_condition(feature: object) -> None:
    """A feature's code names its condition's group, and some tier rule reads it."""

    code, condition = feature.code, feature.condition  # type: ignore[attr-defined]
    prefix = {
        "cauda_equina": "ces_",
        "progressive_neurological_deficit": "neuro_",
        "aortic_aneurysm": "vascular_",
        "spinal_infection": "infection_",
        "malignancy": "cancer_",
        "fracture": "fracture_",
        "axial_spondyloarthritis": "axspa_",
    }.get(condition)

    if prefix is None:
        assert condition == "cardiorespiratory" and code in EXERCISE_ITEMS
    else:
        assert code.startswith(prefix)
    assert any(code in r.reads and r.condition == condition for r in TIER_RULES) or (
        condition == "axial_spondyloarthritis"
    )
    assert feature.wording[0].isupper()  # type: ignore[attr-defined]


def test_every_condition_is_judged_and_described() -> None:
    """Each condition has a tier rule, a name, and sources that exist."""

    assert {r.condition for r in TIER_RULES} == set(CONDITIONS)
    assert set(CONDITION_INFO) == set(CONDITIONS)
    assert all(i in SOURCES for c in CONDITION_INFO.values() for i in c.source_ids)


def test_every_decision_tier_condition_and_flag_is_reachable_by_a_teaching_case() -> None:
    """Together the teaching cases reach every decision, referral tier and condition."""

    recs = [recommend(validate_assessment(c.data)) for c in CASES]
    urgencies = {r.referral.urgency for r in recs if r.referral}
    conditions = {c for r in recs if r.referral for c in r.referral.conditions}
    conditions |= {
        t.condition
        for c in CASES
        for t in screen(c.data.get("red_flags", []), c.data.get("exercise_screen", [])).tiers
    }

    assert len(CASES) >= 24
    assert {r.decision for r in recs} == set(Decision)
    assert urgencies == set(URGENCIES)
    assert conditions == set(CONDITIONS)
    assert [c.expected for c in CASES] == [r.decision for r in recs]


def test_every_flag_is_reachable() -> None:
    """The flag tables raise every flag at least once."""

    raised = {flag for _, flag, up in FLAG_CASES if up}

    assert raised | {"CLINICIAN_REVIEW", "OUTSIDE_TRIAL_POPULATION"} == {f.value for f in Flag}


def test_all_lists_what_the_package_really_exports() -> None:
    """`__all__` names exactly the public names the package defines, each importable."""

    public = {
        name
        for name, value in vars(walkback_rules).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }

    assert set(walkback_rules.__all__) == public
    assert sorted(walkback_rules.__all__) == sorted(set(walkback_rules.__all__))


def test_the_core_imports_nothing_above_it() -> None:
    """The reviewed core imports only itself, the standard library and pydantic."""

    allowed = {"pydantic", "pydantic_core", "__future__"} | set(sys.stdlib_module_names)
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    assert node.level == 1, f"{path.name} imports from above the core"
                else:
                    assert (node.module or "").split(".")[0] in allowed, (path.name, node.module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] in allowed, (path.name, alias.name)


def test_importing_the_package_loads_nothing_heavy() -> None:
    """Importing walkback_rules loads no UI, chart, PDF or database library."""

    heavy = ("streamlit", "pandas", "altair", "typst", "sqlalchemy", "psycopg", "textstat")
    code = (
        "import sys, walkback_rules, walkback_rules.consultation.form, walkback_rules.whatif;"
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "[]"
