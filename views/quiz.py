"""Quiz: a run of demo cases, each shown without its answer; the room commits to a decision
and a dose, then the reveal shows what the rules decided, why, the nearest change that would
alter it, and the evidence behind the deciding rule. The score lives in this session only."""

import random

import streamlit as st

import ui
from walkback_rules.core.cards import DECISION_NAMES
from walkback_rules.core.validation import validate_assessment
from walkback_rules.teaching.cases import CASES_BY_ID
from walkback_rules.teaching.lessons import (
    DECISION_CHOICES,
    DOSE_KINDS,
    Answer,
    Score,
    mark,
    reveal,
    vignette,
)

state = st.session_state
RUN = "quiz_run"  # the run's case ids, in the order asked
AT = "quiz_at"  # the place in the run
ANSWER = "quiz_answer"  # the committed answer for this case (an Answer), or None
REVEALED = "quiz_revealed"
SCORE = "quiz_score"

plain = ui.presenter_toggle()
st.title("Quiz: predict, then reveal")


def _start() -> None:
    ids = [c.id for c in ui.chosen_cases("q")]
    if state.get("q_shuffle"):
        random.shuffle(ids)  # the order only: nothing about the room is kept
    state[RUN], state[AT], state[ANSWER], state[REVEALED] = ids, 0, None, False
    state[SCORE] = Score()


def _end() -> None:
    for key in (RUN, AT, ANSWER, REVEALED, SCORE):
        state.pop(key, None)


def _reveal() -> None:
    answer = state.get(ANSWER)
    if answer is None or state.get(REVEALED):
        return
    case = CASES_BY_ID[state[RUN][state[AT]]]
    rec = reveal(validate_assessment(case.data)).rec
    state[SCORE] = state[SCORE].add(mark(answer, rec))
    state[REVEALED] = True


def _next() -> None:
    state[AT] += 1
    state[ANSWER], state[REVEALED] = None, False


if not state.get(RUN):
    st.markdown(
        "Show a case without its answer, let the room (or each student) commit to a decision "
        "and a dose, then reveal what the rules decide and why. The score is kept for this "
        "session only: no names, and nothing about students is stored."
    )
    count = len(ui.choose_cases("q"))
    st.toggle("Shuffle the order", key="q_shuffle")
    st.caption(f"{count} case{'s' if count != 1 else ''} in this run.")
    st.button("Start the run", type="primary", on_click=_start, icon=":material/play_arrow:")
    st.stop()

ids: list[str] = state[RUN]
at: int = state[AT]
score: Score = state[SCORE]
case = CASES_BY_ID[ids[at]]
assessment = validate_assessment(case.data)
answer: Answer | None = state.get(ANSWER)

top, end = st.columns([4, 1], vertical_alignment="center")
top.markdown(f"**Case {at + 1} of {len(ids)}** · {score.words()}")
end.button("End the run", on_click=_end, icon=":material/stop:")

if state.get(REVEALED):
    shown = reveal(assessment)
    right = mark(answer, shown.rec) if answer is not None else None
    rule = shown.rule
    deciding = rule.title if plain else f"{rule.id} · {rule.title}"
    with st.container(border=True):
        st.markdown(f"## The rules: {shown.decision}")
        st.markdown(f"**Dose:** {shown.dose}")
        if right is not None and answer is not None:
            st.markdown(
                f"**You said:** {ui.md_text(answer.words())} · decision "
                f"{'right' if right.decision else 'not this time'} · dose "
                f"{'right' if right.dose else 'not this time'}"
            )
        st.markdown(f"**Why:** rule {shown.number} held first ({deciding}): {shown.why}.")
        if shown.nearest:
            st.markdown(
                "**The nearest changes that would alter it:**\n"
                + "\n".join(f"- {ui.md_text(str(alt))}" for alt in shown.nearest)
            )
        st.markdown(f"**Evidence behind rule {shown.number}:** {rule.evidence_level}.")
        for caveat in shown.caveats:
            st.caption(caveat)
    if at + 1 < len(ids):
        st.button("Next case", type="primary", on_click=_next, icon=":material/arrow_forward:")
    else:
        st.success(f"Run complete. {score.words()}.", icon=":material/flag:")
        st.button("Start another run", type="primary", on_click=_end)

case_col, answer_col = st.columns([3, 2], gap="large")
with case_col:
    st.markdown(f"## Case {at + 1}")
    st.markdown("\n".join(f"- **{label}:** {value}" for label, value in vignette(assessment)))
    st.caption("Anything not listed was asked and was normal or absent.")

with answer_col:
    if answer is None:
        with st.form(f"q_form_{at}"):
            decision = st.radio(
                "Decision",
                DECISION_CHOICES,
                format_func=DECISION_NAMES.get,
                index=None,
                key=f"q_decision_{at}",
            )
            kind = st.radio(
                "Dose",
                list(DOSE_KINDS),
                format_func=DOSE_KINDS.get,
                index=None,
                key=f"q_dose_{at}",
            )
            w_col, m_col = st.columns(2)
            walks = w_col.number_input(
                "Walks a week", 0, 14, value=None, step=1, key=f"q_walks_{at}"
            )
            minutes = m_col.number_input(
                "Minutes per walk", 0, 240, value=None, step=5, key=f"q_minutes_{at}"
            )
            committed = st.form_submit_button("Commit the answer", type="primary")
        if committed:
            problems = []
            if decision is None:
                problems.append("Decision: choose one of the twelve.")
            if kind is None:
                problems.append("Dose: choose no walking dose, short walks, or a weekly dose.")
            elif kind == "weekly" and (walks is None or minutes is None):
                problems.append(
                    "Dose: a weekly dose needs both walks a week (0–14) and minutes per walk "
                    "(0–240)."
                )
            for problem in problems:
                st.error(problem)
            if not problems and decision is not None and kind is not None:
                weekly = kind == "weekly"
                state[ANSWER] = Answer(
                    decision, kind, walks if weekly else None, minutes if weekly else None
                )
                st.rerun()
    else:
        st.markdown(f"**Committed:** {ui.md_text(answer.words())}")
        if not state.get(REVEALED):
            st.button("Reveal", type="primary", on_click=_reveal, icon=":material/visibility:")

if state.get(REVEALED):
    ui.reasoning(assessment, plain)
