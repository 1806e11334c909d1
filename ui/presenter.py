"""Presenter mode and the teaching pages' shared drawing: the cases chosen, the reasoning
and the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from walkback_rules.core.cards import DECISION_NAMES

if TYPE_CHECKING:
    from walkback_rules.core.models import Assessment

from . import base

_PRESENTER_CSS = """
<style>
html { font-size: 19px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 3.6rem; padding-bottom: 1rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.6rem; padding: 0 0 0.2rem 0; }
</style>
"""


PRESENT_PARAM = "present"  # in the address while presenting, so a reload keeps the mode


def presenting() -> bool:
    """Whether presenter mode is on: for this session, or (after a reload) in the address."""
    if base.PRESENTING not in st.session_state:
        st.session_state[base.PRESENTING] = st.query_params.get(PRESENT_PARAM) == "1"
    on = bool(st.session_state[base.PRESENTING])
    if on and st.query_params.get(PRESENT_PARAM) != "1":  # a page change cleared it
        st.query_params[PRESENT_PARAM] = "1"
    return on


def _toggle_presenting() -> None:
    on = bool(st.session_state.get("presenter_toggle"))
    st.session_state[base.PRESENTING] = on
    if on:
        st.query_params[PRESENT_PARAM] = "1"
    else:
        st.query_params.pop(PRESENT_PARAM, None)


def presenter_toggle() -> bool:
    """The presenter-mode switch at the top of a teaching page, and its styles; whether on."""
    st.session_state["presenter_toggle"] = presenting()
    st.toggle(
        "Presenter mode",
        key="presenter_toggle",
        on_change=_toggle_presenting,
        help="For a projector: large type, plain words instead of codes, no sidebar, and only "
        "the teaching pages in the menu.",
    )
    if presenting():
        st.html(_PRESENTER_CSS)  # fixed styles only: no text from anyone goes through here
    return presenting()


def chosen_cases(prefix: str) -> tuple[Any, ...]:
    """The demo cases chosen with `choose_cases(prefix)`, in library order."""
    from walkback_rules.teaching.lessons import cases_for

    state = st.session_state
    return cases_for(state.get(f"{prefix}_topics") or (), state.get(f"{prefix}_ids") or ())


def choose_cases(prefix: str) -> tuple[Any, ...]:
    """Topics, or the cases one by one, for a run of the quiz or a worksheet; the cases."""
    from walkback_rules.teaching.cases import CASES, CASES_BY_ID
    from walkback_rules.teaching.lessons import TOPICS, case_label

    st.pills("Topics", TOPICS, selection_mode="multi", key=f"{prefix}_topics")
    st.multiselect(
        "Or choose the cases",
        [c.id for c in CASES],
        format_func=lambda i: case_label(CASES_BY_ID[i]),
        key=f"{prefix}_ids",
        placeholder="Every case on the topics chosen (all cases when none is chosen)",
    )
    return chosen_cases(prefix)


def reasoning(assessment: Assessment, plain: bool, expanded: bool = True) -> None:
    """The path the rules took, as a picture drawn from the rule tables, and in words."""
    from walkback_rules.teaching.reasoning import diagram, path_of, path_words

    path = path_of(assessment)
    words = path_words(path, plain)
    with st.expander(
        "The reasoning as a picture", expanded=expanded, icon=":material/account_tree:"
    ):
        st.graphviz_chart(diagram(path, plain), width="stretch", alt=words)
        st.caption(words)


def outcome(assessment: Assessment, plain: bool) -> None:
    """What the rules decide for an assessment, in words: the decision first, then the dose,
    the resume dose, the referral, the flags and the deciding rule."""
    from walkback_rules.core.engine import decide
    from walkback_rules.core.rules import DECISION_RULES
    from walkback_rules.teaching.lessons import outcome_rows, rule_number

    decided = decide(assessment)
    number = rule_number(decided.rule_id)
    rule = DECISION_RULES[number - 1]
    deciding = rule.title if plain else f"{rule.id} · {rule.title}"
    rows = [*outcome_rows(decided), ("Deciding rule", f"{number}. {deciding}")]
    lines = [f"**{label}:** {value}" for label, value in rows]
    st.markdown(f"## {DECISION_NAMES[decided.decision]}")
    st.markdown("  \n".join(lines))
