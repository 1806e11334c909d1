"""The `walkback` command line: recommend, schema, rules, and every kind of bad input."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from walkback_rules import cli

from .conftest import assessment_data

GOOD = json.dumps(assessment_data())


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    """Run the CLI in-process with `stdin`; return status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        status = cli.main(argv, out=out, err=err)
    finally:
        sys.stdin = old
    return status, out.getvalue(), err.getvalue()


def test_single_object() -> None:
    """One object in: one pretty-printed recommendation out, status 0."""

    status, out, err = run(["recommend", "-"], GOOD)

    assert (status, err) == (0, "")
    assert json.loads(out)["decision"] == "PROGRESS"


def test_single_object_from_file(tmp_path: Path) -> None:
    """A FILE argument is read like stdin."""

    path = tmp_path / "a.json"
    path.write_text(GOOD, encoding="utf-8")

    status, out, _ = run(["recommend", str(path)])

    assert status == 0 and json.loads(out)["ruleset_version"] == "2.1"


def test_pretty_multiline_object_is_single() -> None:
    """A pretty-printed object over several lines is still one assessment."""

    status, out, _ = run(["recommend"], json.dumps(assessment_data(), indent=2))

    assert status == 0 and json.loads(out)["decision"] == "PROGRESS"


BAD_SINGLE: list[tuple[str, str, list[str]]] = [
    ("empty", "", ["assessment: empty input; expected one JSON object"]),
    ("whitespace", "  \n ", ["assessment: empty input; expected one JSON object"]),
    ("invalid-json", '{"age": 4', ["assessment: not valid JSON"]),
    ("array", "[1, 2]", ["assessment: must be a JSON object"]),
    ("string", '"hello"', ["assessment: must be a JSON object"]),
    ("unknown-field", json.dumps(assessment_data(colour="red")), ["colour: unknown field"]),
    (
        "out-of-range",
        json.dumps(assessment_data(age=130)),
        ["age: must be a whole number from 0 to 120"],
    ),
    (
        "wrong-type",
        json.dumps(assessment_data(flare={"pain_now": "7"})),
        ["flare.pain_now: must be"],
    ),
    (
        "unknown-red-flag",
        json.dumps(assessment_data(red_flags=["headache"])),
        ["red_flags[0]: must be a list of unique codes"],
    ),
    (
        "duplicate-red-flag",
        json.dumps(assessment_data(red_flags=["ces_saddle", "ces_saddle"])),
        ["red_flags: each code may appear once"],
    ),
    (
        "cross-field",
        json.dumps(assessment_data(visit="initial", last_progression={"pain_increased": False})),
        ['last_progression: review only: must be null when visit is "initial"'],
    ),
    (
        "two-problems",
        json.dumps(assessment_data(age=-3, phq2=9)),
        ["age: must be", "phq2: must be"],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [b[1:] for b in BAD_SINGLE], ids=[b[0] for b in BAD_SINGLE]
)
def test_bad_single_input(text: str, expected: list[str]) -> None:
    """Bad input: status 2, nothing on stdout, one stderr line per problem naming the field."""

    status, out, err = run(["recommend", "-"], text)
    lines = err.splitlines()

    assert (status, out) == (2, "")
    assert len(lines) == len(expected)
    assert all(line.startswith(prefix) for line, prefix in zip(lines, expected, strict=True))
    assert "Traceback" not in err


def test_missing_file() -> None:
    """An unreadable file is a clear error, status 2."""

    status, out, err = run(["recommend", "/no/such/file.json"])

    assert (status, out) == (2, "")
    assert err.startswith("FILE: cannot read")


def test_json_lines_mixed_good_and_bad() -> None:
    """JSON Lines: one line per record, each with its input line number, bad ones in place."""

    lines = [
        GOOD,
        '{"age": "x"}',
        json.dumps(assessment_data(red_flags=["ces_saddle"])),
        "",
        "[1]",
        json.dumps(assessment_data(walking={"walks_per_week": 0, "minutes_per_walk": 0})),
    ]

    status, out, err = run(["recommend"], "\n".join(lines) + "\n")
    got = [json.loads(line) for line in out.splitlines()]

    assert status == 1 and err == ""
    assert [g["line"] for g in got] == [1, 2, 3, 5, 6]  # the blank line 4 is not a record
    assert got[0]["decision"] == "PROGRESS"
    assert got[1]["error"][0].startswith("age: must be")
    assert got[2]["decision"] == "EMERGENCY_REFERRAL"
    assert got[3]["error"][0].startswith("assessment: must be a JSON object")
    assert got[4]["decision"] == "START"
    assert all("\n" not in line for line in out.splitlines())


def test_a_file_that_is_neither_one_object_nor_json_lines_is_one_broken_object() -> None:
    """A pretty-printed object with one syntax error is one error with its line and column."""

    broken = json.dumps(assessment_data(), indent=2).replace('"visit"', '"visit" "x"', 1)
    mixed = GOOD + "\nnot json\n" + GOOD + "\n"

    for text, line in ((broken, 3), (mixed, 2)):
        status, out, err = run(["recommend"], text)
        assert (status, out) == (2, "")
        assert err.startswith("assessment: not valid JSON") and f"(line {line}," in err


def test_a_repeated_key_is_refused_not_resolved() -> None:
    """{"red_flags": [...], "red_flags": []} is an error, never a patient without red flags."""

    text = GOOD[:-1] + ', "red_flags": ["ces_saddle"], "red_flags": []}'

    status, out, err = run(["recommend"], text)
    lines_status, lines_out, _ = run(["recommend", "--brief"], GOOD + "\n" + text + "\n")

    assert (status, out) == (2, "")
    assert err == "red_flags: appears more than once in the same object; give each field once\n"
    assert lines_status == 1
    assert json.loads(lines_out.splitlines()[1])["error"][0].startswith("red_flags: appears")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"age": 200, "age": 52}', "age: appears more than once"),
        ("[" * 1000 + "]" * 1000, "nested more than 16 levels deep"),
        ('{"age": NaN}', "NaN is not a number JSON allows"),
        ('{"age": Infinity}', "Infinity is not a number JSON allows"),
        ('{"age": 1' + "0" * 40 + "}", "longer than any field allows"),
    ],
)
def test_strict_json(text: str, message: str) -> None:
    """Repeated keys, deep nesting, non-finite numbers and huge integers: clear errors."""

    status, out, err = run(["recommend"], text)

    assert (status, out) == (2, "") and message in err and "Traceback" not in err


