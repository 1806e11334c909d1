"""Patients: the local record. Create, find, open, follow over time, export, import, delete."""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import streamlit as st

import ui
from walkback_rules.charts import history_spec
from walkback_rules.consultation.referrals import NOTE_MAX as REFERRAL_NOTE_MAX
from walkback_rules.consultation.referrals import STATUS_CHOICES, Referral, update_problems
from walkback_rules.csvtext import csv_text
from walkback_rules.handouts.i18n import LANGUAGES, unreviewed_words
from walkback_rules.history import decision_words, timeline
from walkback_rules.outcomes.chart import psfs_spec
from walkback_rules.outcomes.followup import (
    CHANNELS,
    DISCHARGE_REASONS,
    MONTH_MAX,
    Channel,
    CheckIn,
    dose_words,
    due_week,
    due_words,
    outcome_words,
    schedule,
)
from walkback_rules.outcomes.psfs import ACTIVITIES_MAX, WHEN, When, change_words, from_rows
from walkback_rules.outcomes.psfs import FIELD_LABELS as PSFS_LABELS
from walkback_rules.outcomes.psfs import NAME_MAX as PSFS_NAME_MAX
from walkback_rules.outcomes.psfs import SOURCE as PSFS_SOURCE
from walkback_rules.outcomes.psfs import rows as psfs_rows
from walkback_rules.store import (
    Consultation,
    DiaryWeek,
    Episode,
    ImportError_,
    NotFound,
    StoreError,
    dumps,
    label_problem,
    read_check_ins,
)
from walkback_rules.store.checkins import COLUMNS
from walkback_rules.store.repo import APP_EXPORT_MAX, PAGE_SIZE, UNCHECKED, DueFollowUp

record = ui.store()


