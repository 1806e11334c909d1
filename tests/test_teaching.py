"""Teaching: the quiz's marking, the reveal, evidence appraised, the reasoning path and its
picture, side by side, the explorer's controls and the worksheets."""

from __future__ import annotations

import copy
import io
import re
from typing import Any

import pytest

from walkback_rules import DECISION_RULES, RULES, TIER_RULES, Decision, decide, recommend
from walkback_rules.core.cards import DECISION_NAMES, describe_dose
from walkback_rules.core.codes import Flag
from walkback_rules.core.evidence import SOURCES
from walkback_rules.core.validation import validate_assessment
from walkback_rules.teaching.cases import CASES, CASES_BY_ID, DemoCase
from walkback_rules.teaching.explorer import CONTROLS, CONTROLS_BY_KEY, changes, explore
from walkback_rules.teaching.lessons import (
    TOPICS,
    Answer,
    Score,
    appraisal,
    case_reveal,
    cases_for,
    mark,
    outcome_rows,
    reveal,
    vignette,
    weak_only,
)
from walkback_rules.teaching.reasoning import FLAG_TITLES, compare, diagram, path_of, path_words

from .conftest import make_assessment
from .needs import unavailable


def case(case_id: str) -> Any:
    return validate_assessment(CASES_BY_ID[case_id].data)


# ----------------------------------------------------------------------------- the quiz


@pytest.mark.parametrize(
    ("answer", "decision_right", "dose_right"),
    [
        (Answer(Decision.START, "weekly", 3, 5), True, True),
        (Answer(Decision.START, "weekly", 4, 10), True, True),
        (Answer(Decision.START, "weekly", 5, 10), True, False),
        (Answer(Decision.START, "weekly", 3, 11), True, False),
        (Answer(Decision.START, "weekly", 2, 5), True, False),
        (Answer(Decision.START, "none"), True, False),
        (Answer(Decision.PROGRESS, "weekly", 3, 10), False, True),
    ],
    ids=[
        "range low",
        "range high",
        "walks above",
        "minutes above",
        "walks below",
        "no dose",
        "wrong decision",
    ],
)
def test_a_weekly_dose_is_right_anywhere_inside_the_range(
    answer: Answer, decision_right: bool, dose_right: bool
) -> None:
    """START gives 3–4 × 5–10: any dose inside both ranges is right, one step outside is not."""

    marked = mark(answer, recommend(case("demo-01")))

    assert (marked.decision, marked.dose) == (decision_right, dose_right)


@pytest.mark.parametrize(
    ("case_id", "kind"),
    [("demo-08", "short"), ("demo-09", "none"), ("demo-20", "none"), ("demo-02", "weekly")],
)
def test_the_dose_kind_must_match(case_id: str, kind: str) -> None:
    """Short walks as tolerated, no walking dose and a weekly dose are told apart."""

    rec = recommend(case(case_id))
    kinds: tuple[Any, ...] = ("none", "short", "weekly")
    right = [k for k in kinds if mark(Answer(rec.decision, k, 9, 45), rec).dose]

    assert right == ([kind] if kind != "weekly" else [])
    if kind == "weekly":
        w = rec.next_dose.walks_per_week.min  # type: ignore[union-attr]
        m = rec.next_dose.minutes_per_walk.min  # type: ignore[union-attr]
        assert mark(Answer(rec.decision, "weekly", w, m), rec).dose


def test_the_score_counts_decisions_and_doses_apart() -> None:
    """A run's score adds each mark: decisions and doses separately."""

    rec = recommend(case("demo-01"))
    score = Score().add(mark(Answer(Decision.START, "weekly", 3, 5), rec))
    score = score.add(mark(Answer(Decision.START, "none"), rec))
    score = score.add(mark(Answer(Decision.HOLD, "none"), rec))

    assert (score.answered, score.decisions, score.doses) == (3, 2, 1)
    assert score.words() == "Decisions 2 of 3 · doses 1 of 3"
    assert Score().words() == "No answers yet"


