"""What-if explorer: every input of the assessment, the decision above them, a trail of
the changes that can be stepped back through, and the reasoning as a picture. Unlike the
consultation, a finding may be unticked here: the lesson is that it wins."""

import copy
from datetime import datetime
from typing import Any

import streamlit as st

import ui
from walkback_rules.teaching.cases import CASES, CASES_BY_ID
from walkback_rules.teaching.explorer import (
    CONTROLS,
    CONTROLS_BY_KEY,
    GROUPS,
    Control,
    changes,
    explore,
)
from walkback_rules.teaching.lessons import case_label

state = st.session_state
DATA = "x_data"  # the explorer's assessment data
TRAIL = "x_trail"  # the changes made: (what changed, the data before), oldest first
PINNED = "x_pinned"  # a state kept for the side-by-side page: (label, data)
CONSULTATION = "consultation"
DEFAULT_CASE = "demo-02"


def _key(c: Control) -> str:
    return f"x_{c.key}"


def _set_widgets() -> None:
    """Give every control the explorer's data (after a new start, a step back, or a change
    that moved other answers). Set, not forgotten: a control the browser still shows would
    otherwise send back its old value, and each would be recorded as a change."""
    for c in CONTROLS:
        state[_key(c)] = copy.deepcopy(c.value(state[DATA]))


def _begin(data: dict[str, Any]) -> None:
    state[DATA], state[TRAIL] = copy.deepcopy(data), []
    _set_widgets()


def _start_from() -> None:
    chosen = state.get("x_from")
    if chosen == CONSULTATION:
        assessment = ui.current_assessment()
        if assessment is not None:
            _begin(assessment.model_dump(mode="json"))
    elif chosen in CASES_BY_ID:
        _begin(CASES_BY_ID[chosen].data)


def _changed(key: str) -> None:
    control = CONTROLS_BY_KEY[key]
    before = state[DATA]
    after = copy.deepcopy(before)
    control.put(after, state[_key(control)])
    said = changes(before, after)
    if not said:
        return
    state[TRAIL].append(("; ".join(said), before))
    state[DATA] = after
    if len(said) > 1:  # the change moved other answers too (a first visit has no review)
        _set_widgets()


def _back() -> None:
    if state.get(TRAIL):
        _, before = state[TRAIL].pop()
        state[DATA] = before
        _set_widgets()


def _pin() -> None:
    state[PINNED] = (f"Explorer, pinned at {datetime.now():%H:%M:%S}", copy.deepcopy(state[DATA]))


if DATA not in state:
    _begin(CASES_BY_ID[DEFAULT_CASE].data)

plain = ui.presenter_toggle()
st.title("What-if explorer")
data: dict[str, Any] = state[DATA]
result = explore(data)

# The decision first, above the controls, so it stays on screen as they change.
with st.container(border=True):
    if result.assessment is None:
        st.markdown("## No decision: these answers contradict each other")
        for message in result.errors:
            st.error(message, icon=":material/error:")
    else:
        ui.outcome(result.assessment, plain)

trail: list[tuple[str, Any]] = state[TRAIL]
with st.container(horizontal=True, vertical_alignment="bottom"):
    st.button(
        "Step back",
        on_click=_back,
        disabled=not trail,
        icon=":material/undo:",
        help=f"Undo: {trail[-1][0]}" if trail else "Nothing to undo yet",
    )
    st.button(
        "Pin for side by side",
        on_click=_pin,
        icon=":material/push_pin:",
        help="Keep this state to compare on the Side by side page.",
    )
    sources = [
        *([CONSULTATION] if ui.current_assessment() is not None else []),
        *(c.id for c in CASES),
    ]
    st.selectbox(
        "Start again from",
        sources,
        index=None,
        format_func=lambda s: (
            "The consultation now" if s == CONSULTATION else case_label(CASES_BY_ID[s])
        ),
        key="x_from",
        on_change=_start_from,
        placeholder="Choose a demo case",
        width=320,
    )

if trail:
    with st.expander(f"Changes made ({len(trail)})", icon=":material/history:"):
        st.markdown(
            "\n".join(f"{n}. {ui.md_text(words)}" for n, (words, _) in enumerate(trail, start=1))
        )


def _draw(c: Control) -> None:
    """One control, drawn from the explorer's data (its own key once changed)."""
    key = _key(c)
    # A control not drawn on the last run (another page was open) starts from the data.
    state.setdefault(key, copy.deepcopy(c.value(data)))
    common: dict[str, Any] = {
        "key": key,
        "on_change": _changed,
        "args": (c.key,),
        "disabled": not c.applies(data),
        "help": c.help,
    }
    if c.kind in ("number", "optional"):
        st.number_input(c.label, c.low, c.high, step=1, **common)
    elif c.kind == "scale":
        st.slider(c.label, c.low, c.high, **common)
    elif c.kind == "choice":
        st.selectbox(c.label, list(c.choices), format_func=lambda v: c.choices[v], **common)
    elif c.kind == "switch":
        st.toggle(c.label, **common)
    else:
        st.multiselect(
            c.label,
            list(c.choices),
            format_func=lambda v: c.choices[v],
            placeholder="None ticked",
            **common,
        )


for group, tab in zip(GROUPS, st.tabs(list(GROUPS)), strict=True):
    with tab:
        members = [c for c in CONTROLS if c.group == group]
        for control in members:
            if control.kind == "features":  # long labels: the whole width
                _draw(control)
        columns = st.columns(2)
        for i, control in enumerate(c for c in members if c.kind != "features"):
            with columns[i % 2]:
                _draw(control)

if result.assessment is not None:
    ui.reasoning(result.assessment, plain, expanded=not plain)
