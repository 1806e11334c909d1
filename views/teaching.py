"""Teaching: the decision order as a picture, the rule table, each rule's evidence appraised,
the case library (answers hidden until asked for) and printable worksheets."""

import streamlit as st

import ui
from walkback_rules import RULES
from walkback_rules.core.cards import DECISION_NAMES
from walkback_rules.handouts.content import Paper
from walkback_rules.teaching.cases import CASES, CASES_BY_ID
from walkback_rules.teaching.lessons import (
    appraisal,
    evidence_mix,
    rule_rows,
    weak_only,
)
from walkback_rules.teaching.reasoning import diagram

state = st.session_state
plain = ui.presenter_toggle()
st.title("Teaching")
order_tab, table_tab, evidence_tab, cases_tab, sheets_tab = st.tabs(
    ["Decision order", "Rule table", "A rule's evidence", "Case library", "Worksheets"]
)

with order_tab:
    st.caption(
        "The screens give each condition a tier; then the decision rules run in order and the "
        "first that holds decides. Drawn from the rule tables themselves. Follow one case's "
        "path on the Quiz or the What-if explorer."
    )
    st.graphviz_chart(
        diagram(plain=plain),
        width="stretch",
        alt="The screens, then decision rules 1 to 12 in order; the first that holds decides.",
    )

with table_tab:
    query = st.text_input(
        "Search the rules", key="t_query", placeholder="e.g. flare, 7, team, nice"
    )
    rows = rule_rows(RULES, query)
    st.caption(
        f"{len(rows)} of {len(RULES)} rules. "
        "Decision rules run in order; the first that holds decides."
    )
    st.dataframe(rows, hide_index=True, width="stretch")

with evidence_tab:
    ids = [r.id for r in RULES]
    by_id = {r.id: r for r in RULES}
    chosen = st.selectbox(
        "Rule",
        ids,
        format_func=lambda i: by_id[i].title if plain else f"{i} · {by_id[i].title}",
        key="t_rule",
    )
    shown = appraisal(by_id[chosen])
    st.markdown(
        f"**Condition:** {ui.md_text(shown.rule.condition)}  \n"
        f"**Sets:** {shown.sets}  \n"
        f"**Evidence level:** {shown.level}"
    )
    st.markdown(f"**Rationale:** {shown.rule.rationale}")
    for caveat in shown.caveats:
        st.warning(caveat, icon=":material/report:")
    st.markdown("**Sources**\n" + "\n".join(f"- {ui.md_text(r)}" for r in shown.references))
    st.info(f"**For discussion.** {shown.prompt}", icon=":material/forum:")
    with st.expander("How strong is the evidence across the rules?"):
        st.table(evidence_mix())
        weak = weak_only()
        st.markdown(
            f"{len(weak)} of {len(RULES)} rules rest only on a consumer article, expert "
            "advice, a model borrowed by analogy, or a team decision:\n"
            + "\n".join(f"- {r.title}" if plain else f"- {r.id} · {r.title}" for r in weak)
        )


def _load(case_id: str) -> None:
    case = CASES_BY_ID[case_id]
    if ui.load(case.data, f"Demo {case.id[-2:]}: {case.title}"):
        st.session_state[ui.GOTO] = ui.PAGES["consultation"]


with cases_tab:
    st.caption(
        "Synthetic patients, none of them real. Together they reach every decision, every "
        "referral tier and every screen condition."
    )
    answers = st.toggle(
        "Show the answers", key="t_answers", help="Off: ask the room first, on the Quiz page."
    )
    columns = st.columns(2)
    for i, case in enumerate(CASES):
        with columns[i % 2], st.container(border=True):
            st.markdown(f"**Demo {case.id[-2:]} · {case.title}**")
            if answers:
                st.caption(f"{DECISION_NAMES[case.expected]} — {case.teaches}")
            else:
                st.caption("Topics: " + ", ".join(case.topics))
            # A projector, or a teaching account, never opens the consultation.
            if not ui.presenting() and ui.can("consultation"):
                st.button(
                    "Load into the consultation",
                    key=f"t_load_{case.id}",
                    on_click=_load,
                    args=(case.id,),
                )

ui.follow_goto()

with sheets_tab:
    st.caption(
        "A worksheet of cases without answers, and a separate answer key with the reasons, "
        "both made from the case library and the rule tables."
    )
    chosen_cases = ui.choose_cases("w")
    paper: Paper = (
        "letter"
        if st.radio(
            "Paper", ["a4", "letter"], format_func=str.upper, horizontal=True, key="w_paper"
        )
        == "letter"
        else "a4"
    )
    st.caption(f"{len(chosen_cases)} case{'s' if len(chosen_cases) != 1 else ''}.")
    if st.button("Make the worksheets", icon=":material/description:"):
        from walkback_rules.handouts.worksheet import worksheet_pdf

        state["w_files"] = (
            (tuple(c.id for c in chosen_cases), paper),
            {
                "worksheet": worksheet_pdf(chosen_cases, paper=paper),
                "key": worksheet_pdf(chosen_cases, key=True, paper=paper),
            },
        )
    made_for, files = state.get("w_files") or (None, None)
    if files and made_for == (tuple(c.id for c in chosen_cases), paper):
        stem = f"walkback-cases-{ui.today().isoformat()}"
        sheet_col, key_col = st.columns(2)
        sheet_col.download_button(
            "Worksheet (PDF)",
            files["worksheet"],
            f"{stem}-worksheet.pdf",
            "application/pdf",
            icon=":material/download:",
            on_click="ignore",
        )
        key_col.download_button(
            "Answer key (PDF)",
            files["key"],
            f"{stem}-answers.pdf",
            "application/pdf",
            icon=":material/download:",
            on_click="ignore",
        )
