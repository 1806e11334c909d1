"""The audit trail: who did what, when, to which patient (the pseudonym only). Append-only;
an administrator can read it here and export it as CSV."""

import streamlit as st

import ui
from walkback_rules.csvtext import cell, csv_text
from walkback_rules.store.repo import AUDIT_ACTIONS

st.title("Audit trail")
st.caption(
    "Every sign-in and sign-out, every patient opened, every consultation and diary week "
    "saved, every print, export, import and deletion, and every change of settings or roles. "
    "It holds no clinical content beyond the pseudonym, is never changed, and keeps a "
    "patient's rows after the patient is deleted."
)
record = ui.store(real=True)  # people and the trail live in the clinic's own record
covered, legacy, breaks = record.verify_audit()
if breaks:
    st.error(
        "The audit trail's chain is broken, so rows were changed or removed outside the app:\n\n"
        + "\n".join(f"- {ui.md_text(b)}" for b in breaks[:20]),
        icon=":material/gpp_bad:",
    )
else:
    st.caption(
        f":material/verified_user: The chain holds: {covered:,} rows, each tied to the one "
        "before it" + (f" ({legacy:,} older rows from before the chain)" if legacy else "") + "."
    )
left, right = st.columns(2)
patient = left.text_input("Patient (pseudonym)", key="a_patient", placeholder="P-7K2QF9")
person = right.text_input("Person (e-mail)", key="a_actor", placeholder="someone@clinic")
rows = record.audit_trail(patient=patient.strip() or None, actor=person.strip() or None)
table = [
    {
        "When": ui.clock(r.at),
        "Who": r.actor,
        "What": AUDIT_ACTIONS.get(r.action, r.action),
        "Patient": r.patient or "",
        "Detail": r.detail or "",
    }
    for r in rows
]
st.caption(f"{len(rows)} row{'s' if len(rows) != 1 else ''}, newest first.")
st.download_button(
    "Export as CSV",
    data=ui.exporting(lambda: csv_text(table), "export_audit", None, f"{len(rows)} rows"),
    file_name=f"walkback-audit-{ui.today().isoformat()}.csv",
    mime="text/csv",
    icon=":material/download:",
    disabled=not table,
    on_click="ignore",
)
# The table's own toolbar writes a CSV as shown: text that a spreadsheet would run as a
# formula is shown marked as text, as the export writes it.
st.dataframe(
    [{k: cell(v) for k, v in row.items()} for row in table[:2000]],
    hide_index=True,
    width="stretch",
)
if len(table) > 2000:
    st.caption("Showing the newest 2,000 rows: the CSV has them all, or narrow the search.")
