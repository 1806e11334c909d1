"""The engine takes its rule table as an argument, builds the trace, fails loudly on bad tables."""

from __future__ import annotations

import copy
import pickle

import pytest

from walkback_rules import (
    DECISION_RULES,
    FLAG_RULES,
    Decision,
    Recommendation,
    RuleTableError,
    recommend,
)
from walkback_rules.core.cards import describe_dose
from walkback_rules.core.models import NextDose, Span

from .conftest import flare, make_assessment


def test_two_rule_table() -> None:
    """A table of two rules traces exactly those two."""

    table = (DECISION_RULES[6], DECISION_RULES[-1])

    rec = recommend(make_assessment(flare=flare("severe", 9)), rules=table)

    assert rec.decision == Decision.SEVERE_FLARE
    assert [(t.rule_id, t.fired) for t in rec.trace] == [("WB-R07", True), ("WB-R14", False)]
    assert "takes precedence" in rec.trace[1].reason


def test_table_with_no_deciding_rule() -> None:
    """A table where no decision rule holds is an error, not a silent default."""

    with pytest.raises(RuleTableError, match="no decision rule held"):
        recommend(make_assessment(), rules=(DECISION_RULES[0],))


def test_flag_rule_before_any_decision_rule() -> None:
    """A flag rule before the decision rules is an error."""

    with pytest.raises(RuleTableError, match="must come before"):
        recommend(make_assessment(), rules=(FLAG_RULES[0], DECISION_RULES[-1]))


def test_decision_rule_after_flag_rule() -> None:
    """A decision rule after a flag rule is an error."""

    with pytest.raises(RuleTableError, match="must come before"):
        recommend(make_assessment(), rules=(DECISION_RULES[-1], FLAG_RULES[0], DECISION_RULES[0]))


def test_trace_reasons_carry_patient_values() -> None:
    """Reasons quote the patient's own values."""

    rec = recommend(make_assessment(age=47, flare=flare("severe", 8, 2)))
    reasons = {t.rule_id: t.reason for t in rec.trace}

    assert reasons["WB-R04"] == "age 47 is 18 or over"
    assert reasons["WB-R07"] == (
        "effective flare level is severe (entered severe; pain 8/10 is in the severe band, 7–10)"
    )
    assert reasons["WB-R08"].startswith("effective flare level is severe, not moderate")


def test_flagless_decision_traces_why_no_flags() -> None:
    """After a referral the flag rules say why they were not raised."""

    rec = recommend(make_assessment(age=80, red_flags=["suspected_fracture"]))
    older = next(t for t in rec.trace if t.rule_id == "WB-F10")

    assert (older.fired, older.reason) == (False, "not raised: URGENT_REFERRAL shows nothing else")


def test_headline_card() -> None:
    """The first card states the decision and the dose in words, with the deciding sources."""

    rec = recommend(make_assessment())

    assert rec.cards[0].summary == "Progress to 5 walks a week, 10 minutes each"
    assert rec.cards[0].indicator == "info"
    assert rec.cards[0].source_ids == ("seed-verywell-2024", "walkback-lancet-2024", "team")
    assert "**Review:** in 7 days." in rec.cards[0].detail


def test_flag_cards_follow_the_headline() -> None:
    """Each flag gets its own card after the headline (and flare care, when set)."""

    rec = recommend(make_assessment(previous_episodes=5, flare=flare("severe", 8, 2)))

    assert [c.summary.split(":")[0] for c in rec.cards] == [
        "Severe flare",
        "Flare care",
        "More than 2 previous episodes",
        "Safety net",
    ]


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


def test_trace_is_built_once_on_first_read() -> None:
    """The lazily built trace reads, compares, copies and pickles like a list."""

    rec = recommend(make_assessment())
    first = rec.trace[0]

    assert rec.trace[0] is first  # built once, then kept
    assert len(rec.trace) == len(rec.trace[:]) == 27
    assert rec.trace == list(rec.trace)
    assert rec.trace != "not a sequence"
    assert repr(rec.trace).startswith("[TraceEntry(rule_id='WB-R01'")
    assert pickle.loads(pickle.dumps(rec)) == rec
    assert copy.deepcopy(rec) == rec
    assert rec.model_copy(deep=True).model_dump() == rec.model_dump()


def test_engine_output_equals_validated_json() -> None:
    """The engine's unvalidated fast construction equals a full validation of its JSON."""

    rec = recommend(make_assessment(phq2=5, age=66))
    again = Recommendation.model_validate_json(rec.model_dump_json())

    assert again == rec
    assert again.model_dump(mode="json") == rec.model_dump(mode="json")
    assert rec.model_fields_set == set(Recommendation.model_fields)
