"""The batch path: the same answers as the everyday path, in order, in bounded memory.

The fast reader and writer are held to the everyday ones on hostile lines and on thousands
of generated ones; the first pass is held to `json_lines` on generated texts; the workers'
output is held byte for byte to this process's.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkback_rules import batch, cli, recommend, textlines
from walkback_rules.core.jsontext import json_lines
from walkback_rules.core.validation import AssessmentError, validate_assessment_json
from walkback_rules.fastjson import compact_json, read_assessment, recommendation_json
from walkback_rules.teaching.cases import CASES

from . import strategies as s
from .conftest import assessment_data
from .test_bounds import HOSTILE, run
from .test_invariants import reaches

GOOD = assessment_data()


def _outcome(read: Callable[[Any], Any], line: Any) -> tuple[str, Any]:
    try:
        return "accepted", read(line)
    except AssessmentError as exc:
        return "refused", [str(e) for e in exc.errors]


def _both(line: str) -> tuple[tuple[str, Any], tuple[str, Any]]:
    return _outcome(read_assessment, line.encode("utf-8")), _outcome(validate_assessment_json, line)


def _raw(old: str, new: str, data: dict[str, Any] = GOOD) -> str:
    """`data` as JSON text with one piece of it rewritten as raw text."""
    text = json.dumps(data)
    assert old in text
    return text.replace(old, new, 1)


HOSTILE_LINES: dict[str, str] = {
    "a repeated field": json.dumps(GOOD)[:-1] + ', "red_flags": ["ces_saddle"], "red_flags": []}',
    "a repeated field, spelt with an escape": json.dumps(GOOD)[:-1] + ', "\\u0061ge": 40}',
    "a repeated nested field": _raw('"pain_now": 0', '"pain_now": 0, "pain_now": 9'),
    "NaN for a number": _raw('"age": 50', '"age": NaN'),
    "Infinity for a number": _raw('"age": 50', '"age": Infinity'),
    "-Infinity in a list": _raw("[]", "[-Infinity]", {**GOOD, "red_flags": []}),
    "a 13-digit integer": json.dumps({**GOOD, "age": 10**13}),
    "a 400-digit integer": _raw('"age": 50', '"age": ' + "9" * 400),
    "a whole number written as a decimal": json.dumps({**GOOD, "age": 50.0}),
    "a number in a string": json.dumps({**GOOD, "age": "50"}),
    "true for a number": json.dumps({**GOOD, "age": True}),
    "1 for true": json.dumps({**GOOD, "falls_last_year": 1}),
    "a byte-order mark": "\ufeff" + json.dumps(GOOD),
    "trailing text": json.dumps(GOOD) + " x",
    "a lone surrogate in a code": json.dumps({**GOOD, "visit": "\ud800"}),
    "a raw control character in a key": json.dumps(GOOD)[:-1] + ', "a\x01b": 1}',
    "an unknown field": json.dumps({**GOOD, "note": "x"}),
    "null where only leaving out is allowed": json.dumps({**GOOD, "flare": None}),
    "a repeated code": json.dumps({**GOOD, "red_flags": ["ces_saddle", "ces_saddle"]}),
    "a cross-field problem": json.dumps({**GOOD, "visit": "initial", "adherence": "as_planned"}),
    "nested 17 deep": json.dumps({**GOOD, "age": json.loads("[" * 17 + "]" * 17)}),
    "nested 1,000 deep": "[" * 1000 + "]" * 1000,
    "an object of 101 fields": json.dumps({f"k{i}": 1 for i in range(101)}),
    "a list of 2,001 items": json.dumps({**GOOD, "red_flags": ["x"] * 2001}),
    "an empty object": "{}",
    "an array": "[1]",
    "a string": '"x"',
    "not JSON": "not json",
    "an emergency, the consultation left out": json.dumps({"age": 50, "red_flags": ["ces_saddle"]}),
    "good": json.dumps(GOOD),
}
HOSTILE_LINES.update(
    {kind: build() for kind, (command, build, _) in HOSTILE.items() if command == ["recommend"]}
)


ACCEPTED = ("good", "an emergency, the consultation left out", "a byte-order mark")


@pytest.mark.parametrize("kind", HOSTILE_LINES)
def test_the_fast_reader_refuses_what_the_everyday_reader_refuses_in_the_same_words(
    kind: str,
) -> None:
    fast, everyday = _both(HOSTILE_LINES[kind])

    assert fast == everyday
    assert fast[0] == ("accepted" if kind in ACCEPTED else "refused")


MUTATIONS: tuple[tuple[str, Callable[[str, Any], str]], ...] = (
    ("as given", lambda text, _: text),
    ("a field set to another value", lambda text, v: json.dumps({**json.loads(text), **v})),
    ("a field repeated", lambda text, v: text[:-1] + ", " + json.dumps(v)[1:]),
    (
        "a field left out",
        lambda text, v: json.dumps({k: x for k, x in json.loads(text).items() if k not in v}),
    ),
)
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(("none", "review", "ces_saddle", "full", "5", "")),
    st.lists(st.sampled_from(("ces_saddle", "cancer_history", "chest_pain", "x")), max_size=3),
    st.fixed_dictionaries(
        {"walks_per_week": st.integers(0, 15), "minutes_per_walk": st.integers(0, 250)}
    ),
)
FIELDS = st.sampled_from(
    (
        "age",
        "visit",
        "previous_episodes",
        "flare",
        "walking",
        "red_flags",
        "exercise_screen",
        "adherence",
        "last_progression",
        "startback",
        "falls_last_year",
        "phq2",
        "unknown",
    )
)


@st.composite
def mutated_lines(draw: st.DrawFn) -> str:
    text = json.dumps(draw(s.assessment_dicts()))
    how, mutate = draw(st.sampled_from(MUTATIONS))
    return mutate(text, {draw(FIELDS): draw(ODD_VALUES)}) if how != "as given" else text


def test_the_fast_reader_agrees_with_the_everyday_reader_on_generated_lines() -> None:
    """Accepted by both with the same assessment, or refused by both with the same messages;
    half the generated lines are refused, so both branches are reached often."""

    def accepted(line: str) -> bool:
        fast, everyday = _both(line)
        assert fast == everyday, line
        return fast[0] == "accepted"

    reaches("fast reader: the line is accepted", mutated_lines(), accepted, share=0.25)

    def refused(line: str) -> bool:
        return not accepted(line)

    reaches("fast reader: the line is refused", mutated_lines(), refused, share=0.25)


def test_the_fast_writer_writes_the_same_bytes_for_every_demo_case() -> None:
    for case in CASES:
        rec = recommend(validate_assessment_json(json.dumps(case.data)))
        assert recommendation_json(rec) == rec.model_dump_json().encode("utf-8"), case.id


@given(s.assessments)
@settings(max_examples=300)
def test_the_fast_writer_writes_the_same_bytes_for_generated_cases(a: Any) -> None:
    rec = recommend(a)

    assert recommendation_json(rec) == rec.model_dump_json().encode("utf-8")


@given(s.assessments)
def test_the_brief_line_is_compact_json(a: Any) -> None:
    from walkback_rules import decide

    line = batch.brief(7, decide(a))

    assert compact_json(line) == json.dumps(line, separators=(",", ":")).encode("ascii")


# ----------------------------------------------------------------------------- the first pass

JSON_OR_BLANK = st.sampled_from(
    (
        json.dumps(GOOD),
        '{"age": 1}',
        "[1]",
        "1",
        "NaN",
        '"\\ud800"',
        "[" * 20 + "]" * 20,
        "",
        "   ",
        "\t",
        "\u00a0",
        "\u2028",
        "\x1c",
        "\x1c{}",
    )
)
ANY_LINE = st.one_of(
    JSON_OR_BLANK,
    st.sampled_from(
        ("{", "}", "not json", '{"a": 1} x', "[" * 1200 + "]" * 1200, '{"a": "\x01"}', "9" * 5000)
    ),  # 5,000 digits: more than json.loads reads
    st.text(alphabet='{}[]":,1an \t\r\x1c', max_size=8),
)


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Mostly JSON Lines with blank lines of every kind; a quarter of any lines at all."""
    pool = draw(st.sampled_from((JSON_OR_BLANK, JSON_OR_BLANK, JSON_OR_BLANK, ANY_LINE)))
    lines = draw(st.lists(pool, min_size=draw(st.sampled_from((0, 3, 3))), max_size=9))
    ending = draw(st.sampled_from(("\n", "\r\n")))
    text = ending.join(lines) + draw(st.sampled_from(("", ending)))
    return draw(st.sampled_from(("", "\ufeff"))) + text


