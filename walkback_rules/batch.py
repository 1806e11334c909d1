"""`walkback recommend` on JSON Lines, at the speed of the machine and in bounded memory.

The input is read in blocks, never whole. One cheap pass first decides, by the rule of
`jsontext.json_lines`, whether the text is JSON Lines: every line that is not blank is a JSON
value, and there are at least two. Anything else (one object, pretty-printed or not, or a
broken text) goes to the whole-text reader as before, which is also where its error is
worded. The pass also checks the text is UTF-8 and marks where each chunk of
`CHUNK_LINES` records begins.

Then each record is answered in turn: in this process below `PARALLEL_MIN_LINES` records,
and above that by forked workers, one per core, each reading its own chunks from the file
and writing its answers straight to the output. A token passed round a ring of pipes lets
the worker holding the next chunk write, so the output keeps the input's order and nothing
goes back through a parent. Peak memory is a chunk or two, whatever the batch's length.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import BinaryIO

import msgspec

from . import textlines
from .core.engine import Decided, decide, recommend
from .core.jsontext import MAX_DEPTH
from .core.models import NextDose
from .core.validation import AssessmentError, FieldError
from .fastjson import compact_json, read_assessment, recommendation_json

PARALLEL_MIN_LINES = 4000  # below this, forking costs more than it saves
CHUNK_LINES = 500
QUICK_BYTES = 4000  # a line this short is checked for JSON quickly (an assessment: ~700)


class BatchError(Exception):
    """The batch cannot be read or answered; carries one message per problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Chunk:
    """Up to `CHUNK_LINES` records: where their bytes are, and the first one's line number."""

    start: int
    end: int
    line: int


@dataclass(frozen=True, slots=True)
class Layout:
    """How an input holds its records: JSON Lines in chunks, or None (read it whole)."""

    chunks: tuple[Chunk, ...] | None
    records: int


# ----------------------------------------------------------------------------- the answers


def _dose(dose: NextDose | None) -> dict[str, object] | None:
    """A dose as the batch writes it: {walks_per_week, minutes_per_walk} of {min, max}."""
    return None if dose is None else asdict(dose)


def brief(number: int, d: Decided) -> dict[str, object]:
    """The compact batch line: decision, doses, referral, flags and review, with its line."""
    return {
        "line": number,
        "decision": d.decision.value,
        "next_dose": _dose(d.next_dose),
        "resume_dose": _dose(d.resume_dose),
        "referral": (
            None if d.urgency is None else {"urgency": d.urgency, "conditions": d.conditions}
        ),
        "flags": [f.value for f in d.flags],
        "review_in_days": d.review_in_days,
    }


def answer(number: int, raw: bytes, short: bool) -> tuple[bytes, bool]:
    """One record's output line (with its input line number), and whether it was refused."""
    try:
        assessment = read_assessment(raw)
    except AssessmentError as exc:
        # ASCII only, so no character in an echoed value can break the output's lines.
        errors = [str(e) for e in exc.errors]
        return json.dumps({"line": number, "error": errors}).encode("ascii") + b"\n", True
    if short:
        return compact_json(brief(number, decide(assessment))) + b"\n", False
    return b'{"line":%d,' % number + recommendation_json(recommend(assessment))[1:] + b"\n", False


def _records(data: bytes, first: int) -> Iterator[tuple[int, bytes]]:
    """The records of whole lines `data`, numbered from `first`, blank lines skipped."""
    for number, line in enumerate(data.split(b"\n"), start=first):
        if line.endswith(b"\r"):
            line = line[:-1]
        if not textlines.blank(line):
            yield number, line


def answer_chunk(data: bytes, first: int, short: bool) -> tuple[bytes, bool]:
    """The output of one chunk's records, and whether any was refused."""
    out: list[bytes] = []
    refused = False
    for number, line in _records(data, first):
        text, bad = answer(number, line, short)
        out.append(text)
        refused = refused or bad
    return b"".join(out), refused


# ----------------------------------------------------------------------------- the layout