def test_cases_by_topic_or_by_choice() -> None:
    """A teacher's choice of cases wins over topics; topics keep any case on one of them."""

    assert cases_for() == CASES
    assert [c.id for c in cases_for(ids=["demo-09", "demo-02"])] == ["demo-02", "demo-09"]
    flagged = cases_for(["red flags"])
    assert flagged and all("red flags" in c.topics for c in flagged)
    assert set(TOPICS) == {t for c in CASES for t in c.topics}
    both = cases_for(["red flags", "flares"])
    assert len(both) > len(flagged)


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_a_vignette_never_gives_the_answer(c: Any) -> None:
    """What a student reads lists findings only: no decision, dose advice, rule or flag."""

    rows = vignette(validate_assessment(c.data))
    words = " ".join(f"{k} {v}" for k, v in rows)
    values = " ".join(v for _, v in rows)  # a finding's label may name its flag's topic

    for name in DECISION_NAMES.values():
        assert name not in words
    assert "WB-" not in words
    assert not any(title in values for title in FLAG_TITLES.values())
    assert "Red-flag features" in words and "Exercise screen" in words


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_the_reveal_is_the_engines_own(c: Any) -> None:
    """The reveal's decision, dose and deciding rule are recommend()'s, for every case."""

    a = validate_assessment(c.data)
    shown = case_reveal(c)
    rec = recommend(a)

    assert shown.rec == rec and shown.rec.decision == c.expected
    assert shown.rule.id == decide(a).rule_id
    assert DECISION_RULES[shown.number - 1] is shown.rule
    assert shown.why == rec.trace[shown.number - 1].reason
    assert all(alt.decision != rec.decision for alt in shown.nearest)


def test_the_reveal_offers_leaving_a_red_flag_out() -> None:
    """An emergency's nearest change is the finding left out: a red flag wins."""

    shown = reveal(case("demo-20"))

    assert shown.nearest and shown.nearest[0].change.startswith("without: ")


# ----------------------------------------------------------------------------- evidence


def test_a_rule_on_a_consumer_article_or_team_decision_says_so() -> None:
    """Every rule citing the news article, the team or a borrowed model carries its caveat."""

    for rule in RULES:
        said = appraisal(rule).caveats
        for source in rule.source_ids:
            if source == "seed-verywell-2024":
                assert any("consumer news article" in c for c in said), rule.id
            if source == "team":
                assert any("clinical lead" in c for c in said), rule.id
            if source == "pain-monitoring":
                assert any("knee and tendon" in c for c in said), rule.id
        if not any(SOURCES[s].caveat for s in rule.source_ids):
            assert said == ()


@pytest.mark.parametrize(
    ("rule_id", "asks"),
    [
        ("WB-R26", "tested a whole package"),  # the trial
        ("WB-F31", "predicts something"),  # a validation study
        ("WB-R15", "Guidelines and consensus"),
        ("WB-R22", "Nothing behind this rule was tested"),
    ],
)
def test_the_appraisal_prompt_follows_the_strongest_evidence(rule_id: str, asks: str) -> None:
    """The prompt names the rule's condition and asks the question its evidence invites."""

    rule = next(r for r in RULES if r.id == rule_id)
    shown = appraisal(rule)

    assert asks in shown.prompt
    assert shown.prompt.startswith(f"When {rule.condition}")
    assert len(shown.references) == len(rule.source_ids)


def test_weak_only_lists_the_rules_with_no_stronger_source() -> None:
    """Rules whose every source is weak, and only those."""

    weak = {r.id for r in weak_only()}

    assert "WB-R22" in weak  # step back: the article, pain monitoring and the team
    assert "WB-R26" not in weak
    assert all(all(SOURCES[s].caveat for s in r.source_ids) for r in weak_only())


# ----------------------------------------------------------------------------- the path


@pytest.mark.parametrize(
    ("case_id", "decided_at", "tier_rules"),
    [("demo-20", 0, {"WB-S01"}), ("demo-02", 11, set()), ("demo-21", 11, {"WB-S16"})],
    ids=["red flag", "progression", "routine referral rides along"],
)
def test_the_path_marks_the_first_rule_that_held(
    case_id: str, decided_at: int, tier_rules: set[str]
) -> None:
    """The deciding rule is the first that held; the screens' rules that held are named."""

    path = path_of(case(case_id))

    assert path.decided_at == decided_at
    assert path.holds.index(True) == decided_at
    assert tier_rules <= path.tier_rules_held


