"""Clinic settings: set once, kept in the record, printed on every handout and letter."""

import streamlit as st

import ui
from walkback_rules.clinic import (
    CLINIC_MAX,
    CLINICIAN_MAX,
    DOCTORS,
    EMERGENCY_MAX,
    PAPER_NAMES,
    PAPERS,
    PHONE_MAX,
    SETTING_LABELS,
    settings_errors,
)
from walkback_rules.store import StoreError

record = ui.store()
saved = record.settings()
state = st.session_state

st.title("Clinic settings")
st.caption(
    "Set once for this record. Every handout, clinician summary and referral letter prints "
    "them; a print kept in the record keeps the details it was printed with."
)

# The boxes start from what is saved, and keep what was typed until it is saved.
for key, value in saved.to_json().items():
    state.setdefault(f"s_{key}", value)

with st.form("clinic_settings", enter_to_submit=False, border=True):
    st.text_input(SETTING_LABELS["name"], key="s_name", max_chars=CLINIC_MAX)
    st.text_input(
        SETTING_LABELS["phone"], key="s_phone", max_chars=PHONE_MAX, placeholder="02 9555 0123"
    )
    st.text_input(
        SETTING_LABELS["emergency"],
        key="s_emergency",
        max_chars=EMERGENCY_MAX,
        placeholder="000",
        help="The local number for an ambulance: for example 000, 999, 911 or 112. Printed "
        "in every get-help-now box.",
    )
    st.text_input(
        SETTING_LABELS["urgent_line"],
        key="s_urgent_line",
        max_chars=PHONE_MAX,
        help="A phone line for urgent health advice when the clinic is closed, if there is "
        "one. Left empty, none is printed.",
    )
    st.radio(SETTING_LABELS["doctor"], DOCTORS, key="s_doctor", horizontal=True)
    st.radio(
        SETTING_LABELS["paper"],
        PAPERS,
        key="s_paper",
        horizontal=True,
        format_func=PAPER_NAMES.get,
    )
    st.text_input(
        SETTING_LABELS["clinician"],
        key="s_clinician",
        max_chars=CLINICIAN_MAX,
        help="Signs the referral letters when a consultation names no clinician.",
    )
    pressed = st.form_submit_button("Save settings", type="primary", icon=":material/save:")

values = {key: str(state[f"s_{key}"]).strip() for key in SETTING_LABELS}
if pressed:
    problems = settings_errors(values)
    if problems:
        for key, why in problems.items():
            st.error(f"**{SETTING_LABELS[key]}** must be {why}. Nothing was saved.")
    else:
        try:
            record.save_settings(values)
        except StoreError as exc:
            st.error(f"The settings were not saved: {ui.md_text(str(exc))}")
        else:
            st.success("Saved. Every handout and letter from now on prints these details.")
if not values["emergency"]:
    st.warning(
        "No emergency number is set: handouts say “call the emergency number” without one.",
        icon=":material/warning:",
    )
