"""Side by side: two cases, or two states of the what-if explorer, next to each other: the two
decisions and doses, the inputs that differ, and the rules whose outcome differs."""

from typing import Any

import streamlit as st

import ui
from walkback_rules.teaching.cases import CASES, CASES_BY_ID
from walkback_rules.teaching.explorer import explore
from walkback_rules.teaching.lessons import case_label
from walkback_rules.teaching.reasoning import compare

state = st.session_state
NOW, PINNED = "explorer_now", "explorer_pinned"

plain = ui.presenter_toggle()
st.title("Side by side")

states: dict[str, tuple[str, dict[str, Any]]] = {}
if "x_data" in state:
    states[NOW] = ("The what-if explorer now", state["x_data"])
if "x_pinned" in state:
    states[PINNED] = state["x_pinned"]
choices = [*states, *(c.id for c in CASES)]


def _label(choice: str) -> str:
    return states[choice][0] if choice in states else case_label(CASES_BY_ID[choice], plain)


def _data(choice: str) -> dict[str, Any]:
    return states[choice][1] if choice in states else CASES_BY_ID[choice].data


left_default = PINNED if PINNED in states else "demo-02"
right_default = NOW if NOW in states and PINNED in states else "demo-08"
left_col, right_col = st.columns(2)
left = left_col.selectbox(
    "Left", choices, index=choices.index(left_default), format_func=_label, key="s_left"
)
right = right_col.selectbox(
    "Right", choices, index=choices.index(right_default), format_func=_label, key="s_right"
)
if plain:  # the boxes hold the demo's number only: its title wraps below, whole
    for column, choice in ((left_col, left), (right_col, right)):
        if choice in CASES_BY_ID:
            column.caption(CASES_BY_ID[choice].title)
if not states:
    st.caption("Pin a state on the What-if explorer to compare it here, or compare two demo cases.")

explored = {side: explore(_data(choice)) for side, choice in (("left", left), ("right", right))}
a, b = explored["left"].assessment, explored["right"].assessment
for column, side in ((left_col, "left"), (right_col, "right")):
    with column, st.container(border=True):
        found = explored[side].assessment
        if found is None:
            st.markdown("## No decision")
            for message in explored[side].errors:
                st.error(message, icon=":material/error:")
        else:
            ui.outcome(found, plain)
if a is None or b is None:
    st.stop()

comparison = compare(a, b, plain)
if comparison.left.decision == comparison.right.decision:
    st.info(f"Both decide: {comparison.left.decision}.", icon=":material/drag_handle:")
else:
    st.warning(
        f"The decisions differ: {comparison.left.decision} on the left, "
        f"{comparison.right.decision} on the right.",
        icon=":material/compare_arrows:",
    )

st.header("Inputs that differ")
if comparison.inputs:
    st.table(
        [{"Input": d.label, "Left": d.left, "Right": d.right} for d in comparison.inputs],
    )
else:
    st.markdown("None: the two have the same answers.")

st.header("Rules whose outcome differs")
if comparison.rules:
    st.table([{"Rule": d.label, "Left": d.left, "Right": d.right} for d in comparison.rules])
else:
    st.markdown("None: every rule came out the same way.")
