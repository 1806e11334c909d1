"""The engine: its table is an argument, the trace explains every rule, cards follow §8."""

from __future__ import annotations

import copy
import pickle

import pytest
from pydantic import ValidationError

from walkback_rules import (
    DECISION_RULES,
    FLAG_RULES,
    Decision,
    Recommendation,
    RuleTableError,
    decide,
    recommend,
)
from walkback_rules.core.cards import describe_dose
from walkback_rules.core.models import NextDose, Span
from walkback_rules.core.validation import validate_assessment

from .conftest import assessment_data, first_visit, flare, make_assessment, walking
from .medicines import medicines_named


def test_two_rule_table() -> None:
    """A table of two rules decides and traces exactly those two."""

    table = (DECISION_RULES[4], DECISION_RULES[-1])

    rec = recommend(make_assessment(flare=flare("severe", 9)), rules=table)

    assert rec.decision == Decision.SEVERE_FLARE
    assert [(t.rule_id, t.fired) for t in rec.trace] == [("WB-R19", True), ("WB-R26", False)]
    assert "decides first" in rec.trace[1].reason
    assert decide(make_assessment(flare=flare("severe", 9)), rules=table).rule_id == "WB-R19"


def test_table_with_no_deciding_rule() -> None:
    """A table where no decision rule holds is an error, not a silent default."""

    with pytest.raises(RuleTableError, match="no decision rule held"):
        recommend(make_assessment(), rules=(DECISION_RULES[0],))


@pytest.mark.parametrize(
    "table",
    [(FLAG_RULES[0], DECISION_RULES[-1]), (DECISION_RULES[-1], FLAG_RULES[0], DECISION_RULES[0])],
)
def test_flag_rules_come_after_decision_rules(table: tuple[object, ...]) -> None:
    """A decision rule after a flag rule is an error."""

    with pytest.raises(RuleTableError, match="must come before"):
        recommend(make_assessment(), rules=table)  # type: ignore[arg-type]


def test_trace_reasons_carry_the_patients_values() -> None:
    """Reasons quote the person's own values."""

    rec = recommend(make_assessment(age=47, usual_pain=2, flare=flare("severe", 9, 2)))
    reasons = {t.rule_id: t.reason for t in rec.trace}

    assert reasons["WB-R18"] == "age 47 is 16 or over"
    assert reasons["WB-R19"] == (
        "effective flare level severe (entered severe; pain 9/10 against usual 2/10 implies severe)"
    )
    assert reasons["WB-R20"] == "effective flare level severe: not moderate"
    assert reasons["WB-F29"] == "age 47, under 65"


def test_the_referral_decisions_reason_names_the_features() -> None:
    """The emergency's reason names the conditions and the features found."""

    rec = recommend(first_visit(red_flags=["ces_urinary_change"]))

    assert rec.trace[0].fired
    assert rec.trace[0].reason == (
        "emergency tier: cauda equina (hesitancy, poor stream, needing to strain, or reduced "
        "feeling when passing urine)"
    )


@pytest.mark.parametrize(
    ("overrides", "indicator"),
    [
        ({"red_flags": ["ces_saddle"]}, "critical"),
        ({"red_flags": ["infection_fever", "infection_wound"]}, "critical"),
        ({"red_flags": ["fracture_major_trauma"]}, "critical"),
        ({"age": 15}, "warning"),
        ({"flare": flare("severe", 8, 50)}, "warning"),
        ({"flare": flare("severe", 8, 1)}, "warning"),
        ({"flare": flare("moderate", 5, 1)}, "info"),
        ({}, "info"),
    ],
)
def test_headline_indicator(overrides: dict[str, object], indicator: str) -> None:
    """Critical for the referral decisions, warning for out of scope and a severe flare."""

    assert recommend(make_assessment(**overrides)).cards[0].indicator == indicator


def test_card_order_and_indicators() -> None:
    """Decision first; then self-harm, a routine referral, flare care, then flags."""

    rec = recommend(
        make_assessment(
            self_harm_concern=True,
            flare=flare("mild", 2, 50),
            red_flags=["axspa_gate", "axspa_buttock", "axspa_family", "axspa_psoriasis",
                       "axspa_arthritis"],
        )
    )  # fmt: skip

    assert [(c.summary.split(":")[0], c.indicator) for c in rec.cards] == [
        ("Hold at 4 walks a week, 10 minutes each", "info"),
        ("Concern about self-harm", "critical"),
        ("Routine referral", "warning"),
        ("Safety net", "info"),
        ("Clinician review", "warning"),
        ("Mild flare", "info"),
    ]


