"""Patients: the local record. Create, find, open, follow over time, export, import, delete."""

from datetime import date, timedelta

import streamlit as st

import ui
from walkback_rules.charts import history_spec
from walkback_rules.consultation.referrals import NOTE_MAX as REFERRAL_NOTE_MAX
from walkback_rules.consultation.referrals import STATUS_CHOICES, Referral, update_problems
from walkback_rules.csvtext import csv_text
from walkback_rules.handouts.i18n import LANGUAGES, unreviewed_words
from walkback_rules.history import decision_words, timeline
from walkback_rules.store import (
    DiaryWeek,
    ImportError_,
    NotFound,
    StoreError,
    dumps,
    label_problem,
)

record = ui.store()


def _table_with_csv(
    shown: list[dict[str, object]], rows: list[dict[str, object]], name: str
) -> None:
    """A static table, with a CSV download whose cells cannot run as formulas (the
    interactive table's own CSV download writes text as it is)."""
    st.table(shown, hide_index=True)
    st.download_button(
        "Download as CSV",
        data=csv_text(rows),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"p_csv_{name}",
    )


def _week_words(counts: dict[str, int]) -> str:
    return f"{counts['walks']} walks, {counts['minutes']} min, worst pain {counts['worst_pain']}"


def _referral_form(item: Referral) -> None:
    """Record what became of an open referral, between visits (a telephone call, a letter
    back); refused by field, with nothing saved, when anything is wrong."""
    with st.form(f"p_referral_{item.id}", border=False):
        st.caption(f"Record what became of the {ui.md_text(item.words().split(':')[0])}:")
        status_col, day_col = st.columns(2)
        status = status_col.selectbox(
            "Status", tuple(STATUS_CHOICES), format_func=lambda v: STATUS_CHOICES[v], index=1
        )
        day = day_col.date_input(
            "On", value=date.today(), max_value=date.today(), format="YYYY-MM-DD"
        )
        note = st.text_input(
            "Outcome, briefly (optional)", max_chars=REFERRAL_NOTE_MAX, key=f"p_ref_note_{item.id}"
        )
        if st.form_submit_button("Record the referral's status", icon=":material/save:"):
            update, problems = update_problems(
                {"status": status, "on": day.isoformat(), "note": note.strip() or None},
                item.advised_on,
                date.today(),
            )
            if update is None:
                for message in problems.values():
                    ui.field_error(message)
                return
            try:
                record.update_referral(item.patient_id, item.id, update, actor=ui.actor())
            except StoreError as exc:
                ui.field_error(f"Not saved: {ui.md_text(str(exc))}")
                return
            st.rerun()


st.title("Patients")
st.caption(
    "Patients are kept under a random pseudonym such as P-7K2QF9. A label is for you to "
    "recognise them: **never type a name, date of birth or other identifying detail**."
)

find, create = st.columns([3, 2], gap="large")
consults = ui.can("consultation")  # an administrator alone sees the list, not consultations

with create:
    st.header("New patient")
    label = st.text_input(
        "Label (optional, not identifying)",
        key="p_new_label",
        max_chars=60,
        placeholder="e.g. Tuesday clinic, runner",
    )
    problem = label_problem(label.strip() or None)
    ui.field_error(f"Label: {problem}" if problem else None)
    if st.button(
        "Create and open", icon=":material/person_add:", disabled=bool(problem) or not consults
    ):
        created = record.new_patient(label)
        ui.open_patient(created.id)
        st.session_state.pop("p_new_label", None)
        st.rerun()

with find:
    st.header("Find a patient")
    query = st.text_input("Search by ID or label", key="p_query", placeholder="P-7K2 or runner")
    found = record.patients(query)
    if not found:
        st.caption("No patient matches." if query else "No patients yet.")
    for p in found[:30]:
        row = st.columns([2, 3, 3, 1.4], vertical_alignment="center")
        row[0].markdown(f"**{p.id}**")
        row[1].text(p.label or "")
        row[2].caption(
            f"{p.consultations} consultation{'s' if p.consultations != 1 else ''}"
            + (
                f" · last {p.last_seen[:10]} · {decision_words(p.last_decision)}"
                if p.last_seen and p.last_decision
                else ""
            )
            + (f" · next review {p.next_review}" if p.next_review else "")
            + (
                f" · written up {p.last_recorded[:10]}"
                if p.last_seen and p.last_recorded and p.last_recorded[:10] > p.last_seen
                else ""
            )
        )
        if p.open_referral:  # the whole width, under its row: it is read first
            st.markdown(
                f":red[:material/outgoing_mail:] **Open:** {ui.md_text(p.referral_line or '')}"
            )
        if row[3].button("Open", key=f"p_open_{p.id}"):
            ui.open_patient(p.id)
            if consults:
                st.switch_page(ui.PAGES["consultation"])
            st.rerun()
    if len(found) > 30:
        st.caption(f"Showing 30 of {len(found)}: narrow the search to see the others.")

