"""WalkBack CDS: the Streamlit entrypoint (page setup, navigation, shared sidebar).

`streamlit run app.py` finds `app` below and serves this file through it, so every HTTP
request and WebSocket passes the Host check first (walkback_rules/hostcheck.py). Each page
run then executes this file as the script, as `__main__`, which draws the app.
"""

from pathlib import Path

import streamlit as st

# The page icon is bundled with the app, so no page load fetches anything from outside.
ICON = Path(__file__).parent / "assets" / "walkback-icon.png"


def _allowed_hosts() -> list[str]:
    return list(st.get_option("server.allowedHosts"))


def main() -> None:
    import ui

    st.set_page_config(page_title="WalkBack CDS", page_icon=str(ICON), layout="wide")
    consultation = st.Page(
        ui.PAGES["consultation"], title="Consultation", icon=":material/edit_note:", default=True
    )
    learn = [
        st.Page(ui.PAGES["quiz"], title="Quiz", icon=":material/quiz:"),
        st.Page(ui.PAGES["explorer"], title="What-if explorer", icon=":material/tune:"),
        st.Page(ui.PAGES["compare"], title="Side by side", icon=":material/compare:"),
        st.Page(ui.PAGES["teaching"], title="Teaching", icon=":material/school:"),
        st.Page(ui.PAGES["evidence"], title="Evidence", icon=":material/menu_book:"),
        st.Page(ui.PAGES["about"], title="About", icon=":material/info:"),
    ]
    presenting = ui.presenting()
    if presenting:
        # A projector shows the teaching pages alone, in a menu along the top.
        navigation = st.navigation(learn, position="top")
    else:
        navigation = st.navigation(
            {
                "Consultation": [
                    consultation,
                    st.Page(
                        ui.PAGES["recommendation"],
                        title="Recommendation",
                        icon=":material/assignment:",
                    ),
                    st.Page(ui.PAGES["plan"], title="Plan", icon=":material/trending_up:"),
                    st.Page(ui.PAGES["handouts"], title="Handouts", icon=":material/print:"),
                    st.Page(
                        ui.PAGES["patients"], title="Patients", icon=":material/folder_shared:"
                    ),
                    st.Page(
                        ui.PAGES["settings"], title="Clinic settings", icon=":material/settings:"
                    ),
                    st.Page(
                        ui.PAGES["visit"],
                        title="Past consultation",
                        icon=":material/history:",
                        visibility="hidden",
                    ),
                ],
                "Learn": learn,
            }
        )
    # Callbacks have run: from here, whether this run draws the consultation form.
    st.session_state[ui.ON_FORM] = navigation.url_path == consultation.url_path
    ui.restore_patient()
    if not presenting:
        ui.sidebar()
    ui.ask()
    if ui.in_practice():
        st.warning(ui.PRACTICE_NOTE, icon=":material/science:")
    try:
        navigation.run()
    finally:
        ui.keep_draft()  # what was typed on this run is in the store before the next


if __name__ == "__main__":
    main()
else:  # imported by the server: the app, behind its Host check
    from starlette.middleware import Middleware
    from streamlit import net_util

    from walkback_rules.hostcheck import HostCheck

    # Never ask a web service for this machine's external address: Streamlit would, to
    # judge a foreign Origin. The Host check has refused foreign names before that point.
    net_util._external_ip = "127.0.0.1"

    app = st.App(__file__, middleware=[Middleware(HostCheck, hosts=_allowed_hosts)])
