"""Evidence: the WalkBack trial in figures, and the sources every rule cites."""

import streamlit as st

from walkback_rules import SOURCES
from walkback_rules.charts import trial_spec
from walkback_rules.core.evidence import TRIAL_FACTS

st.title("Evidence")
st.header("The WalkBack trial (Lancet 2024)")
st.markdown(
    "An individualised, progressive walking and education programme, led by physiotherapists, "
    "roughly doubled the time to the next activity-limiting recurrence of low back pain."
)
st.vega_lite_chart(trial_spec(), width="stretch")
st.table([{"Measure": label, "WalkBack trial": value} for label, value in TRIAL_FACTS])

st.header("Sources")
st.caption("Every rule cites at least one of these. Expert opinion and team decisions say so.")
for source in SOURCES.values():
    caveat = f" **Weak basis:** {source.caveat}" if source.caveat else ""
    st.markdown(f"- **{source.id}** · *{source.level}* — {source.reference}{caveat}")
