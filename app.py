"""WalkBack CDS: the Streamlit entrypoint (page setup, navigation, shared sidebar)."""

from pathlib import Path

import streamlit as st

import ui

# The page icon is bundled with the app, so no page load fetches anything from outside.
ICON = Path(__file__).parent / "assets" / "walkback-icon.png"
st.set_page_config(page_title="WalkBack CDS", page_icon=str(ICON), layout="wide")

navigation = st.navigation(
    {
        "Consultation": [
            st.Page(
                ui.PAGES["consultation"],
                title="Consultation",
                icon=":material/edit_note:",
                default=True,
            ),
            st.Page(
                ui.PAGES["recommendation"], title="Recommendation", icon=":material/assignment:"
            ),
            st.Page(ui.PAGES["plan"], title="Plan", icon=":material/trending_up:"),
            st.Page(ui.PAGES["handouts"], title="Handouts", icon=":material/print:"),
            st.Page(ui.PAGES["patients"], title="Patients", icon=":material/folder_shared:"),
        ],
        "Learn": [
            st.Page(ui.PAGES["teaching"], title="Teaching", icon=":material/school:"),
            st.Page(ui.PAGES["evidence"], title="Evidence", icon=":material/menu_book:"),
            st.Page(ui.PAGES["about"], title="About", icon=":material/info:"),
        ],
    }
)
ui.restore_patient()
ui.sidebar()
navigation.run()