def test_a_byte_order_mark_is_accepted() -> None:
    status, out, _ = run(["recommend"], "\ufeff" + GOOD)

    assert status == 0 and json.loads(out)["decision"] == "PROGRESS"


def test_every_section_2_cross_field_rule_is_a_clear_error() -> None:
    """Each cross-field rule of §2: status 2 and one line naming the field, no traceback."""

    from walkback_rules.core.models import CROSS_FIELD_RULES

    left_out = [
        {k: v for k, v in assessment_data().items() if k != field}
        for field in ("previous_episodes", "flare", "walking")
    ]
    cases = [
        *left_out,
        assessment_data(flare={"level": "moderate", "pain_now": 5, "days_since_onset": None}),
        assessment_data(walking={"walks_per_week": 0, "minutes_per_walk": 5}),
        assessment_data(visit="initial", baseline_walks_per_week=2),
        assessment_data(visit="initial", last_progression={"pain_increased": False}),
        assessment_data(visit="initial", returning_after_flare=True),
        assessment_data(visit="initial", adherence="as_planned"),
        assessment_data(visit="initial", new_lower_limb_pain=True),
        assessment_data(walking={"walks_per_week": 0, "minutes_per_walk": 0},
                        last_progression={"pain_increased": False}),
        assessment_data(last_progression={"pain_increased": True}),
        assessment_data(last_progression={"pain_increased": False, "settled_within_24h": True}),
        assessment_data(last_progression={"pain_increased": False, "previous_dose": {
            "walks_per_week": 5, "minutes_per_walk": 5}}),
        assessment_data(last_progression={"pain_increased": False, "previous_dose": {
            "walks_per_week": 3, "minutes_per_walk": 15}}),
        assessment_data(last_progression={"pain_increased": False, "previous_dose": {
            "walks_per_week": 4, "minutes_per_walk": 10}}),
        assessment_data(startback={"total": 2, "distress": 3}),
        assessment_data(startback={"total": 9, "distress": 2}),
    ]  # fmt: skip
    seen = set()
    for data in cases:
        status, out, err = run(["recommend"], json.dumps(data))
        assert (status, out) == (2, "")
        assert "Traceback" not in err and err.count("\n") == 1, err
        seen.add(err.split(":")[0])
        line = run(["recommend"], json.dumps(data) + "\n" + GOOD + "\n")
        assert line[0] == 1 and json.loads(line[1].splitlines()[0])["line"] == 1

    assert seen == {r.field for r in CROSS_FIELD_RULES}


