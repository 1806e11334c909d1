"""Users and roles: everyone who has signed in on the clinic server, and the roles an
administrator gives them. Every change is in the audit trail."""

import streamlit as st

import ui
from walkback_rules.server.access import ROLE_WORDS, Role
from walkback_rules.store import StoreError

st.title("Users and roles")
st.caption(
    "People appear here once they have signed in with the clinic's account. Give each the "
    "roles they need; someone with no role sees nothing but the sign-in page."
)
for role in Role:
    st.markdown(f"- {ROLE_WORDS[role]}")
record = ui.store(real=True)  # people and the trail live in the clinic's own record
me = ui.identity()
for user in record.users():
    with st.container(border=True):
        top, pick = st.columns([2, 3], vertical_alignment="bottom")
        top.text(user.identity)  # plain text: an e-mail in markdown becomes a link
        top.caption(
            (ui.md_text(user.name) + " · " if user.name else "")
            + f"first signed in {user.first_seen[:10]}"
        )
        chosen = pick.multiselect(
            f"Roles of {user.identity}",
            [r.value for r in Role],
            default=sorted(user.roles),
            key=f"u_roles_{user.identity}",
            placeholder="No role: sees only the sign-in page",
        )
        changed = set(chosen) != set(user.roles)
        if changed and pick.button(
            "Save the roles", key=f"u_save_{user.identity}", icon=":material/save:"
        ):
            try:
                record.set_roles(user.identity, set(chosen), by=me or ui.actor())
            except StoreError as exc:
                st.error(ui.md_text(str(exc)), icon=":material/error:")
            else:
                st.toast(f"Roles of {user.identity} saved", icon=":material/save:")
                st.rerun()
        if user.identity != me and st.button(
            "End their sessions",
            key=f"u_end_{user.identity}",
            icon=":material/logout:",
            help="Every browser they are signed in on must sign in again (a lost or shared "
            "computer, a role taken back).",
        ):
            try:
                record.end_sessions(user.identity, actor=me or ui.actor())
            except StoreError as exc:
                st.error(ui.md_text(str(exc)), icon=":material/error:")
            else:
                st.toast(f"Sessions of {user.identity} ended", icon=":material/logout:")
