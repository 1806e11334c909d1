"""The landing page: what WalkBack CDS is, and the one way in. Shown to a visitor who has not
signed in, to someone signed in whom no administrator has given a role yet, and, with the
reason, on a server that may not show patient data at all."""

import streamlit as st

import ui

st.title("WalkBack CDS")
st.markdown(
    "Clinical decision support for physiotherapists running a progressive walking and "
    "education programme for people with low back pain (the WalkBack trial, Lancet 2024). "
    "It supports the clinician; it is not a diagnosis."
)
mode = ui.access_mode()
if mode.mode == "refused":
    st.error(mode.reason, icon=":material/lock:")
    st.stop()

who = ui.identity()
ended = st.session_state.get(ui.SESSION_ENDED)
if who is not None and ended:
    st.info(f"{ui.md_text(ended)}. Sign in again.", icon=":material/lock:")
    if st.button("Sign in", type="primary", icon=":material/login:"):
        st.login()
    st.stop()
if who is None:
    st.info(
        "This is the clinic's server. Sign in with the clinic's account to continue.",
        icon=":material/lock:",
    )
    if st.button("Sign in", type="primary", icon=":material/login:"):
        st.login()
    st.stop()

st.warning(
    f"You are signed in as {who}, but no administrator has given you a role yet. Ask the "
    "clinic's administrator to give you the clinician's or the teaching role.",
    icon=":material/hourglass_empty:",
)
st.button("Sign out", on_click=ui.sign_out, icon=":material/logout:")
