"""The `walkback` command line: recommendations, handouts, schemas and the rule table.

Exit status: 0 on success; 1 when some JSON Lines records were bad (each reported in its
place); 2 when the input as a whole, or the command line, is unusable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TextIO

from pydantic import ValidationError

from .engine import recommend
from .handouts.content import PAPERS, SECTIONS, HandoutOptions
from .models import Assessment, Recommendation
from .rules import RULES
from .validation import ROOT, FieldError, field_errors

# A JSON Lines batch this long is shared across the machine's cores.
PARALLEL_MIN_LINES = 4000
CHUNK_LINES = 500


class InputError(Exception):
    """The input cannot be read as assessments; carries one message per problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        with open(source, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError([FieldError("FILE", f"cannot read {source!r}: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise InputError([FieldError("FILE", f"{source!r} is not UTF-8 text")]) from exc


def assessment_from_json(text: str) -> Assessment:
    """Parse and validate one assessment; raise `InputError` naming each bad field."""
    if not text.strip():
        raise InputError([FieldError(ROOT, "empty input; expected one JSON object")])
    try:
        return Assessment.model_validate_json(text)
    except ValidationError as exc:
        raise InputError(field_errors(exc)) from None


def _is_single_value(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _recommend_line(number: int, line: str) -> str:
    try:
        return recommend(assessment_from_json(line)).model_dump_json()
    except InputError as exc:
        errors = [str(e) for e in exc.errors]
        return json.dumps({"line": number, "error": errors}, ensure_ascii=False)


def _recommend_chunk(chunk: tuple[int, list[str]]) -> str:
    start, lines = chunk
    return "".join(_recommend_line(start + i, line) + "\n" for i, line in enumerate(lines))


def _chunks(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    for start in range(0, len(lines), CHUNK_LINES):
        yield start + 1, lines[start : start + CHUNK_LINES]


def recommend_lines(lines: list[str], workers: int | None = None) -> Iterator[str]:
    """Blocks of output lines, in input order: per line a recommendation or the line's errors.

    A long batch is shared across the machine's cores (forked workers, results in order).
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers > 1 and len(lines) >= PARALLEL_MIN_LINES and "fork" in _start_methods():
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_recommend_chunk, _chunks(lines))
        return
    yield from map(_recommend_chunk, _chunks(lines))


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


def _print_errors(errors: list[FieldError], err: TextIO) -> None:
    for e in errors:
        print(e, file=err)


def cmd_recommend(source: str, out: TextIO, err: TextIO) -> int:
    """`walkback recommend`: one object in, one recommendation out; or JSON Lines."""
    text = _read(source)
    lines = text.splitlines()
    if len([line for line in lines if line.strip()]) <= 1 or _is_single_value(text):
        recommendation = recommend(assessment_from_json(text))
        out.write(recommendation.model_dump_json(indent=2) + "\n")
        return 0
    status = 0
    for block in recommend_lines(lines):
        if '{"line": ' in block:
            status = 1
        out.write(block)
    return status


def _write(target: str, data: bytes, out: TextIO) -> None:
    """Write a file whole or not at all (a temporary file, then a rename); - is stdout."""
    if target == "-":
        buffer = getattr(out, "buffer", None)
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:
            out.write(data.decode("utf-8", errors="replace"))
        return
    import tempfile

    folder = os.path.dirname(os.path.abspath(target))
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".walkback-", suffix=".part")
    except OSError as exc:
        raise InputError(
            [FieldError("OUT", f"cannot write to {folder!r}: {exc.strerror}")]
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # an ordinary file, not the temporary file's 0600
        os.replace(temp, target)
    except OSError as exc:
        os.unlink(temp)
        raise InputError([FieldError("OUT", f"cannot write {target!r}: {exc.strerror}")]) from exc


def _handout_options(args: argparse.Namespace) -> HandoutOptions:
    from .handouts.content import option_errors

    errors = option_errors(args.clinic, args.phone, args.patient)
    sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        errors["sections"] = f"a comma-separated list of {', '.join(SECTIONS)}"
    if errors:
        raise InputError([FieldError(f"--{k}", v) for k, v in errors.items()])
    return HandoutOptions(
        clinic=args.clinic,
        phone=args.phone,
        patient=args.patient,
        paper=args.paper,
        sections=sections,
    )


def cmd_handout(args: argparse.Namespace, out: TextIO) -> int:
    """`walkback handout`: the patient handout for one assessment, as PDF or HTML."""
    from .handouts import Format, handout_file

    options = _handout_options(args)
    assessment = assessment_from_json(_read(args.file))
    fmt: Format = args.format or (
        "html" if args.output.lower().endswith((".html", ".htm")) else "pdf"
    )
    _write(args.output, handout_file(assessment, options, fmt), out)
    return 0


def cmd_summary(args: argparse.Namespace, out: TextIO) -> int:
    """`walkback summary`: the one-page clinician summary for one assessment, as PDF."""
    from .handouts import summary_file

    options = _handout_options(args)
    assessment = assessment_from_json(_read(args.file))
    _write(args.output, summary_file(assessment, options), out)
    return 0


def schemas() -> dict[str, object]:
    """The JSON Schemas of the input and the output."""
    return {
        "assessment": Assessment.model_json_schema(),
        "recommendation": Recommendation.model_json_schema(mode="serialization"),
    }


def rule_table_markdown() -> str:
    """The rule table as Markdown: id, title, what it sets, evidence level, sources."""
    rows = [
        "| id | title | sets | evidence level | sources |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES:
        rows.append(
            f"| {rule.id} | {rule.title} | `{rule.sets}` | {rule.evidence_level} | "
            f"{', '.join(rule.source_ids)} |"
        )
    return "\n".join(rows) + "\n"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="walkback",
        description=(
            "WalkBack CDS: walking-programme recommendations for low back pain. "
            "Decision support for physiotherapists, not a diagnosis."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    rec = sub.add_parser(
        "recommend",
        help="recommend for one assessment (JSON) or many (JSON Lines)",
        description=(
            "Read one JSON assessment and print its recommendation, or JSON Lines (one "
            "assessment per line) and print one compact line per input line."
        ),
    )
    rec.add_argument("file", nargs="?", default="-", metavar="FILE|-", help="input; - is stdin")
    handout = sub.add_parser(
        "handout",
        help="write the patient handout (PDF or HTML) for one assessment",
        description=(
            "Read one JSON assessment and write the patient's handout: their walking plan, "
            "flare-up plan and the warning signs, shaped by the recommendation."
        ),
    )
    summary = sub.add_parser(
        "summary",
        help="write the one-page clinician summary (PDF) for one assessment",
        description="Read one JSON assessment and write the clinician summary for the record.",
    )
    for command in (handout, summary):
        command.add_argument("file", metavar="FILE|-", help="assessment JSON; - is stdin")
        command.add_argument(
            "-o", "--output", required=True, metavar="OUT", help="file to write; - is stdout"
        )
        command.add_argument("--paper", choices=PAPERS, default="a4", help="paper size")
        command.add_argument("--clinic", default="", metavar="NAME", help="clinic name")
        command.add_argument("--phone", default="", metavar="NUMBER", help="clinic phone")
        command.add_argument(
            "--patient", default="", metavar="PSEUDONYM", help="patient pseudonym (no names)"
        )
        command.add_argument(
            "--sections",
            default=",".join(SECTIONS),
            metavar="LIST",
            help=f"sections to include (default: all): {','.join(SECTIONS)}",
        )
    handout.add_argument(
        "--format", choices=("pdf", "html"), help="pdf (default) or html (default for .html)"
    )
    sub.add_parser("schema", help="print the JSON Schemas of the input and the output")
    sub.add_parser("rules", help="print the rule table as Markdown")
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        if args.command == "recommend":
            return cmd_recommend(args.file, out, err)
        if args.command == "handout":
            return cmd_handout(args, out)
        if args.command == "summary":
            return cmd_summary(args, out)
        if args.command == "schema":
            out.write(json.dumps(schemas(), indent=2, ensure_ascii=False) + "\n")
            return 0
        out.write(rule_table_markdown())
        return 0
    except InputError as exc:
        _print_errors(exc.errors, err)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
