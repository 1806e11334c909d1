"""About: what this is, the ruleset, where the patient record lives, and what stays private."""

import streamlit as st

import ui
from walkback_rules.core.codes import RULESET_VERSION
from walkback_rules.store import ENV_URL, describe_url

st.title("About WalkBack CDS")
st.markdown(
    "Decision support for physiotherapists running a progressive walking programme for "
    "people with low back pain, built on the WalkBack trial (Lancet 2024). It supports "
    "clinical judgement; it does not diagnose and does not replace it."
)
st.metric("Ruleset", RULESET_VERSION)

st.header("Where the patient record is kept")
record = ui.store()
st.text(describe_url(record.url))
st.caption(
    f"SQLite in your user data folder unless the setting {ENV_URL} names another database "
    "(any SQLAlchemy URL, e.g. a clinic's PostgreSQL server). The schema is kept up to date "
    "automatically when the app starts."
)

if ui.in_practice():
    st.warning(ui.PRACTICE_NOTE, icon=":material/science:")

st.header("Trying it out: the practice record")
st.markdown(
    "Switch on **Practice record** in the sidebar to try the app without writing into the "
    "real record. Patients, consultations and drafts then go into a separate temporary "
    "record, marked on every page, which is gone when the app stops; switch it off to "
    "return to the real record. Demo cases from **Teaching** are never saved to any "
    "patient, in either record."
)

st.header("Nothing typed is lost")
st.markdown(
    "Each change to a consultation is kept in the record as a draft for this browser and "
    "the patient it is for, so it survives changing pages, opening or creating a patient, "
    "a refresh and a restart of the app. Saving the consultation removes its draft; "
    "anything that would discard one asks first."
)

st.header("Privacy")
st.markdown(
    "- Everything runs on this computer; the app listens on 127.0.0.1 only, unless you "
    "configure otherwise.\n"
    "- No usage statistics are sent anywhere.\n"
    "- Patients are kept under random pseudonyms. Never type a name, date of birth or other "
    "identifying detail into a label.\n"
    "- The browser address holds only the pseudonym of the open patient and a random "
    "token that finds this browser's drafts."
)
