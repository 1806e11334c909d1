"""Clinic settings: set once, kept in the record, printed on every handout and letter."""

import streamlit as st

import ui
from walkback_rules.clinic import (
    CLINIC_MAX,
    CLINICIAN_MAX,
    CONTACT_MAX,
    DOCTORS,
    EMERGENCY_MAX,
    PAPER_NAMES,
    PAPERS,
    PHONE_MAX,
    SETTING_LABELS,
    settings_errors,
    time_zones,
)
from walkback_rules.store import Conflict, StoreError

record = ui.store()
saved = record.settings()
state = st.session_state

st.title("Clinic settings")
st.caption(
    "Set once for this record. Every handout, clinician summary and referral letter prints "
    "them; a print kept in the record keeps the details it was printed with."
)

# The boxes start from what is saved; what was typed and not yet saved is kept apart from
# the widgets, so it survives a visit to another page (Streamlit forgets a widget's value
# when its page is not drawn).
TYPED = "settings_typed"
SHOWN = "settings_shown"  # each setting as saved when its box was filled: a save compares
typed: dict[str, str] = state.setdefault(TYPED, {})
shown: dict[str, str] = state.setdefault(SHOWN, {})
for key, value in saved.to_json().items():
    if f"s_{key}" not in state:
        state[f"s_{key}"] = typed.get(key, value)
        shown[key] = value

with st.container(border=True):
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
        help="Your full name as it signs the letters: a letter is signed with it when the "
        "consultation names no clinician or gives these initials.",
    )
    st.selectbox(
        SETTING_LABELS["time_zone"],
        ("", *time_zones()),
        key="s_time_zone",
        format_func=lambda zone: zone or "This computer's own",
        help="Every time shown or printed (the letter's time of assessment included) is the "
        "clinic's local time in this zone, and says the zone.",
    )
    st.text_input(
        SETTING_LABELS["crisis_line"],
        key="s_crisis_line",
        max_chars=PHONE_MAX,
        help="The local crisis line for thoughts of self-harm or suicide. Named on the "
        "self-harm card and printed on the contacts slip.",
    )
    st.text_input(
        SETTING_LABELS["mental_health"],
        key="s_mental_health",
        max_chars=CONTACT_MAX,
        placeholder="Crisis team 0300 555 0123",
        help="Who to call today for urgent mental-health help: a team's name and number.",
    )
    pressed = st.button("Save settings", type="primary", icon=":material/save:")

values = {key: str(state[f"s_{key}"]).strip() for key in SETTING_LABELS}
state[TYPED] = {k: v for k, v in values.items() if v != saved.to_json()[k]}
if state[TYPED] and not pressed:
    st.caption("Not saved yet: " + ", ".join(SETTING_LABELS[k] for k in state[TYPED]) + ".")
if pressed:
    problems = settings_errors(values)
    if problems:
        for key, why in problems.items():
            st.error(f"**{SETTING_LABELS[key]}** must be {why}. Nothing was saved.")
    else:
        # Only what was changed here is saved, against what was shown: a setting another
        # administrator changed meanwhile is said, never silently overwritten.
        changed = {k: v for k, v in values.items() if v != shown.get(k)}
        try:
            record.save_settings(
                changed, actor=ui.actor(), shown={k: shown.get(k, "") for k in changed}
            )
        except Conflict as exc:
            st.error(f"The settings were not saved: {ui.md_text(str(exc))}")
            shown.update(record.settings().to_json())  # a second press saves over them
        except StoreError as exc:
            st.error(f"The settings were not saved: {ui.md_text(str(exc))}")
        else:
            shown.update(changed)
            state[TYPED] = {}
            st.success("Saved. Every handout and letter from now on prints these details.")
if not values["emergency"]:
    st.warning(
        "No emergency number is set: handouts say “call the emergency number” without one.",
        icon=":material/warning:",
    )