def _table_with_csv(
    shown: Sequence[Mapping[str, object]], rows: Sequence[Mapping[str, object]], name: str
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
        day = day_col.date_input("On", value=ui.today(), max_value=ui.today(), format="YYYY-MM-DD")
        note = st.text_input(
            "Outcome, briefly (optional)", max_chars=REFERRAL_NOTE_MAX, key=f"p_ref_note_{item.id}"
        )
        if st.form_submit_button("Record the referral's status", icon=":material/save:"):
            update, problems = update_problems(
                {"status": status, "on": day.isoformat(), "note": note.strip() or None},
                item.advised_on,
                ui.today(),
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


_YES_NO = {True: "Yes", False: "No"}


def _yes_no(label: str, key: str) -> bool | None:
    """A yes-or-no question that starts unanswered (None until one is chosen)."""
    return st.radio(
        label, (True, False), format_func=_YES_NO.__getitem__, index=None, horizontal=True,
        key=key,
    )  # fmt: skip


def _pager(key: str, page: int, pages: int, total: int, what: str = "") -> None:
    """Previous and Next under a list read a page at a time, with where the page is;
    the page number is kept in the session as `{key}_page`."""
    if pages < 2:
        return
    back, where, on = st.columns([1, 2, 1], vertical_alignment="center")
    back.button(
        "Previous", key=f"{key}_prev", disabled=page == 0, icon=":material/chevron_left:",
        on_click=st.session_state.__setitem__, args=(f"{key}_page", page - 1),
    )  # fmt: skip
    start = page * PAGE_SIZE + 1
    end = min(start + PAGE_SIZE - 1, total)
    where.caption(f"Patients {start:,}-{end:,} of {total:,}" + (f" {what}" if what else ""))
    on.button(
        "Next", key=f"{key}_next", disabled=page >= pages - 1, icon=":material/chevron_right:",
        on_click=st.session_state.__setitem__, args=(f"{key}_page", page + 1),
    )  # fmt: skip


def _follow_up_due() -> None:
    """Everyone whose monthly check-in falls due by a week from today, by week; a page of
    patients at a time, read in the database."""
    total = record.count_follow_ups_due()
    if not total:
        return
    pages = -(-total // PAGE_SIZE)
    page = min(int(st.session_state.get("p_due_page", 0)), pages - 1)
    due = record.follow_ups_due(limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    today = ui.today()
    with st.container(border=True):
        st.header("Follow-ups due")
        st.caption(
            "Each month after discharge, ask the three questions on the follow-up card and "
            "record the answers (or that there was none) on the patient's Discharge and "
            "follow-up tab."
        )
        # One row a patient, listed in the week of their earliest open check-in.
        people: dict[str, list[DueFollowUp]] = {}
        for d in due:
            people.setdefault(d.patient_id, []).append(d)
        for week in ("overdue", "this week", "next week"):
            items = [i for i in people.values() if due_week(i[0].day, today) == week]
            if not items:
                continue
            st.markdown(f"**{week.capitalize()}** ({len(items)})")
            for item in items:
                first = item[0]
                row = st.columns([2, 3, 3, 1.4], vertical_alignment="center")
                row[0].markdown(f"**{first.patient_id}**")
                row[1].text(first.label or "")
                row[2].caption(due_words([i.month for i in item], first.day, first.discharged))
                if row[3].button("Open", key=f"p_due_{first.patient_id}"):
                    ui.open_patient(first.patient_id)
                    st.rerun()
        _pager("p_due", page, pages, total, "with a check-in due")


def _discharge_form(pid: str, last_visit: str) -> None:
    """End the episode: the day and why; the dose left on is the last visit's."""
    with st.form(f"p_discharge_{pid}", border=True):
        st.markdown("**Discharge**")
        st.caption(
            f"Ends this episode of care (visits up to {last_visit}); the person leaves on the "
            "last visit's dose. The monthly follow-up starts from the day of discharge."
        )
        day_col, why_col = st.columns(2)
        day = day_col.date_input(
            "Day of discharge", value=ui.today(), max_value=ui.today(), format="YYYY-MM-DD"
        )
        reason: str = why_col.selectbox(
            "Reason for discharge",
            list(DISCHARGE_REASONS),
            format_func=DISCHARGE_REASONS.__getitem__,
        )
        if st.form_submit_button("Record the discharge", icon=":material/logout:"):
            try:
                record.discharge(pid, day, reason, actor=ui.actor())
            except StoreError as exc:
                ui.field_error(ui.md_text(str(exc)))
                return
            st.toast(f"{pid} discharged on {day.isoformat()}", icon=":material/logout:")
            st.rerun()


def _check_in_form(pid: str, episode: Episode) -> None:
    """Record one month's check-in: who asked, how and when, and the three answers (or
    that there was no answer). Refused by field, with nothing saved, when anything is
    wrong; what was typed stays in the form."""
    rows = schedule(episode.discharge, episode.check_ins, ui.today())
    waiting = [r["Month"] for r in rows if str(r["Asked"]).startswith(("due", "overdue"))]
    recorded = {c.month for c in episode.check_ins}
    kept = st.session_state.get(f"p_ci_kept_{pid}", 0)

    def key(name: str) -> str:
        """The answer widgets' keys, new after each check-in kept."""
        return f"p_ci_{name}_{pid}" + (f"_{kept}" if kept else "")

    with st.form(f"p_check_in_{pid}", border=True):
        st.markdown("**Record a check-in**")
        cols = st.columns(4)
        months = list(range(1, MONTH_MAX + 1))
        month = cols[0].selectbox(
            "Month after discharge",
            months,
            # The first month due, or after the last one kept (later months are kept too).
            index=months.index(int(waiting[0]))
            if waiting
            else min(max(recorded, default=0), MONTH_MAX - 1),
            key=key("month"),
        )
        asked_on = cols[1].date_input(
            "Asked on",
            value=ui.today(),
            max_value=ui.today(),
            format="YYYY-MM-DD",
            key=key("on"),
        )
        asked_by = cols[2].text_input(
            "Asked by", value=ui.clinic_settings().clinician, max_chars=60, key=f"p_ci_by_{pid}"
        )
        how: Channel = cols[3].selectbox(
            "How it was asked",
            list(CHANNELS),
            format_func=CHANNELS.__getitem__,
            key=f"p_ci_how_{pid}",
        )
        answered = st.radio(
            "Answered",
            (True, False),
            format_func={True: "Answered", False: "Not answered: asked, no reply"}.get,
            horizontal=True,
            key=key("answered"),
        )
        st.caption("With no answer, or no back pain, leave the questions after it blank.")
        pain = _yes_no(
            "Since the last check-in, any low back pain lasting 24 hours or more?",
            key("pain"),
        )
        q1, q2 = st.columns(2)
        with q1:
            limited = _yes_no("Did it limit activity?", key("limited"))
        with q2:
            sought = _yes_no("Did they seek care for it?", key("sought"))
        b1, b2 = st.columns(2)
        began = b1.date_input(
            "When it began",
            value=None,
            max_value=ui.today(),
            format="YYYY-MM-DD",
            key=key("began"),
        )
        month_only = b2.checkbox(
            "Only the month is known",
            key=key("month_only"),
            help="When the person cannot say the day: the month of the date chosen is kept.",
        )
        correct = month in recorded and st.checkbox(
            "This corrects the month already recorded", key=key("correct")
        )
        if st.form_submit_button("Record the check-in", icon=":material/save:"):
            if began is not None and month_only:
                began = began.replace(day=1)
            entry = CheckIn(
                int(month), asked_on, asked_by.strip(), how, bool(answered), pain, limited,
                sought, began, bool(month_only),
            )  # fmt: skip
            try:
                record.record_check_in(pid, entry, actor=ui.actor(), replace=bool(correct))
            except StoreError as exc:
                ui.field_error(ui.md_text(str(exc)))
                return
            # Kept: the next month starts blank (who asks and how stay as they were). New
            # keys make new widgets, which the browser shows empty.
            st.session_state[f"p_ci_kept_{pid}"] = kept + 1
            st.toast(f"Month {month} check-in recorded", icon=":material/save:")
            st.rerun()


def _follow_up(pid: str, visits: list[Consultation], episodes: list[Episode]) -> None:
    """The patient's discharge and monthly follow-up."""
    latest = episodes[-1] if episodes else None
    last_visit = visits[-1].visit_date if visits else None
    if latest is not None:
        d = latest.discharge
        st.markdown(
            f":material/logout: **Discharged {d.day.isoformat()}** "
            f"({DISCHARGE_REASONS[d.reason]}), on {ui.md_text(dose_words(d))}."
        )
        st.markdown(ui.md_text(outcome_words(d, latest.check_ins)))
        rows = schedule(d, latest.check_ins, ui.today())
        _table_with_csv(rows, rows, f"{pid}-follow-up")
        if consults:
            _check_in_form(pid, latest)
            _card_download(pid, d.day)
    if last_visit and (latest is None or last_visit > latest.discharge.day.isoformat()):
        if latest is not None:
            st.caption("A visit since the last discharge has started a new episode.")
        if consults:
            _discharge_form(pid, last_visit)
    elif latest is None:
        st.caption("Discharge is recorded once a consultation is saved.")


def _function(pid: str) -> None:
    """The Patient-Specific Functional Scale over time, and a form to rate it again."""
    ratings = record.psfs(pid)
    st.caption(
        "Up to five activities the person finds hard because of their back, each scored from "
        "0 (cannot do it) to 10 (can do it as before). Rate the same activities at the first "
        "visit, at reviews and at discharge; the score is their average. Source: "
        + ui.md_text(PSFS_SOURCE)
        + "."
    )
    if ratings:
        table = psfs_rows(ratings)
        _table_with_csv(table, table, f"{pid}-psfs")
        if len(ratings) > 1:
            st.vega_lite_chart(psfs_spec(ratings), width="stretch")
            st.markdown(ui.md_text(change_words(ratings[0], ratings[-1])))
    if not consults:
        return
    named = [n for n, _ in ratings[0].activities] if ratings else []
    kept = st.session_state.get(f"p_psfs_kept_{pid}", 0)
    with st.form(f"p_psfs_{pid}", border=True):
        st.markdown("**Rate the activities**")
        day_col, when_col = st.columns(2)
        day = day_col.date_input(
            "Day rated", value=ui.today(), max_value=ui.today(), format="YYYY-MM-DD",
            key=f"p_psfs_day_{pid}_{kept}",
        )  # fmt: skip
        when: When = when_col.selectbox(
            "At",
            list(WHEN),
            index=1 if ratings else 0,
            format_func=WHEN.__getitem__,
            key=f"p_psfs_when_{pid}_{kept}",
        )
        entered: list[tuple[str, int | None]] = []
        for n in range(1, ACTIVITIES_MAX + 1):
            name_col, score_col = st.columns([3, 1])
            name = name_col.text_input(
                f"Activity {n}",
                value=named[n - 1] if n <= len(named) else "",
                max_chars=PSFS_NAME_MAX,
                key=f"p_psfs_name_{n}_{pid}_{kept}",
            )
            score = score_col.number_input(
                f"Score {n} (0-10)", value=None, step=1, key=f"p_psfs_score_{n}_{pid}_{kept}"
            )
            entered.append((name, None if score is None else int(score)))
        if st.form_submit_button("Keep the rating", icon=":material/save:"):
            entry, found = from_rows(day, when, entered, ratings, ui.today())
            if entry is None:
                for field, message in found.items():
                    ui.field_error(ui.md_text(f"{PSFS_LABELS.get(field, field.capitalize())}: "
                                              f"{message}"))  # fmt: skip
                return
            try:
                record.record_psfs(pid, entry, actor=ui.actor())
            except StoreError as exc:
                ui.field_error(ui.md_text(str(exc)))
                return
            st.session_state[f"p_psfs_kept_{pid}"] = kept + 1
            st.toast(f"Rating of {day.isoformat()} kept", icon=":material/save:")
            st.rerun()


def _card_download(pid: str, discharged: date) -> None:
    """The follow-up card for this discharge, in the patient's language."""
    from walkback_rules.handouts import HandoutOptions
    from walkback_rules.handouts.card import card_pdf

    options = HandoutOptions.from_settings(
        ui.clinic_settings(),
        patient=pid,
        issued=discharged,
        language=record.patient(pid).language,
    )
    st.download_button(
        "Follow-up card (PDF)",
        data=ui.printing(lambda: card_pdf(discharged, options), "card"),
        file_name=f"{pid}-follow-up-card.pdf",
        mime="application/pdf",
        icon=":material/print:",
        on_click="ignore",
        key=f"p_card_{pid}",
    )


def _delete(pid: str) -> None:
    """Delete the patient, after their ID is typed (an administrator's act)."""
    if not ui.administers():  # deleting is an administrator's act on a clinic server
        st.caption("Deleting a patient is for an administrator.")
        return
    st.markdown("**Delete**")
    st.caption(f"Deletes {pid} and every consultation and diary week. It cannot be undone.")
    typed = st.text_input(f"Type {pid} to confirm", key=f"p_delete_{pid}")
    if st.button(
        f"Delete {pid}", type="primary", disabled=typed.strip() != pid, icon=":material/delete:"
    ):
        removed = record.delete_patient(pid, actor=ui.actor())
        ui.close_deleted()
        st.toast(f"Deleted {pid} and {removed} consultations", icon=":material/delete:")
        st.rerun()


st.title("Patients")
st.caption(
    "Patients are kept under a random pseudonym such as P-7K2QF9. A label is for you to "
    "recognise them: **never type a name, date of birth or other identifying detail**."
)

_follow_up_due()
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
    # A page of patients, read in the database: the latest visit first.
    total = record.count_patients(query)
    if st.session_state.get("p_page_query") != query:
        st.session_state["p_page"] = 0  # a new search starts on its first page
    st.session_state["p_page_query"] = query
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(int(st.session_state.get("p_page", 0)), pages - 1)
    found = record.patients(query, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    if not found:
        st.caption("No patient matches." if query else "No patients yet.")
    for p in found:
        row = st.columns([2, 2.4, 3, 1.8], vertical_alignment="center")  # "Open" whole at 1280
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
        if row[3].button("Open", key=f"p_open_{p.id}") and ui.opened(p.id):
            if consults:
                st.switch_page(ui.PAGES["consultation"])
            st.rerun()
    _pager("p", page, pages, total)

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
    episodes = record.episodes(pid)
    ended = episodes[-1].discharge.day.isoformat() if episodes else None
    next_review = visits[-1].review_date if visits else None
    if ended and visits and visits[-1].visit_date <= ended:  # discharged since: no review
        next_review = None
    st.caption(
        f"In the record since {patient.created_at[:10]} · {len(visits)} consultation"
        f"{'s' if len(visits) != 1 else ''} · {len(weeks)} diary week"
        f"{'s' if len(weeks) != 1 else ''}"
    )
    if next_review:
        st.markdown(f":material/event: **Next review: {next_review}**")
    elif ended and not next_review:
        st.markdown(f":material/logout: **Discharged {ended}**: followed up each month")
    if not consults:  # an administrator alone: who the record holds, not what it says
        st.caption(
            "The clinical record (consultations, diary, function, follow-up and referrals, and "
            "their exports) is for clinicians. The Audit trail shows who did what."
        )
        _delete(pid)
    else:
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
        history_tab, diary_tab, function_tab, follow_tab, transfer_tab = st.tabs(
            [
                "Consultations",
                "Walking diary",
                "Function (PSFS)",
                "Discharge and follow-up",
                "Export, import, delete",
            ]
        )
        with function_tab:
            _function(pid)
        with follow_tab:
            _follow_up(pid, visits, episodes)
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
            monday = ui.today() - timedelta(days=ui.today().weekday())
            # The weeks as this page last showed them: a save compares with them, so a week
            # someone else saved meanwhile is shown, never silently overwritten.
            seen_key = f"p_diary_seen_{pid}"
            seen = st.session_state.get(seen_key)
            st.session_state[seen_key] = {w.week_start: w for w in weeks}
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
                            shown=UNCHECKED if seen is None else seen.get(start.isoformat()),
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
                    data=ui.exporting(
                        lambda: dumps(record.export(open_pid)), "export", pid, "JSON"
                    ),
                    file_name=f"{pid}.json",
                    mime="application/json",
                    icon=":material/download:",
                    on_click="ignore",
                )
                try:
                    from walkback_rules.store.fhir import patient_bundle

                    st.download_button(
                        "This patient (FHIR R4B Bundle)",
                        data=ui.exporting(
                            lambda: dumps(patient_bundle(record, open_pid)), "export", pid, "FHIR"
                        ),
                        file_name=f"{pid}-fhir.json",
                        mime="application/fhir+json",
                        icon=":material/download:",
                        on_click="ignore",
                    )
                except ModuleNotFoundError:
                    st.caption("FHIR export needs the optional extra walkback-cds\\[fhir\\].")
            with right:
                _delete(pid)

st.divider()
backup, restore = st.columns(2, gap="large")
with backup:
    st.header("Back up")
if not ui.administers():  # the whole record, in one file: an administrator's act
    backup.caption("Backing up every patient is for an administrator.")
elif record.count_patients() > APP_EXPORT_MAX:
    # A download is held whole in the server's memory: a large record goes to a file from
    # the command line, streamed patient by patient.
    backup.caption(
        f"This record holds more than {APP_EXPORT_MAX:,} patients: too many to download "
        "through the browser. Back it up on the server with `walkback admin backup -o FILE`, "
        "or export every patient with `walkback patients export --all -o FILE`."
    )
else:
    backup.download_button(
        "All patients (JSON Lines)",
        data=ui.exporting(
            lambda: "".join(dumps(p) + "\n" for p in record.export_all()),
            "export",
            None,
            "all patients",
        ),
        file_name=f"walkback-backup-{ui.today().isoformat()}.jsonl",
        mime="application/jsonl",
        icon=":material/backup:",
        on_click="ignore",
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
    newer = (
        st.text_input(
            "Newer visits to delete: patient IDs (separated by spaces)",
            key="p_replace_newer",
            help="A patient whose record holds visits newer than the file is not replaced "
            "unless named here: replacing deletes those visits.",
        ).split()
        if replace
        else []
    )
    if upload is not None and st.button("Import", icon=":material/upload:"):
        try:
            ids = record.import_file(
                upload.getvalue(), replace=replace, actor=ui.actor(), newer=newer
            )
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
    st.markdown("**Follow-up check-ins (CSV)**")
    st.caption(
        "One row per check-in, for each patient's latest discharge, with the columns "
        + ", ".join(COLUMNS)
        + ". Any bad line and nothing is imported."
    )
    checkins = st.file_uploader("A check-in file (.csv)", type=["csv"], key="p_checkins")
    if checkins is not None and st.button("Import the check-ins", icon=":material/upload:"):
        try:
            count = record.import_check_ins(read_check_ins(checkins.getvalue()), actor=ui.actor())
        except ImportError_ as exc:
            st.error(
                "Nothing was imported:\n\n"
                + "\n".join(f"- {ui.md_text(str(e))}" for e in exc.errors),
                icon=":material/error:",
            )
        except StoreError as exc:
            st.error(f"Nothing was imported: {ui.md_text(str(exc))}", icon=":material/error:")
        else:
            st.success(f"Imported {count} check-ins", icon=":material/task_alt:")