def _node(dot: str, n: int) -> str:
    return next(line for line in dot.splitlines() if line.strip().startswith(f"r{n} [label="))


def test_the_diagram_of_a_red_flag_case_fills_rule_1_and_greys_the_rest() -> None:
    """Emergency: rule 1 is filled and points to the decision; rules 2–12 are greyed."""

    dot = diagram(path_of(case("demo-20")))

    assert 'fillcolor="#1f3b57"' in _node(dot, 0)
    assert all("dashed" in _node(dot, n) for n in range(1, 12))
    assert "r0 -> decision" in dot and "Emergency referral" in dot
    assert re.search(r"Emergency</font>", dot)  # the screens table names the tier


def test_the_diagram_of_a_progression_case_walks_every_rule() -> None:
    """Step up: rules 1–11 are on the path, rule 12 decides, nothing is greyed."""

    dot = diagram(path_of(case("demo-02")))

    assert not any("dashed" in _node(dot, n) for n in range(12))
    assert all("penwidth=2" in _node(dot, n) for n in range(11))
    assert 'fillcolor="#1f3b57"' in _node(dot, 11) and "r11 -> decision" in dot


def test_the_diagram_is_drawn_from_the_tables() -> None:
    """A node for every decision rule and every tier rule id, and plain words without ids."""

    dot = diagram()

    assert all(r.id in dot for r in (*DECISION_RULES, *TIER_RULES))
    assert "decision [" not in dot
    plain = diagram(path_of(case("demo-02")), plain=True)
    assert "WB-" not in plain
    assert all(r.title[:20] in plain.replace("\\n", " ") for r in DECISION_RULES)


def test_the_path_in_words() -> None:
    """The picture says the same in sentences."""

    assert path_words(path_of(case("demo-02")), plain=True) == (
        "The screens: no condition reached a tier. Rules 1 to 11 did not hold. Rule 12 (Step "
        "up by one step) held first and decided: Step up."
    )
    words = path_words(path_of(case("demo-20")))
    assert words.startswith("The screens: possible cauda equina syndrome reached emergency")
    assert "Rule 1 (WB-R15, Emergency: hospital now) held first" in words
    assert words.endswith("Rules 2 to 12 were not needed.")


# ----------------------------------------------------------------------------- side by side


def test_side_by_side_names_the_inputs_and_rules_that_differ() -> None:
    """A progression and the same person in a moderate flare: the flare inputs differ, rule
    6 decides on the right, and the step-up rule holds on both but decides only on the left."""

    left = make_assessment()
    right = make_assessment(flare={"level": "moderate", "pain_now": 5, "days_since_onset": 2})

    result = compare(left, right)
    inputs = {d.label: (d.left, d.right) for d in result.inputs}
    rules = {d.label: (d.left, d.right) for d in result.rules}

    assert inputs == {
        "Flare level entered": ("none", "moderate"),
        "Pain now (0–10)": ("0", "5"),
        "Days since onset": ("—", "2"),
    }
    assert rules["WB-R20 · 6. Moderate flare: short walks as tolerated"] == (
        "does not hold",
        "decides",
    )
    assert rules["WB-R26 · 12. Step up by one step"] == (
        "decides",
        "holds, but an earlier rule decides",
    )
    assert (result.left.decision, result.right.decision) == ("Step up", "Moderate flare care")


def test_side_by_side_of_the_same_case_differs_nowhere() -> None:
    result = compare(case("demo-08"), case("demo-08"))

    assert result.inputs == () and result.rules == ()


# ----------------------------------------------------------------------------- the explorer