def _json_lines(text: str) -> list[tuple[int, str]] | None:
    try:
        return json_lines(text)
    except AssessmentError:
        return None


def test_the_first_pass_decides_json_lines_as_json_lines_does() -> None:
    """JSON Lines exactly when `json_lines` says so, with the same records and numbers."""

    def split(text: str) -> bool:
        data = text.encode("utf-8", errors="surrogatepass")
        expected = _json_lines(text)
        for chunk_lines in (1, 2, 500):
            batch_layout = _layout(data, chunk_lines)
            if expected is None:
                assert batch_layout.chunks is None
                continue
            assert batch_layout.chunks is not None
            got = [
                (n, line.decode("utf-8"))
                for c in batch_layout.chunks
                for n, line in batch._records(data[c.start : c.end], c.line)
            ]
            assert got == expected
        return expected is not None

    reaches("first pass: the text is JSON Lines", texts(), split)


def _layout(data: bytes, chunk_lines: int) -> batch.Layout:
    old = batch.CHUNK_LINES
    batch.CHUNK_LINES = chunk_lines
    try:
        return batch.layout(io.BytesIO(data), "input")
    finally:
        batch.CHUNK_LINES = old


@pytest.mark.parametrize(
    "odd",
    ["9" * 5000, "[" * 1200 + "]" * 1200, "NaN", '"\\ud800"', "\x1c", '{"a": "\x01"}'],
    ids=["5,000 digits", "1,200 deep", "NaN", "a lone surrogate", "a separator", "a control"],
)
def test_the_first_pass_reads_odd_lines_as_json_loads_does(odd: str) -> None:
    text = json.dumps(GOOD) + "\n" + odd + "\n"

    got = batch.layout(io.BytesIO(text.encode("utf-8", errors="surrogatepass")), "input")

    assert (got.chunks is not None) == (_json_lines(text) is not None)