def test_brief_prints_one_compact_line_per_record() -> None:
    """--brief: decision, doses, referral, flags and review, with the input line number."""

    lines = [
        GOOD,
        json.dumps(assessment_data(red_flags=["infection_fever", "infection_wound"])),
        json.dumps(
            assessment_data(
                walking={"walks_per_week": 5, "minutes_per_walk": 20},
                flare={"level": "moderate", "pain_now": 5, "days_since_onset": 2},
            )
        ),
        "{}",
    ]

    status, out, _ = run(["recommend", "--brief"], "\n".join(lines) + "\n")
    got = [json.loads(line) for line in out.splitlines()]

    assert status == 1
    assert got[0] == {
        "line": 1,
        "decision": "PROGRESS",
        "next_dose": {
            "walks_per_week": {"min": 5, "max": 5},
            "minutes_per_walk": {"min": 10, "max": 10},
        },
        "resume_dose": None,
        "referral": None,
        "flags": [],
        "review_in_days": 14,
    }  # fmt: skip
    assert got[1]["referral"] == {"urgency": "same_day", "conditions": ["spinal_infection"]}
    assert got[2]["resume_dose"] == {
        "walks_per_week": {"min": 5, "max": 5},
        "minutes_per_walk": {"min": 20, "max": 20},
    }
    assert got[3]["line"] == 4 and "error" in got[3]
    assert json.loads(run(["recommend", "--brief"], GOOD)[1])["line"] == 1


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_json_lines_split_on_line_feeds_only(separator: str) -> None:
    """A line separator other than LF never splits a record, so results never shift."""

    odd = GOOD[:-1] + ', "note": "a' + separator + 'b"}'  # the separator raw, inside a string
    text = "\n".join([GOOD, odd, json.dumps(assessment_data(red_flags=["ces_saddle"]))]) + "\r\n"

    status, out, _ = run(["recommend", "--brief"], text)
    got = [json.loads(line) for line in out.splitlines()]  # output escapes every separator

    assert status == 1
    assert [g["line"] for g in got] == [1, 2, 3]
    assert (got[0]["decision"], "error" in got[1], got[2]["decision"]) == (
        "PROGRESS",
        True,
        "EMERGENCY_REFERRAL",
    )


def test_json_lines_all_good_status_0() -> None:
    """JSON Lines with no bad line exits 0."""

    status, out, _ = run(["recommend"], f"{GOOD}\n{GOOD}\n")

    assert status == 0 and len(out.splitlines()) == 2


def test_schema_prints_input_and_output() -> None:
    """`walkback schema` prints the JSON Schemas of the input and the output."""

    status, out, _ = run(["schema"])
    schema: dict[str, Any] = json.loads(out)

    assert status == 0
    assert schema["assessment"]["additionalProperties"] is False
    assert "trace" in schema["recommendation"]["properties"]
    # An emergency needs only what decides it: the three are required unless one is reached.
    assert set(schema["assessment"]["required"]) == {"age"}
    for field in ("previous_episodes", "flare", "walking"):
        description = schema["assessment"]["properties"][field]["description"]
        assert "unless the screens reach an emergency" in description


def test_rules_prints_markdown_table() -> None:
    """`walkback rules` prints one Markdown row per rule."""

    status, out, _ = run(["rules"])
    rows = [line for line in out.splitlines() if line.startswith("| WB-")]

    assert status == 0 and len(rows) == 21 + 42
    assert rows[0].startswith("| WB-S01 | possible cauda equina syndrome (`cauda_equina`)")
    assert rows[21].startswith("| WB-R15 | Emergency: hospital now")
    assert "## Screens" in out and "## Rules" in out