pid = st.session_state.get(ui.PATIENT)
st.divider()
if pid is None:
    st.info("Open or create a patient to see their history.", icon=":material/info:")
else:
    try:
        patient = record.patient(pid)
    except NotFound:  # deleted elsewhere since it was opened
        ui.close_deleted()
        st.rerun()
    open_pid: str = pid
    visits = record.consultations(pid)
    weeks = record.diary(pid)
    course = timeline(visits, weeks)
    st.header(f"{pid}")
    if patient.label:
        st.text(patient.label)
    next_review = visits[-1].review_date if visits else None
    st.caption(
        f"In the record since {patient.created_at[:10]} · {len(visits)} consultation"
        f"{'s' if len(visits) != 1 else ''} · {len(weeks)} diary week"
        f"{'s' if len(weeks) != 1 else ''}"
    )
    if next_review:
        st.markdown(f":material/event: **Next review: {next_review}**")
    lang_key = f"p_language_{pid}"
    st.session_state.setdefault(lang_key, patient.language)
    lang_col, _ = st.columns([1, 2])
    lang_col.selectbox(
        "Language of the patient's sheets",
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=lang_key,
        on_change=ui.set_patient_language,
        args=(pid, lang_key),
        help="The handout and the contacts slip print in this language; the Handouts page "
        "can change it for one print. Letters and summaries are for clinicians, in English.",
    )
    unreviewed = unreviewed_words(st.session_state[lang_key])
    if unreviewed:
        lang_col.caption(unreviewed)
    followed = record.referrals(pid)
    if followed:
        with st.container(border=True):
            st.markdown("**Referrals**")
            for item in followed:
                st.markdown(
                    (":red[:material/outgoing_mail:] " if item.is_open else ":material/done: ")
                    + ui.md_text(item.line())
                )
            still_open = [item for item in followed if item.is_open]
            if still_open and consults:
                _referral_form(still_open[-1])
    if consults and st.button(
        "Start this visit's consultation" if visits else "Start the first consultation",
        icon=":material/edit_note:",
        help="From the plan the last visit gave; what was being typed for them comes back "
        "as it was left.",
    ):
        ui.open_patient(pid)
        st.switch_page(ui.PAGES["consultation"])
    if visits or weeks:
        st.vega_lite_chart(history_spec(course.visits, course.weeks), width="content")
    history_tab, diary_tab, transfer_tab = st.tabs(
        ["Consultations", "Walking diary", "Export, import, delete"]
    )
    with history_tab:
        if course.visits:
            # On screen, what tells the story; the CSV keeps every column.
            hidden = ("Summary", "Until", "Planned minutes a week")
            shown = [{k: v for k, v in row.items() if k not in hidden} for row in course.visits]
            _table_with_csv(shown, course.visits, f"{pid}-consultations")
            labels = {
                c.id: f"Visit {n} · {row['Date']} · {row['Decision']}"
                for n, (c, row) in enumerate(zip(visits, course.visits, strict=True), start=1)
            }
            pick, go = st.columns([3, 1], vertical_alignment="bottom")
            chosen = pick.selectbox(
                "Open a visit (read-only, with its handout and summary)",
                list(reversed(labels)),
                format_func=lambda v: labels[v],
                key=f"p_visit_{pid}",
            )
            if go.button("Open the visit", icon=":material/history:", disabled=not consults):
                st.session_state[ui.VIEW] = chosen
                st.switch_page(ui.PAGES["visit"])
        else:
            st.caption("No consultation saved yet: save one from the Recommendation page.")
    with diary_tab:
        st.caption("What the patient reports for each week: walks, minutes, worst pain.")
        monday = date.today() - timedelta(days=date.today().weekday())
        with st.form("p_diary", clear_on_submit=True, border=True):
            cols = st.columns(4)
            week = cols[0].date_input("Week starting (Monday)", value=monday, max_value=monday)
            # No ranges here: what is typed is checked by the record, and said in words.
            walks = cols[1].number_input("Walks", value=0, step=1)
            minutes = cols[2].number_input("Minutes in the week", value=0, step=5)
            pain = cols[3].number_input("Worst pain (0–10)", value=0, step=1)
            if st.form_submit_button(
                "Save the week", icon=":material/save:", disabled=not consults
            ):
                start = week - timedelta(days=week.weekday())  # any day counts for its week
                try:
                    record.set_diary(
                        pid,
                        DiaryWeek(start.isoformat(), int(walks), int(minutes), int(pain)),
                        actor=ui.actor(),
                    )
                    st.toast(f"Week of {start.isoformat()} saved", icon=":material/save:")
                    st.rerun()
                except StoreError as exc:
                    st.error(ui.md_text(str(exc)), icon=":material/error:")
        st.caption(
            "To correct a week, save it again with the right figures. Every correction and "
            "removal is kept below, with what the week held before."
        )
        if course.weeks:
            _table_with_csv(course.weeks, course.weeks, f"{pid}-diary")
            drop, go = st.columns([3, 1], vertical_alignment="bottom")
            gone = drop.selectbox(
                "Remove a week entered by mistake",
                [w.week_start for w in reversed(weeks)],
                key=f"p_drop_{pid}",
            )
            if go.button("Remove the week", icon=":material/delete:"):
                try:
                    record.remove_diary(pid, gone, actor=ui.actor())
                    st.toast(
                        f"Week of {gone} removed; the change is kept", icon=":material/delete:"
                    )
                    st.rerun()
                except StoreError as exc:
                    st.error(ui.md_text(str(exc)), icon=":material/error:")
        changes = record.diary_changes(pid)
        if changes:
            st.markdown("**Changes to the diary**")
            st.table(
                [
                    {
                        "Week of": c.week_start,
                        "Change": c.change,
                        "Before": _week_words(c.before),
                        "After": _week_words(c.after) if c.after else "",
                        "When": ui.clock(c.changed_at),
                    }
                    for c in changes
                ],
                hide_index=True,
            )
    with transfer_tab:
        left, right = st.columns(2, gap="large")
        with left:
            st.markdown("**Export**")
            st.download_button(
                "This patient (JSON)",
                data=lambda: dumps(record.export(open_pid)),
                file_name=f"{pid}.json",
                mime="application/json",
                icon=":material/download:",
                on_click=ui.audit,
                args=("export", pid, "JSON"),
            )
            try:
                from walkback_rules.store.fhir import patient_bundle

                st.download_button(
                    "This patient (FHIR R4B Bundle)",
                    data=lambda: dumps(patient_bundle(record, open_pid)),
                    file_name=f"{pid}-fhir.json",
                    mime="application/fhir+json",
                    icon=":material/download:",
                    on_click=ui.audit,
                    args=("export", pid, "FHIR"),
                )
            except ModuleNotFoundError:
                st.caption("FHIR export needs the optional extra walkback-cds\\[fhir\\].")
        with right:
            if not ui.administers():  # deleting is an administrator's act on a clinic server
                st.caption("Deleting a patient is for an administrator.")
            else:
                st.markdown("**Delete**")
                st.caption(
                    f"Deletes {pid} and every consultation and diary week. It cannot be undone."
                )
                typed = st.text_input(f"Type {pid} to confirm", key=f"p_delete_{pid}")
                if st.button(
                    f"Delete {pid}",
                    type="primary",
                    disabled=typed.strip() != pid,
                    icon=":material/delete:",
                ):
                    removed = record.delete_patient(pid, actor=ui.actor())
                    ui.close_deleted()
                    st.toast(f"Deleted {pid} and {removed} consultations", icon=":material/delete:")
                    st.rerun()