def test_a_line_longer_than_a_block_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textlines, "BLOCK_BYTES", 16)
    text = "\n".join([json.dumps(GOOD), "", json.dumps(GOOD), "[1]"])

    got = batch.layout(io.BytesIO(text.encode()), "input")

    assert got.chunks is not None and got.records == 3
    data = text.encode()
    records = [n for c in got.chunks for n, _ in batch._records(data[c.start : c.end], c.line)]
    assert records == [1, 3, 4]


def test_text_that_is_not_utf8_is_refused_by_name() -> None:
    with pytest.raises(batch.BatchError, match=r"^FILE: 'in\.jsonl' is not UTF-8 text$"):
        batch.layout(io.BytesIO(b'{"age": 1}\n{"age": "\xff"}\n'), "'in.jsonl'")


def test_standard_input_that_is_not_utf8_is_named_in_plain_words() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("walkback")), "recommend", "-"],
        input=b'{"age": 1}\n{"age": "\xff"}\n',
        capture_output=True,
        check=False,
    )

    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr == b"FILE: standard input is not UTF-8 text\n"


# ----------------------------------------------------------------------------- the workers


def _batch_file(tmp_path: Path, n: int) -> tuple[Path, list[int]]:
    ages = [18 + i % 70 for i in range(n)]
    lines = [json.dumps(assessment_data(age=a)) for a in ages]
    lines[33] = "{}"
    lines[40] = json.dumps(GOOD)[:-1] + ', "age": 99}'  # a repeated key, refused in its place
    text = "\ufeff" + "\r\n".join(lines[:50]) + "\n\n \u00a0\n" + "\n".join(lines[50:]) + "\n"
    path = tmp_path / "batch.jsonl"
    path.write_text(text, encoding="utf-8")
    return path, ages


@pytest.mark.parametrize("short", [False, True])
def test_workers_write_the_same_bytes_in_input_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short: bool
) -> None:
    """Answered by three forked workers writing to the output themselves, or in this
    process: the same bytes, every line in its place, refused lines too."""
    path, ages = _batch_file(tmp_path, 300)
    flags = ["--brief"] if short else []
    here = io.StringIO()
    assert cli.main(["recommend", *flags, str(path)], out=here, err=io.StringIO()) == 1

    monkeypatch.setattr(batch, "PARALLEL_MIN_LINES", 10)
    monkeypatch.setattr(batch, "CHUNK_LINES", 7)
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    out_path = tmp_path / "out.jsonl"
    with out_path.open("w", encoding="utf-8") as out:
        status = cli.main(["recommend", *flags, str(path)], out=out, err=io.StringIO())

    assert status == 1
    written = out_path.read_text(encoding="utf-8")
    assert written == here.getvalue()
    answers = [json.loads(line) for line in written.splitlines()]
    assert [a["line"] for a in answers] == [*range(1, 51), *range(53, 303)]
    assert "error" in answers[33] and "error" in answers[40]
    older = ["OLDER_ADULT" in a.get("flags", []) for a in answers]
    assert older == [a >= 65 and i not in (33, 40) for i, a in enumerate(ages)]