def test_flare_card_states_the_resume_dose() -> None:
    """A flare's card says the dose to return to, in its summary and detail."""

    rec = recommend(
        make_assessment(
            walking=walking(5, 20),
            flare=flare("moderate", 5, 2),
            last_progression={
                "pain_increased": True,
                "settled_within_24h": False,
                "previous_dose": {"walks_per_week": 5, "minutes_per_walk": 15},
            },
        )
    )

    assert rec.cards[0].summary.endswith("resume at 5 × 15 min")
    assert "**Once the flare settles, resume at:** 5 walks a week, 15 minutes each." in (
        rec.cards[0].detail
    )


def test_referral_card_says_where_and_when() -> None:
    """The referral card names the conditions, the features, where the person goes and when."""

    rec = recommend(first_visit(exercise_screen=["chest_pain_at_rest"]))

    assert rec.cards[0].summary == (
        "Emergency referral: a possible cardiac or respiratory cause of symptoms on exertion"
    )
    assert "Call an ambulance now." in rec.cards[0].detail
    assert "chest pain, pressure or tightness at rest, or now" in rec.cards[0].detail


def test_card_summaries_fit_140_characters() -> None:
    """Even with every emergency condition at once, a summary is at most 140 characters."""

    rec = recommend(
        first_visit(
            red_flags=["ces_saddle", "neuro_gait", "cancer_history", "vascular_aneurysm"],
            exercise_screen=["chest_pain_at_rest"],
        )
    )

    assert all(len(c.summary) <= 140 for c in rec.cards)
    assert rec.cards[0].summary.endswith("and 4 more")


@pytest.mark.parametrize(
    ("dose", "words"),
    [
        (None, "no walking dose"),
        (NextDose(Span(5, 5), Span(10, 10)), "5 walks a week, 10 minutes each"),
        (NextDose(Span(1, 1), Span(1, 1)), "1 walk a week, 1 minute each"),
        (NextDose(Span(3, 4), Span(5, 10)), "3–4 walks a week, 5–10 minutes each"),
        (NextDose(None, Span(2, 5)), "short walks of 2–5 minutes, as often as is comfortable"),
    ],
)
def test_describe_dose(dose: NextDose | None, words: str) -> None:
    """Doses read as a clinician would say them."""

    assert describe_dose(dose) == words


def test_recommendation_is_complete_frozen_and_round_trips() -> None:
    """Built whole: it compares, copies, pickles and validates from its own JSON."""

    rec = recommend(make_assessment(phq2=5, age=66, flare=flare("moderate", 5, 2)))

    assert pickle.loads(pickle.dumps(rec)) == rec
    assert copy.deepcopy(rec) == rec
    assert Recommendation.model_validate_json(rec.model_dump_json()) == rec
    assert len(rec.trace) == len(DECISION_RULES) + len(FLAG_RULES)
    with pytest.raises(ValidationError):
        rec.decision = Decision.HOLD  # type: ignore[misc]


def test_decide_agrees_with_recommend_on_every_teaching_case() -> None:
    """decide() and recommend() reach the same conclusion."""

    from walkback_rules.teaching.cases import CASES

    for case in CASES:
        a = validate_assessment(case.data)
        d, rec = decide(a), recommend(a)
        assert (d.decision, d.next_dose, d.resume_dose, d.flags, d.review_in_days) == (
            rec.decision,
            rec.next_dose,
            rec.resume_dose,
            rec.flags,
            rec.review_in_days,
        )
        assert (d.urgency, d.conditions) == (
            (rec.referral.urgency, rec.referral.conditions) if rec.referral else (None, ())
        )


def test_no_text_names_a_medicine_even_for_anti_inflammatory_criterion() -> None:
    """The axSpA criterion speaks of anti-inflammatory medicine, never a named medicine."""

    rec = recommend(
        validate_assessment(assessment_data(red_flags=["axspa_gate", "axspa_anti_inflammatory"]))
    )
    texts = [c.detail for c in rec.cards] + [t.reason for t in rec.trace]

    assert [m for t in texts for m in medicines_named(t)] == []