# Each control, a value, and what it should change from demo 02 (52, review, 4 × 10 for a
# week, no pain rise after the last step): the decision, or a flag raised.
EFFECTS: list[tuple[str, Any, Decision | Flag]] = [
    ("age", 15, Decision.OUT_OF_SCOPE),
    ("age", 17, Flag.OUTSIDE_TRIAL_POPULATION),
    ("age", 70, Flag.OLDER_ADULT),
    ("previous_episodes", 3, Flag.HIGH_RECURRENCE_RISK),
    ("episode_weeks", 12, Flag.CHRONIC_PAIN),
    ("pain_now", 8, Decision.SEVERE_FLARE),
    ("walks", 10, Flag.TARGET_REACHED_AFTER_THIS_STEP),
    ("minutes", 40, Decision.MAINTAIN),
    ("weeks", 0, Flag.TOO_SOON_TO_PROGRESS),
    ("tolerance", "not_tolerated", Decision.ALTERNATIVE_EXERCISE),
    ("tolerance", "duration_limited", Flag.DURATION_LIMITED),
    ("prefers_other", True, Decision.ALTERNATIVE_EXERCISE),
    ("other_minutes", 150, Flag.ALREADY_ACTIVE),
    ("baseline", 3, Flag.OUTSIDE_TRIAL_POPULATION),
    ("last_step", "not_settled", Decision.STEP_BACK),
    ("last_step", "settled", Flag.PAIN_SETTLED_AFTER_PROGRESSION),
    ("returning", True, Flag.RESUMING_AFTER_FLARE),
    ("adherence", "less_than_planned", Flag.ADHERENCE_BELOW_PLAN),
    ("new_limb_pain", True, Flag.NEW_LOWER_LIMB_PAIN),
    ("red_flags", ["ces_saddle"], Decision.EMERGENCY_REFERRAL),
    ("red_flags", ["cancer_history"], Flag.RED_FLAG_FEATURES_NOTED),
    ("exercise_screen", ["chest_pain_on_exertion"], Decision.SAME_DAY_REFERRAL),
    ("legs", "below_knee", Flag.RADICULAR_PAIN),
    ("stable_neuro_deficit", True, Flag.RADICULAR_PAIN),
    ("neurogenic_claudication", True, Flag.NEUROGENIC_CLAUDICATION),
    ("pregnant_or_postpartum", True, Flag.PREGNANCY_POSTPARTUM),
    ("spinal_surgery_within_6_months", True, Flag.RECENT_SPINAL_SURGERY),
    ("falls_last_year", True, Flag.FALLS_RISK),
    ("self_harm", True, Flag.SELF_HARM_CONCERN),
    ("phq2", 3, Flag.DEPRESSION_SCREEN_POSITIVE),
]


def _effect(data: dict[str, Any]) -> tuple[Decision, tuple[Flag, ...]]:
    explored = explore(data)
    assert explored.errors == (), explored.errors
    assert explored.assessment is not None
    decided = decide(explored.assessment)
    return decided.decision, decided.flags


EFFECT_IDS = [f"{k}={v}" for k, v, _ in EFFECTS]


@pytest.mark.parametrize(("key", "value", "effect"), EFFECTS, ids=EFFECT_IDS)
def test_every_control_reaches_the_rules(key: str, value: Any, effect: Decision | Flag) -> None:
    """Setting one control changes what it should, and nothing else is needed."""

    data = copy.deepcopy(CASES_BY_ID["demo-02"].data)
    before = _effect(data)
    CONTROLS_BY_KEY[key].put(data, value)

    decision, flags = _effect(data)

    assert CONTROLS_BY_KEY[key].value(data) == value
    if isinstance(effect, Decision):
        assert before[0] != effect and decision == effect
    else:
        assert effect not in before[1] and effect in flags


def test_the_controls_the_table_cannot_show_alone() -> None:
    """Flare level, usual pain, onset, the dose before the last step and STarT Back act
    together with another control; each still reaches the rules."""

    data = copy.deepcopy(CASES_BY_ID["demo-02"].data)
    put = {c.key: c.put for c in CONTROLS}
    put["days_since_onset"](data, 3)
    put["flare_level"](data, "mild")
    assert _effect(data)[0] == Decision.HOLD  # a mild flare holds
    put["pain_now"](data, 5)
    put["flare_level"](data, "moderate")
    assert _effect(data)[0] == Decision.MODERATE_FLARE
    put["usual_pain"](data, 5)  # 5 is this person's usual: no flare by the pain rating
    assert explore(data).assessment.usual_pain == 5  # type: ignore[union-attr]
    put["last_step"](data, "not_settled")
    put["previous_walks"](data, 3)
    put["previous_minutes"](data, 10)
    assert (
        recommend(explore(data).assessment).resume_dose
        == recommend(  # type: ignore[arg-type]
            make_assessment(
                flare={"level": "moderate", "pain_now": 5, "days_since_onset": 3},
                usual_pain=5,
                last_progression={
                    "pain_increased": True,
                    "settled_within_24h": False,
                    "previous_dose": {"walks_per_week": 3, "minutes_per_walk": 10},
                },
            )
        ).resume_dose
    )
    put["startback_total"](data, 6)
    assert explore(data).assessment is None  # one score alone is an error, said in words
    put["startback_distress"](data, 4)
    assert Flag.STARTBACK_HIGH in _effect(data)[1]