def test_a_worker_that_stops_stops_the_batch_in_plain_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = _batch_file(tmp_path, 100)
    monkeypatch.setattr(batch, "PARALLEL_MIN_LINES", 10)
    monkeypatch.setattr(batch, "CHUNK_LINES", 7)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    real = batch.answer_chunk

    def failing(data: bytes, first: int, short: bool) -> tuple[bytes, bool]:
        if first >= 43:  # the seventh chunk of seven lines
            raise MemoryError
        return real(data, first, short)

    monkeypatch.setattr(batch, "answer_chunk", failing)
    err = io.StringIO()
    with (tmp_path / "out.jsonl").open("w") as out:
        status = cli.main(["recommend", str(path)], out=out, err=err)

    assert status == 2
    assert (
        err.getvalue() == "FILE: a worker answering the batch stopped; the output is incomplete\n"
    )
    written = (tmp_path / "out.jsonl").read_text().splitlines()
    assert [json.loads(line)["line"] for line in written] == list(range(1, 43))


def test_a_closed_output_ends_the_batch_quietly(tmp_path: Path) -> None:
    """`walkback recommend big.jsonl | head -1`: one line, no traceback, status 0."""
    path, _ = _batch_file(tmp_path, 5000)
    script = Path(sys.executable).with_name("walkback")
    done = subprocess.run(
        f"'{script}' recommend --brief '{path}' | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )

    assert json.loads(done.stdout)["line"] == 1
    assert done.stderr == ""


def test_standard_input_is_read_as_a_file_is(tmp_path: Path) -> None:
    path, _ = _batch_file(tmp_path, 5000)
    script = str(Path(sys.executable).with_name("walkback"))

    from_file = subprocess.run(
        [script, "recommend", "--brief", str(path)], capture_output=True, check=False
    )
    with path.open("rb") as stdin:
        piped = subprocess.run(
            [script, "recommend", "--brief", "-"], stdin=stdin, capture_output=True, check=False
        )

    assert from_file.returncode == piped.returncode == 1
    assert from_file.stdout == piped.stdout and len(piped.stdout.splitlines()) == 5000


def _peak(path: Path) -> int:
    status, _, err, peak = run(["recommend", "--brief", str(path)], path.parent)
    assert status == 1, err[-2000:]
    return peak


def test_a_batch_ten_times_longer_takes_no_more_memory(tmp_path: Path) -> None:
    """5,000 and 50,000 lines (3 MB and 33 MB): the same peak, within a few megabytes; read
    whole, the longer file alone would add over 60 MB (its bytes and its text)."""
    small = tmp_path / "small"
    large = tmp_path / "large"
    small.mkdir()
    large.mkdir()
    peaks = [_peak(_batch_file(small, 5_000)[0]), _peak(_batch_file(large, 50_000)[0])]

    print(
        f"peak memory: {peaks[0] / 1e6:.0f} MB for 5,000 lines, {peaks[1] / 1e6:.0f} MB for 50,000"
    )
    assert peaks[1] <= peaks[0] + 8 * 1024 * 1024


def test_a_named_pipe_is_read_as_a_file_is(tmp_path: Path) -> None:
    """`walkback recommend <(zcat batch.jsonl.gz)`: a pipe cannot be read twice, so it is
    copied first, and answered as the file itself."""
    path, _ = _batch_file(tmp_path, 50)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    script = str(Path(sys.executable).with_name("walkback"))

    feeder = subprocess.Popen(["cp", str(path), str(fifo)])
    piped = subprocess.run([script, "recommend", "--brief", str(fifo)], capture_output=True)
    feeder.wait()
    from_file = subprocess.run([script, "recommend", "--brief", str(path)], capture_output=True)

    assert piped.returncode == from_file.returncode == 1 and piped.stderr == b""
    assert piped.stdout == from_file.stdout and len(piped.stdout.splitlines()) == 50
