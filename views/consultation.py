"""Consultation: the intake form. Whose it is first, what was saved (once saved), the open
referral, the visit, the findings carried from the last visit, the screens and the
answers; decided once, then on to the recommendation. What is typed is kept as a draft in
the record on every change. Each answer is drawn from the field table (`ui.field`)."""

from datetime import date

import streamlit as st

import ui
from walkback_rules.consultation.findings import ANSWERS, words_of
from walkback_rules.consultation.form import (
    ADHERENCE_CHOICES,
    EXERCISE_CHECKLIST,
    GROUP_TITLES,
    HISTORY_QUESTIONS,
    LAST_STEP_CHOICES,
    LEG_CHOICES,
    PHQ2_ANSWERS,
    PHQ2_QUESTIONS,
    RED_FLAG_GROUPS,
    TOLERANCE_CHOICES,
    asks_onset,
    draft_summary,
    pain_band_ok,
    phq2_total,
)
from walkback_rules.consultation.referrals import NOTE_MAX as REFERRAL_NOTE_MAX
from walkback_rules.consultation.referrals import STATUS_CHOICES
from walkback_rules.consultation.visit import (
    ASKED_CHOICES,
    CLINICIAN_MAX,
    EXAM_MAX,
    NOTE_MAX,
    ONSET_CONDITIONS,
    ONSET_MAX,
)
from walkback_rules.core.cards import URGENCY_WORDS, referral_for
from walkback_rules.core.codes import FLARE_LEVELS, FlareLevel
from walkback_rules.core.dosing import band_range, effective_level, implied_level
from walkback_rules.core.screens import FEATURES, Screening, screen
from walkback_rules.history import diary_since
from walkback_rules.store import Store, StoreError, label_problem

RED_FLAG_CODES = frozenset(f.code for group in RED_FLAG_GROUPS.values() for f in group)
EXERCISE_CODES = frozenset(f.code for f in EXERCISE_CHECKLIST)

ui.follow_goto()
ui.restore_widgets()
k = ui.widget_key
state = st.session_state

record = ui.store_or_none()
pid = state.get(ui.PATIENT)
token = ui.token()

st.title("Consultation")
st.caption("Use a pseudonym or demo case only: do not type names or other identifying details.")


def _open_chosen() -> None:
    chosen = state.get("pick_patient")
    if chosen and chosen != state.get(ui.PATIENT):
        ui.open_patient(chosen)


def _create() -> None:
    label = str(state.get("new_label") or "").strip()
    created = ui.store().new_patient(label or None)
    state["new_label"] = ""
    ui.open_patient(created.id)


# 1. Whose consultation: choose or create the patient first.
def _patient_bar(record: Store) -> None:
    """Choose or create the patient, and see this browser's other unsaved consultations."""
    with st.container(border=True):
        choose_col, create_col = st.columns([3, 2], gap="large")
        with choose_col:
            # Found in the record as the clinician types: a bounded list, never everyone.
            query = st.text_input(
                "Find a patient (ID or label)",
                key="find_patient",
                max_chars=60,
                placeholder="e.g. P-7K or Tuesday",
            )
            people, more = record.find_patients(query)
            if pid is not None and pid not in {p.id for p in people}:
                people.insert(0, record.patient(pid))  # the open patient stays choosable
            ids = [p.id for p in people]
            names = {p.id: p.id + (f" · {p.label}" if p.label else "") for p in people}
            state["pick_patient"] = pid if pid in ids else None
            st.selectbox(
                "Patient",
                ids,
                key="pick_patient",
                placeholder="Choose a patient, or create one"
                if ids or query.strip()
                else "No patients yet: create one",
                format_func=lambda v: names[v],
                on_change=_open_chosen,
                help="What is typed here is kept for the patient it was typed for.",
            )
            if more:
                st.caption(
                    f"The newest {len(ids)} matches: type more of the ID or label to narrow "
                    "the list."
                )
            elif query.strip() and not people:
                st.caption("No patient's ID or label contains that.")
            if ui.is_demo():
                st.caption(
                    "A demo case is loaded: it is for practice and is never saved to a patient."
                )
            elif pid is None:
                st.caption(
                    "No patient open: what you type is kept, and goes with the patient "
                    "you choose or create."
                )
        with create_col:
            st.text_input(
                "New patient's label (optional, never a name)",
                key="new_label",
                max_chars=60,
                placeholder="e.g. Tuesday clinic, runner",
            )
            problem = label_problem(str(state.get("new_label") or "").strip() or None)
            ui.field_error(f"Label: {problem}" if problem else None)
            st.button(
                "Create and open",
                on_click=_create,
                disabled=bool(problem),
                icon=":material/person_add:",
            )
        waiting = [d for d in record.drafts(token) if d.patient_id != pid]
        for draft in waiting:
            what = draft_summary(draft.form)
            row = st.columns([5, 2, 2], vertical_alignment="center")
            whose = draft.patient_id or "no patient yet"
            row[0].markdown(
                f":material/edit_note: Unsaved consultation for **{whose}**, typed at "
                f"{ui.clock(draft.updated_at)}" + (f" ({ui.md_text(what)})" if what else "")
            )
            if draft.patient_id is not None:
                row[1].button(
                    f"Open {draft.patient_id}",
                    key=f"resume_{draft.patient_id}",
                    on_click=ui.open_patient,
                    args=(draft.patient_id,),
                )
            else:
                if pid is not None and not ui.unsaved():
                    row[1].button(f"Use it for {pid}", key="adopt_draft", on_click=ui.adopt_draft)
                row[2].button("Discard…", key="drop_draft", on_click=ui.ask_discard_waiting)


