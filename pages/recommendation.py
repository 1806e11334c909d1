"""Recommendation: the decision, the dose, why, and what would change it."""

import streamlit as st

import ui
from walkback_rules import SOURCES, describe_dose, recommend
from walkback_rules.cards import short_dose
from walkback_rules.rules import RULES
from walkback_rules.whatif import what_would_change

assessment = ui.require_assessment()
rec = recommend(assessment)
rules = {r.id: r for r in RULES}

st.title("Recommendation")
ui.card(rec.cards[0], headline=True)

dose_col, referral_col, review_col = st.columns(3)
dose_col.metric("Walking this week", short_dose(rec.next_dose) or "None")
if rec.next_dose is not None:
    dose_col.caption(describe_dose(rec.next_dose))
referral_col.metric("Referral", f"{rec.referral.urgency.capitalize()}" if rec.referral else "None")
review_col.metric(
    "Review",
    f"In {rec.review_in_days} days" if rec.review_in_days is not None else "After referral",
)
if rec.referral is not None:
    st.markdown(f"**Referral:** {rec.referral.reason}")

prompts = []
if rec.ice_or_heat:
    prompts.append("Offer a **cold or heat pack**, whichever the person finds more comfortable.")
if rec.medication_discussion:
    prompts.append(
        "Suggest a **talk with the GP or pharmacist about pain relief** (the tool never names a "
        "medicine)."
    )
for prompt in prompts:
    st.success(prompt, icon=":material/check_circle:")

for extra in rec.cards[1:]:
    ui.card(extra)

st.subheader("Why")
for entry in (t for t in rec.trace if t.fired):
    rule = rules[entry.rule_id]
    with st.container(border=True):
        st.markdown(f"**{entry.rule_id} · {entry.title}** — {entry.reason}.")
        st.caption(f"Evidence: {rule.evidence_level}. Sources: {ui.citations(entry.source_ids)}")
        with st.expander("Rationale and full references"):
            st.markdown(rule.rationale)
            for source_id in entry.source_ids:
                st.markdown(f"- {SOURCES[source_id].reference} *({SOURCES[source_id].level})*")

with st.expander(f"Rules that did not apply ({sum(not t.fired for t in rec.trace)})"):
    for entry in (t for t in rec.trace if not t.fired):
        st.markdown(f"- **{entry.rule_id} · {entry.title}** — {entry.reason}")

st.subheader("What would change this")
alternatives = what_would_change(assessment)
if not alternatives:
    st.caption("No single change of input leads to a different decision.")
for alt in alternatives:
    st.markdown(f"- {alt.change.capitalize()}: **{alt.outcome}** *({alt.rule_id})*")
st.caption("Each line re-runs the rules with one answer changed.")

st.page_link(ui.PAGES["plan"], label="See the plan", icon=":material/trending_up:")