def _is_json(line: bytes) -> bool:
    """Whether one line is a JSON value as Python's `json.loads` reads it.

    msgspec says yes to standard JSON in well under a microsecond; a line it refuses, one
    deep enough that `json.loads` might give up, or one long enough to hold a number longer
    than Python reads (4,300 digits), is asked of `json.loads` itself.
    """
    if len(line) <= QUICK_BYTES and line.count(b"[") + line.count(b"{") <= MAX_DEPTH:
        try:
            msgspec.json.decode(line, type=msgspec.Raw)
        except msgspec.DecodeError:
            pass
        else:
            return True
    try:
        json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    return True


def layout(source: BinaryIO, name: str) -> Layout:
    """One pass over `source`: its chunks when it is JSON Lines, else None; `BatchError`
    when it is not UTF-8. One block is held at a time."""
    chunks: list[Chunk] = []
    records = in_chunk = 0
    start = first = end = 0
    try:
        for offset, number, line in textlines.lines(source):
            if textlines.blank(line):
                continue
            if in_chunk == 0:
                start, first = offset, number
            records += 1
            in_chunk += 1
            if not _is_json(line):
                return Layout(None, records)  # the whole-text reader words what is wrong
            end = offset + len(line) + 1
            if in_chunk == CHUNK_LINES:
                chunks.append(Chunk(start, end, first))
                in_chunk = 0
    except textlines.NotUtf8:
        raise BatchError([FieldError("FILE", f"{name} is not UTF-8 text")]) from None
    if in_chunk:
        chunks.append(Chunk(start, end, first))
    if records < 2:
        return Layout(None, records)
    return Layout(tuple(chunks), records)


# ----------------------------------------------------------------------------- the answering


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def answer_here(
    fd: int, chunks: tuple[Chunk, ...], short: bool, write: Callable[[bytes], object]
) -> bool:
    """Answer every chunk in this process, in order; whether any record was refused."""
    refused = False
    for chunk in chunks:
        text, bad = answer_chunk(
            os.pread(fd, chunk.end - chunk.start, chunk.start), chunk.line, short
        )
        write(text)
        refused = refused or bad
    return refused


# A worker's exit status: its records all answered, some refused, the output closed, a fault.
_DONE, _REFUSED, _CLOSED, _FAULT = 0, 1, 3, 4


def _worker(
    k: int, fd: int, chunks: tuple[Chunk, ...], short: bool, out: int, ring: list[tuple[int, int]]
) -> int:
    """Worker k of n: answer chunks k, k + n, …; write each when the token reaches it."""
    n = len(ring)
    mine, after = ring[k][0], ring[(k + 1) % n][1]
    for r, w in ring:
        if r != mine:
            os.close(r)
        if w != after:
            os.close(w)
    refused = False
    for i in range(k, len(chunks), n):
        chunk = chunks[i]
        text, bad = answer_chunk(
            os.pread(fd, chunk.end - chunk.start, chunk.start), chunk.line, short
        )
        refused = refused or bad
        if os.read(mine, 1) != b".":
            return _FAULT  # the worker before this one stopped: so does this one
        try:
            _write_all(out, text)
        except BrokenPipeError:
            return _CLOSED
        if i + 1 < len(chunks):  # the next chunk's worker is waiting for its turn
            _write_all(after, b".")
    return _REFUSED if refused else _DONE


def answer_in_workers(
    fd: int, chunks: tuple[Chunk, ...], short: bool, out: int, workers: int
) -> bool:
    """Answer the chunks in `workers` forked processes that write to `out` in input order;
    whether any record was refused. `BrokenPipeError` when the output was closed early."""
    ring = [os.pipe() for _ in range(workers)]
    pids: list[int] = []
    try:
        for k in range(workers):
            pid = os.fork()
            if pid == 0:  # the worker: it never returns here
                status = _FAULT
                try:
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                    status = _worker(k, fd, chunks, short, out, ring)
                finally:
                    os._exit(status)
            pids.append(pid)
        _write_all(ring[0][1], b".")
    finally:
        for r, w in ring:
            os.close(r)
            os.close(w)
    statuses = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    if _CLOSED in statuses:
        raise BrokenPipeError("the output was closed")
    if any(s not in (_DONE, _REFUSED) for s in statuses):
        raise BatchError(
            [FieldError("FILE", "a worker answering the batch stopped; the output is incomplete")]
        )
    return _REFUSED in statuses