if record is not None:
    try:
        _patient_bar(record)
    except StoreError as exc:  # the record out of reach: said, and the form goes on
        st.error(
            f"The patient record cannot be reached. {ui.md_text(str(exc))} Nothing typed is "
            "lost: it stays here and is kept in the record as soon as it is back.",
            icon=":material/cloud_off:",
        )

saved = ui.just_saved()
if saved is not None:
    # A save is plainly a save: what was stored, and the next step; never the form again.
    st.success(
        f"**Saved** to {saved.patient}: the visit of {saved.visit_date}, "
        f"{saved.decision}. It is in the record and will not come back as a draft.",
        icon=":material/task_alt:",
    )
    print_col, record_col, next_col, fix_col = st.columns(4)
    print_col.page_link(ui.PAGES["handouts"], label="Print the handouts", icon=":material/print:")
    record_col.page_link(
        ui.PAGES["patients"], label="Open the record", icon=":material/folder_shared:"
    )
    next_col.button("Start the next patient", on_click=ui.new_patient, icon=":material/person_add:")
    fix_col.button(
        "Correct it",
        help="A correction is saved as a new consultation; the one saved stays in the record.",
        on_click=ui.start_correction,
        args=(ui.form().model_copy(update={"corrects": saved.recorded_at}),),
        icon=":material/edit:",
    )
    st.stop()

if ui.consultation().errors:
    ui.error_summary(ui.consultation().errors)

note = ui.consultation().note
if note:
    st.info(note, icon=":material/history:")

start_now = ui.review_start()
if ui.form().referral_id is not None and start_now is not None and start_now.referral:
    # The open referral comes first: what became of it is asked before anything else.
    with st.container(border=True):
        st.header("Open referral")
        st.markdown(ui.md_text(start_now.referral.words()) + ".")
        if start_now.referral.follow_up:
            st.caption(f"Follow-up was due on {start_now.referral.follow_up}.")
        st.radio(
            "What became of it?",
            tuple(STATUS_CHOICES),
            key=k("referral_status"),
            index=None,
            format_func=STATUS_CHOICES.get,
            horizontal=True,
        )
        ui.errors_for("referral_status")
        st.text_input(
            "Outcome, briefly (optional; for the record only)",
            key=k("referral_note"),
            max_chars=REFERRAL_NOTE_MAX,
            placeholder="e.g. seen by the spinal team; imaging normal",
        )
        ui.errors_for("referral_note")
corrects = ui.form().corrects
if corrects:
    st.warning(
        f"This consultation corrects the one recorded at {ui.clock(corrects)}. "
        "Saving it keeps both: the record is never edited.",
        icon=":material/edit:",
    )

# 2. The visit.
date_col, who_col, _ = st.columns([1, 1, 2])
with date_col:
    if state.get(k("visit_date")) is None:
        state[k("visit_date")] = ui.today()
    ui.field(
        "visit_date",
        max_value=ui.today(),
        min_value=date(2000, 1, 1),
        format="YYYY-MM-DD",
        on_change=ui.redate,
    )
    ui.errors_for("visit_date")