def test_every_assessment_field_has_a_control() -> None:
    """No input of the assessment is missing from the explorer."""

    from walkback_rules import Assessment

    top = {c.path[0] for c in CONTROLS}

    assert top == set(Assessment.model_fields)


def test_a_first_visit_clears_the_review_answers_and_the_trail_says_so() -> None:
    """Switching to a first visit puts each review answer back to its default, and the
    change lists every answer it moved."""

    data = copy.deepcopy(CASES_BY_ID["demo-30"].data)  # a review, fewer walks than planned
    before = copy.deepcopy(data)
    CONTROLS_BY_KEY["visit"].put(data, "initial")

    said = changes(before, data)

    assert explore(data).errors == ()
    assert said[0] == "Visit: Review → First visit"
    assert "Walks done as planned: Did fewer walks than planned → Not asked" in said


def test_explorer_errors_are_plain_words() -> None:
    """A contradiction is said in the form's words, never as a field path."""

    data = copy.deepcopy(CASES_BY_ID["demo-02"].data)
    CONTROLS_BY_KEY["walks"].put(data, 0)

    errors = explore(data).errors

    assert errors and not any("walking." in e or "_" in e for e in errors)


def test_unticking_a_red_flag_is_allowed_here() -> None:
    data = copy.deepcopy(CASES_BY_ID["demo-20"].data)
    CONTROLS_BY_KEY["red_flags"].put(data, [])

    assert _effect(data)[0] != Decision.EMERGENCY_REFERRAL
    assert changes(CASES_BY_ID["demo-20"].data, data)[0].startswith("unticked Cauda equina")


# ----------------------------------------------------------------------------- worksheets


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_answer_key_agrees_with_the_engine_for_every_case() -> None:
    """Each case's decision, dose and deciding rule in the key are the engine's own."""

    from walkback_rules.handouts.worksheet import worksheet_pdf

    key = _squash(_pdf_text(worksheet_pdf(CASES, key=True)))
    parts = re.split(r"Case \d+ \(demo (\d\d)\)", key)[1:]
    found = dict(zip(parts[::2], parts[1::2], strict=True))

    assert len(found) == len(CASES)
    for c in CASES:
        a = validate_assessment(c.data)
        rec, decided = recommend(a), decide(a)
        section = found[c.id[-2:]]
        assert f"Decision {DECISION_NAMES[rec.decision]}" in section, c.id
        assert f"Dose {describe_dose(rec.next_dose)}" in section, c.id
        assert decided.rule_id in section, c.id


def test_the_worksheet_carries_no_answer() -> None:
    """The students' sheet has the cases and spaces to write, and no decision or rule."""

    from walkback_rules.handouts.worksheet import worksheet_pdf

    sheet = _squash(_pdf_text(worksheet_pdf(CASES)))

    assert sheet.count("Your decision") == len(CASES)
    assert "WB-" not in sheet
    for name in DECISION_NAMES.values():
        assert name not in sheet


def test_the_worksheet_command_writes_the_key_for_a_topic(tmp_path: Any) -> None:
    """`walkback worksheet --topics … --key -o OUT`: the key for those cases only."""

    from walkback_rules.cli import main

    out = tmp_path / "key.pdf"
    status = main(["worksheet", "--topics", "chronic pain", "--key", "-o", str(out)])
    text = _squash(_pdf_text(out.read_bytes()))

    assert status == 0
    assert text.count("Case ") == len(cases_for(["chronic pain"]))
    assert "Deciding rule" in text