@pytest.mark.parametrize(
    "entry",
    [
        ["-m", "walkback_rules"],
        ["-c", "from walkback_rules.cli import main; raise SystemExit(main())"],
    ],
)
def test_runs_as_a_module_and_reports_without_traceback(entry: list[str]) -> None:
    """`python -m walkback_rules` works, and bad input never shows a traceback."""

    done = subprocess.run(
        [sys.executable, *entry, "recommend", "-"],
        input='{"age": 1000}',
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr and done.stderr.startswith("age: must be")


def test_console_script_installed() -> None:
    """The `walkback` console script is installed beside the interpreter."""

    script = Path(sys.executable).with_name("walkback")
    done = subprocess.run(
        [str(script), "recommend"], input=GOOD, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0 and json.loads(done.stdout)["decision"] == "PROGRESS"


def test_usage_error_exits_2() -> None:
    """An unknown command is a usage error with status 2."""

    with pytest.raises(SystemExit) as info:
        cli.main(["frobnicate"], out=io.StringIO(), err=io.StringIO())

    assert info.value.code == 2


# --- handout and summary ---------------------------------------------------------------


def test_handout_writes_a_pdf(tmp_path: Path) -> None:
    """`walkback handout` writes the patient's PDF, with the clinic's details in it."""

    target = tmp_path / "handout.pdf"

    status, out, err = run(
        ["handout", "-", "-o", str(target), "--clinic", "Harbourside", "--phone", "02 9555 0123"],
        GOOD,
    )

    assert (status, out, err) == (0, "", "")
    assert target.read_bytes().startswith(b"%PDF-")
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)  # private to its owner


def test_a_sheet_that_cannot_be_typeset_names_itself_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typesetting failure is one plain line naming the sheet and the cause: no
    traceback, exit status 2, and no file (not even an empty one)."""
    from walkback_rules.handouts import typeset as typeset_module

    class Broken:
        def compile(self, **_: object) -> bytes:
            import typst

            raise typst.TypstError("unknown font family: x", "", [], [])

    monkeypatch.setattr(typeset_module, "_compiler", Broken())
    target = tmp_path / "handout.pdf"

    status, out, err = run(["handout", "-", "-o", str(target)], GOOD)

    assert status == 2 and out == ""
    assert err == "The patient handout could not be typeset: unknown font family: x.\n"
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_handout_html_by_extension_and_letter_paper(tmp_path: Path) -> None:
    target = tmp_path / "handout.html"

    status, _, _ = run(["handout", "-", "-o", str(target), "--paper", "letter"], GOOD)

    html = target.read_text(encoding="utf-8")
    assert status == 0
    assert html.startswith("<!DOCTYPE html>") and "size: letter" in html


def test_summary_writes_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(GOOD, encoding="utf-8")
    target = tmp_path / "summary.pdf"

    status, _, _ = run(["summary", str(path), "-o", str(target), "--patient", "P-7K2QF9"])

    assert status == 0 and target.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("command", ["handout", "summary"])
def test_bad_assessment_gives_the_same_errors_as_recommend(command: str, tmp_path: Path) -> None:
    """Bad input exits 2 with exactly `walkback recommend`'s field errors; no file appears."""

    bad = json.dumps({**assessment_data(), "age": "fifty", "visit": "later"})
    target = tmp_path / "out.pdf"

    status, _, err = run([command, "-", "-o", str(target)], bad)
    expected = run(["recommend", "-"], bad)

    assert (status, expected[0]) == (2, 2)
    assert err == expected[2] and "age:" in err and "visit:" in err
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--phone", "call us"], "--phone:"),
        (["--clinic", "x" * 81], "--clinic:"),
        (["--sections", "walking,recipes"], "--sections:"),
    ],
)
def test_bad_handout_details_exit_2_naming_the_option(
    args: list[str], field: str, tmp_path: Path
) -> None:
    target = tmp_path / "out.pdf"

    status, _, err = run(["handout", "-", "-o", str(target), *args], GOOD)

    assert status == 2 and err.startswith(field)
    assert not target.exists()


def test_unwritable_output_exits_2_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "out.pdf"

    status, _, err = run(["handout", "-", "-o", str(target)], GOOD)

    assert status == 2 and err.startswith("OUT: cannot write")
    assert not target.parent.exists()
    assert list(tmp_path.iterdir()) == []


# --- patients -------------------------------------------------------------------------------


def test_patients_new_prints_the_id_alone(record: str) -> None:
    status, out, err = run(["patients", "new", "--label", "Tuesday"])

    assert (status, err) == (0, "")
    assert re.fullmatch(r"P-[2-9A-HJKMNP-Z]{6}\n", out)


