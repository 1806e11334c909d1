"""The `walkback` command line: recommendations, handouts, schemas and the rule table.

Exit status: 0 on success; 1 when some JSON Lines records were bad (each reported in its
place); 2 when the input as a whole, or the command line, is unusable.

Longer than most files: one parser and one dispatch for every command, so that each
command's options, errors and exit codes read the same; the work itself is elsewhere.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO, cast

from . import batch, textlines
from .clinic import DOCTORS, ClinicSettings
from .consultation.visit import screens_line
from .core.codes import Flag
from .core.engine import decide, recommend
from .core.jsontext import json_lines
from .core.models import Assessment, Recommendation
from .core.plaintext import escaped
from .core.rules import RULES
from .core.screens import CONDITION_INFO, FEATURES, TIER_RULES
from .core.validation import ROOT, AssessmentError, FieldError, validate_assessment_json
from .handouts import Format
from .handouts.content import PAPERS, SECTIONS, HandoutOptions
from .handouts.i18n import LANGUAGES
from .handouts.typeset import TypesetError

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store


class InputError(Exception):
    """The input cannot be read as assessments; carries one message per problem."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        with open(source, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise InputError([FieldError("FILE", f"cannot read {source!r}: {exc.strerror}")]) from exc
    return _text(data, source)


def assessment_from_json(text: str) -> Assessment:
    """Parse and validate one assessment; raise `InputError` naming each bad field."""
    if not text.strip():
        raise InputError([FieldError(ROOT, "empty input; expected one JSON object")])
    try:
        return validate_assessment_json(text)
    except AssessmentError as exc:
        raise InputError(exc.errors) from None


def _print_errors(errors: list[FieldError], err: TextIO) -> None:
    for e in errors:
        print(escaped(str(e)), file=err)


def cmd_recommend(source: str, out: TextIO, err: TextIO, short: bool = False) -> int:
    """`walkback recommend`: one object in, one recommendation out; or JSON Lines, read in
    chunks and answered across the machine's cores (`batch`)."""
    with _binary(source) as handle:
        try:
            plan = batch.layout(handle, _named(source))
        except batch.BatchError as exc:
            raise InputError(exc.errors) from None
        if plan.chunks is None:
            handle.seek(0)
            return _recommend_whole(_text(handle.read(), source), out, short)
        fd = handle.fileno()
        workers = os.cpu_count() or 1
        target = _fileno(out)
        shared = workers > 1 and hasattr(os, "fork")  # Windows answers in one process
        if shared and plan.records >= batch.PARALLEL_MIN_LINES and target is not None:
            out.flush()
            try:
                refused = batch.answer_in_workers(fd, plan.chunks, short, target, workers)
            except batch.BatchError as exc:
                raise InputError(exc.errors) from None
        else:
            refused = batch.answer_here(fd, plan.chunks, short, _bytes_to(out))
    return 1 if refused else 0


def _recommend_whole(text: str, out: TextIO, short: bool) -> int:
    """One object (or a text that is neither one object nor JSON Lines: its error)."""
    if not text.strip():
        raise InputError([FieldError(ROOT, "empty input; expected one JSON object")])
    try:
        records = json_lines(text)
    except AssessmentError as exc:
        raise InputError(exc.errors) from None
    if records is None:
        assessment = assessment_from_json(text)
        if short:
            out.write(json.dumps(batch.brief(1, decide(assessment))) + "\n")
            return 0
        out.write(recommend(assessment).model_dump_json(indent=2) + "\n")
        return 0
    # JSON Lines the first pass did not take for them: answered the same way, here.
    write = _bytes_to(out)
    refused = False
    for number, line in records:
        text_, bad = batch.answer(number, line.encode("utf-8"), short)
        write(text_)
        refused = refused or bad
    return 1 if refused else 0


@contextlib.contextmanager
def _binary(source: str) -> Iterator[BinaryIO]:
    """The input as a binary file that can be read twice: a regular file as it is; standard
    input, a pipe or a device copied first to a private temporary file (0600, already
    unlinked), from where it stands."""
    import stat
    import tempfile

    with contextlib.ExitStack() as closing:
        if source == "-":
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:  # a text stream with no bytes beneath (in-process callers)
                stream = io.BytesIO(sys.stdin.read().encode("utf-8", errors="surrogatepass"))
        else:
            try:
                stream = closing.enter_context(open(source, "rb"))
            except OSError as exc:
                problem = f"cannot read {source!r}: {exc.strerror}"
                raise InputError([FieldError("FILE", problem)]) from exc
            if stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                yield stream
                return
        spool = closing.enter_context(tempfile.TemporaryFile())
        try:
            while block := stream.read(textlines.BLOCK_BYTES):
                spool.write(block)
        except OSError as exc:
            problem = f"cannot read {_named(source)}: {exc.strerror}"
            raise InputError([FieldError("FILE", problem)]) from exc
        spool.seek(0)
        yield spool


