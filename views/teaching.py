"""Teaching: the rule table, a library of demo patients, and a live what-if explorer."""

import streamlit as st

import ui
from walkback_rules import RULES
from walkback_rules.cases import CASES, CASES_BY_ID
from walkback_rules.core.cards import DECISION_NAMES, short_dose
from walkback_rules.core.codes import FLARE_LEVELS
from walkback_rules.intake import LAST_STEP_CHOICES
from walkback_rules.teaching import explore, rule_rows

st.title("Teaching")
table_tab, cases_tab, whatif_tab = st.tabs(["Rule table", "Case library", "What-if explorer"])

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


def _load(case_id: str) -> None:
    case = CASES_BY_ID[case_id]
    if ui.load(case.data, f"Demo {case.id[-2:]}: {case.title}"):
        st.session_state[ui.GOTO] = ui.PAGES["consultation"]


with cases_tab:
    st.caption(
        "Synthetic patients, none of them real. Together they reach every decision, every "
        "referral tier and every screen condition."
    )
    columns = st.columns(2)
    for i, case in enumerate(CASES):
        with columns[i % 2], st.container(border=True):
            st.markdown(f"**Demo {case.id[-2:]} · {case.title}**")
            st.caption(f"{DECISION_NAMES[case.expected]} — {case.teaches}")
            st.button(
                "Load into the consultation",
                key=f"t_load_{case.id}",
                on_click=_load,
                args=(case.id,),
            )

ui.follow_goto()

with whatif_tab:
    base = ui.current_assessment() or CASES_BY_ID["demo-02"].data
    base_data = base if isinstance(base, dict) else base.model_dump(mode="json")
    st.caption(
        "Start from the loaded patient (or demo 02) and move one answer at a time; the "
        "decision updates as you go."
    )
    c1, c2, c3 = st.columns(3)
    with c1:
        pain = st.slider("Pain now", 0, 10, base_data["flare"]["pain_now"], key="t_pain")
        level = st.select_slider(
            "Flare level", FLARE_LEVELS, base_data["flare"]["level"], key="t_level"
        )
        days = st.number_input(
            "Days since onset",
            0,
            400,
            base_data["flare"]["days_since_onset"] or 3,
            key="t_days",
            disabled=level == "none",
        )
    with c2:
        walks = st.number_input(
            "Walks a week", 0, 14, base_data["walking"]["walks_per_week"], key="t_walks"
        )
        minutes = st.number_input(
            "Minutes per walk",
            0,
            240,
            base_data["walking"]["minutes_per_walk"],
            step=5,
            key="t_minutes",
        )
        weeks = st.number_input(
            "Weeks at this dose",
            0,
            60,
            base_data["walking"]["weeks_at_current_dose"] or 1,
            key="t_weeks",
        )
    with c3:
        step = st.selectbox(
            "Since the last step up",
            tuple(LAST_STEP_CHOICES),
            format_func=LAST_STEP_CHOICES.get,
            key="t_step",
        )
        phq2 = st.slider("PHQ-2 total", 0, 6, base_data.get("phq2") or 0, key="t_phq2")
    result = explore(
        base_data,
        pain=pain,
        level=level,
        days=days,
        walks=walks,
        minutes=minutes,
        weeks=weeks,
        step=step,
        phq2=phq2,
    )
    if result.errors:
        for message in result.errors:
            st.error(message)
    else:
        decided = result.decided
        assert decided is not None
        st.markdown(f"### {DECISION_NAMES[decided.decision]}")
        d, u, r = st.columns(3)
        d.metric("Dose", short_dose(decided.next_dose) or "None")
        u.metric("Resume at", short_dose(decided.resume_dose) or "—")
        r.metric("Deciding rule", decided.rule_id, help=result.deciding_rule)
        st.caption(f"Deciding rule: {result.deciding_rule}")
        titles = {rule.sets: rule.title for rule in RULES}
        st.caption("Flags: " + ("; ".join(titles[f.value] for f in decided.flags) or "none"))