st.divider()
backup, restore = st.columns(2, gap="large")
with backup:
    st.header("Back up")
    st.download_button(
        "All patients (JSON Lines)",
        data=lambda: "".join(dumps(p) + "\n" for p in record.export_all()),
        file_name=f"walkback-backup-{date.today().isoformat()}.jsonl",
        mime="application/jsonl",
        icon=":material/backup:",
        on_click=ui.audit,
        args=("export", None, "all patients"),
    )
with restore:
    if not ui.administers():  # importing is an administrator's act on a clinic server
        st.caption("Importing patients is for an administrator.")
        st.stop()  # the import is the last thing on the page
    st.header("Import")
    upload = st.file_uploader(
        "A patient file (.json) or a backup (.jsonl)", type=["json", "jsonl"], key="p_upload"
    )
    replace = st.checkbox("Replace patients that already exist", key="p_replace")
    if upload is not None and st.button("Import", icon=":material/upload:"):
        try:
            ids = record.import_file(upload.getvalue(), replace=replace, actor=ui.actor())
        except ImportError_ as exc:
            st.error(
                "Nothing was imported:\n\n"
                + "\n".join(f"- {ui.md_text(str(e))}" for e in exc.errors),
                icon=":material/error:",
            )
        except StoreError as exc:  # busy, read-only or full: nothing was written
            st.error(f"Nothing was imported: {ui.md_text(str(exc))}", icon=":material/error:")
        else:
            st.success(f"Imported {len(ids)}: {', '.join(ids)}", icon=":material/task_alt:")
