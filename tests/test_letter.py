"""Clinic settings in the record and on the command line, and the referral letter."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from walkback_rules import recommend, validate_assessment
from walkback_rules.clinic import ClinicSettings, clock, error_lines, settings_errors, signing_name
from walkback_rules.core.screens import CONDITION_INFO, FEATURES
from walkback_rules.handouts import HandoutOptions
from walkback_rules.handouts.letter import letter_pdf
from walkback_rules.handover import also_noted
from walkback_rules.store import Store, StoreError
from walkback_rules.teaching.cases import CASES, CASES_BY_ID

from .conftest import assessment_data
from .medicines import medicines_named
from .test_cli import run

AT = datetime(2026, 12, 2, 10, 30)
OPTIONS = HandoutOptions(
    clinic="Harbourside Physio",
    phone="02 9555 0123",
    patient="P-7K2QF9",
    emergency="000",
    clinician="Sam Lee",
)
REFERRALS = [c.id for c in CASES if recommend(validate_assessment(c.data)).referral is not None]


def pdf_pages(data: bytes) -> list[str]:
    return [p.extract_text().replace("\u00a0", " ") for p in PdfReader(io.BytesIO(data)).pages]


# --- settings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"emergency": "0OO"}, "emergency", "digits only"),
        ({"emergency": "1234567"}, "emergency", "at most 6"),
        ({"doctor": "physician"}, "doctor", "either GP or family doctor"),
        ({"paper": "a5"}, "paper", "either a4 or letter"),
        ({"phone": "call us"}, "phone", "digits, spaces"),
        ({"urgent_line": "x" * 31}, "urgent_line", "up to 30"),
        ({"name": "x" * 81}, "name", "at most 80"),
        ({"clinician": "患者"}, "clinician", "Latin letters"),
        ({"colour": "red"}, "colour", "one of the clinic settings"),
    ],
)
def test_bad_settings_name_the_field_and_what_is_allowed(
    values: dict[str, str], field: str, says: str
) -> None:
    errors = settings_errors(values)

    assert list(errors) == [field]
    assert says in errors[field]
    assert error_lines(errors)[0].split(" must be ")[0] in (
        "Emergency number", "The patient's doctor is called", "Paper", "Clinic phone",
        "Urgent advice line", "Clinic name", "Clinician", "colour",
    )  # fmt: skip


@pytest.mark.parametrize("emergency", ["", "000", "999", "911", "112"])
def test_the_usual_emergency_numbers_are_allowed(emergency: str) -> None:
    assert settings_errors({"emergency": emergency}) == {}


def test_settings_are_kept_in_the_record_and_a_bad_save_writes_nothing(store: Store) -> None:
    assert store.settings() == ClinicSettings()

    saved = store.save_settings({"name": "Northside Physio", "emergency": "999"})
    store.save_settings({"doctor": "family doctor"})

    assert saved.name == "Northside Physio"
    assert store.settings() == ClinicSettings(
        name="Northside Physio", emergency="999", doctor="family doctor"
    )
    with pytest.raises(StoreError, match="Emergency number must be digits only"):
        store.save_settings({"name": "Changed", "emergency": "nine"})
    assert store.settings().name == "Northside Physio"  # all or nothing


def test_settings_survive_reopening_the_record(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'settings.db'}"
    with Store.open(url) as store:
        store.save_settings({"phone": "02 9555 0123", "paper": "letter"})
    with Store.open(url) as store:
        assert store.settings().phone == "02 9555 0123"
        assert store.settings().paper == "letter"


def test_settings_on_the_command_line(record: str) -> None:
    status, out, err = run(["settings", "set", "--name", "Northside", "--emergency", "999",
                            "--doctor", "family doctor", "--urgent-line", "111"])  # fmt: skip

    assert (status, err) == (0, "")
    assert "Emergency number: 999" in out
    status, out, _ = run(["settings", "show", "--json"])
    assert json.loads(out)["urgent_line"] == "111"

    status, _, err = run(["settings", "set", "--emergency", "nine"])
    assert status == 2 and "Emergency number must be digits only" in err
    assert "Traceback" not in err


def test_every_handout_from_the_command_line_uses_the_saved_settings(
    record: str, tmp_path: Path
) -> None:
    run(
        [
            "settings",
            "set",
            "--name",
            "Northside",
            "--emergency",
            "999",
            "--doctor",
            "family doctor",
        ]
    )
    source = tmp_path / "a.json"
    source.write_text(json.dumps(CASES_BY_ID["demo-09"].data))
    out = tmp_path / "h.html"

    status, _, err = run(["handout", str(source), "-o", str(out)])

    html = out.read_text()
    assert (status, err) == (0, "")
    assert "call 999 for an ambulance" in html and "Northside" in html
    assert "family doctor" in html and not re.search(r"\bGP\b", html)

    status, _, _ = run(["handout", str(source), "-o", str(out), "--force", "--emergency", "112"])
    assert status == 0 and "call 112 for an ambulance" in out.read_text()


# --- the letter -----------------------------------------------------------------------


@pytest.mark.parametrize("case_id", REFERRALS)
def test_every_referral_has_a_one_page_letter_with_what_the_team_needs(case_id: str) -> None:
    a = validate_assessment(CASES_BY_ID[case_id].data)
    rec = recommend(a)
    assert rec.referral is not None

    pages = pdf_pages(letter_pdf(a, rec, OPTIONS, AT))
    text = " ".join(pages).replace("\n", " ")

    assert len(pages) == 1
    tier = {"emergency": "Emergency", "same_day": "Same-day", "urgent": "Urgent",
            "routine": "Routine"}[rec.referral.urgency]  # fmt: skip
    assert f"{tier} referral" in text
    for condition in rec.referral.conditions:
        assert CONDITION_INFO[condition].name[1:] in text  # capitalised at the start
    for code in (*a.red_flags, *a.exercise_screen):
        assert FEATURES[code].wording.split(" (")[0][:30] in text, code
    assert "2 December 2026, 10:30" in text
    assert "Sam Lee" in text and "Harbourside Physio" in text
    assert "The person was told" in text
    for line in also_noted(a, rec):
        assert line[:30] in text
    assert medicines_named(text) == []
    # Written for the receiving team: nothing addressed to the patient.
    assert not re.search(r"\b(you|your)\b", text, re.IGNORECASE)


def test_the_letter_from_the_command_line(record: str, tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text(json.dumps(CASES_BY_ID["demo-18"].data))
    out = tmp_path / "letter.pdf"

    status, _, err = run(["letter", str(source), "-o", str(out), "--at", "2026-12-02T10:30",
                          "--clinician", "Sam Lee", "--patient", "P-7K2QF9"])  # fmt: skip

    assert (status, err) == (0, "")
    text = " ".join(pdf_pages(out.read_bytes()))
    assert "Emergency referral" in text and "Sam Lee" in text and "10:30" in text
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_no_letter_without_a_referral(record: str, tmp_path: Path) -> None:
    source = tmp_path / "a.json"
    source.write_text(json.dumps(assessment_data()))

    status, _, err = run(["letter", str(source), "-o", str(tmp_path / "x.pdf")])

    assert status == 2
    assert "makes no referral" in err
    assert not (tmp_path / "x.pdf").exists()


def _mismatched() -> dict[str, Any]:
    # Entered as mild, while a pain of 9 implies severe: PAIN_LEVEL_MISMATCH.
    return assessment_data(
        usual_pain=2, flare={"level": "mild", "pain_now": 9, "days_since_onset": 2}
    )


@pytest.mark.parametrize("command", ["handout", "letter"])
def test_a_pain_mismatch_is_confirmed_before_anything_is_printed(
    record: str, tmp_path: Path, command: str
) -> None:
    data = _mismatched()
    if command == "letter":  # a routine referral keeps the walking plan, and its flags
        data["red_flags"] = CASES_BY_ID["demo-21"].data["red_flags"]
    rec = recommend(validate_assessment(data))
    assert "PAIN_LEVEL_MISMATCH" in [f.value for f in rec.flags]
    source = tmp_path / "a.json"
    source.write_text(json.dumps(data))
    out = tmp_path / "out.pdf"

    status, _, err = run([command, str(source), "-o", str(out)])

    assert status == 2 and "re-check both" in err and not out.exists()
    status, _, err = run([command, str(source), "-o", str(out), "--pain-checked"])
    assert (status, err) == (0, "") and out.exists()


# --- who signs, and in which time zone -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "usual", "signs"),
    [
        ("AC", "Alex Chen", "Alex Chen"),  # the usual clinician's initials: their full name
        ("a.c.", "Alex Chen", "Alex Chen"),
        ("AMC", "Alex Mei-Chen", "Alex Mei-Chen"),
        ("BK", "Alex Chen", "BK"),  # someone else's initials: never another person's name
        ("Sam Lee", "Alex Chen", "Sam Lee"),  # a full name typed is the name
        ("", "Alex Chen", "Alex Chen"),
        ("AC", "", "AC"),  # no usual clinician: what was typed
        ("", "", ""),
    ],
)
def test_a_letter_is_signed_by_full_name(typed: str, usual: str, signs: str) -> None:
    settings = ClinicSettings(clinician=usual)

    assert signing_name(typed, usual) == signs
    assert HandoutOptions.from_settings(settings, clinician=typed).clinician == signs


def test_the_letter_gives_the_clinic_local_time_with_its_zone() -> None:
    """Assessed at 09:30 UTC in a Sydney clinic (UTC+11 in December): the letter says 20:30,
    in Australia/Sydney, and the same moment in Berlin says 10:30 with its zone."""
    a = validate_assessment(CASES_BY_ID["demo-18"].data)
    at = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    texts = {}
    for zone in ("Australia/Sydney", "Europe/Berlin"):
        settings = ClinicSettings(clinician="Alex Chen", time_zone=zone)
        options = HandoutOptions.from_settings(settings, clinician="AC", assessed_at=at)
        texts[zone] = " ".join(pdf_pages(letter_pdf(a, recommend(a), options, at)))

    assert "2 December 2026, 20:30 (Australia/Sydney, UTC+11:00)" in texts["Australia/Sydney"]
    assert "2 December 2026, 10:30 (Europe/Berlin, UTC+01:00)" in texts["Europe/Berlin"]
    assert "Alex Chen" in texts["Europe/Berlin"] and "By AC" not in texts["Europe/Berlin"]


def test_a_time_zone_is_one_this_computer_knows() -> None:
    assert settings_errors({"time_zone": "Europe/London"}) == {}
    assert settings_errors({"time_zone": ""}) == {}
    [line] = error_lines(settings_errors({"time_zone": "Mars/Olympus Mons"}))
    assert line.startswith("Time zone must be a time zone by its place name")


def test_a_stored_moment_shows_in_the_clinic_zone() -> None:
    stamp = "2026-07-01T08:05:00.000000+00:00"

    assert (
        clock(stamp, ZoneInfo("Europe/London")) == "09:05 on 2026-07-01 (Europe/London, UTC+01:00)"
    )
    assert clock(stamp, ZoneInfo("UTC")) == "08:05 on 2026-07-01 (UTC+00:00)"