def _text(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([FieldError("FILE", f"{_named(source)} is not UTF-8 text")]) from None


def _named(source: str) -> str:
    """An input as a message names it."""
    return "standard input" if source == "-" else repr(source)


def _fileno(out: TextIO) -> int | None:
    """The descriptor beneath `out`, when it has one workers can write to."""
    try:
        return out.fileno()
    except (OSError, ValueError):
        return None


def _bytes_to(out: TextIO) -> Callable[[bytes], object]:
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        return cast(Callable[[bytes], object], buffer.write)
    return lambda data: out.write(data.decode("utf-8"))


def check_output(target: str, force: bool, sources: Sequence[str] = ()) -> None:
    """Refuse an output that would lose something: an existing file without --force, the
    input itself, or anything that is not a regular file (`-` is stdout)."""
    if target == "-":
        return
    path = os.path.abspath(target)
    if not os.path.lexists(path):
        return
    if any(s != "-" and os.path.exists(s) and os.path.samefile(s, path) for s in sources):
        raise InputError([FieldError("OUT", f"{target!r} is the input file; write elsewhere")])
    if not os.path.isfile(path) or os.path.islink(path):
        problem = f"{target!r} is not a regular file; name a file, or - for stdout"
        raise InputError([FieldError("OUT", problem)])
    if not force:
        raise InputError([FieldError("OUT", f"{target!r} exists; add --force to replace it")])


def _write(target: str, data: bytes | Iterable[bytes], out: TextIO) -> None:
    """Write a file whole or not at all (a temporary file, then a rename); - is stdout.
    `data` may come in pieces (an export of every patient, streamed): a failure half-way
    removes what was written and says why.

    The file is private to its owner (0600), also when it replaces an older one.
    """
    pieces = [data] if isinstance(data, bytes) else data
    if target == "-":
        buffer = getattr(out, "buffer", None)
        for piece in pieces:
            if buffer is not None:
                buffer.write(piece)
            else:
                out.write(piece.decode("utf-8", errors="replace"))
        if buffer is not None:
            buffer.flush()
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
        with os.fdopen(fd, "wb") as handle:  # mkstemp makes it 0600, and the rename keeps it
            for piece in pieces:
                handle.write(piece)
        os.replace(temp, target)
    except BaseException as exc:
        os.unlink(temp)
        if isinstance(exc, OSError):
            raise InputError(
                [FieldError("OUT", f"cannot write {target!r}: {exc.strerror}")]
            ) from exc
        raise


def _count(least: int) -> Callable[[str], int]:
    """An argument that is a whole number of at least `least`, refused in words otherwise."""

    def read(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if value < least:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {least} up; you gave {text[:20]!r}"
            )
        return value

    return read


def _today() -> date:
    """The clinic's day now, in its time zone (the record's settings), as the app has it."""
    from .clinic import today

    return today(_saved_settings().zone)


def _saved_settings() -> ClinicSettings:
    """The clinic's settings from the record, when there is one; else the defaults.

    A record that does not exist yet is not created just to read its settings.
    """
    from .store import ENV_URL, StoreError, default_url

    url = os.environ.get(ENV_URL)
    if not url:
        url = default_url()
        path = url.removeprefix("sqlite:///")
        if not os.path.exists(path):
            return ClinicSettings()
    try:
        from .store import Store

        with Store.open(url) as store:
            return store.settings()
    except StoreError as exc:
        raise InputError([FieldError("clinic settings", str(exc))]) from exc


def _handout_options(args: argparse.Namespace) -> HandoutOptions:
    """The clinic's saved settings, with what the command line gives in their place."""
    from .clinic import settings_errors
    from .handouts.content import option_errors

    saved = _saved_settings()
    given = {
        "name": args.clinic,
        "phone": args.phone,
        "emergency": args.emergency,
        "doctor": args.doctor,
        "clinician": args.clinician,
        "paper": args.paper,
    }
    values = {**saved.to_json(), **{k: v for k, v in given.items() if v is not None}}
    errors = {f"--{'clinic' if k == 'name' else k}": v for k, v in settings_errors(values).items()}
    patient_problem = option_errors("", "", args.patient).get("patient")
    if patient_problem:
        errors["--patient"] = patient_problem
    sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        errors["--sections"] = f"a comma-separated list of {', '.join(SECTIONS)}"
    review = None
    if getattr(args, "review", None):
        try:
            review = date.fromisoformat(args.review)
        except ValueError:
            errors["--review"] = "a date as YYYY-MM-DD"
    if errors:
        raise InputError([FieldError(k, v) for k, v in errors.items()])
    return HandoutOptions.from_settings(
        ClinicSettings.from_json(values),
        patient=args.patient,
        sections=sections,
        review=review,
        issued=_today(),
        # The emergency team's box and the letter print when, with the zone.
        assessed_at=datetime.now().astimezone(),  # the clinic's local time, by its settings
        language=getattr(args, "language", None) or "en",
    )


def _confirmed(args: argparse.Namespace, rec: Recommendation) -> None:
    """A pain rating that disagrees with the flare level is re-checked before printing."""
    if Flag.PAIN_LEVEL_MISMATCH in rec.flags and not args.pain_checked:
        raise InputError(
            [
                FieldError(
                    "flare",
                    "the pain rating and the flare level disagree: re-check both with the "
                    "patient, then print again with --pain-checked",
                )
            ]
        )


def cmd_handout(args: argparse.Namespace, out: TextIO) -> int:
    """`walkback handout`: the patient handout for one assessment, as PDF or HTML."""
    from .handouts import handout_file

    options = _handout_options(args)
    check_output(args.output, args.force, [args.file])
    assessment = assessment_from_json(_read(args.file))
    rec = recommend(assessment)
    _confirmed(args, rec)
    _write(args.output, handout_file(assessment, options, _format(args), rec), out)
    return 0


def _format(args: argparse.Namespace) -> Format:
    """The output's format: as asked, else html for an .html file name, else pdf."""
    chosen: Format = args.format or (
        "html" if args.output.lower().endswith((".html", ".htm")) else "pdf"
    )
    return chosen


def cmd_summary(args: argparse.Namespace, out: TextIO) -> int:
    """`walkback summary`: the one-page clinician summary for one assessment, as PDF or
    its web page."""
    from .handouts import summary_file

    options = _handout_options(args)
    check_output(args.output, args.force, [args.file])
    assessment = assessment_from_json(_read(args.file))
    _write(args.output, summary_file(assessment, options, fmt=_format(args)), out)
    return 0


def cmd_slip(args: argparse.Namespace, out: TextIO) -> int:
    """`walkback slip`: the discreet contacts slip, from the clinic's saved settings."""
    from .handouts.content import HandoutOptions
    from .handouts.slip import missing, slip_pdf

    options = HandoutOptions.from_settings(
        _saved_settings(), issued=_today(), language=args.language or "en"
    )
    reason = missing(options)
    if reason is not None:
        raise InputError([FieldError("settings", reason)])
    check_output(args.output, args.force, [])
    _write(args.output, slip_pdf(options), out)
    return 0


def cmd_letter(args: argparse.Namespace, out: TextIO) -> int:
    """`walkback letter`: the one-page referral letter for one assessment, as PDF."""
    from .handouts.letter import letter_page, letter_pdf

    options = _handout_options(args)
    at = None
    if args.at:
        try:
            # A time without a zone is this computer's local time; the letter prints the zone.
            at = datetime.fromisoformat(args.at).astimezone()
        except ValueError as exc:
            raise InputError(
                [FieldError("--at", "a date and time as YYYY-MM-DDTHH:MM, with or without a zone")]
            ) from exc
    check_output(args.output, args.force, [args.file])
    assessment = assessment_from_json(_read(args.file))
    rec = recommend(assessment)
    if rec.referral is None:
        raise InputError(
            [
                FieldError(
                    "FILE",
                    "this assessment makes no referral: a letter is written only for an "
                    "emergency, same-day, urgent or routine referral",
                )
            ]
        )
    _confirmed(args, rec)
    details = _letter_details(args, assessment)
    moment = at or datetime.now().astimezone()
    build = letter_page if _format(args) == "html" else letter_pdf
    _write(args.output, build(assessment, rec, options, moment, details), out)
    return 0


def cmd_card(args: argparse.Namespace, out: TextIO) -> int:
    """`walkback card`: the monthly follow-up card given at discharge."""
    from .handouts.card import card_pdf, card_problems
    from .handouts.content import HandoutOptions, option_errors

    problems = []
    try:
        discharge = date.fromisoformat(args.discharge)
    except ValueError:
        problems.append(FieldError("--discharge", "a date as YYYY-MM-DD"))
        discharge = _today()
    found = card_problems(discharge, args.months, _today())
    problems += [FieldError(f"--{field}", words) for field, words in found.items()]
    patient_problem = option_errors("", "", args.patient).get("patient")
    if patient_problem:
        problems.append(FieldError("--patient", patient_problem))
    if problems:
        raise InputError(problems)
    check_output(args.output, args.force)
    options = HandoutOptions.from_settings(
        _saved_settings(),
        patient=args.patient,
        issued=_today(),
        language=args.language or "en",
        **({"paper": args.paper} if args.paper else {}),
    )
    _write(args.output, card_pdf(discharge, options, args.months), out)
    return 0


def cmd_worksheet(args: argparse.Namespace, out: TextIO) -> int:
    """`walkback worksheet`: teaching cases without answers, or (--key) their answer key."""
    from .handouts.worksheet import worksheet_pdf
    from .teaching.cases import CASES_BY_ID
    from .teaching.lessons import TOPICS, cases_for

    topics = [t.strip() for t in (args.topics or "").split(",") if t.strip()]
    ids = [i.strip() for i in (args.cases or "").split(",") if i.strip()]
    problems = [
        FieldError("--topics", f"{t!r} is not a topic; choose from {', '.join(TOPICS)}")
        for t in topics
        if t not in TOPICS
    ] + [
        FieldError(
            "--cases", f"{i!r} is not a demo case; use demo-01 to demo-{len(CASES_BY_ID):02d}"
        )
        for i in ids
        if i not in CASES_BY_ID
    ]
    if problems:
        raise InputError(problems)
    check_output(args.output, args.force)
    chosen = cases_for(topics, ids)
    _write(args.output, worksheet_pdf(chosen, key=args.key, paper=args.paper), out)
    return 0


def cmd_settings(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`walkback settings show|set`: the clinic's settings in the record."""
    from .clinic import SETTING_LABELS
    from .store import StoreError

    try:
        with _store() as store:
            if args.action == "set":
                given = {
                    key: getattr(args, key)
                    for key in SETTING_LABELS
                    if getattr(args, key, None) is not None
                }
                if not given:
                    raise InputError(
                        [FieldError("settings", "give at least one setting to change")]
                    )
                current = store.save_settings(given, actor=command_line_actor())
            else:
                current = store.settings()
    except StoreError as exc:
        print(escaped(f"settings: {exc}"), file=err)
        return 2
    if args.json:
        out.write(json.dumps(current.to_json(), indent=2) + "\n")
    else:
        for key, value in current.to_json().items():
            out.write(f"{SETTING_LABELS[key]}: {escaped(value) or '(not set)'}\n")
    return 0


def _store() -> Store:
    from .store import Store

    return Store.open()


def _date(stamp: str | None) -> str:
    return "" if stamp is None else stamp[:16].replace("T", " ")


def cmd_patients(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`walkback patients ...`: the local patient record."""
    from .store import ImportError_, StoreError

    try:
        with _store() as store:
            return _patients(store, args, out)
    except ImportError_ as exc:
        _print_errors(exc.errors, err)
    except StoreError as exc:
        print(escaped(f"{getattr(args, 'id', None) or 'patients'}: {exc}"), file=err)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("fhir"):
            print("--fhir: needs the optional extra: pip install 'walkback-cds[fhir]'", file=err)
        else:
            raise
    return 2


def _record(store: Store, args: argparse.Namespace) -> tuple[Any, Any]:
    """Record a visit as the app does: the assessment with the visit's date, clinician and
    screens, each carried finding answered, an open referral's status, through the same
    consultation layer; every problem is named by its option and nothing is saved."""
    from .consultation.decided import decide
    from .consultation.form import form_from_assessment
    from .consultation.review import start_review

    assessment = assessment_from_json(_read(args.file))
    today = _today()
    day = _iso_day(args.visit_date, "--visit-date") if args.visit_date else today
    history = store.consultations(args.id)
    followed = store.referrals(args.id)
    start = start_review(args.id, history, day, followed)
    form = form_from_assessment(assessment.model_dump(mode="json")).model_copy(
        update={
            "visit_date": day.isoformat(),
            "clinician": args.clinician or "",
            # Not given: not asked, never negative (a ticked feature makes a screen positive).
            "red_flags_asked": args.red_flags or "not_asked",
            "exercise_asked": args.exercise_screen or "not_asked",
            "carried": {},
            "exam_findings": args.exam or "",
            "onsets": _onsets(args, assessment),
        }
    )
    problems: list[FieldError] = []
    answers: dict[str, str] = {}
    for given in args.carried or []:
        key, _, answer = given.partition("=")
        answers[key] = answer
    if start is not None and assessment.visit == "review":
        known = {c.key for c in start.carried}
        for key, answer in answers.items():
            if key not in known:
                problems.append(
                    FieldError(
                        "--carried",
                        f"{key} was not found at the last visit; carried: "
                        + (", ".join(sorted(known)) or "none"),
                    )
                )
            elif answer not in ("present", "resolved"):
                problems.append(
                    FieldError("--carried", f"{key}: answer present or resolved, not {answer!r}")
                )
        form = form.model_copy(
            update={"carried": {c.key: answers.get(c.key) for c in start.carried}}
        )
        if start.referral is not None:
            form = form.model_copy(
                update={
                    "referral_id": start.referral.id,
                    "referral_status": args.referral_status,
                    "referral_note": args.referral_note or "",
                }
            )
    elif answers:
        problems.append(FieldError("--carried", "only a review carries findings from a visit"))
    if problems:
        raise InputError(problems)
    advised = None if start is None or start.referral is None else start.referral.advised_on
    decided, errors = decide(form, today, advised)
    if decided is None:
        raise InputError(
            [FieldError(_OPTIONS.get(field, field), m) for field, ms in errors.items() for m in ms]
        )
    return store.record(
        args.id,
        decided.assessment,
        details=decided.details,
        actor=command_line_actor(),
        rec=decided.recommendation,
        referral=decided.referral,
    )


# Each form field the record command sets, by the option that sets it.
_OPTIONS = {
    "visit_date": "--visit-date",
    "clinician": "--clinician",
    "red_flags_asked": "--red-flags",
    "exercise_asked": "--exercise-screen",
    "carried": "--carried",
    "referral_status": "--referral-status",
    "referral_note": "--referral-note",
    "exam_findings": "--exam",
    "onsets": "--onset",
}


def _onsets(args: argparse.Namespace, assessment: Any) -> dict[str, str]:
    """Each --onset FEATURE=WHEN, for a red-flag feature the assessment ticks."""
    onsets: dict[str, str] = {}
    problems: list[FieldError] = []
    for given in args.onset or []:
        code, sep, when = given.partition("=")
        if not sep or not when.strip():
            problems.append(FieldError("--onset", f"FEATURE=WHEN, not {given!r}"))
        elif code not in assessment.red_flags:
            ticked = ", ".join(assessment.red_flags) or "none"
            problems.append(
                FieldError("--onset", f"{code} is not a ticked red-flag feature; ticked: {ticked}")
            )
        else:
            onsets[code] = when
    if problems:
        raise InputError(problems)
    return onsets


def _letter_details(args: argparse.Namespace, assessment: Any) -> Any:
    """The visit's onsets and examination findings for a letter, checked as the record
    checks them (every problem named by its option)."""
    from pydantic import ValidationError

    from .consultation.visit import LABELS, VisitDetails, problems_by_field, screen_status

    onsets = _onsets(args, assessment)
    if not onsets and not args.exam:
        return None
    data = {
        "visit_date": _today().isoformat(),
        "screens": screen_status(assessment, None, None),
        "exam_findings": args.exam or None,
        "onsets": onsets or None,
    }
    try:
        return VisitDetails.model_validate(data)
    except ValidationError as exc:
        problems = problems_by_field(exc, VisitDetails, LABELS)
        raise InputError(
            [FieldError(_OPTIONS.get(field, field), m) for field, m in problems.items()]
        ) from None


def _letter_arguments(parser: argparse.ArgumentParser) -> None:
    """The letter's clinical details, kept with the record: never on a patient sheet."""
    parser.add_argument(
        "--exam",
        metavar="TEXT",
        help="examination findings for the referral letter (myotomes, dermatomes, reflexes, "
        "saddle sensation)",
    )
    parser.add_argument(
        "--onset",
        action="append",
        metavar="FEATURE=WHEN",
        help="when a ticked red-flag symptom began, for the letter (repeat for each)",
    )


def _iso_day(text: str, option: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or day.isoformat() != text:
        raise InputError([FieldError(option, f"a date as YYYY-MM-DD, not {text!r}")])
    return day


def _patients(store: Store, args: argparse.Namespace, out: TextIO) -> int:
    from .consultation.review import start_review
    from .store import dumps

    action = args.action
    if action == "new":
        out.write(store.new_patient(args.label).id + "\n")
    elif action == "record":
        _, rec = _record(store, args)
        out.write(rec.model_dump_json(indent=2) + "\n")
    elif action == "list":
        rows = store.patients(args.search or "", limit=args.limit, offset=args.offset)
        store.audit(command_line_actor(), "list_patients", None, f"{len(rows)} patients")
        if args.json:
            out.write(
                json.dumps(
                    [
                        {
                            "id": r.id,
                            "label": r.label,
                            "consultations": r.consultations,
                            "last_seen": r.last_seen,
                            "last_decision": r.last_decision,
                            "next_review": r.next_review,
                            "open_referral": r.open_referral,
                            "referral_follow_up": r.referral_follow_up,
                        }
                        for r in rows
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
                + "\n"
            )
        else:
            for r in rows:
                out.write(
                    f"{r.id}  {r.consultations:>3} visits  {_date(r.last_seen):16}  "
                    f"{r.last_decision or '':20}  {escaped(r.label or '')}\n"
                )
                if r.open_referral:
                    out.write(f"         open: {escaped(r.referral_line or '')}\n")
    elif action == "show":
        patient = store.patient(args.id)
        # A read of the record: noted before anything is shown (no row, nothing shown).
        store.audit(command_line_actor(), "open_patient", args.id, "command line")
        history = store.consultations(args.id)
        label = escaped(patient.label or "(no label)")
        out.write(f"{patient.id}  {label}  since {_date(patient.created_at)}\n")
        for number, c in enumerate(history, start=1):
            cards = c.recommendation.get("cards") or [{"summary": "(no card recorded)"}]
            summary = escaped(str(cards[0].get("summary", "")))
            out.write(f"  {number}. {c.visit_date}  {c.decision}: {summary}\n")
            visit = c.visit()
            if visit is not None:
                who = escaped(visit.clinician) if visit.clinician else "clinician not recorded"
                review = (
                    f"next review {visit.review_date}" if visit.review_date else "no review set"
                )
                out.write(f"     {who} · {review} · {screens_line(visit.screens)}\n")
                if visit.corrects:
                    out.write(f"     corrects the consultation recorded {visit.corrects}\n")
        for week in store.diary(args.id):
            out.write(
                f"  diary {week.week_start}: {week.walks} walks, {week.minutes} min, "
                f"worst pain {week.worst_pain}\n"
            )
        for referral in store.referrals(args.id):
            out.write(f"  referral {referral.id}: {escaped(referral.line())}\n")
        start = start_review(args.id, history, _today(), store.referrals(args.id))
        if start is not None:
            walks, minutes = start.form.walks_per_week, start.form.minutes_per_walk
            if walks is None:
                why = (
                    "walking was stopped for the referral"
                    if start.stopped_for_referral is not None or start.referral is not None
                    else f"this week's plan is {start.prefill.plan_range} min"
                    if start.prefill.plan_range is not None
                    else "the walking was not asked at the last visit"
                )
                out.write(f"  next review: {why}; ask what was walked\n")
            else:
                out.write(f"  next review starts at {walks} walks of {minutes} min\n")
            for found in start.carried:
                out.write(
                    f"  carried to the next review: {found.key} ({found.words}, "
                    f"since {found.since})\n"
                )
    elif action == "export":
        if args.all == bool(args.id) or (args.all and args.fhir):
            raise InputError(
                [FieldError("ID", "give one patient ID, or --all (JSON Lines; not with --fhir)")]
            )
        check_output(args.output, args.force)
        data: str | Iterator[bytes]
        if args.all:  # streamed patient by patient: memory stays flat with the record's size
            data = (dumps(p).encode("utf-8") + b"\n" for p in store.export_all())
        elif args.fhir:
            from .store.fhir import patient_bundle

            data = json.dumps(patient_bundle(store, args.id), ensure_ascii=False, indent=2) + "\n"
        else:
            data = json.dumps(store.export(args.id), ensure_ascii=False, indent=2) + "\n"
        # An export the audit trail cannot record is not made: the row first, then the file.
        what = "all patients" if args.all else ("FHIR" if args.fhir else "JSON")
        store.audit(command_line_actor(), "export", None if args.all else args.id, what)
        _write(args.output, data.encode("utf-8") if isinstance(data, str) else data, out)
    elif action == "import":
        replace, newer = args.replace or bool(args.replace_newer), args.replace_newer or ()
        large = _large(args.file)
        if large is not None:  # a backup larger than a file read whole: a line at a time
            with large:
                ids = store.import_backup(large, replace, command_line_actor(), newer)
        else:
            ids = store.import_file(_read_bytes(args.file), replace, command_line_actor(), newer)
        out.write(_imported(ids))
    elif action in ("due", "discharge", "check-in", "check-ins", "outcomes"):
        _follow_up(store, args, out)
    else:  # delete
        if not args.yes:
            raise InputError(
                [FieldError("--yes", f"deleting {args.id} and all its consultations needs --yes")]
            )
        gone = store.delete_patient(args.id, actor=command_line_actor())
        out.write(f"deleted {args.id} and {gone} consultation{'s' if gone != 1 else ''}\n")
    return 0


def _yes_no(value: str | None) -> bool | None:
    return None if value is None else value == "yes"


def _follow_up(store: Store, args: argparse.Namespace, out: TextIO) -> None:
    """Discharge, the monthly check-ins, who is due, and the clinic's outcomes."""
    from .outcomes.followup import CheckIn, due_day, due_week, outcome_words

    who = command_line_actor()
    today = _today()
    if args.action == "due":
        due = store.follow_ups_due(today, limit=args.limit, offset=args.offset)
        if not due:
            out.write("no follow-up due by a week from today\n")
        for week in ("overdue", "this week", "next week"):
            items = [d for d in due if due_week(d.day, today) == week]
            if items:
                out.write(f"{week} ({len(items)}):\n")
            for d in items:
                out.write(
                    f"  {d.patient_id}  month {d.month:>2}  due {d.day.isoformat()}  "
                    f"discharged {d.discharged.isoformat()}  {escaped(d.label or '')}\n"
                )
    elif args.action == "discharge":
        day = _iso_day(args.day, "--day") if args.day else today
        episode = store.discharge(args.id, day, args.reason, actor=who)
        first = due_day(episode.discharge, 1).isoformat()
        out.write(f"{args.id} discharged {day.isoformat()}; month 1 check-in falls due {first}\n")
    elif args.action == "check-in":
        began = None
        month_only = False
        if args.began:
            if len(args.began) == 7:
                began, month_only = _iso_day(args.began + "-01", "--began"), True
            else:
                began = _iso_day(args.began, "--began")
        entry = CheckIn(
            args.month,
            _iso_day(args.asked_on, "--asked-on") if args.asked_on else today,
            args.by,
            args.how,
            not args.no_answer,
            _yes_no(args.pain),
            _yes_no(args.limited),
            _yes_no(args.sought_care),
            began,
            month_only,
        )
        episode = store.record_check_in(args.id, entry, actor=who, replace=args.correct)
        out.write(f"{args.id} month {args.month} kept. "
                  f"{outcome_words(episode.discharge, episode.check_ins)}\n")  # fmt: skip
    elif args.action == "check-ins":
        from .store import read_check_ins

        count = store.import_check_ins(read_check_ins(_read_bytes(args.file)), actor=who)
        out.write(f"imported {count} check-in{'s' if count != 1 else ''}\n")
    else:  # outcomes
        _outcomes(store, args, out)


def _outcomes(store: Store, args: argparse.Namespace, out: TextIO) -> None:
    """The clinic's curve beside the trial, or every check-in as CSV or FHIR."""
    from .csvtext import csv_text
    from .outcomes.cohort import compare

    if args.csv or args.fhir:
        check_output(args.output, args.force)
        episodes = store.all_episodes()
        if args.csv:
            from .store.checkins import export_rows

            data = csv_text(export_rows(episodes))
        else:
            from .store.fhir import follow_up_bundle

            data = json.dumps(follow_up_bundle(episodes), ensure_ascii=False, indent=2) + "\n"
        store.audit(command_line_actor(), "export_outcomes", None, "CSV" if args.csv else "FHIR")
        _write(args.output, data.encode("utf-8"), out)
        return
    members = store.cohort()
    store.audit(command_line_actor(), "view_outcomes", None, f"{len(members)} people")
    c = compare(members)
    curve = c.curve
    out.write(
        f"discharged {c.discharged}, followed {c.followed}, recurrences "
        f"{curve.events if curve else 0} (care sought for {c.care_seeking})\n"
    )
    if curve is not None:
        median = "not reached" if curve.median is None else f"{curve.median:.0f} days"
        if curve.median_lower is not None:
            upper = "not bounded" if curve.median_upper is None else f"{curve.median_upper:.0f}"
            median += f" (95% CI {curve.median_lower:.0f} to {upper})"
        out.write(f"median {median}\n")
        out.write("still followed at day " + ", ".join(f"{t}: {n}" for t, n in c.at_risk) + "\n")
    out.write(c.words + "\n")


def command_line_actor() -> str:
    """Who acts from the command line, as the audit trail names them: the system account."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"command line: {user}"


def cmd_admin(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`walkback admin backup|restore|migrate|audit`: the whole record, for an administrator."""
    from .store import StoreError, default_url, describe_url
    from .store.backup import backup, ready, restore
    from .store.repo import APP_ROLE, migrate

    url = default_url()
    try:
        if args.action == "backup":
            check_output(args.output, args.force)
            ready(url)  # a record that is not there (a mistyped address) is never made
            with _store() as store:  # the row first: a backup the trail cannot note is not made
                store.audit(command_line_actor(), "backup", None, args.output)
            backup(Path(args.output), url)
            out.write(f"backed up {describe_url(url)} to {args.output}\n")
        elif args.action == "restore":
            restore(Path(args.file), url)
            with _store() as store:  # into the restored record's own trail
                store.audit(command_line_actor(), "restore", None, args.file)
            out.write(f"restored {args.file} into {describe_url(url)}\n")
        elif args.action == "migrate":
            before, now_at, granted = migrate(url)
            with _store() as store:
                store.audit(command_line_actor(), "migrate", None, f"schema {now_at}")
            was = "already" if before == now_at else f"brought from {before or 'nothing'} to"
            out.write(f"the record at {describe_url(url)} is {was} schema {now_at}\n")
            if granted:
                out.write(f"the app's role {APP_ROLE} may read and write it, and add to the "
                          "audit trail, nothing more\n")  # fmt: skip
        elif args.verify:
            with _store() as store:
                covered, legacy, breaks = store.verify_audit()
                store.audit(command_line_actor(), "read_audit", None, "verified")
            for problem in breaks:
                print(escaped(problem), file=err)
            if breaks:
                return 2
            older = f", {legacy:,} older rows from before the chain" if legacy else ""
            rows_said = f"{covered:,} row{'s' if covered != 1 else ''}"
            out.write(f"the audit trail's chain holds: {rows_said}{older}\n")
        else:
            with _store() as store:
                rows = store.audit_trail(patient=args.patient, actor=args.actor, limit=args.last)
                store.audit(command_line_actor(), "read_audit", None, f"{len(rows)} rows")
            if args.json:
                out.write(json.dumps([_row(r) for r in rows], ensure_ascii=False, indent=2) + "\n")
            else:
                for r in rows:
                    out.write(escaped(f"{r.at[:19]}  {r.actor}  {r.action}  {r.patient or '-'}  "
                                      f"{r.detail or ''}".rstrip()) + "\n")  # fmt: skip
    except StoreError as exc:
        print(escaped(f"admin {args.action}: {exc}"), file=err)
        return 2
    return 0


def _row(r: Any) -> dict[str, Any]:
    return {f: getattr(r, f) for f in ("id", "at", "actor", "action", "patient", "detail")}


def _large(source: str) -> BinaryIO | None:
    """A file too large to read whole, opened to be read a line at a time (else None)."""
    from .store.transfer import MAX_IMPORT_BYTES

    if source == "-":
        return None
    try:
        if os.path.getsize(source) <= MAX_IMPORT_BYTES:
            return None
        return open(source, "rb")
    except OSError:
        return None  # `_read_bytes` says what is wrong with it


IDS_SHOWN = 20


def _imported(ids: Sequence[str]) -> str:
    """What an import says it did: every ID, or the first few of a large backup."""
    shown = " ".join(ids[:IDS_SHOWN])
    if len(ids) > IDS_SHOWN:
        shown += f" … and {len(ids) - IDS_SHOWN:,} more"
    return f"imported {len(ids):,} patient{'s' if len(ids) != 1 else ''}: {shown}\n"


def _read_bytes(source: str) -> bytes:
    from .store.transfer import MAX_IMPORT_BYTES

    if source == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:
            return sys.stdin.read(MAX_IMPORT_BYTES + 1).encode("utf-8")
        data: bytes = buffer.read(MAX_IMPORT_BYTES + 1)
        return data
    try:
        if os.path.getsize(source) > MAX_IMPORT_BYTES:
            return b" " * (MAX_IMPORT_BYTES + 1)  # refused by size, without reading it
        with open(source, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError([FieldError("FILE", f"cannot read {source!r}: {exc.strerror}")]) from exc


def schemas() -> dict[str, object]:
    """The JSON Schemas of the input and the output."""
    return {
        "assessment": Assessment.model_json_schema(),
        "recommendation": Recommendation.model_json_schema(mode="serialization"),
    }


def screen_table_markdown() -> str:
    """The screens' tier rules as Markdown: id, condition, when, tier, features read."""
    rows = ["| id | condition | when | tier |", "|---|---|---|---|"]
    for rule in TIER_RULES:
        rows.append(
            f"| {rule.id} | {CONDITION_INFO[rule.condition].name} (`{rule.condition}`) | "
            f"{rule.when} | `{rule.tier}` |"
        )
    return "\n".join(rows) + "\n"


def feature_table_markdown() -> str:
    """Every feature a clinician ticks: code, condition, wording."""
    rows = ["| code | condition | what the clinician ticks |", "|---|---|---|"]
    for feature in FEATURES.values():
        rows.append(f"| `{feature.code}` | `{feature.condition}` | {feature.wording} |")
    return "\n".join(rows) + "\n"


def rule_table_markdown() -> str:
    """The decision and flag rules as Markdown: id, title, sets, evidence level, sources."""
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


def _patients_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    patients = sub.add_parser(
        "patients",
        help="the local patient record (pseudonymous IDs, consultations, export, import)",
        description=(
            "The patient record, in SQLite in your user data folder, or at the SQLAlchemy "
            "URL in WALKBACK_DB_URL. Patients have pseudonyms only: never store names."
        ),
    )
    actions = patients.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = actions.add_parser("new", help="create a patient; print the new ID alone")
    new.add_argument("--label", default=None, help="your own non-identifying label")
    record = actions.add_parser(
        "record", help="save a consultation from an assessment JSON; print its recommendation"
    )
    record.add_argument("id", metavar="ID")
    record.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    record.add_argument("--visit-date", metavar="YYYY-MM-DD", help="default: today")
    record.add_argument("--clinician", metavar="NAME", help="name or initials")
    for option, what in (("--red-flags", "red-flag"), ("--exercise-screen", "exercise-safety")):
        record.add_argument(
            option,
            choices=("none_present", "not_asked"),
            help=f"with no {what} feature ticked: none present, or not asked (positive "
            "when a feature is ticked)",
        )
    record.add_argument(
        "--carried",
        action="append",
        metavar="FINDING=present|resolved",
        help="at a review, each finding carried from the last visit (see show), answered",
    )
    record.add_argument(
        "--referral-status",
        choices=("advised", "made", "seen", "declined", "lost"),
        help="at a review with an open referral: what became of it",
    )
    record.add_argument("--referral-note", metavar="TEXT", help="the referral's outcome, briefly")
    _letter_arguments(record)
    listing = actions.add_parser("list", help="list patients, most recently seen first")
    listing.add_argument("--json", action="store_true", help="as JSON")
    listing.add_argument("--search", default="", metavar="TEXT", help="ID or label contains")
    listing.add_argument(
        "--limit", type=_count(1), metavar="N", help="at most N patients (a page of the list)"
    )
    listing.add_argument(
        "--offset", type=_count(0), default=0, metavar="N", help="leave out the first N"
    )
    show = actions.add_parser("show", help="one patient's consultations and diary")
    show.add_argument("id", metavar="ID")
    export = actions.add_parser("export", help="export one patient (JSON or FHIR) or all")
    export.add_argument("id", nargs="?", metavar="ID")
    export.add_argument("--all", action="store_true", help="every patient, as JSON Lines")
    export.add_argument("--fhir", action="store_true", help="a FHIR R4B Bundle")
    export.add_argument("-o", "--output", default="-", metavar="FILE", help="default: stdout")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    imports = actions.add_parser(
        "import", help="import a patient file or a JSON Lines backup (all or nothing)"
    )
    imports.add_argument("file", metavar="FILE|-")
    imports.add_argument("--replace", action="store_true", help="overwrite existing IDs")
    imports.add_argument(
        "--replace-newer",
        action="append",
        metavar="ID",
        help="replace patient ID even though the record holds consultations newer than the "
        "file (they are deleted); name each such patient",
    )
    due = actions.add_parser("due", help="the monthly follow-up check-ins due, by week")
    due.set_defaults(id=None)
    due.add_argument(
        "--limit", type=_count(1), metavar="N", help="at most N patients (a page of the list)"
    )
    due.add_argument(
        "--offset", type=_count(0), default=0, metavar="N", help="leave out the first N"
    )
    discharge = actions.add_parser("discharge", help="end a patient's episode of care")
    discharge.add_argument("id", metavar="ID")
    discharge.add_argument("--day", metavar="YYYY-MM-DD", help="default: today")
    discharge.add_argument(
        "--reason", required=True, choices=("completed", "referred", "declined", "lost")
    )
    check_in = actions.add_parser(
        "check-in", help="record one month's follow-up after discharge (the trial's questions)"
    )
    check_in.add_argument("id", metavar="ID")
    check_in.add_argument("--month", type=int, required=True, help="months after discharge")
    check_in.add_argument("--asked-on", metavar="YYYY-MM-DD", help="default: today")
    check_in.add_argument("--by", required=True, metavar="NAME", help="who asked")
    check_in.add_argument("--how", required=True, choices=("phone", "in_person", "card", "message"))
    check_in.add_argument("--no-answer", action="store_true", help="asked, with no answer")
    for option, what in (
        ("--pain", "any low back pain lasting 24 hours or more"),
        ("--limited", "it limited activity"),
        ("--sought-care", "care was sought for it"),
    ):
        check_in.add_argument(option, choices=("yes", "no"), help=what)
    check_in.add_argument("--began", metavar="YYYY-MM-DD|YYYY-MM", help="when the pain began")
    check_in.add_argument("--correct", action="store_true", help="correct the month's entry")
    many = actions.add_parser("check-ins", help="import check-ins from CSV (all or nothing)")
    many.add_argument("file", metavar="FILE|-")
    many.set_defaults(id=None)
    results = actions.add_parser(
        "outcomes", help="the clinic's recurrence curve beside the trial, or its check-ins"
    )
    kind = results.add_mutually_exclusive_group()
    kind.add_argument("--csv", action="store_true", help="every check-in as CSV")
    kind.add_argument("--fhir", action="store_true", help="every check-in as FHIR Observations")
    results.add_argument("-o", "--output", default="-", metavar="FILE", help="default: stdout")
    results.add_argument("--force", action="store_true", help="replace FILE if it exists")
    results.set_defaults(id=None)
    delete = actions.add_parser("delete", help="delete a patient and all their records")
    delete.add_argument("id", metavar="ID")
    delete.add_argument("--yes", action="store_true", help="confirm the deletion")


def _settings_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from .clinic import SETTING_LABELS

    settings = sub.add_parser(
        "settings",
        help="show or set the clinic's settings, printed on every handout and letter",
        description="The clinic's settings, kept in the patient record (WALKBACK_DB_URL).",
    )
    actions = settings.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="print the settings")
    change = actions.add_parser("set", help="set one or more settings; the rest stay")
    for command in (show, change):
        command.add_argument("--json", action="store_true", help="print them as JSON")
    for key, label in SETTING_LABELS.items():
        option = "--" + key.replace("_", "-")
        if key == "doctor":
            change.add_argument(option, choices=DOCTORS, help=label)
        elif key == "paper":
            change.add_argument(option, choices=PAPERS, help=label)
        else:
            change.add_argument(option, metavar="TEXT", help=label)


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
    rec.add_argument(
        "--brief",
        action="store_true",
        help="one compact line per record: decision, doses, referral, flags, review",
    )
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
        help="write the one-page clinician summary (PDF or HTML) for one assessment",
        description="Read one JSON assessment and write the clinician summary for the record.",
    )
    letter = sub.add_parser(
        "letter",
        help="write the one-page referral letter (PDF or HTML) for one assessment",
        description=(
            "Read one JSON assessment that makes a referral and write the letter for the team "
            "the person is sent to: what was found, the tier, what they were told, and when."
        ),
    )
    letter.add_argument(
        "--at",
        metavar="WHEN",
        help="time of the assessment, YYYY-MM-DDTHH:MM, with a zone such as +01:00 or "
        "without one for local time (default: now)",
    )
    _letter_arguments(letter)
    for command in (handout, summary, letter):
        command.add_argument("file", metavar="FILE|-", help="assessment JSON; - is stdin")
        command.add_argument(
            "-o", "--output", required=True, metavar="OUT", help="file to write; - is stdout"
        )
        command.add_argument("--force", action="store_true", help="replace OUT if it exists")
        command.add_argument(
            "--paper", choices=PAPERS, help="paper size (default: the clinic's setting)"
        )
        command.add_argument("--clinic", metavar="NAME", help="clinic name (default: setting)")
        command.add_argument("--phone", metavar="NUMBER", help="clinic phone (default: setting)")
        command.add_argument(
            "--emergency", metavar="NUMBER", help="local emergency number (default: setting)"
        )
        command.add_argument(
            "--doctor", choices=DOCTORS, help="what patients call their doctor (default: setting)"
        )
        command.add_argument(
            "--clinician", metavar="NAME", help="the clinician's name (default: setting)"
        )
        command.add_argument("--review", metavar="DATE", help="next review date, YYYY-MM-DD")
        command.add_argument(
            "--pain-checked",
            action="store_true",
            help="the pain rating and the flare level have been re-checked (when they disagree)",
        )
        command.add_argument(
            "--patient", default="", metavar="PSEUDONYM", help="patient pseudonym (no names)"
        )
        command.add_argument(
            "--sections",
            default=",".join(SECTIONS),
            metavar="LIST",
            help=f"sections to include (default: all): {','.join(SECTIONS)}",
        )
    for command in (handout, summary, letter):
        command.add_argument(
            "--format",
            choices=("pdf", "html"),
            help="pdf (default), or html: the web page, for a screen reader (default for .html)",
        )
    slip = sub.add_parser(
        "slip",
        help="write the discreet crisis contacts slip (PDF) from the clinic's settings",
        description=(
            "One page with the clinic's crisis line, urgent mental-health contact and the "
            "emergency number, and nothing that names back pain or why it was given."
        ),
    )
    slip.add_argument("-o", "--output", required=True, metavar="OUT", help="file to write")
    slip.add_argument("--force", action="store_true", help="replace OUT if it exists")
    for command in (handout, slip):
        command.add_argument(
            "--language",
            choices=list(LANGUAGES),
            help="the language of the patient's sheet: "
            + ", ".join(f"{k} ({v})" for k, v in LANGUAGES.items())
            + "; default en",
        )
    sheet = sub.add_parser(
        "worksheet",
        help="write a teaching worksheet of demo cases (PDF), or its answer key",
        description=(
            "Write the demo cases without their answers for a class to work through, or with "
            "--key the answer key: each decision, dose, deciding rule and its reason."
        ),
    )
    sheet.add_argument("-o", "--output", required=True, metavar="OUT", help="file; - is stdout")
    sheet.add_argument("--force", action="store_true", help="replace OUT if it exists")
    sheet.add_argument("--key", action="store_true", help="the answer key, not the worksheet")
    sheet.add_argument("--topics", metavar="LIST", help="cases on any of these, comma-separated")
    sheet.add_argument("--cases", metavar="LIST", help="these cases, e.g. demo-02,demo-20")
    sheet.add_argument("--paper", choices=PAPERS, default="a4", help="paper size (default: a4)")
    card = sub.add_parser(
        "card",
        help="write the monthly follow-up card (PDF) given at discharge",
        description=(
            "One page for the person to keep after discharge: a row a month with the day it "
            "falls due and the three recurrence questions the clinic asks."
        ),
    )
    card.add_argument("--discharge", required=True, metavar="DATE", help="YYYY-MM-DD")
    card.add_argument("-o", "--output", required=True, metavar="OUT", help="file; - is stdout")
    card.add_argument("--force", action="store_true", help="replace OUT if it exists")
    card.add_argument("--months", type=int, default=12, help="months to list (default 12)")
    card.add_argument("--patient", default="", metavar="PSEUDONYM", help="printed in the footer")
    card.add_argument("--paper", choices=PAPERS, help="paper size (default: the clinic's setting)")
    card.add_argument("--language", choices=list(LANGUAGES), help="en (default) or es")
    _patients_parser(sub)
    _settings_parser(sub)
    admin = sub.add_parser(
        "admin",
        help="back up, restore or migrate the whole record, or read the audit trail",
        description=(
            "Back up the whole record (SQLite's backup API, or pg_dump -Fc for PostgreSQL), "
            "restore a backup into an empty record, bring its schema up to date as its owner, "
            "or print the audit trail."
        ),
    )
    actions = admin.add_subparsers(dest="action", required=True, metavar="ACTION")
    saving = actions.add_parser("backup", help="write a backup of the whole record")
    saving.add_argument("-o", "--output", required=True, metavar="FILE", help="backup file")
    saving.add_argument("--force", action="store_true", help="replace FILE if it exists")
    back = actions.add_parser("restore", help="restore a backup into an empty record")
    back.add_argument("file", metavar="FILE", help="a backup made by walkback admin backup")
    actions.add_parser(
        "migrate",
        help="bring the record's schema up to date, as its owner (PostgreSQL: and grant the "
        "app's role what it needs)",
    )
    trail = actions.add_parser("audit", help="print the audit trail, newest first")
    trail.add_argument("--patient", metavar="ID", help="one patient's rows")
    trail.add_argument("--actor", metavar="EMAIL", help="one person's rows")
    trail.add_argument("--last", type=int, metavar="N", help="the newest N rows only")
    trail.add_argument("--json", action="store_true", help="as JSON")
    trail.add_argument(
        "--verify", action="store_true", help="check the trail's hash chain (exit 2 if broken)"
    )
    sub.add_parser("schema", help="print the JSON Schemas of the input and the output")
    sub.add_parser("rules", help="print the screen, decision and flag tables as Markdown")
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        status = _run(args, out, err)
        out.flush()
        return status
    except InputError as exc:
        _print_errors(exc.errors, err)
        return 2
    except TypesetError as exc:  # the sheet and the cause; nothing was written
        print(str(exc), file=err)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet(out)
        return 0
    except OSError as exc:  # the output could not be written: a full disk, a closed stream
        _quiet(out)
        _print_errors([FieldError("OUT", f"cannot write the output: {exc.strerror or exc}")], err)
        return 2


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command == "recommend":
        return cmd_recommend(args.file, out, err, short=args.brief)
    if args.command == "handout":
        return cmd_handout(args, out)
    if args.command == "summary":
        return cmd_summary(args, out)
    if args.command == "card":
        return cmd_card(args, out)
    if args.command == "letter":
        return cmd_letter(args, out)
    if args.command == "worksheet":
        return cmd_worksheet(args, out)
    if args.command == "slip":
        return cmd_slip(args, out)
    if args.command == "settings":
        return cmd_settings(args, out, err)
    if args.command == "admin":
        return cmd_admin(args, out, err)
    if args.command == "patients":
        return cmd_patients(args, out, err)
    if args.command == "schema":
        out.write(json.dumps(schemas(), indent=2, ensure_ascii=False) + "\n")
        return 0
    out.write("## Screens\n\n" + screen_table_markdown() + "\n## Rules\n\n")
    out.write(rule_table_markdown())
    return 0


def _quiet(out: TextIO) -> None:
    """After a failed write to stdout, point it at the null device, so that the flush at
    exit does not fail a second time with a traceback."""
    if out is sys.stdout:
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
