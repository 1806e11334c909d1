"""The teaching pages in Streamlit's own test harness: the quiz, the reasoning picture, side by
side, every explorer input, and presenter mode."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import ui
from walkback_rules import Decision
from walkback_rules.core.cards import DECISION_NAMES
from walkback_rules.teaching.cases import CASES
from walkback_rules.teaching.explorer import CONTROLS_BY_KEY
from walkback_rules.teaching.reasoning import FLAG_TITLES

from .test_app import app, texts
from .test_teaching import EFFECT_IDS, EFFECTS


def page(name: str) -> AppTest:
    at = app()
    at.switch_page(ui.PAGES[name]).run()
    assert not at.exception
    return at


def dot(at: AppTest) -> str:
    """The DOT source of the last Graphviz chart on the page."""
    charts = at.get("graphviz_chart")
    assert charts, "no reasoning picture on the page"
    spec: str = charts[-1].proto.spec
    return spec


def node(source: str, n: int) -> str:
    return next(line for line in source.splitlines() if line.strip().startswith(f"r{n} [label="))


FILLED = 'fillcolor="#1f3b57"'


# ----------------------------------------------------------------------------- the quiz


def start_run(at: AppTest, *ids: str) -> AppTest:
    at.multiselect(key="q_ids").set_value(list(ids)).run()
    next(b for b in at.button if b.label == "Start the run").click().run()
    assert not at.exception
    return at


def commit(at: AppTest, decision: Decision, kind: str, walks: int | None = None,
           minutes: int | None = None) -> AppTest:  # fmt: skip
    n = at.session_state["quiz_at"]
    at.radio(key=f"q_decision_{n}").set_value(decision)
    at.radio(key=f"q_dose_{n}").set_value(kind)
    if walks is not None:
        at.number_input(key=f"q_walks_{n}").set_value(walks)
        at.number_input(key=f"q_minutes_{n}").set_value(minutes)
    next(b for b in at.button if b.label == "Commit the answer").click().run()
    assert not at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception
    return at


def test_the_quiz_hides_the_answer_until_the_reveal_and_keeps_score() -> None:
    """A case shows its findings only; a committed answer, then the reveal and the score."""

    at = start_run(page("quiz"), "demo-20", "demo-02")  # asked in library order
    shown = texts(at)

    assert "Case 1 of 2" in shown and "No answers yet" in shown
    assert "The rules:" not in shown and "Why:" not in shown and "Deciding" not in shown
    assert "Cauda equina" not in shown or "Emergency referral" not in shown
    assert not at.get("graphviz_chart")

    commit(at, Decision.HOLD, "weekly", 4, 10)
    assert "**Committed:** Hold the dose, 4 × 10 min" in texts(at)
    assert "The rules:" not in texts(at)

    click(at, "Reveal")
    shown = texts(at)
    assert "## The rules: Step up" in shown
    assert "decision not this time · dose not this time" in shown
    assert "rule 12 held first (WB-R26 · Step up by one step)" in shown
    assert "Decisions 0 of 1 · doses 0 of 1" in shown

    click(at, "Next case")
    commit(at, Decision.EMERGENCY_REFERRAL, "none")
    click(at, "Reveal")
    shown = texts(at)
    assert "## The rules: Emergency referral" in shown
    assert "decision right · dose right" in shown
    assert "rule 1 held first (WB-R15 · Emergency: hospital now)" in shown
    assert "without: " in shown.replace("\\", "")  # the nearest change: the finding left out
    assert "Run complete. Decisions 1 of 2 · doses 1 of 2." in shown


def test_a_commit_without_a_decision_or_dose_says_which() -> None:
    """Nothing is committed until both are chosen; each missing answer is named."""

    at = start_run(page("quiz"), "demo-02")
    click(at, "Commit the answer")

    errors = [e.value for e in at.error]
    assert "Decision: choose one of the twelve." in errors
    assert any(e.startswith("Dose: choose") for e in errors)
    assert at.session_state["quiz_answer"] is None

    n = at.session_state["quiz_at"]
    at.radio(key=f"q_decision_{n}").set_value(Decision.PROGRESS)
    at.radio(key=f"q_dose_{n}").set_value("weekly")
    click(at, "Commit the answer")
    assert any("a weekly dose needs both" in e.value for e in at.error)


def test_topics_choose_the_run() -> None:
    at = page("quiz")
    at.button_group(key="q_topics").set_value(["chronic pain"]).run()
    click(at, "Start the run")

    assert at.session_state["quiz_run"] == [c.id for c in CASES if "chronic pain" in c.topics]


def test_the_quiz_reveal_draws_the_red_flag_path() -> None:
    """After the reveal of an emergency, rule 1 is filled and every later rule greyed."""

    at = start_run(page("quiz"), "demo-20")
    commit(at, Decision.EMERGENCY_REFERRAL, "none")
    click(at, "Reveal")
    source = dot(at)

    assert FILLED in node(source, 0)
    assert all("dashed" in node(source, n) for n in range(1, 12))
    assert "r0 -> decision" in source


# ----------------------------------------------------------------------------- the explorer


def explorer() -> AppTest:
    return page("explorer")


def headline(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("## "))[3:]


def set_control(at: AppTest, key: str, value: Any) -> AppTest:
    control = CONTROLS_BY_KEY[key]
    widget_key = f"x_{key}"
    if control.kind in ("number", "optional"):
        at.number_input(key=widget_key).set_value(value)
    elif control.kind == "scale":
        at.slider(key=widget_key).set_value(value)
    elif control.kind == "choice":
        at.selectbox(key=widget_key).set_value(value)
    elif control.kind == "switch":
        at.toggle(key=widget_key).set_value(value)
    else:
        at.multiselect(key=widget_key).set_value(value)
    at.run()
    assert not at.exception
    return at


def test_the_explorer_starts_on_a_progression_with_its_path() -> None:
    """Demo 02: a step up, rules 1–11 on the path and rule 12 filled."""

    at = explorer()
    source = dot(at)

    assert headline(at) == "Step up"
    assert FILLED in node(source, 11) and not any("dashed" in node(source, n) for n in range(12))


@pytest.mark.parametrize(("key", "value", "effect"), EFFECTS, ids=EFFECT_IDS)
def test_every_explorer_input_changes_what_it_should(key: str, value: Any, effect: Any) -> None:
    """Each widget reaches the rules: the decision shown, or the flag listed, changes."""

    at = set_control(explorer(), key, value)

    if isinstance(effect, Decision):
        assert headline(at) == DECISION_NAMES[effect]
    else:
        assert FLAG_TITLES[effect] in texts(at)


def test_the_trail_lists_each_change_and_steps_back() -> None:
    """Pain 8 makes a severe flare; a red flag then wins; two steps back return to the start."""

    at = set_control(explorer(), "pain_now", 8)
    assert headline(at) == "Severe flare care"
    set_control(at, "red_flags", ["ces_saddle"])
    assert headline(at) == "Emergency referral"
    assert FILLED in node(dot(at), 0)
    trail = texts(at).replace("\\", "")
    assert "1. Pain now (0–10): 0 → 8" in trail
    assert "2. ticked Cauda equina syndrome: numbness" in trail

    click(at, "Step back")
    assert headline(at) == "Severe flare care"
    assert at.multiselect(key="x_red_flags").value == []
    click(at, "Step back")
    assert headline(at) == "Step up"
    assert at.slider(key="x_pain_now").value == 0


def test_a_contradiction_is_an_error_in_words_and_no_decision() -> None:
    at = set_control(explorer(), "walks", 0)

    assert headline(at) == "No decision: these answers contradict each other"
    assert at.error and all("walking." not in e.value for e in at.error)


def test_the_explorer_starts_again_from_a_chosen_case() -> None:
    at = explorer()
    at.selectbox(key="x_from").set_value("demo-20").run()

    assert headline(at) == "Emergency referral"
    assert next(b for b in at.button if b.label == "Step back").disabled  # a fresh trail


# ----------------------------------------------------------------------------- side by side


def test_side_by_side_shows_two_decisions_and_what_differs() -> None:
    """Demo 02 beside demo 08: both decisions, the differing inputs and rule outcomes."""

    at = page("compare")
    shown = texts(at)
    inputs, rules = (t.value for t in at.table)

    assert "## Step up" in shown and "## Moderate flare care" in shown
    assert "The decisions differ: Step up on the left, Moderate flare care on the right." in shown
    assert "Flare level entered" in set(inputs["Input"])
    assert "Age" in set(inputs["Input"])
    row = rules[rules["Rule"] == "WB-R20 · 6. Moderate flare: short walks as tolerated"]
    assert list(row.iloc[0]) == [
        "WB-R20 · 6. Moderate flare: short walks as tolerated",
        "does not hold",
        "decides",
    ]


def test_side_by_side_compares_a_pinned_explorer_state_with_now() -> None:
    """Pin a state, change one input, and the side-by-side shows exactly that change."""

    at = explorer()
    click(at, "Pin for side by side")
    set_control(at, "prefers_other", True)
    at.switch_page(ui.PAGES["compare"]).run()
    inputs, rules = (t.value for t in at.table)

    assert at.selectbox(key="s_left").value == "explorer_pinned"
    assert at.selectbox(key="s_right").value == "explorer_now"
    assert list(inputs["Input"]) == ["Prefers another exercise"]
    assert "WB-R21 · 7. Walking does not suit: another exercise" in set(rules["Rule"])


# ----------------------------------------------------------------------------- presenter mode


@pytest.mark.parametrize("name", ["quiz", "explorer", "compare", "teaching"])
def test_presenter_mode_hides_the_sidebar_and_every_code(name: str) -> None:
    """Presenter mode: nothing in the sidebar, and the decision in words with no rule id."""

    at = page(name)
    at.toggle(key="presenter_toggle").set_value(True).run()

    assert at.session_state[ui.PRESENTING] is True
    assert not at.sidebar.markdown and not at.sidebar.button
    if name in ("explorer", "compare"):
        shown = texts(at)
        assert "**Deciding rule:** 12. Step up by one step" in shown
        assert "WB-" not in shown
    if name == "explorer":
        assert "WB-" not in dot(at)
    at.toggle(key="presenter_toggle").set_value(False).run()
    assert at.session_state[ui.PRESENTING] is False
    assert at.sidebar.markdown


def test_presenter_mode_offers_no_way_into_the_record() -> None:
    """On a projector the case library loads nothing into the consultation."""

    at = page("teaching")
    at.toggle(key="presenter_toggle").set_value(True).run()

    assert not [b for b in at.button if b.label == "Load into the consultation"]


def test_the_teaching_page_appraises_a_rule_on_a_consumer_article() -> None:
    """Step back rests on the news article, a borrowed model and a team decision: said."""

    at = page("teaching")
    at.selectbox(key="t_rule").set_value("WB-R22").run()
    warnings = " ".join(w.value for w in at.warning)

    assert "consumer news article" in warnings and "clinical lead" in warnings
    assert any("What would" in i.value or "Design the smallest study" in i.value for i in at.info)


def test_the_case_library_hides_answers_until_asked() -> None:
    at = page("teaching")
    hidden = " ".join(c.value for c in at.caption)
    at.toggle(key="t_answers").set_value(True).run()
    shown = " ".join(c.value for c in at.caption)

    assert "Step up —" not in hidden and "Step up —" in shown


def test_worksheets_are_made_for_the_cases_chosen() -> None:
    at = page("teaching")
    at.multiselect(key="w_ids").set_value(["demo-02", "demo-20"]).run()
    click(at, "Make the worksheets")

    (ids, paper), files = at.session_state["w_files"]
    assert ids == ("demo-02", "demo-20") and paper == "a4"
    assert files["worksheet"].startswith(b"%PDF") and files["key"].startswith(b"%PDF")