with who_col:
    ui.field("clinician", max_chars=CLINICIAN_MAX)
    ui.errors_for("clinician")


def _tier_note(screening: Screening, condition: str) -> None:
    """The tier a condition has reached, from the core's screen, as it is ticked."""
    tier = screening.tier_of(condition)  # type: ignore[arg-type]
    with st.container(key=ui.TIER + condition):
        if tier is None:
            st.caption("Nothing ticked reaches a tier.")
        elif tier == "monitor":
            st.caption("Monitor: note it, safety-net, re-screen at each visit.")
        else:
            st.markdown(f":red[**{URGENCY_WORDS[tier]}**]")
            if tier == "emergency":
                st.markdown(":red[The emergency banner is pinned at the top of the screen.]")


def _asked(checklist: str, field: str, name: str, held: list[str]) -> None:
    """With nothing ticked or carried, how the checklist was answered: none present, or not
    asked (a carried finding not yet answered resolved keeps the screen positive)."""
    found = ui.ticked(checklist) + held
    if found:
        st.caption(
            f"Recorded as positive: {len(found)} {name} feature"
            f"{'s' if len(found) != 1 else ''} ticked."
        )
        return
    st.radio(
        f"Nothing ticked in the {name} screen means",
        tuple(ASKED_CHOICES),
        key=k(field),
        horizontal=True,
        format_func=ASKED_CHOICES.get,
        help="Recorded with the consultation: none present and not asked are never the same.",
    )
    ui.errors_for(field)


def _onsets() -> None:
    """When each ticked red-flag symptom began, for the referral letter (optional)."""
    ticked = [c for c in ui.ticked("red_flags") if FEATURES[c].condition in ONSET_CONDITIONS]
    if not ticked:
        return
    with st.expander("When did each symptom begin? (for the referral letter)", expanded=True):
        for code in ticked:
            st.text_input(
                f"When it began: {FEATURES[code].wording.lower()}",
                key=ui.onset_key(code),
                max_chars=ONSET_MAX,
                placeholder="e.g. this morning, about 6 am",
            )
        ui.errors_for("onsets")


def _submit_now() -> None:
    """An emergency's "Get recommendation now": decided at once, then the whole app runs
    again (the button sits in the screens' fragment, which alone would rerun)."""
    ui.submit()
    st.rerun()


