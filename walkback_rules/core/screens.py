"""The screens of specification §3: red-flag features and the exercise-safety screen.

Each feature has its code, the condition it belongs to, and the clinician's wording. Each
tier rule is a small predicate over the features ticked, with a stable id (`WB-S01`…; never
renumbered, retired ids stay out of use). A condition's tier is the highest any of its rules
gives; the referral follows from the tiers (§3.3). `screen()` is what the rules and the
consultation page both call, so the banner a clinician sees is the engine's own reading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .codes import CONDITIONS, TIERS, Condition, ExerciseItem, RedFlagFeature, Tier, Urgency

Code = RedFlagFeature | ExerciseItem


@dataclass(frozen=True, slots=True)
class Feature:
    """Something the clinician ticks: its code, its condition, and the words on the form."""

    code: Code
    condition: Condition
    wording: str


@dataclass(frozen=True, slots=True)
class ConditionInfo:
    """A condition the screens judge: its name in words and where a referral sends the person."""

    code: Condition
    name: str
    source_ids: tuple[str, ...]


CONDITION_INFO: dict[Condition, ConditionInfo] = {
    c.code: c
    for c in (
        ConditionInfo("cauda_equina", "possible cauda equina syndrome", ("bass-ces-2018",)),
        ConditionInfo(
            "progressive_neurological_deficit",
            "possible progressive neurological deficit",
            ("ifompt-2020", "nice-ng59"),
        ),
        ConditionInfo(
            "metastatic_cord_compression",
            "possible metastatic spinal cord compression",
            ("nice-ng234",),
        ),
        ConditionInfo("aortic_aneurysm", "possible abdominal aortic aneurysm", ("ifompt-2020",)),
        ConditionInfo("spinal_infection", "possible spinal infection", ("ifompt-2020",)),
        ConditionInfo("malignancy", "possible malignancy", ("ifompt-2020", "nice-ng234")),
        ConditionInfo("fracture", "possible fracture", ("ifompt-2020",)),
        ConditionInfo(
            "axial_spondyloarthritis", "possible axial spondyloarthritis", ("nice-ng65",)
        ),
        ConditionInfo(
            "cardiorespiratory",
            "a possible cardiac or respiratory cause of symptoms on exertion",
            ("nice-cg95", "nice-cg109"),
        ),
    )
}


def _features(condition: Condition, *rows: tuple[Code, str]) -> tuple[Feature, ...]:
    return tuple(Feature(code, condition, wording) for code, wording in rows)


# §3.1 and §3.2, in the specification's order and wording.
RED_FLAG_FEATURES: tuple[Feature, ...] = (
    *_features(
        "cauda_equina",
        ("ces_bladder", "New retention or incontinence of urine"),
        (
            "ces_urinary_change",
            "Hesitancy, poor stream, needing to strain, or reduced feeling when passing urine",
        ),
        ("ces_bowel", "New bowel incontinence or loss of rectal sensation"),
        (
            "ces_saddle",
            "Numbness or altered feeling in the saddle, genital or anal area, including when "
            "wiping",
        ),
        ("ces_sexual", "New loss of genital sensation or sexual function"),
        (
            "ces_both_legs",
            "New radicular pain, numbness or weakness in both legs (not claudication that "
            "eases with rest)",
        ),
    ),
    *_features(
        "progressive_neurological_deficit",
        ("neuro_worsening_weakness", "Leg weakness or numbness that is getting worse"),
        ("neuro_foot_drop", "New or worsening foot drop"),
        ("neuro_gait", "New unsteadiness or gait disturbance"),
    ),
    *_features(
        "aortic_aneurysm",
        (
            "vascular_aneurysm",
            "Sudden severe back or abdominal pain with features of an abdominal aortic "
            "aneurysm (older, smoker, known aneurysm, pulsatile mass, faintness)",
        ),
    ),
    *_features(
        "spinal_infection",
        ("infection_fever", "Fever, rigors or feeling systemically unwell"),
        ("infection_immunosuppression", "Immunosuppression"),
        ("infection_drug_injection", "Injecting drug use"),
        ("infection_spinal_procedure", "Spinal surgery or injection in the last 3 months"),
        (
            "infection_recent_infection",
            "Recent bacterial infection (for example urinary or skin)",
        ),
        ("infection_wound", "Penetrating wound near the spine"),
    ),
    *_features(
        "malignancy",
        ("cancer_history", "Past or current cancer"),
        ("cancer_weight_loss", "Unexplained weight loss"),
        ("cancer_age", "First episode of back pain after 50 or before 20"),
        (
            "cancer_non_mechanical",
            "Constant or progressive pain not eased by rest or position, or pain that wakes "
            "the person at night",
        ),
        ("cancer_no_improvement", "No improvement after 4–6 weeks of appropriate care"),
        ("cancer_thoracic", "Thoracic (mid-back) pain"),
    ),
    *_features(
        "fracture",
        (
            "fracture_major_trauma",
            "Recent significant trauma (fall from a height, road or sports collision)",
        ),
        (
            "fracture_fragility",
            "Minor trauma, lifting or a strain with osteoporosis or long-term corticosteroid use",
        ),
        ("fracture_deformity", "New structural deformity"),
        ("fracture_eased_lying", "Sudden severe central pain that eases when lying down"),
    ),
    *_features(
        "axial_spondyloarthritis",
        ("axspa_gate", "Back pain that began before age 45 and has lasted more than 3 months"),
        ("axspa_onset_before_35", "Onset before age 35"),
        ("axspa_night_waking", "Waking in the second half of the night because of symptoms"),
        ("axspa_buttock", "Buttock pain"),
        ("axspa_movement", "Improves with movement"),
        ("axspa_anti_inflammatory", "Improves within 48 hours of anti-inflammatory medicine"),
        ("axspa_family", "A first-degree relative with spondyloarthritis"),
        ("axspa_arthritis", "Current or past arthritis"),
        ("axspa_enthesitis", "Current or past enthesitis"),
        ("axspa_psoriasis", "Current or past psoriasis"),
    ),
)
EXERCISE_FEATURES: tuple[Feature, ...] = _features(
    "cardiorespiratory",
    ("chest_pain_at_rest", "Chest pain, pressure or tightness at rest, or now"),
    ("chest_pain_on_exertion", "Chest pain, pressure or tightness brought on by exertion"),
    ("fainting_on_exertion", "Fainting or near-fainting during or just after exertion"),
    (
        "breathless_on_exertion",
        "Breathlessness on exertion out of proportion to the effort, not explained",
    ),
)
FEATURES: dict[str, Feature] = {f.code: f for f in RED_FLAG_FEATURES + EXERCISE_FEATURES}

# Features read by more than their own condition: a history of cancer with new neurology is
# possible metastatic cord compression.
CES = frozenset(f.code for f in RED_FLAG_FEATURES if f.condition == "cauda_equina")
NEURO = frozenset(
    f.code for f in RED_FLAG_FEATURES if f.condition == "progressive_neurological_deficit"
)
INFECTION_RISKS = frozenset(
    f.code
    for f in RED_FLAG_FEATURES
    if f.condition == "spinal_infection" and f.code != "infection_fever"
)
CANCER_OTHERS = frozenset(
    f.code for f in RED_FLAG_FEATURES if f.condition == "malignancy" and f.code != "cancer_history"
)
AXSPA_CRITERIA = frozenset(
    f.code
    for f in RED_FLAG_FEATURES
    if f.condition == "axial_spondyloarthritis" and f.code != "axspa_gate"
)
AXSPA_REFERRAL_CRITERIA = 4  # NICE NG65: 4 or more refer; exactly 3, test HLA-B27 first
AXSPA_POSSIBLE_CRITERIA = 3
SEVERAL_URGENT = 2  # conditions at urgent that together make a same-day concern (§3.3)

Ticked = frozenset[str]


@dataclass(frozen=True, slots=True)
class TierRule:
    """One row of a screen: when it holds, its condition reaches at least `tier`."""

    id: str
    condition: Condition
    tier: Tier
    when: str  # the row as a clinician reads it
    holds: Callable[[Ticked], bool]
    reads: frozenset[str]  # the features the row looks at (for the reason and the tests)


def _n(ticked: Ticked, of: frozenset[str]) -> int:
    return len(ticked & of)


TIER_RULES: tuple[TierRule, ...] = (
    TierRule(
        "WB-S01",
        "cauda_equina",
        "emergency",
        "any one cauda equina feature",
        lambda t: not t.isdisjoint(CES),
        CES,
    ),
    TierRule(
        "WB-S02",
        "progressive_neurological_deficit",
        "emergency",
        "any one progressive neurological feature",
        lambda t: not t.isdisjoint(NEURO),
        NEURO,
    ),
    TierRule(
        "WB-S03",
        "metastatic_cord_compression",
        "emergency",
        "past or current cancer together with any cauda equina or neurological feature",
        lambda t: "cancer_history" in t and not t.isdisjoint(CES | NEURO),
        CES | NEURO | {"cancer_history"},
    ),
    TierRule(
        "WB-S04",
        "aortic_aneurysm",
        "emergency",
        "features of an abdominal aortic aneurysm",
        lambda t: "vascular_aneurysm" in t,
        frozenset({"vascular_aneurysm"}),
    ),
    TierRule(
        "WB-S05",
        "spinal_infection",
        "same_day",
        "fever and 1 or more infection risk factors",
        lambda t: "infection_fever" in t and _n(t, INFECTION_RISKS) >= 1,
        INFECTION_RISKS | {"infection_fever"},
    ),
    TierRule(
        "WB-S06",
        "spinal_infection",
        "urgent",
        "fever, with or without a risk factor",
        lambda t: "infection_fever" in t,
        frozenset({"infection_fever"}),
    ),
    TierRule(
        "WB-S07",
        "spinal_infection",
        "urgent",
        "2 or more infection risk factors",
        lambda t: _n(t, INFECTION_RISKS) >= 2,
        INFECTION_RISKS,
    ),
    TierRule(
        "WB-S08",
        "spinal_infection",
        "monitor",
        "exactly 1 infection risk factor",
        lambda t: _n(t, INFECTION_RISKS) == 1,
        INFECTION_RISKS,
    ),
    TierRule(
        "WB-S21",
        "malignancy",
        "same_day",
        "past or current cancer with 1 or more of the other five features (acute oncology / "
        "MSCC team within 24 hours)",
        lambda t: "cancer_history" in t and _n(t, CANCER_OTHERS) >= 1,
        CANCER_OTHERS | {"cancer_history"},
    ),
    TierRule(
        "WB-S10",
        "malignancy",
        "urgent",
        "2 or more of the five malignancy features other than a cancer history",
        lambda t: _n(t, CANCER_OTHERS) >= 2,
        CANCER_OTHERS,
    ),
    TierRule(
        "WB-S11",
        "malignancy",
        "monitor",
        "past or current cancer alone (the strongest single sign: re-screen at every visit)",
        lambda t: "cancer_history" in t,
        frozenset({"cancer_history"}),
    ),
    TierRule(
        "WB-S12",
        "malignancy",
        "monitor",
        "exactly 1 of the five malignancy features other than a cancer history",
        lambda t: _n(t, CANCER_OTHERS) == 1,
        CANCER_OTHERS,
    ),
    TierRule(
        "WB-S22",
        "fracture",
        "same_day",
        "recent significant trauma (emergency department today for assessment and imaging)",
        lambda t: "fracture_major_trauma" in t,
        frozenset({"fracture_major_trauma"}),
    ),
    TierRule(
        "WB-S23",
        "fracture",
        "urgent",
        "minor trauma, lifting or a strain with osteoporosis or corticosteroids",
        lambda t: "fracture_fragility" in t,
        frozenset({"fracture_fragility"}),
    ),
    TierRule(
        "WB-S14",
        "fracture",
        "urgent",
        "a new deformity and sudden severe central pain eased by lying, together",
        lambda t: "fracture_deformity" in t and "fracture_eased_lying" in t,
        frozenset({"fracture_deformity", "fracture_eased_lying"}),
    ),
    TierRule(
        "WB-S15",
        "fracture",
        "monitor",
        "exactly 1 of: a new deformity, sudden severe central pain eased by lying",
        lambda t: ("fracture_deformity" in t) != ("fracture_eased_lying" in t),
        frozenset({"fracture_deformity", "fracture_eased_lying"}),
    ),
    TierRule(
        "WB-S16",
        "axial_spondyloarthritis",
        "routine",
        "back pain from before 45 for over 3 months, with 4 or more NICE NG65 criteria",
        lambda t: "axspa_gate" in t and _n(t, AXSPA_CRITERIA) >= AXSPA_REFERRAL_CRITERIA,
        AXSPA_CRITERIA | {"axspa_gate"},
    ),
    TierRule(
        "WB-S17",
        "cardiorespiratory",
        "emergency",
        "chest pain, pressure or tightness at rest, or now (call an ambulance)",
        lambda t: "chest_pain_at_rest" in t,
        frozenset({"chest_pain_at_rest"}),
    ),
    TierRule(
        "WB-S18",
        "cardiorespiratory",
        "same_day",
        "chest pain, pressure or tightness brought on by exertion",
        lambda t: "chest_pain_on_exertion" in t,
        frozenset({"chest_pain_on_exertion"}),
    ),
    TierRule(
        "WB-S19",
        "cardiorespiratory",
        "same_day",
        "fainting or near-fainting during or just after exertion",
        lambda t: "fainting_on_exertion" in t,
        frozenset({"fainting_on_exertion"}),
    ),
    TierRule(
        "WB-S20",
        "cardiorespiratory",
        "urgent",
        "breathlessness on exertion out of proportion to the effort",
        lambda t: "breathless_on_exertion" in t,
        frozenset({"breathless_on_exertion"}),
    ),
)

_TIER_RANK = {tier: rank for rank, tier in enumerate(TIERS)}  # 0 is the highest
REFERRAL_TIERS: frozenset[Tier] = frozenset({"emergency", "same_day", "urgent", "routine"})


@dataclass(frozen=True, slots=True)
class ConditionTier:
    """One condition's tier for this person, the rule that set it and the features found."""

    condition: Condition
    tier: Tier
    rule_id: str
    features: tuple[str, ...]  # the ticked features this condition reads, in form order


