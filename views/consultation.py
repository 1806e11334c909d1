"""Consultation: the intake form. Collects, validates through Assessment, moves on."""

import streamlit as st

import ui
from walkback_rules.core.cards import URGENCY_WORDS, referral_for
from walkback_rules.core.codes import FLARE_LEVELS
from walkback_rules.core.dosing import band_range, effective_level, implied_level
from walkback_rules.core.screens import screen
from walkback_rules.intake import (
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
    phq2_total,
)

ui.follow_goto()
ui.restore_widgets()
k = ui.widget_key
state = st.session_state

st.title("Consultation")
st.caption("Use a pseudonym or demo case only: do not type names or other identifying details.")
if state.get(ui.NOTE):
    st.info(state[ui.NOTE], icon=":material/history:")

# The screens first: a serious finding shows its tier as soon as it is ticked.
screening = screen(ui.ticked("red_flags"), ui.ticked("exercise_screen"))
referral = referral_for(screening)
if referral is not None and referral.urgency == "emergency":
    st.error(referral.reason, icon=":material/emergency:")

left, right = st.columns(2, gap="large")
with left:
    st.subheader("The person")
    st.number_input(
        "Age (years)",
        step=1,
        key=k("age"),
        placeholder="e.g. 52",
        help="Adults only: under 18 is out of scope.",
    )
    ui.errors_for("age")
    st.radio(
        "Visit",
        ("initial", "review"),
        key=k("visit"),
        horizontal=True,
        format_func={"initial": "First consultation", "review": "Review"}.get,
    )
    ui.errors_for("visit")
    episodes_col, weeks_col = st.columns(2)
    with episodes_col:
        st.number_input(
            "Previous episodes",
            step=1,
            key=k("previous_episodes"),
            placeholder="e.g. 2",
            help="Episodes of low back pain before the current or most recent one.",
        )
        ui.errors_for("previous_episodes")
    with weeks_col:
        st.number_input(
            "Weeks this episode has lasted",
            step=1,
            key=k("episode_weeks"),
            placeholder="not asked",
            help="0 if the person has recovered from their last episode. 12 or more is chronic.",
        )
        ui.errors_for("episode_weeks")

    st.subheader("Current flare-up")
    level_col, pain_col = st.columns(2)
    with level_col:
        st.selectbox(
            "Flare level (your judgement)",
            FLARE_LEVELS,
            key=k("flare_level"),
            format_func=str.capitalize,
            help="A worsening lasting hours to weeks that affects usual activities or mood.",
        )
        ui.errors_for("flare_level")
        st.number_input(
            "Usual pain between flares (0–10)",
            step=1,
            key=k("usual_pain"),
            placeholder="not asked",
            help="A flare is judged against the person's usual pain.",
        )
        ui.errors_for("usual_pain")
    with pain_col:
        pain = st.slider("Pain now (0–10)", 0, 10, key=k("pain_now"), help="Numeric pain rating.")
        implied = implied_level(pain, state[k("usual_pain")])
        st.caption(f"Rise above usual pain implies: **{implied}** ({band_range(implied)})")
        ui.errors_for("pain_now")
    level = state[k("flare_level")]
    used, mismatch = effective_level(level, implied)
    if mismatch:
        st.warning(
            f"The flare level ({level}) and the pain rating ({implied}) are two or more bands "
            f"apart: the rules will use **{used}**. Re-check the pain rating.",
            icon=":material/compare_arrows:",
        )
    if asks_onset({"flare_level": level, "pain_now": pain, "usual_pain": state[k("usual_pain")]}):
        st.number_input(
            "Days since this flare began",
            step=1,
            key=k("days_since_onset"),
            placeholder="e.g. 3",
        )
    ui.errors_for("days_since_onset")

