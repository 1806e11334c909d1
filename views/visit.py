"""A past consultation, read-only: the whole recommendation as it was given, the visit's
details, its handout and summary printed again exactly, and a correction as a new one."""

from datetime import date, datetime

import streamlit as st

import ui
from walkback_rules.consultation.form import Asked, form_from_assessment
from walkback_rules.consultation.visit import screens_line
from walkback_rules.core.codes import RULESET_VERSION
from walkback_rules.handouts import HandoutOptions, handout_file, summary_file
from walkback_rules.handouts.letter import letter_pdf
from walkback_rules.handouts.summary import visit_rows
from walkback_rules.history import decision_words
from walkback_rules.store import NotFound

state = st.session_state
record = ui.store()
st.title("Past consultation")

cid = state.get(ui.VIEW)
pid = state.get(ui.PATIENT)
try:
    visit = record.consultation(int(cid)) if cid is not None else None
except NotFound:
    visit = None
if visit is None or visit.patient_id != pid:
    st.info(
        "Open a visit from a patient's history on the **Patients** page.", icon=":material/info:"
    )
    st.page_link(ui.PAGES["patients"], label="Go to Patients", icon=":material/folder_shared:")
    st.stop()

history = record.consultations(visit.patient_id)
number = next(i for i, c in enumerate(history, start=1) if c.id == visit.id)
details = visit.visit()
models = visit.decided()  # the assessment and recommendation, when made under this ruleset
st.caption(
    f"{visit.patient_id} · visit {number} of {len(history)} · {visit.visit_date} · recorded "
    f"{ui.clock(visit.recorded_at)} · ruleset {visit.ruleset_version} · "
    "read-only: a saved consultation is never edited."
)

stored = visit.recommendation
cards = stored.get("cards") or []
if cards:
    first = cards[0]
    ui.stored_card(first, headline=True)
st.markdown(f"**Decision:** {decision_words(visit.decision)}")

if details is not None:
    rows = visit_rows(details, models[1] if models else None)
    st.markdown("  \n".join(f"**{label}:** {ui.md_text(value)}" for label, value in rows))
else:
    st.caption(
        "Saved before visit details were kept: no clinician, note or next review, and the "
        f"screens are {screens_line(None)}."
    )

for extra in cards[1:]:
    ui.stored_card(extra)

st.header("Why, as recorded")
st.markdown(
    "\n".join(
        f"- **{ui.md_text(t.get('rule_id', ''))} · {ui.md_text(t.get('title', ''))}** — "
        f"{ui.md_text(t.get('reason', ''))}"
        for t in stored.get("trace", [])
        if t.get("fired")
    )
    or "No rule trace was recorded."
)

st.header("Print again")
if models is None:
    st.caption(
        f"Made under ruleset {visit.ruleset_version}: its cards and rules are shown as "
        f"recorded, but this version builds handouts for ruleset {RULESET_VERSION} only."
    )
else:
    assessment, rec = models
    prints = record.printouts(visit.id)
    first_print = {p.kind: p for p in reversed(prints)}
    day = date.fromisoformat(visit.visit_date)
    review = details.review_day() if details is not None else None
    settings = ui.clinic_settings()
    at = datetime.fromisoformat(visit.recorded_at)
    fresh = HandoutOptions.from_settings(
        settings,
        patient=visit.patient_id,
        paper=state.get("h_paper", settings.paper),
        issued=day,
        review=review,
        clinician=details.clinician if details is not None else "",
        assessed_at=at,
        discharged=ui.discharged_after(day),
    )
    kinds = ["handout", "summary"] + (["letter"] if rec.referral is not None else [])
    labels = {
        "handout": "Patient handout (PDF)",
        "summary": "Clinician summary (PDF)",
        "letter": "Referral letter (PDF)",
    }
    for kind in kinds:
        earlier = first_print.get(kind)
        options = HandoutOptions.from_json(earlier.options) if earlier else fresh
        name = f"{ui.file_stem(visit.patient_id)}-{visit.visit_date}-{kind}.pdf"
        referrals = ui.referral_lines()

        def build(
            kind: str = kind, options: HandoutOptions = options, referrals: list[str] = referrals
        ) -> bytes:
            if kind == "handout":
                return handout_file(assessment, options, "pdf", rec)
            if kind == "summary":
                return summary_file(assessment, options, rec, details, referrals)
            return letter_pdf(assessment, rec, options, at, details)

        st.download_button(
            labels[kind] + (" — as first printed" if earlier else ""),
            # Built when pressed, and its print noted in the record then.
            data=ui.printing(build, kind, visit.id, options.to_json()),
            file_name=name,
            mime="application/pdf",
            icon=":material/print:",
            key=f"v_print_{kind}",
            on_click="ignore",
        )
        st.caption(
            f"First printed at {ui.clock(earlier.printed_at)}, with the same "
            "clinic details, paper and date."
            if earlier
            else "Not printed before: printed now with the clinic settings, dated the day "
            "of the visit."
        )

st.header("Correct it")
st.caption(
    "A correction is a new consultation that says which one it corrects; this one stays as "
    "it is. It starts from this visit's answers."
)


def _correct() -> None:
    assert visit is not None  # the page stopped above without one
    values = form_from_assessment(visit.assessment)
    values.visit_date = visit.visit_date
    values.corrects = visit.recorded_at
    values.clinician = (details.clinician or "") if details else ""
    values.note = (details.note or "") if details else ""
    if details is not None:
        asked: dict[str, Asked] = {"negative": "none_present", "not_asked": "not_asked"}
        values.red_flags_asked = asked.get(details.screens["red_flags"])
        values.exercise_asked = asked.get(details.screens["exercise_screen"])
    ui.start_correction(values)


st.button("Correct this consultation", icon=":material/edit:", on_click=_correct)
ui.follow_goto()