@dataclass(frozen=True, slots=True)
class Screening:
    """Both screens read for one person: a tier for each condition that reached one."""

    tiers: tuple[ConditionTier, ...]  # highest tier first; within a tier, in table order
    axspa_criteria: int  # criteria ticked, and whether the gate is
    axspa_gate: bool

    @property
    def highest(self) -> Tier | None:
        """The highest tier any single condition reaches."""
        return self.tiers[0].tier if self.tiers else None

    @property
    def combined_by_count(self) -> bool:
        """Two or more conditions at urgent and none higher: together a same-day concern."""
        return (
            self.highest == "urgent"
            and sum(t.tier == "urgent" for t in self.tiers) >= SEVERAL_URGENT
        )

    @property
    def combined(self) -> Tier | None:
        """The combined tier (§3.3): the highest tier, raised to same_day by several urgent
        conditions together. Each condition keeps its own tier."""
        return "same_day" if self.combined_by_count else self.highest

    @property
    def deciding_tier(self) -> Tier | None:
        """The tier whose conditions set the combined tier: urgent when several urgent
        conditions together make it same day, otherwise the combined tier itself."""
        return "urgent" if self.combined_by_count else self.combined

    @property
    def deciding(self) -> tuple[ConditionTier, ...]:
        """The conditions that set the combined tier, in `referral.conditions` order."""
        tier = self.deciding_tier
        return tuple(t for t in self.tiers if t.tier == tier)

    @property
    def urgency(self) -> Urgency | None:
        """The referral's urgency: the combined tier, when it is routine or above."""
        top = self.combined
        return top if top is not None and top != "monitor" else None

    @property
    def referred(self) -> tuple[ConditionTier, ...]:
        """The conditions at routine or above, in the order `referral.conditions` lists them."""
        return tuple(t for t in self.tiers if t.tier in REFERRAL_TIERS)

    @property
    def monitored(self) -> tuple[ConditionTier, ...]:
        return tuple(t for t in self.tiers if t.tier == "monitor")

    def tier_of(self, condition: Condition) -> Tier | None:
        return next((t.tier for t in self.tiers if t.condition == condition), None)


