"""Recommendation: the decision, the dose, why, and what would change it."""

from datetime import datetime, timedelta

import streamlit as st

import ui
from walkback_rules import SOURCES, describe_dose
from walkback_rules.consultation.visit import (
    REVIEW_MAX_DAYS,
    default_review,
    review_words,
    screens_line,
)
from walkback_rules.core.cards import FLAG_CARD, URGENCY_WORDS, short_dose, walking_line
from walkback_rules.core.codes import Flag
from walkback_rules.core.models import REFERRAL_DECISIONS
from walkback_rules.core.rules import RULES
from walkback_rules.core.screens import CONDITION_INFO
from walkback_rules.handover import also_noted
from walkback_rules.whatif import REFERRAL_NOTE, what_would_change

assessment = ui.require_assessment()
rec = ui.recommendation()
rules = {r.id: r for r in RULES}

st.title("Recommendation")
# The decision first; for a referral, its card says where the person goes and when first.
ui.card(rec.cards[0], headline=True)

walking_label, walking_words = walking_line(rec.decision, rec.next_dose)
facts = [
    (walking_label, short_dose(rec.next_dose) or "None", walking_words.capitalize()),
    (
        "Resume at, once settled",
        short_dose(rec.resume_dose) or "—",
        describe_dose(rec.resume_dose) if rec.resume_dose else "Only after a flare.",
    ),
    ("Referral", URGENCY_WORDS[rec.referral.urgency] if rec.referral else "None", None),
    ("Review", review_words(rec).capitalize(), None),
]
# Four figures side by side, each whole: the words wrap rather than being cut short.
for column, (label, value, words) in zip(st.columns(4), facts, strict=True):
    column.metric(label, value, help=words)
if rec.referral is not None:
    conditions = ", ".join(CONDITION_INFO[c].name for c in rec.referral.conditions)
    st.markdown(f"**Referral for:** {conditions}.")
    noted = also_noted(assessment, rec)
    st.markdown(
        "**Also noted, for the handover:**\n"
        + ("\n".join(f"- {ui.md_text(line)}" for line in noted) if noted else "nothing else.")
    )
    if ui.pain_confirmed(assessment, rec):
        ui.letter_button(
            assessment,
            rec,
            ui.print_options(rec),
            datetime.now().astimezone(),
            ui.saved_id(),
            "r_letter",
        )
        st.caption(
            "For the team the person is sent to: the features found and the tier, what the "
            "person was told, the time, the clinician and clinic, and what else was noted."
        )

prompts = []
if rec.ice_or_heat:
    prompts.append("Offer a **cold or heat pack**, whichever the person finds more comfortable.")
if rec.medication_discussion:
    prompts.append(
        "Suggest a **talk with the GP or pharmacist about pain relief** (the tool never names a "
        "medicine)."
    )
# Cards that bear on safety follow the decision; the rest come after, plainly secondary.
pressing = [c for c in rec.cards[1:] if c.indicator != "info"]
secondary = [c for c in rec.cards[1:] if c.indicator == "info"]
for extra in pressing:
    ui.card(extra)
    if extra.summary == FLAG_CARD[Flag.SELF_HARM_CONCERN][0]:
        ui.crisis_contacts(rec)
if prompts or secondary:
    if pressing or rec.referral is not None:
        st.caption("Also for this visit, after the above:")
    for prompt in prompts:
        st.success(prompt, icon=":material/check_circle:")
    for extra in secondary:
        ui.card(extra)

st.header("Why")
fired = [t for t in rec.trace if t.fired]
st.markdown(
    "\n".join(
        f"- **{t.rule_id} · {t.title}** — {t.reason}.  \n"
        f"  *Evidence: {rules[t.rule_id].evidence_level}. Sources: {ui.citations(t.source_ids)}.*"
        for t in fired
    )
)
# The two collapsed sections are drawn only when opened, so the decision shows sooner.
references = st.expander("Rationale and full references", key="rec_references", on_change="rerun")
if references.open:
    references.markdown(
        "\n\n".join(
            f"**{t.rule_id}** — {rules[t.rule_id].rationale}\n\n"
            + "\n".join(f"- {SOURCES[s].reference} *({SOURCES[s].level})*" for s in t.source_ids)
            for t in fired
        )
    )
not_fired = [t for t in rec.trace if not t.fired]
others = st.expander(
    f"Rules that did not apply ({len(not_fired)})", key="rec_not_applied", on_change="rerun"
)
if others.open:
    others.markdown("\n".join(f"- **{t.rule_id} · {t.title}** — {t.reason}" for t in not_fired))

st.header("What would change this")
if rec.decision in REFERRAL_DECISIONS:
    st.markdown(REFERRAL_NOTE)
else:
    alternatives = what_would_change(assessment)
    st.markdown(
        "\n".join(
            f"- {alt.change.capitalize()}: **{alt.outcome}** *({alt.rule_id})*"
            for alt in alternatives
        )
        or "No single change of input leads to a different decision."
    )
    st.caption(
        "Each line re-runs the rules with one answer changed. Findings, screens, self-harm "
        "concern and age are never offered as changes: they are facts to confirm."
    )
st.divider()
state = st.session_state
patient = state.get(ui.PATIENT)
if ui.is_demo():
    st.caption(
        "A demo case, for practice and teaching: it is never saved to a patient's record. "
        "For a real consultation, choose or create the patient on the **Consultation** page."
    )
elif patient is None:
    st.info(
        "To keep this consultation, choose or create the patient at the top of the "
        "**Consultation** page: what you typed goes with them, and nothing is lost.",
        icon=":material/person_search:",
    )
    st.page_link(ui.PAGES["consultation"], label="Choose the patient", icon=":material/edit:")
elif (saved := ui.saved_id()) is not None:
    st.success(f"Saved to {patient}'s record.", icon=":material/task_alt:")
    if st.button("Open this visit in the record", icon=":material/history:"):
        state[ui.VIEW] = saved
        st.switch_page(ui.PAGES["visit"])
else:
    form = ui.form()
    visit_day = ui.visit_day()
    default = default_review(visit_day, rec)
    review_col, save_col = st.columns([1, 2], vertical_alignment="bottom")
    with review_col:
        key = ui.widget_key("review_date")
        if state.get(key) is None and default is not None:
            ui.offer("review_date", default)
        st.date_input(
            "Next review",
            key=key,
            min_value=visit_day + timedelta(days=1),
            max_value=visit_day + timedelta(days=REVIEW_MAX_DAYS),
            format="YYYY-MM-DD",
            help=(
                f"The recommendation's interval is {rec.review_in_days} days from the visit; "
                "change it to the date booked."
                if rec.review_in_days is not None
                else "After a referral: set a date if one is booked."
            ),
        )
        ui.keep_widgets(("review_date",))
        ui.errors_for("review_date")
    with save_col:
        st.button(
            f"Save to {patient}'s record",
            on_click=ui.save_consultation,
            type="primary",
            icon=":material/save:",
            help="Keeps the assessment, this recommendation, the visit's details, the "
            "ruleset version and the time. A saved consultation is never edited: a "
            "correction is saved as a new one.",
        )
    st.caption(
        f"Visit of {visit_day.isoformat()}"
        + (f", seen by {ui.md_text(form.clinician)}" if form.clinician else "")
        + ". Screens: "
        + ui.md_text(screens_line(ui.screens_now(assessment)))
        + "."
    )
plan_link, handout_link = st.columns(2)
plan_link.page_link(ui.PAGES["plan"], label="See the plan", icon=":material/trending_up:")
handout_link.page_link(
    ui.PAGES["handouts"], label="Print the patient's handout", icon=":material/print:"
)