def test_the_worksheet_command_names_an_unknown_topic_or_case(tmp_path: Any) -> None:
    """A wrong topic or case is named, with what is allowed, and nothing is written."""

    from walkback_rules.cli import main

    err = io.StringIO()
    out = tmp_path / "sheet.pdf"
    status = main(["worksheet", "--topics", "reds", "--cases", "demo-99", "-o", str(out)], err=err)

    assert status == 2 and not out.exists()
    assert "'reds' is not a topic; choose from red flags, flares" in err.getvalue()
    assert "'demo-99' is not a demo case" in err.getvalue()


# ----------------------------------------------------------------------------- properties


def _picture_tells_the_engine(a: Any) -> bool:
    """The path, its picture and the reveal name the engine's deciding rule and decision;
    the rules before it did not hold. Returns whether the case was a referral."""
    decided = decide(a)
    path = path_of(a)
    rule = DECISION_RULES[path.decided_at]
    assert rule.id == decided.rule_id
    assert not any(path.holds[: path.decided_at])
    source = diagram(path)
    assert f"r{path.decided_at} -> decision" in source
    assert f"Decision: {DECISION_NAMES[decided.decision]}" in source
    assert reveal(a, nearest=0).rec.decision == decided.decision
    return decided.urgency in ("emergency", "same_day", "urgent")


@pytest.mark.parametrize(
    "name",
    ["emergency", "same_day", "urgent", "programme"],
)
def test_the_picture_always_tells_the_engines_decision(name: str) -> None:
    """Over generated assessments aimed at each tier and at the walking programme, the
    picture marks the engine's own deciding rule; the aimed tier is reached often."""

    from .strategies import (
        emergency_assessments,
        programme_assessments,
        same_day_assessments,
        urgent_assessments,
    )
    from .test_invariants import reaches

    strategy = {
        "emergency": emergency_assessments,
        "same_day": same_day_assessments,
        "urgent": urgent_assessments,
        "programme": programme_assessments,
    }[name]
    if name == "programme":
        reaches(f"teaching picture: {name}", strategy, lambda a: not _picture_tells_the_engine(a))
    else:
        reaches(f"teaching picture: {name}", strategy, _picture_tells_the_engine)


CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|WB-[RFS]\d|[<>]=?\s*\d|=\s*\d")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_presenter_mode_puts_no_code_on_the_projector(case: DemoCase) -> None:
    """What a projector shows of a case: the diagram's labels, the path in words and the
    outcome, with no rule id, field name or code (same_day, walks_per_week = 0)."""
    a = validate_assessment(case.data)
    path = path_of(a)
    labels = re.findall(r'label="((?:[^"\\]|\\.)*)"', diagram(path, plain=True))

    shown = [*labels, path_words(path, plain=True), *(v for _, v in outcome_rows(decide(a)))]

    assert [m for text in shown for m in CODE.findall(text)] == []


def _word_boxes(pdf: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """Every word of a PDF with its box on its page, as poppler's pdftotext places it."""
    import html
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        unavailable("pdftotext is not installed (Debian's poppler-utils; .ci/run installs it)")
    out = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    boxes = []
    for page, body in enumerate(out.split("<page ")[1:], start=1):
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            body,
        ):
            boxes.append((page, float(x0), float(y0), float(x1), float(y1), html.unescape(word)))
    return boxes


@pytest.mark.parametrize("key", [False, True], ids=["worksheet", "answer key"])
def test_no_label_prints_over_its_value(key: bool) -> None:
    """ "Pain rose after last step", "Dose before last step" and "Once the flare settles" ran
    over their values: no two words of the worksheet or the key may share any space."""
    from walkback_rules.handouts.worksheet import worksheet_pdf

    boxes = _word_boxes(worksheet_pdf(CASES, key=key))
    lines: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
    for page, x0, y0, x1, y1, word in boxes:
        lines.setdefault((page, round((y0 + y1) / 2)), []).append((x0, x1, word))
    overlaps = [
        (a[2], b[2])
        for words in lines.values()
        for a, b in zip(sorted(words), sorted(words)[1:], strict=False)
        if b[0] < a[1] - 0.5
    ]

    assert len(boxes) > 1000
    assert any(w == "rose" for *_, w in boxes) or key
    assert overlaps == []
