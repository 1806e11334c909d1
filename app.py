"""WalkBack CDS: the Streamlit entrypoint (page setup, navigation, shared sidebar).

`streamlit run app.py` finds `app` below and serves this file through it, so every HTTP
request and WebSocket passes the Host check first (walkback_rules/server/hostcheck.py). Each page
run then executes this file as the script, as `__main__`, which draws the app.
"""

from pathlib import Path

import streamlit as st

# The page icon is bundled with the app, so no page load fetches anything from outside.
ICON = Path(__file__).parent / "assets" / "walkback-icon.png"


def _allowed_hosts() -> list[str]:
    return list(st.get_option("server.allowedHosts"))


# Each page: its key in ui.PAGES, its title, its icon, and whether the menu hides it.
CONSULTATION_PAGES = (
    ("consultation", "Consultation", ":material/edit_note:"),
    ("recommendation", "Recommendation", ":material/assignment:"),
    ("plan", "Plan", ":material/trending_up:"),
    ("handouts", "Handouts", ":material/print:"),
    ("patients", "Patients", ":material/folder_shared:"),
    ("settings", "Clinic settings", ":material/settings:"),
    ("users", "Users and roles", ":material/manage_accounts:"),
    ("audit", "Audit trail", ":material/policy:"),
    ("visit", "Past consultation", ":material/history:"),
)
LEARN_PAGES = (
    ("quiz", "Quiz", ":material/quiz:"),
    ("explorer", "What-if explorer", ":material/tune:"),
    ("compare", "Side by side", ":material/compare:"),
    ("teaching", "Teaching", ":material/school:"),
    ("outcomes", "Outcomes", ":material/monitoring:"),
    ("evidence", "Evidence", ":material/menu_book:"),
    ("about", "About", ":material/info:"),
)


def main() -> None:
    import ui

    st.set_page_config(page_title="WalkBack CDS", page_icon=str(ICON), layout="wide")
    mode = ui.access_mode().mode
    if not ui.load_roles():
        # An open address without sign-in, someone signed out, or someone with no role yet
        # (the local tool holds every role): the landing page alone, nothing of the record.
        st.navigation([st.Page(ui.PAGES["welcome"], title="WalkBack CDS")], position="hidden").run()
        return

    def page(key: str, title: str, icon: str, default: bool = False) -> st.Page:
        return st.Page(
            ui.PAGES[key],
            title=title,
            icon=icon,
            default=default,
            visibility="hidden" if key == "visit" else "visible",
        )

    consults = ui.can("consultation")
    consultation = page(*CONSULTATION_PAGES[0], default=consults)
    # The users page is for a clinic server's sign-in; a local tool has nobody to manage.
    work = [
        consultation if key == "consultation" else page(key, title, icon)
        for key, title, icon in CONSULTATION_PAGES
        if ui.can(key) and not (key == "users" and mode != "sign_in")
    ]
    learn = [page(*p) for p in LEARN_PAGES]
    presenting = ui.presenting()
    if presenting:
        # A projector shows the teaching pages alone, in a menu along the top.
        navigation = st.navigation(learn, position="top")
    elif work:
        # Every page listed: Streamlit folds a long menu after ten links otherwise.
        navigation = st.navigation({"Consultation": work, "Learn": learn}, expanded=True)
    else:  # a teaching account: the teaching pages and the evidence, nothing of the record
        navigation = st.navigation({"Learn": learn}, expanded=True)
    # Each page has its own title in the browser's tab and history.
    st.set_page_config(page_title=f"{navigation.title} — WalkBack CDS")
    # Callbacks have run: from here, whether this run draws the consultation form.
    st.session_state[ui.ON_FORM] = consults and navigation.url_path == consultation.url_path
    ui.restore_patient()
    if not presenting:
        ui.sidebar()
    ui.ask()
    on_work_page = any(navigation.url_path == p.url_path for p in work)
    # The page by its address ("/" for the first page, whose own path is empty).
    ui.page_aid("/" + navigation.url_path, navigation.title, fold=on_work_page and not presenting)
    if ui.in_practice():
        st.warning(ui.PRACTICE_NOTE, icon=":material/science:")
    from walkback_rules.store import StoreError

    try:
        navigation.run()
    except StoreError as exc:  # the record out of reach mid-page: said plainly, never a crash
        st.error(
            "The patient record cannot be reached. "
            + ui.md_text(str(exc))
            + " Nothing typed on the consultation is lost: it is kept in the record as soon "
            "as the record is back.",
            icon=":material/cloud_off:",
        )
    finally:
        ui.keep_draft()  # what was typed on this run is in the store before the next
        # Once a server has drawn its first page, the printing libraries load in the
        # background (earlier, they would slow that first page on a two-core machine).
        from walkback_rules.handouts import warm_in_background

        warm_in_background()


if __name__ == "__main__":
    main()
else:  # imported by the server: the app, behind its Host check
    from contextlib import asynccontextmanager
    from typing import Any

    from starlette.middleware import Middleware
    from streamlit import net_util

    from walkback_rules.server.deliveries import keep_downloads
    from walkback_rules.server.files import PatientFiles
    from walkback_rules.server.hostcheck import HostCheck
    from walkback_rules.server.localuser import LocalUser, kernel_says, key_address, new_key

    keep_downloads()  # a file made on a press waits for its browser, whoever else is working

    # Never ask a web service for this machine's external address: Streamlit would, to
    # judge a foreign Origin. The Host check has refused foreign names before that point.
    net_util._external_ip = "127.0.0.1"

    def _mode() -> str:
        from ui.signin import access_mode

        return str(access_mode().mode)

    LOCAL_KEY = new_key()  # made at each start; asked for only where the kernel cannot say

    @asynccontextmanager
    async def _started(_app: Any) -> Any:
        """Tell the person who started the local tool how it keeps other accounts out."""
        if _mode() == "local":
            if kernel_says():
                print("  Only this computer account can open it; other accounts are refused.\n")
            else:
                port = st.get_option("server.port")
                base = f"http://{st.get_option('browser.serverAddress')}:{port}"
                address = key_address(base, LOCAL_KEY)
                print(f"  Open it at this address (made for this start):\n  {address}\n")
        yield None

    # The Host check first; then the local tool for its own account alone; then downloads
    # and uploads only for those who may see them.
    app = st.App(
        __file__,
        lifespan=_started,
        middleware=[
            Middleware(HostCheck, hosts=_allowed_hosts),
            Middleware(LocalUser, mode=_mode, key=LOCAL_KEY),
            Middleware(PatientFiles, mode=_mode),
        ],
    )