with right:
    st.subheader("Walking now")
    walks_col, minutes_col, weeks_col = st.columns(3)
    with walks_col:
        st.number_input(
            "Walks a week",
            step=1,
            key=k("walks_per_week"),
            help="At a review, the programme dose (kept, not erased, during a flare).",
        )
        ui.errors_for("walks_per_week")
    with minutes_col:
        st.number_input(
            "Minutes per walk",
            step=5,
            key=k("minutes_per_walk"),
            help="0 exactly when not walking.",
        )
        ui.errors_for("minutes_per_walk")
    with weeks_col:
        st.number_input(
            "Full weeks at this dose",
            step=1,
            key=k("weeks_at_current_dose"),
            placeholder="unknown",
            help="Leave empty if unknown: it then counts as established.",
        )
        ui.errors_for("weeks_at_current_dose")
    st.selectbox(
        "Walking tolerance",
        tuple(TOLERANCE_CHOICES),
        key=k("walking_tolerance"),
        format_func=TOLERANCE_CHOICES.get,
    )
    ui.errors_for("walking_tolerance")
    st.checkbox(
        "Would rather do another exercise (yoga, Pilates, swimming…)",
        key=k("prefers_other_exercise"),
    )
    st.number_input(
        "Other moderate exercise, minutes a week (not walking)",
        step=10,
        key=k("other_exercise_minutes_per_week"),
    )
    ui.errors_for("other_exercise_minutes_per_week")

    if state[k("visit")] == "review":
        st.subheader("Since the last visit")
        st.number_input(
            "Walks a week at the first consultation",
            step=1,
            key=k("baseline_walks_per_week"),
            placeholder="not known",
        )
        ui.errors_for("baseline_walks_per_week")
        st.radio(
            "How did the back take the last step up?",
            tuple(LAST_STEP_CHOICES),
            key=k("last_step"),
            format_func=LAST_STEP_CHOICES.get,
        )
        ui.errors_for("last_step")
        if state[k("last_step")] != "none":
            st.checkbox("The dose before the last step up is known", key=k("previous_dose_known"))
            if state[k("previous_dose_known")]:
                before_w, before_m = st.columns(2)
                with before_w:
                    st.number_input(
                        "Walks a week before",
                        step=1,
                        key=k("previous_walks"),
                    )
                    ui.errors_for("previous_walks")
                with before_m:
                    st.number_input(
                        "Minutes per walk before",
                        step=5,
                        key=k("previous_minutes"),
                    )
                    ui.errors_for("previous_minutes")
        st.checkbox(
            "Returning after a moderate or severe flare (last visit, or one that has since eased)",
            key=k("returning_after_flare"),
        )
        ui.errors_for("returning_after_flare")
        st.radio(
            "Walks since the last visit",
            tuple(ADHERENCE_CHOICES),
            key=k("adherence"),
            format_func=ADHERENCE_CHOICES.get,
        )
        ui.errors_for("adherence")
        st.checkbox(
            "New hip, knee, shin or foot pain since the last visit", key=k("new_lower_limb_pain")
        )
        ui.errors_for("new_lower_limb_pain")

st.divider()
st.subheader("Red flags")
st.caption(
    "Tick each feature found. Single features are weak signs: the tier beside each group is "
    "the level of concern the combination reaches, for you to confirm, never a diagnosis."
)


def _tier_note(condition: str) -> None:
    """The tier a condition has reached, from the core's screen, as it is ticked."""
    tier = screening.tier_of(condition)  # type: ignore[arg-type]
    if tier is None:
        st.caption("Nothing ticked reaches a tier.")
    elif tier == "monitor":
        st.caption("Monitor: note it, safety-net, re-screen at each visit.")
    else:
        st.markdown(f":red[**{URGENCY_WORDS[tier]}**]")  # type: ignore[index]


flag_cols = st.columns(3)
for i, (condition, features) in enumerate(RED_FLAG_GROUPS.items()):
    with flag_cols[i % 3], st.container(border=True):
        st.markdown(f"**{GROUP_TITLES[condition]}**")
        for feature in features:
            st.checkbox(feature.wording, key=ui.feature_key(feature.code))
        _tier_note(condition)
        if condition == "malignancy":
            st.caption("Past cancer with any bladder, bowel, saddle or leg sign: emergency.")
ui.errors_for("red_flags")

st.subheader("Exercise safety")
with st.container(border=True):
    for feature in EXERCISE_CHECKLIST:
        st.checkbox(feature.wording, key=ui.feature_key(feature.code))
    _tier_note("cardiorespiratory")
ui.errors_for("exercise_screen")

st.divider()
legs_col, mood_col = st.columns(2, gap="large")
with legs_col:
    st.subheader("Legs and history")
    st.radio(
        "Leg symptoms (referred or radicular)",
        tuple(LEG_CHOICES),
        key=k("leg_symptoms"),
        format_func=LEG_CHOICES.get,
        horizontal=True,
        help="New symptoms in both legs are a red flag; claudication is asked below.",
    )
    for field, question in HISTORY_QUESTIONS:
        st.checkbox(question, key=k(field))
with mood_col:
    st.subheader("Mood and risk")
    st.caption("PHQ-2: over the last 2 weeks, how often has the person been bothered by…")
    for field, question in zip(("phq2_interest", "phq2_mood"), PHQ2_QUESTIONS, strict=True):
        st.selectbox(
            question,
            (None, 0, 1, 2, 3),
            key=k(field),
            format_func=lambda v: "Not asked" if v is None else f"{PHQ2_ANSWERS[v]} ({v})",
        )
    total = phq2_total({f: state[k(f)] for f in ("phq2_interest", "phq2_mood")})
    st.caption("PHQ-2 total: not asked" if total is None else f"PHQ-2 total: **{total}** / 6")
    ui.errors_for("phq2_interest")
    st.checkbox("I am concerned about thoughts of self-harm or suicide", key=k("self_harm_concern"))
    total_col, distress_col = st.columns(2)
    with total_col:
        st.number_input(
            "STarT Back total (0–9)",
            step=1,
            key=k("startback_total"),
            placeholder="not asked",
        )
        ui.errors_for("startback_total")
    with distress_col:
        st.number_input(
            "STarT Back distress (items 5–9, 0–5)",
            step=1,
            key=k("startback_distress"),
            placeholder="not asked",
        )
        ui.errors_for("startback_distress")

ui.keep_widgets()
st.divider()
st.button("Get recommendation", type="primary", on_click=ui.submit, icon=":material/arrow_forward:")
if state.get(ui.ERRORS):
    st.error("Some answers need a look: see the messages beside the fields above.")
