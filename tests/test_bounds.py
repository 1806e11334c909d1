"""Small hostile files cost little: memory stays proportional to the input, errors are capped.

Each case runs the command line in its own process and reads that process's peak resident
memory (the kernel's own measure), so what is bounded is what a clinic's machine would see.
Time is not asserted here (see bench/); memory is.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import assessment_data

# Runs the command line and reports its peak memory on the last line of stderr: the
# high-water mark of this process's own memory (getrusage's figure for itself would also
# count the test process that started it, which Linux carries across exec), or of any
# worker it started and waited for, whichever is higher.
PROBE = """
import resource, sys
from walkback_rules.cli import main
status = main(sys.argv[1:])
with open("/proc/self/status") as f:
    own = int(next(line.split()[1] for line in f if line.startswith("VmHWM:")))
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("PEAK_KB", max(own, workers), file=sys.stderr)
raise SystemExit(status)
"""
PER_INPUT_BYTE = 64  # bytes of memory allowed for each byte of input, beyond the baseline
ROOM = 16 * 1024 * 1024  # and a little working room for the errors themselves


def run(args: list[str], tmp_path: Path) -> tuple[int, str, str, int]:
    env = {"WALKBACK_DB_URL": f"sqlite:///{tmp_path / 'record.db'}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=False
    )
    *rest, last = done.stderr.rstrip("\n").split("\n")
    assert last.startswith("PEAK_KB "), done.stderr[-2000:]
    return done.returncode, done.stdout, "\n".join(rest), int(last.split()[1]) * 1024


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """The peak memory of each command given one good record, by command."""
    tmp = tmp_path_factory.mktemp("baseline")
    good = tmp / "assessment.json"
    good.write_text(json.dumps(assessment_data()))
    patient = tmp / "patient.json"
    patient.write_text(json.dumps(_patient_file()))
    peaks = {}
    for command, source in (("recommend", good), ("patients", patient)):
        args = (
            [command, str(source)] if command == "recommend" else [command, "import", str(source)]
        )
        status, _, err, peaks[command] = run(args, tmp)
        assert status == 0, err
    return peaks


def _patient_file(**change: object) -> dict[str, object]:
    return {
        "format": "walkback-patient",
        "version": 1,
        "patient": {"id": "P-2345AB", "label": None, "created_at": "2026-01-01T09:00:00+00:00"},
        "consultations": [],
        "diary": [],
        **change,
    }


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


HOSTILE: dict[str, tuple[list[str], Callable[[], str], str]] = {
    # The reproductions: 237 MB of errors and 2.25 GB for a 15 MB assessment; 5.7 GB for a
    # 5.2 MB import of 2.6 million bad entries.
    "assessment with a 3-million-item list": (
        ["recommend"],
        lambda: _compact({**assessment_data(), "red_flags": ["x"] * 3_000_000}),
        "red_flags: a list of 3,000,000 items is longer than any field allows",
    ),
    "assessment with a million unknown fields": (
        ["recommend"],
        lambda: _compact({f"k{i}": 1 for i in range(1_000_000)}),
        "an object of 1,000,000 fields is larger than any record",
    ),
    "import with 2.6 million bad diary entries": (
        ["patients", "import"],
        lambda: _compact(_patient_file(diary=[0] * 2_600_000)),
        "diary: a list of 2,600,000 items",
    ),
    "import of 2.6 million bad lines": (
        ["patients", "import"],
        lambda: "1\n" * 2_600_000,
        "checking stopped here after 100 problems",
    ),
    "import with 2,000 bad consultations": (
        ["patients", "import"],
        lambda: _compact(_patient_file(consultations=[{"recorded_at": 1}] * 2_000)),
        "record: and 1,980 more problems; fix these first",
    ),
    "JSON nested 1,000 deep": (
        ["recommend"],
        lambda: "[" * 1_000 + "]" * 1_000,
        "nested more than 16 levels deep",
    ),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_file_is_refused_in_memory_proportional_to_its_size(
    kind: str, tmp_path: Path, baseline: dict[str, int]
) -> None:
    command, build, expected = HOSTILE[kind]
    source = tmp_path / "input.json"
    source.write_text(build())
    size = source.stat().st_size

    status, out, err, peak = run([*command, str(source)], tmp_path)

    bound = baseline[command[0]] + ROOM + PER_INPUT_BYTE * size
    print(f"{kind}: {size / 1e6:.1f} MB in, peak {peak / 1e6:.0f} MB (bound {bound / 1e6:.0f})")
    assert status == 2 and out == ""
    assert expected in err, err[:2000]
    assert len(err) < 20_000, f"{len(err):,} characters of errors"
    assert "Traceback" not in err
    assert peak <= bound, f"peak {peak / 1e6:.0f} MB, bound {bound / 1e6:.0f} MB"


def test_a_batch_of_bad_lines_answers_each_line_briefly(
    tmp_path: Path, baseline: dict[str, int]
) -> None:
    """Every line is answered, in its place, and no answer grows beyond its cap."""

    bad = _compact({**assessment_data(), **{f"unknown_{i}": 1 for i in range(30)}})
    source = tmp_path / "batch.jsonl"
    source.write_text((bad + "\n") * 200)

    status, out, err, peak = run(["recommend", str(source)], tmp_path)

    answers = [json.loads(line) for line in out.splitlines()]
    assert status == 1 and err == ""
    assert [a["line"] for a in answers] == list(range(1, 201))
    assert all(len(a["error"]) == 21 for a in answers)
    assert answers[0]["error"][-1] == "assessment: and 10 more problems; fix these first"
    assert peak <= baseline["recommend"] + ROOM + PER_INPUT_BYTE * source.stat().st_size