def test_patients_record_list_show(record: str) -> None:
    pid = run(["patients", "new"])[1].strip()

    status, out, _ = run(["patients", "record", pid, "-"], GOOD)
    assert status == 0 and json.loads(out)["decision"] == "PROGRESS"

    listed = json.loads(run(["patients", "list", "--json"])[1])
    assert listed == [
        {
            "id": pid,
            "label": None,
            "consultations": 1,
            "last_seen": listed[0]["last_seen"],
            "last_decision": "PROGRESS",
            "next_review": (date.today() + timedelta(days=14)).isoformat(),
            "open_referral": None,
            "referral_follow_up": None,
        }
    ]
    shown = run(["patients", "show", pid])[1]
    assert pid in shown and "PROGRESS" in shown and "next review starts at" in shown
    # Recorded from the command line: the day, the review it implies, and screens that
    # were not asked are said to be not asked, never negative.
    assert "clinician not recorded · next review " in shown
    assert "Red flags: not asked" in shown


def test_patients_export_delete_import_round_trip(record: str, tmp_path: Path) -> None:
    pid = run(["patients", "new", "--label", "x & *y*"])[1].strip()
    run(["patients", "record", pid, "-"], GOOD)
    first = tmp_path / "first.json"
    again = tmp_path / "again.json"

    assert run(["patients", "export", pid, "-o", str(first)])[0] == 0
    assert run(["patients", "delete", pid, "--yes"])[1] == f"deleted {pid} and 1 consultation\n"
    assert run(["patients", "import", str(first)])[1] == f"imported 1 patient: {pid}\n"
    run(["patients", "export", pid, "-o", str(again)])

    assert again.read_bytes() == first.read_bytes()


def test_patients_export_all_and_fhir(record: str, tmp_path: Path) -> None:
    ids = sorted(run(["patients", "new"])[1].strip() for _ in range(3))
    backup = tmp_path / "all.jsonl"

    assert run(["patients", "export", "--all", "-o", str(backup)])[0] == 0
    assert [json.loads(line)["patient"]["id"] for line in backup.read_text().splitlines()] == ids

    status, out, _ = run(["patients", "export", ids[0], "--fhir"])
    assert status == 0 and json.loads(out)["resourceType"] == "Bundle"


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["patients", "record", "P-ZZZZZZ", "-"], GOOD, "P-ZZZZZZ: no patient P-ZZZZZZ\n"),
        (["patients", "show", "P-ZZZZZZ"], "", "P-ZZZZZZ: no patient P-ZZZZZZ\n"),
        (["patients", "new", "--label", "x" * 61], "", "patients: label: at most 60"),
        (["patients", "export"], "", "ID: give one patient ID, or --all"),
        (["patients", "import", "-"], '{"format": "x"}', 'format: must be "walkback-patient"'),
    ],
)
def test_patients_errors_exit_2_and_change_nothing(
    record: str, argv: list[str], stdin: str, message: str
) -> None:
    status, out, err = run(argv, stdin)

    assert status == 2 and out == ""
    assert err.startswith(message)
    assert json.loads(run(["patients", "list", "--json"])[1]) == []


def test_patients_delete_needs_yes(record: str) -> None:
    pid = run(["patients", "new"])[1].strip()

    status, _, err = run(["patients", "delete", pid])

    assert status == 2 and err.startswith("--yes: deleting")
    assert [p["id"] for p in json.loads(run(["patients", "list", "--json"])[1])] == [pid]


def test_patients_import_refuses_a_50_mb_file_that_is_not_json_lines_after_10_mb(
    record: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)

    status, _, err = run(["patients", "import", str(big)])

    assert status == 2 and err == (
        "line 1: longer than 10 MB: a large backup holds one patient a line (JSON Lines, as "
        "walkback patients export --all writes it), each at most 10 MB\n"
    )


def test_patients_record_bad_assessment_gives_recommend_errors(record: str) -> None:
    pid = run(["patients", "new"])[1].strip()
    bad = json.dumps({**assessment_data(), "age": "fifty"})

    status, _, err = run(["patients", "record", pid, "-"], bad)

    assert status == 2 and err == run(["recommend", "-"], bad)[2]
    assert json.loads(run(["patients", "list", "--json"])[1])[0]["consultations"] == 0


def _assessment_file(tmp_path: Path) -> Path:
    path = tmp_path / "a.json"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_output_is_private_and_never_overwritten_without_force(tmp_path: Path) -> None:
    """-o writes 0600; an existing file needs --force, and keeps 0600 when replaced."""

    source = _assessment_file(tmp_path)
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"keep me")
    target.chmod(0o644)

    refused = run(["handout", str(source), "-o", str(target)])
    assert refused[0] == 2 and "exists; add --force" in refused[2]
    assert target.read_bytes() == b"keep me"

    assert run(["handout", str(source), "-o", str(target), "--force"])[0] == 0
    assert target.read_bytes().startswith(b"%PDF-")
    assert target.stat().st_mode & 0o777 == 0o600

    fresh = tmp_path / "summary.pdf"
    assert run(["summary", str(source), "-o", str(fresh)])[0] == 0
    assert fresh.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("target", ["input", "/dev/null", "folder"])