@st.fragment
def _screens() -> None:
    """The screens first. A tick reruns only this part of the page, so a serious finding
    shows its banner and tier at once; the core's screen decides, the page draws."""
    carried = dict(ui.form().carried)
    since = {c.key: c.since for c in (start_now.carried if start_now is not None else ())}
    if carried:
        with st.container(border=True):
            st.header("Found at the last visit")
            st.caption(
                "Each finding stays until you say it has resolved. Ask whether it is still "
                "present; the rules count it as present until you answer."
            )
            for key in carried:
                when = f" (recorded since {since[key]})" if key in since else ""
                st.radio(
                    ui.md_text(words_of(key)) + when,
                    tuple(ANSWERS),
                    key=ui.carried_key(key),
                    index=None,
                    format_func=ANSWERS.get,
                    horizontal=True,
                )
            ui.errors_for("carried")
    held = [key for key in carried if state.get(ui.carried_key(key)) != "resolved"]
    screening = screen(
        [*ui.ticked("red_flags"), *(c for c in held if c in RED_FLAG_CODES)],
        [*ui.ticked("exercise_screen"), *(c for c in held if c in EXERCISE_CODES)],
    )
    referral = referral_for(screening)
    st.header("Red flags")
    # Always drawn, empty or not, so a tick never moves the controls below it (and focus
    # with them); pinned at the top of the view while the form scrolls under it.
    with st.container(key=ui.EMERGENCY):
        if referral is not None and referral.urgency == "emergency":
            st.error(referral.reason, icon=":material/emergency:")
            st.button(
                "Get recommendation now",
                type="primary",
                on_click=_submit_now,
                icon=":material/emergency:",
                key="emergency_submit",
                help="An emergency needs only the age and these features: the "
                "recommendation, the record and the letter are ready now. Answers left empty "
                "are recorded as not asked.",
            )
    st.caption(
        "Tick each feature found. Single features are weak signs: the tier beside each group "
        "is the level of concern the combination reaches, for you to confirm, never a "
        "diagnosis."
    )
    st.markdown(ui.skip_link("Skip the checklist", "red_flags_asked", "wb_group_cardiorespiratory"))
    flag_cols = st.columns(3)
    for i, (condition, features) in enumerate(RED_FLAG_GROUPS.items()):
        with flag_cols[i % 3], st.container(border=True, key=ui.GROUP + condition):
            st.markdown(f"**{GROUP_TITLES[condition]}**")
            for feature in features:
                if feature.code in carried:
                    st.caption(f"{ui.md_text(feature.wording)}: carried, asked above.")
                else:
                    st.checkbox(feature.wording, key=ui.feature_key(feature.code))
            _tier_note(screening, condition)
            if condition == "malignancy":
                st.caption("Past cancer with any bladder, bowel, saddle or leg sign: emergency.")
    ui.errors_for("red_flags")
    _onsets()
    _asked("red_flags", "red_flags_asked", "red-flag", [c for c in held if c in RED_FLAG_CODES])

    st.header("Exercise safety")
    with st.container(border=True, key=ui.GROUP + "cardiorespiratory"):
        st.markdown(f"**{GROUP_TITLES['cardiorespiratory']}**")
        for feature in EXERCISE_CHECKLIST:
            if feature.code in carried:
                st.caption(f"{ui.md_text(feature.wording)}: carried, asked above.")
            else:
                st.checkbox(feature.wording, key=ui.feature_key(feature.code))
        _tier_note(screening, "cardiorespiratory")
    ui.errors_for("exercise_screen")
    _asked(
        "exercise_screen",
        "exercise_asked",
        "exercise-safety",
        [c for c in held if c in EXERCISE_CODES],
    )
    # On a rerun of this part alone, what was ticked is kept as the draft here.
    ui.keep_widgets()
    ui.keep_draft()


# 3. The screens, then the person.
_screens()
st.divider()

left, right = st.columns(2, gap="large")
with left:
    st.header("The person")
    ui.field("age")
    ui.errors_for("age")
    ui.field(
        "visit",
        options=("initial", "review"),
        horizontal=True,
        format_func={"initial": "First consultation", "review": "Review"}.get,
    )
    ui.errors_for("visit")
    episodes_col, weeks_col = st.columns(2)
    with episodes_col:
        ui.field("previous_episodes")
        ui.errors_for("previous_episodes")
    with weeks_col:
        ui.field("episode_weeks")
        ui.errors_for("episode_weeks")

    st.header("Current flare-up")
    level_col, pain_col = st.columns(2)
    with level_col:
        ui.field("flare_level", options=FLARE_LEVELS, format_func=str.capitalize)
        ui.errors_for("flare_level")
        ui.field("usual_pain")
        ui.errors_for("usual_pain")
    with pain_col:
        pain = ui.field("pain_now")
        ui.errors_for("pain_now")
        usual = state[k("usual_pain")]
        implied: FlareLevel | None = None
        if pain is not None and pain_band_ok(pain, usual):
            implied = implied_level(pain, usual)
            st.caption(f"Rise above usual pain implies: **{implied}** ({band_range(implied)})")
    level = state[k("flare_level")]
    if level is not None and implied is not None:
        used, mismatch = effective_level(level, implied)
        if mismatch:
            st.warning(
                f"The flare level ({level}) and the pain rating ({implied}) are two or more "
                f"bands apart: the rules will use **{used}**. Re-check the pain rating.",
                icon=":material/compare_arrows:",
            )
    if asks_onset(level, pain, usual):
        ui.field("days_since_onset")
    ui.errors_for("days_since_onset")

