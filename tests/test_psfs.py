"""The Patient-Specific Functional Scale: scored from its items at their bounds, refused by
field with nothing saved, shown over time with its change beside the detectable change,
kept, exported (JSON and FHIR) and imported whole."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkback_rules.outcomes.psfs import (
    ACTIVITIES_MAX,
    DETECTABLE_AVERAGE,
    Psfs,
    change_words,
    problems,
    rows,
)
from walkback_rules.store import ImportError_, Store, StoreError, dumps

from .stores import rows as table_rows

DAY = date(2026, 3, 2)
TODAY = date(2026, 12, 7)


def rated(*scores: int, day: date = DAY, when: str = "first") -> Psfs:
    names = ("Walking the dog", "Gardening", "Lifting my grandson", "Driving", "Golf", "Sixth")
    return Psfs(day, when, tuple(zip(names, scores, strict=False)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "field", "words"),
    [
        (rated(-1), "activity 1", "from 0 (cannot do it) to 10"),
        (rated(11), "activity 1", "from 0 (cannot do it) to 10"),
        (rated(5, 3, 2, 1, 0, 4), "activities", "from 1 to 5 activities"),
        (Psfs(DAY, "first", ()), "activities", "from 1 to 5 activities"),
        (Psfs(DAY, "first", (("  ", 3),)), "activity 1", "a name for the activity"),
        (Psfs(DAY, "first", (("a" * 61, 3),)), "activity 1", "at most 60 characters"),
        (Psfs(DAY, "first", (("Golf", 3), ("golf ", 4))), "activity 2", "named twice"),
        (Psfs(DAY, "first", (("<b>Golf</b>", 3),)), "activity 1", "without < or >"),
        (Psfs(DAY, "later", (("Golf", 3),)), "when", "first visit, review or discharge"),  # type: ignore[arg-type]
        (rated(5, day=date(2026, 12, 8)), "day", "today or earlier"),
    ],
)
def test_a_wrong_rating_is_refused_by_field(entry: Psfs, field: str, words: str) -> None:
    found = problems(entry, today=TODAY)
    assert field in found and words in found[field], found


@pytest.mark.parametrize("scores", [(0,), (10,), (0, 10, 5, 5, 5)])
def test_ratings_at_their_bounds_are_kept(scores: tuple[int, ...]) -> None:
    assert problems(rated(*scores), today=TODAY) == {}


@given(st.lists(st.integers(0, 10), min_size=1, max_size=ACTIVITIES_MAX))
def test_the_score_is_the_exact_average_of_the_items(scores: list[int]) -> None:
    entry = rated(*scores)
    assert problems(entry, today=TODAY) == {}  # every draw is a sound rating
    assert entry.average == Fraction(sum(scores), len(scores))
    assert 0 <= entry.average <= 10


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [
        ((2, 3), (4, 5), "(+2.0, better): at least the 2 points"),
        ((2, 3), (4, 4), "(+1.5, better): less than the 2 points"),
        ((6, 6), (4, 4), "(-2.0, worse): at least the 2 points"),
        ((5,), (5,), "(0.0, no change): less than"),
    ],
)
def test_the_change_is_set_beside_the_detectable_change(
    before: tuple[int, ...], after: tuple[int, ...], said: str
) -> None:
    words = change_words(rated(*before), rated(*after, day=TODAY, when="discharge"))
    assert said in words and "Stratford et al. 1995" in words
    assert DETECTABLE_AVERAGE == 2


def test_the_table_has_a_column_per_activity_and_the_average() -> None:
    table = rows([rated(2, 3), rated(4, 5, day=TODAY, when="review")])
    assert table[0] == {"Day": "2026-03-02", "At": "first visit", "Walking the dog": 2,
                        "Gardening": 3, "Average": "2.5"}  # fmt: skip
    assert table[1]["Average"] == "4.5"


def test_a_rating_is_kept_audited_exported_and_imported(store: Store) -> None:
    pid = store.new_patient().id
    store.record_psfs(pid, rated(2, 3), actor="ab", today=TODAY)
    kept = store.record_psfs(pid, rated(4, 6, day=TODAY, when="discharge"), today=TODAY)

    assert [r.average for r in kept] == [Fraction(5, 2), Fraction(5)]
    assert "record_measure" in [a.action for a in store.audit_trail(patient=pid)]
    exported = store.export(pid)
    assert exported["measures"][0] == {
        "instrument": "psfs", "day": "2026-03-02", "when": "first",
        "items": [{"activity": "Walking the dog", "score": 2},
                  {"activity": "Gardening", "score": 3}],
    }  # fmt: skip
    store.import_file(dumps(exported).encode(), replace=True)
    assert store.export(pid) == exported
    store.delete_patient(pid)
    assert table_rows(store, "measures") == 0


def test_a_wrong_rating_saves_nothing_and_a_day_is_rated_once(store: Store) -> None:
    pid = store.new_patient().id
    with pytest.raises(StoreError, match="Activity 1: a whole number score"):
        store.record_psfs(pid, rated(12), today=TODAY)
    store.record_psfs(pid, rated(5), today=TODAY)
    with pytest.raises(StoreError, match="Day rated: 2026-03-02 is already rated"):
        store.record_psfs(pid, rated(6), today=TODAY)
    assert len(store.psfs(pid)) == 1


def test_an_import_with_a_score_out_of_range_writes_nothing(store: Store) -> None:
    pid = store.new_patient().id
    store.record_psfs(pid, rated(5), today=TODAY)
    data = store.export(pid)
    data["measures"][0]["items"][0]["score"] = 11
    store.delete_patient(pid)

    with pytest.raises(ImportError_, match=r"measures\[0\]\.items\[0\]\.score"):
        store.import_file(json.dumps(data).encode())
    assert table_rows(store, "patients") == 0


def test_the_fhir_bundle_has_the_questionnaire_and_a_response_per_rating(store: Store) -> None:
    pytest.importorskip("fhir.resources", reason="the FHIR export is an optional extra")
    from walkback_rules.store.fhir import PSFS_URL, patient_bundle

    pid = store.new_patient().id
    store.record_psfs(pid, rated(2, 3), today=TODAY)
    store.record_psfs(pid, rated(4, 6, day=TODAY, when="discharge"), today=TODAY)
    resources = [e["resource"] for e in patient_bundle(store, pid)["entry"]]
    (questionnaire,) = [r for r in resources if r["resourceType"] == "Questionnaire"]
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]

    assert questionnaire["url"] == PSFS_URL and len(questionnaire["item"]) == 5
    assert [r["authored"] for r in responses] == ["2026-03-02", "2026-12-07"]
    first = responses[0]["item"][1]["item"]
    assert first[0]["answer"][0]["valueString"] == "Gardening"
    assert first[1]["answer"][0]["valueInteger"] == 3


@pytest.mark.parametrize(
    ("entered", "field", "words"),
    [
        ([("Golf", None)], "activity 1", "its score"),
        ([("", None), ("", 4)], "activity 2", "a name for the activity"),
        ([("", None)] * 5, "activities", "from 1 to 5 activities"),
    ],
)
def test_a_half_filled_row_is_refused_by_its_number(
    entered: list[tuple[str, int | None]], field: str, words: str
) -> None:
    from walkback_rules.outcomes.psfs import from_rows

    entry, found = from_rows(DAY, "first", entered, today=TODAY)
    assert entry is None and words in found[field], found


def test_blank_rows_are_left_out_and_names_trimmed() -> None:
    from walkback_rules.outcomes.psfs import from_rows

    entry, found = from_rows(DAY, "first", [(" Golf ", 3), ("", None), ("Driving", 0)])
    assert found == {} and entry == Psfs(DAY, "first", (("Golf", 3), ("Driving", 0)))
