"""The safety invariants of spec §7 as properties over generated valid assessments."""

from __future__ import annotations

from hypothesis import given

from walkback_rules import SOURCES, Assessment, Decision, recommend
from walkback_rules.core.dosing import Dose, progression_step
from walkback_rules.core.models import PROGRAMME_DECISIONS, REFERRAL_DECISIONS, Recommendation
from walkback_rules.core.rules import FLAGLESS_DECISIONS, RULES, derive

from .medicines import medicines_named
from .strategies import assessments


def _exact(rec: Recommendation) -> Dose:
    d = rec.next_dose
    assert d is not None and d.walks_per_week is not None
    assert d.walks_per_week.min == d.walks_per_week.max
    assert d.minutes_per_walk.min == d.minutes_per_walk.max
    return Dose(d.walks_per_week.min, d.minutes_per_walk.min)


def _texts(rec: Recommendation) -> list[str]:
    texts = [c.summary for c in rec.cards] + [c.detail for c in rec.cards]
    texts += [t.reason for t in rec.trace] + [t.title for t in rec.trace]
    if rec.referral is not None:
        texts.append(rec.referral.reason)
    return texts


@given(assessments)
def test_red_flag_always_wins(a: Assessment) -> None:
    """1. Any red flag: a referral, no dose, no medicine talk, no flags."""

    rec = recommend(a)

    if a.red_flags:
        assert rec.decision in REFERRAL_DECISIONS
        assert rec.referral is not None
        assert rec.next_dose is None
        assert rec.medication_discussion is False
        assert rec.flags == []


@given(assessments)
def test_medication_only_in_severe_flare_and_never_named(a: Assessment) -> None:
    """2. A pain-relief conversation only in a severe flare; no text names a medicine."""

    rec = recommend(a)

    if rec.medication_discussion:
        assert rec.decision == Decision.SEVERE_FLARE
    assert [m for t in _texts(rec) for m in medicines_named(t)] == []


@given(assessments)
def test_progress_only_when_safe_and_by_one_step(a: Assessment) -> None:
    """3. PROGRESS never in a flare, after a pain rise, or at 0 weeks; exactly one step."""

    rec = recommend(a)

    if rec.decision == Decision.PROGRESS:
        facts = derive(a)
        assert facts.level == "none"
        assert not facts.pain_rose
        assert a.walking.weeks_at_current_dose != 0
        current = Dose(a.walking.walks_per_week, a.walking.minutes_per_walk)
        assert _exact(rec) == progression_step(current, a.walking_tolerance) != current


@given(assessments)
def test_only_step_back_lowers_and_flares_pause(a: Assessment) -> None:
    """4. Only STEP_BACK lowers the dose (never raising); HOLD and MAINTAIN keep it exactly."""

    before = a.model_dump()
    rec = recommend(a)
    current = Dose(a.walking.walks_per_week, a.walking.minutes_per_walk)

    assert a.model_dump() == before  # the input, and so the paused dose, is untouched
    if rec.decision in (Decision.HOLD, Decision.MAINTAIN):
        assert _exact(rec) == current
    elif rec.decision == Decision.STEP_BACK:
        new = _exact(rec)
        assert new.walks <= current.walks and new.minutes <= current.minutes
    elif rec.decision == Decision.PROGRESS:
        new = _exact(rec)
        assert new.walks >= current.walks and new.minutes >= current.minutes
    elif rec.decision == Decision.START:
        assert current.walks == 0


@given(assessments)
def test_progression_caps(a: Assessment) -> None:
    """5. Progression never passes 7 walks or 30 minutes, and keeps a dose already above."""

    rec = recommend(a)

    if rec.decision == Decision.PROGRESS:
        new = _exact(rec)
        walks, minutes = a.walking.walks_per_week, a.walking.minutes_per_walk
        assert new.walks <= max(7, walks) and new.minutes <= max(30, minutes)
        if walks > 7:
            assert new.walks == walks
        if minutes > 30:
            assert new.minutes == minutes


@given(assessments)
def test_deterministic_complete_trace(a: Assessment) -> None:
    """6. Same input, same output; every rule once in order; fired rules cite real sources."""

    first, second = recommend(a), recommend(a)

    assert first.model_dump_json() == second.model_dump_json()
    assert [t.rule_id for t in first.trace] == [r.id for r in RULES]
    decided = [t for t in first.trace if t.fired and t.rule_id.startswith("WB-R")]
    assert len(decided) == 1
    for entry in first.trace:
        assert entry.reason
        if entry.fired:
            assert entry.source_ids and all(s in SOURCES for s in entry.source_ids)


@given(assessments)
def test_output_shape(a: Assessment) -> None:
    """Flags sorted and unique, none for decisions 1–5; cards short; the JSON round-trips."""

    rec = recommend(a)

    assert rec.flags == sorted(set(rec.flags))
    if rec.decision in FLAGLESS_DECISIONS:
        assert rec.flags == []
    assert all(len(c.summary) <= 140 for c in rec.cards)
    assert Recommendation.model_validate_json(rec.model_dump_json()) == rec
    if rec.decision in PROGRAMME_DECISIONS:
        assert rec.next_dose is not None