with right:
    st.header("Walking now")
    start = ui.consultation().start
    planned = (
        state[k("visit")] == "review"
        and pid is not None
        and bool(start.walks_per_week or start.minutes_per_walk)
    )
    if planned:
        as_planned = state.get(k("walks_per_week")) == start.walks_per_week and state.get(
            k("minutes_per_walk")
        ) == (start.minutes_per_walk)
        st.caption(
            (
                f"**Planned:** {start.walks_per_week} walks a week of "
                f"{start.minutes_per_walk} minutes — change it to what the person actually "
                "did."
            )
            if as_planned
            else f"Changed from the plan ({start.walks_per_week} × "
            f"{start.minutes_per_walk} min) to what the person did."
        )
        last_visit = ui.last_visit_date()
        if last_visit is not None and record is not None and pid is not None:
            weeks = diary_since(record.diary(pid), last_visit)
            if weeks:
                st.caption(f"Walking diary since the last visit ({last_visit}):")
                st.table(weeks, hide_index=True)
            else:
                st.caption(f"No walking diary weeks since the last visit ({last_visit}).")
    walks_col, minutes_col, weeks_col = st.columns(3)
    with walks_col:
        ui.field("walks_per_week")
        ui.errors_for("walks_per_week")
    with minutes_col:
        ui.field("minutes_per_walk")
        ui.errors_for("minutes_per_walk")
    with weeks_col:
        ui.field("weeks_at_current_dose")
        ui.errors_for("weeks_at_current_dose")
    ui.field(
        "walking_tolerance",
        options=tuple(TOLERANCE_CHOICES),
        format_func=lambda v: TOLERANCE_CHOICES[v],
    )
    ui.errors_for("walking_tolerance")
    ui.field("prefers_other_exercise")
    ui.field("other_exercise_minutes_per_week")
    ui.errors_for("other_exercise_minutes_per_week")

    if state[k("visit")] == "review":
        st.header("Since the last visit")
        ui.field("baseline_walks_per_week")
        ui.errors_for("baseline_walks_per_week")
        ui.field("last_step", options=tuple(LAST_STEP_CHOICES), format_func=LAST_STEP_CHOICES.get)
        ui.errors_for("last_step")
        if state[k("last_step")] != "none":
            ui.field("previous_dose_known")
            if state[k("previous_dose_known")]:
                before_w, before_m = st.columns(2)
                with before_w:
                    ui.field("previous_walks")
                    ui.errors_for("previous_walks")
                with before_m:
                    ui.field("previous_minutes")
                    ui.errors_for("previous_minutes")
        ui.field("returning_after_flare")
        ui.errors_for("returning_after_flare")
        ui.field("adherence", options=tuple(ADHERENCE_CHOICES), format_func=ADHERENCE_CHOICES.get)
        ui.errors_for("adherence")
        ui.field("new_lower_limb_pain")
        ui.errors_for("new_lower_limb_pain")

st.divider()
legs_col, mood_col = st.columns(2, gap="large")
with legs_col:
    st.header("Legs and history")
    ui.field(
        "leg_symptoms", options=tuple(LEG_CHOICES), format_func=LEG_CHOICES.get, horizontal=True
    )
    carried_now = ui.form().carried
    for field, question in HISTORY_QUESTIONS:
        if field in carried_now:
            st.caption(f"{question}: carried from the last visit, asked at the top.")
        else:
            st.checkbox(question, key=k(field))
with mood_col:
    st.header("Mood and risk")
    st.caption("PHQ-2: over the last 2 weeks, how often has the person been bothered by…")
    for field, question in zip(("phq2_interest", "phq2_mood"), PHQ2_QUESTIONS, strict=True):
        st.selectbox(
            question,
            (None, 0, 1, 2, 3),
            key=k(field),
            placeholder="Not asked",
            format_func=lambda v: "Not asked" if v is None else f"{PHQ2_ANSWERS[v]} ({v})",
        )
    total = phq2_total(state[k("phq2_interest")], state[k("phq2_mood")])
    st.caption("PHQ-2 total: not asked" if total is None else f"PHQ-2 total: **{total}** / 6")
    ui.errors_for("phq2_interest")
    ui.field("self_harm_concern")
    total_col, distress_col = st.columns(2)
    with total_col:
        ui.field("startback_total")
        ui.errors_for("startback_total")
    with distress_col:
        ui.field("startback_distress")
        ui.errors_for("startback_distress")

st.divider()
ui.field("note", max_chars=NOTE_MAX, height=90)
ui.errors_for("note")
ui.field("exam_findings", max_chars=EXAM_MAX, height=90)
ui.errors_for("exam_findings")

ui.keep_widgets()
st.button("Get recommendation", type="primary", on_click=ui.submit, icon=":material/arrow_forward:")
if ui.consultation().errors:
    st.error(
        "Some answers need a look: the list at the top of the page links to each, and each "
        "message is beside its field."
    )