def test_output_refuses_the_input_and_what_is_not_a_regular_file(
    tmp_path: Path, target: str
) -> None:
    """The input itself, a device or a folder is refused, and nothing changes."""

    source = _assessment_file(tmp_path)
    (tmp_path / "folder").mkdir()
    path = {"input": str(source), "folder": str(tmp_path / "folder")}.get(target, target)

    status, out, err = run(["summary", str(source), "-o", path, "--force"])

    assert (status, out) == (2, "")
    assert "input file" in err or "not a regular file" in err
    assert source.read_text(encoding="utf-8") == GOOD


# --- output that cannot be written, text that is not text --------------------------------


def test_stdout_on_a_full_disk_is_a_plain_error() -> None:
    """Writing the rule table to a full device: exit 2 and one line, no traceback."""

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "walkback_rules", "rules"],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip

    assert done.returncode == 2
    assert done.stderr == "OUT: cannot write the output: No space left on device\n"


def test_a_label_that_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable.encode(), b"-m", b"walkback_rules", b"patients", b"new", b"--label",
         b"caf\xe9 runner"],
        capture_output=True, check=False,
        env={"WALKBACK_DB_URL": f"sqlite:///{tmp_path / 'record.db'}", "PATH": "/usr/bin"},
    )  # fmt: skip

    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr == b"patients: label: UTF-8 text (it holds bytes that are not UTF-8)\n"


@pytest.mark.parametrize(
    "key",
    ["\x1b[2J\x1b[31mred", "age\nassessment: forged line", "bidi\u202eoverride", "c1\x9bcsi"],
    ids=["terminal escape", "newline", "bidi override", "C1 control"],
)
def test_keys_and_values_reach_the_terminal_escaped(key: str) -> None:
    """A key cannot clear the screen, recolour it, forge an error line or reorder one."""

    status, out, err = run(["recommend", "-"], json.dumps({**assessment_data(), key: key}))

    assert status == 2 and out == ""
    [line] = err.splitlines()  # a newline in the key forged no second line
    assert not any(c in line for c in "\x1b\x9b\u202e")
    assert "unknown field" in line


def test_a_stored_label_with_an_escape_is_shown_escaped(tmp_path: Path, monkeypatch: Any) -> None:
    """A record made before labels were checked still cannot drive the terminal."""

    from walkback_rules.store import Store

    url = f"sqlite:///{tmp_path / 'record.db'}"
    monkeypatch.setenv("WALKBACK_DB_URL", url)
    with Store.open(url) as store:
        pid = store.new_patient().id
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE patients SET label = 'x\x1b[2Jy'")

    for args in (["patients", "list"], ["patients", "show", pid]):
        status, out, _ = run(args)
        assert status == 0 and "x\\x1b[2Jy" in out and "\x1b" not in out