_FORM_ORDER = {code: i for i, code in enumerate(FEATURES)}
_TABLE_ORDER = {c: i for i, c in enumerate(CONDITIONS)}  # within a tier, 3.1 then 3.2
# The features each condition reads (its own, and a cancer history's part in cord
# compression), named in the referral's reason when ticked.
_CONDITION_READS: dict[Condition, frozenset[str]] = {
    c: frozenset().union(*(r.reads for r in TIER_RULES if r.condition == c)) for c in CONDITIONS
}
_CONDITION_READS["axial_spondyloarthritis"] = AXSPA_CRITERIA | {"axspa_gate"}
_EMPTY = Screening((), 0, False)


def screen(red_flags: Iterable[str], exercise_screen: Iterable[str] = ()) -> Screening:
    """The tier of every condition the ticked features reach (§3)."""
    ticked: Ticked = frozenset(red_flags) | frozenset(exercise_screen)
    if not ticked:
        return _EMPTY
    best: dict[Condition, TierRule] = {}
    for rule in TIER_RULES:
        held = best.get(rule.condition)
        if (held is None or _TIER_RANK[rule.tier] < _TIER_RANK[held.tier]) and rule.holds(ticked):
            best[rule.condition] = rule
    tiers = tuple(
        ConditionTier(
            c,
            rule.tier,
            rule.id,
            tuple(sorted(ticked & _CONDITION_READS[c], key=_FORM_ORDER.__getitem__)),
        )
        for c, rule in sorted(
            best.items(), key=lambda item: (_TIER_RANK[item[1].tier], _TABLE_ORDER[item[0]])
        )
    )
    return Screening(tiers, _n(ticked, AXSPA_CRITERIA), "axspa_gate" in ticked)
