"""The sidebar every page shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from walkback_rules.core.codes import RULESET_VERSION

if TYPE_CHECKING:
    pass

from . import base, drafts, records, signin


def sidebar() -> None:
    """What every page shows: what this is, the ruleset, and who is loaded."""
    with st.sidebar:
        st.markdown("**WalkBack CDS**")
        st.caption(
            "Decision support for clinicians. Not a diagnosis, and not a replacement for "
            "clinical judgement."
        )
        st.caption(f"Ruleset {RULESET_VERSION}")
        who = signin.identity()
        if who is not None:
            st.markdown("**Signed in as:**")
            st.text(who)
            st.button("Sign out", on_click=signin.sign_out, icon=":material/logout:")
        if not signin.sees_patients():
            return
        loaded = st.session_state.get(base.LOADED)
        if loaded:
            st.markdown("**Open record:**" if st.session_state.get(base.PATIENT) else "**Loaded:**")
            st.text(loaded)
        else:
            st.markdown("**Loaded:** nobody yet")
        if not signin.can("consultation"):
            return
        st.button("New patient", on_click=drafts.new_patient, icon=":material/person_add:")
        st.session_state["practice_toggle"] = records.in_practice()
        st.toggle(
            "Practice record",
            key="practice_toggle",
            on_change=records.switch_record,
            help="A separate, temporary record for trying the app. Nothing typed or saved "
            "there reaches the real record.",
        )
        if records.in_practice():
            st.warning(records.PRACTICE_NOTE, icon=":material/science:")