def test_every_command_copes_with_any_record_import_accepts(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """1.0 records as recorded, 2.0 records as decided: show, list and export all work."""

    from walkback_rules.store import dumps

    from .test_store import V1_RECOMMENDATION, V1_REFERRAL, v1_file

    monkeypatch.setenv("WALKBACK_DB_URL", f"sqlite:///{tmp_path / 'record.db'}")
    files = [v1_file("P-2345AB", V1_RECOMMENDATION, V1_REFERRAL)]
    source = tmp_path / "backup.jsonl"
    source.write_text("".join(dumps(f) + "\n" for f in files))

    assert run(["patients", "import", str(source)])[0] == 0
    for args in (["show", "P-2345AB"], ["list"], ["export", "P-2345AB"], ["export", "--all"]):
        status, out, err = run(["patients", *args])
        assert (status, err) == (0, ""), args
    status, out, _ = run(["patients", "show", "P-2345AB"])
    assert "1. 2026-01-01  PROGRESS: Progress to 5 walks a week, 15 minutes each" in out


URGENT_FIRST = json.dumps(
    {
        "age": 62,
        "visit": "initial",
        "previous_episodes": 1,
        "flare": {"level": "none", "pain_now": 0, "days_since_onset": None},
        "walking": {"walks_per_week": 0, "minutes_per_walk": 0, "weeks_at_current_dose": None},
        "red_flags": ["cancer_weight_loss", "cancer_non_mechanical"],
    }
)
REVIEW_AFTER = json.dumps(
    {
        "age": 62,
        "visit": "review",
        "previous_episodes": 1,
        "flare": {"level": "none", "pain_now": 0, "days_since_onset": None},
        "walking": {"walks_per_week": 0, "minutes_per_walk": 0, "weeks_at_current_dose": None},
    }
)


def test_patients_record_carries_findings_and_follows_the_referral(record: str) -> None:
    """A visit recorded from the command line is the app's record: the review must answer
    each carried finding and the open referral by option, and what it says is kept."""
    pid = run(["patients", "new"])[1].strip()
    first_day = (date.today() - timedelta(days=14)).isoformat()
    status, _, err = run(
        ["patients", "record", pid, "-", "--visit-date", first_day, "--clinician", "SL",
         "--exercise-screen", "none_present"],
        URGENT_FIRST,
    )  # fmt: skip
    assert status == 0, err
    shown = run(["patients", "show", pid])[1]

    unanswered = run(["patients", "record", pid, "-"], REVIEW_AFTER)
    unknown = run(["patients", "record", pid, "-", "--carried", "falls_last_year=present"],
                  REVIEW_AFTER)  # fmt: skip
    answered = run(
        ["patients", "record", pid, "-", "--carried", "cancer_weight_loss=present",
         "--carried", "cancer_non_mechanical=resolved", "--referral-status", "seen",
         "--referral-note", "seen by oncology", "--red-flags", "none_present"],
        REVIEW_AFTER,
    )  # fmt: skip
    listed = json.loads(run(["patients", "list", "--json"])[1])

    assert "referral 1: Urgent referral of" in shown and "advised, not yet made" in shown
    assert "carried to the next review: cancer_weight_loss" in shown
    assert unanswered[0] == 2
    assert "Found at the last visit" in unanswered[2] and "Open referral" in unanswered[2]
    assert unknown[0] == 2 and "--carried: falls_last_year was not found" in unknown[2]
    assert answered[0] == 0, answered[2]
    assert listed[0]["consultations"] == 2
    assert listed[0]["open_referral"] is None


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--visit-date", "2026-02-30"], "--visit-date: a date as YYYY-MM-DD"),
        (["--visit-date", "2999-01-01"], "Visit date must be today or earlier"),
        (["--clinician", "x" * 61], "at most 60 characters"),
    ],
    ids=["not-a-date", "future", "clinician-too-long"],
)
def test_patients_record_refuses_bad_visit_details_and_saves_nothing(
    record: str, options: list[str], words: str
) -> None:
    """A bad visit date or clinician is named in plain words, and nothing is saved."""
    pid = run(["patients", "new"])[1].strip()

    status, _, err = run(["patients", "record", pid, "-", *options], GOOD)

    assert status == 2
    assert words in err
    assert json.loads(run(["patients", "list", "--json"])[1])[0]["consultations"] == 0


EMERGENCY_ONLY = json.dumps({"age": 58, "red_flags": ["ces_saddle", "ces_bladder"]})


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(p.extract_text() for p in PdfReader(str(path)).pages).replace("\u00a0", " ")


def test_an_emergency_with_only_the_age_and_the_features_is_decided_and_printed(
    tmp_path: Path,
) -> None:
    """Ruleset 2.1 §2: the recommendation, the summary and the letter from the age and the
    features alone; the answers left out are "not asked", never 0 or "none"."""
    status, out, err = run(["recommend"], EMERGENCY_ONLY)
    assert (status, err) == (0, "")
    assert json.loads(out)["decision"] == "EMERGENCY_REFERRAL"

    summary, letter = tmp_path / "summary.pdf", tmp_path / "letter.pdf"
    assert run(["summary", "-", "-o", str(summary)], EMERGENCY_ONLY)[0] == 0
    onset = "ces_saddle=this morning, 6 am"
    exam = "Saddle sensation reduced S3-S5"
    status, _, err = run(
        ["letter", "-", "-o", str(letter), "--at", "2026-12-02T10:30+01:00", "--exam", exam,
         "--onset", onset],
        EMERGENCY_ONLY,
    )  # fmt: skip
    assert (status, err) == (0, "")

    shown = _pdf_text(summary)
    assert "Previous episodes not asked" in shown and "Walking now not asked" in shown
    assert "Pain now (0–10) not asked" in shown
    written = _pdf_text(letter)
    assert "2 December 2026, 09:30 (UTC+00:00)" in written or "(UTC+01:00)" in written
    assert "onset: this morning, 6 am" in written and exam in written
    assert "Pain and flare level not asked" in written
    for blank in ("Name", "Date of birth", "Identifier", "Signature"):
        assert blank in written
    assert "date not recorded" not in written


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--onset", "ces_bowel=today"], "--onset: ces_bowel is not a ticked red-flag feature"),
        (["--onset", "ces_saddle"], "--onset: FEATURE=WHEN"),
        (["--onset", "ces_saddle=" + "x" * 41], "one line of at most 40 characters"),
        (
            ["--exam", "x" * 601],
            "--exam: Examination findings must be plain printable text of at most 600",
        ),
        (["--at", "yesterday"], "--at: a date and time"),
    ],
    ids=["unticked", "no-when", "long-onset", "long-exam", "bad-time"],
)
def test_the_letters_details_are_refused_by_option_and_nothing_is_written(
    tmp_path: Path, options: list[str], words: str
) -> None:
    letter = tmp_path / "letter.pdf"

    status, _, err = run(["letter", "-", "-o", str(letter), *options], EMERGENCY_ONLY)

    assert status == 2 and words in err, err
    assert not letter.exists()


def test_the_contacts_slip_never_names_back_pain(record: str, tmp_path: Path) -> None:
    """The crisis contacts from the settings, on a page whose only heading is neutral."""
    slip = tmp_path / "numbers.pdf"
    refused = run(["slip", "-o", str(slip)])
    assert refused[0] == 2 and "No crisis contacts are set" in refused[2]
    bad = run(["settings", "set", "--crisis-line", "call us!"])
    assert bad[0] == 2 and "Crisis line" in bad[2]

    status, _, err = run(
        ["settings", "set", "--crisis-line", "13 11 14", "--mental-health",
         "Crisis team 1800 011 511", "--emergency", "000", "--name", "Back Pain Clinic"]
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert run(["slip", "-o", str(slip)])[0] == 0

    from pypdf import PdfReader

    reader = PdfReader(str(slip))
    text = _pdf_text(slip)
    assert len(reader.pages) == 1
    assert text.startswith("Useful phone numbers")
    assert "13 11 14" in text and "Crisis team 1800 011 511" in text and "000" in text
    lowered = text.lower() + str(reader.metadata).lower()
    assert "back" not in lowered and "walkback" not in lowered and "pain" not in lowered


def test_every_read_and_change_from_the_command_line_leaves_an_audit_row(
    record: str, tmp_path: Path
) -> None:
    """Listing, showing, the settings, a backup and reading the trail itself: each is a row,
    with the command line's user as who did it."""
    from walkback_rules.store import Store

    status, made, _ = run(["patients", "new"])
    pid = made.strip()
    assert status == 0
    for argv in (
        ["patients", "list"],
        ["patients", "show", pid],
        ["settings", "set", "--name", "Riverside Physio"],
        ["admin", "backup", "-o", str(tmp_path / "record.bak")],
        ["admin", "audit"],
    ):
        assert run(argv)[0] == 0, argv
    with Store.open(record) as store:
        rows = [
            (r.action, r.patient) for r in store.audit_trail() if r.actor.startswith("command line")
        ]

    for row in (("list_patients", None), ("open_patient", pid), ("settings", None),
                ("backup", None), ("read_audit", None)):  # fmt: skip
        assert row in rows, row


def test_patients_list_reads_a_page(tmp_path: Any, monkeypatch: Any, capsys: Any) -> None:
    from walkback_rules.cli import main
    from walkback_rules.store import Store

    url = f"sqlite:///{tmp_path / 'record.db'}"
    monkeypatch.setenv("WALKBACK_DB_URL", url)
    with Store.open(url) as store:
        made = {store.new_patient(f"ward {i}").id for i in range(5)}

    assert main(["patients", "list", "--json", "--limit", "2"]) == 0
    first = {row["id"] for row in json.loads(capsys.readouterr().out)}
    assert main(["patients", "list", "--json", "--limit", "10", "--offset", "2"]) == 0
    rest = {row["id"] for row in json.loads(capsys.readouterr().out)}
    assert len(first) == 2 and len(rest) == 3 and first | rest == made
    with pytest.raises(SystemExit):
        main(["patients", "list", "--limit", "0"])
    assert "--limit: must be a whole number from 1 up; you gave '0'" in capsys.readouterr().err
