"""Consultation: the intake form. Collects, validates through Assessment, moves on."""

import streamlit as st

import ui
from walkback_rules.codes import FLARE_LEVELS
from walkback_rules.dosing import band_range, effective_level, pain_band
from walkback_rules.intake import (
    FEATURES,
    LAST_STEP_CHOICES,
    PHQ2_ANSWERS,
    PHQ2_QUESTIONS,
    RED_FLAG_GROUPS,
    codes_for,
    phq2_total,
)

ui.follow_goto()
ui.restore_widgets()
k = ui.widget_key

st.title("Consultation")
st.caption("Use a pseudonym or demo case only: do not type names or other identifying details.")
if st.session_state.get(ui.NOTE):
    st.info(st.session_state[ui.NOTE], icon=":material/history:")

left, right = st.columns(2, gap="large")
with left:
    st.subheader("The person")
    st.number_input(
        "Age (years)",
        min_value=0,
        max_value=120,
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
        help="A review can report how the last step up went.",
    )
    ui.errors_for("visit")
    st.number_input(
        "Previous episodes of low back pain",
        min_value=0,
        max_value=1000,
        step=1,
        key=k("previous_episodes"),
        placeholder="e.g. 2",
        help="Episodes before the current or most recent one. More than 2 raises recurrence risk.",
    )
    ui.errors_for("previous_episodes")

    st.subheader("Current flare-up")
    level_col, pain_col = st.columns(2)
    with level_col:
        st.selectbox(
            "Flare level (your judgement)",
            FLARE_LEVELS,
            key=k("flare_level"),
            format_func=str.capitalize,
            help="A flare is a worsening lasting hours to weeks that affects usual activities.",
        )
        ui.errors_for("flare_level")
    with pain_col:
        pain = st.slider("Pain now (0–10)", 0, 10, key=k("pain_now"), help="Numeric pain rating.")
        band = pain_band(pain)
        st.caption(f"Pain band: **{band}** ({band_range(band)})")
        ui.errors_for("pain_now")
    level = st.session_state[k("flare_level")]
    used, mismatch = effective_level(level, pain)
    if mismatch:
        st.warning(
            f"The flare level ({level}) and the pain band ({band}) are two or more bands apart: "
            f"the rules will use **{used}**. Re-check the pain rating.",
            icon=":material/compare_arrows:",
        )
    if level != "none":
        st.number_input(
            "Days since this flare began",
            min_value=0,
            step=1,
            key=k("days_since_onset"),
            placeholder="e.g. 3",
            help="84 days (12 weeks) or more counts as chronic.",
        )
    ui.errors_for("days_since_onset")

with right:
    st.subheader("Walking now")
    walks_col, minutes_col = st.columns(2)
    with walks_col:
        st.number_input(
            "Walks a week",
            min_value=0,
            max_value=14,
            step=1,
            key=k("walks_per_week"),
            help="The current programme dose (kept, not erased, during a flare). 0 if not walking.",
        )
        ui.errors_for("walks_per_week")
    with minutes_col:
        st.number_input(
            "Minutes per walk",
            min_value=0,
            max_value=240,
            step=5,
            key=k("minutes_per_walk"),
            help="0 exactly when not walking.",
        )
        ui.errors_for("minutes_per_walk")
    st.number_input(
        "Full weeks at this dose",
        min_value=0,
        step=1,
        key=k("weeks_at_current_dose"),
        placeholder="unknown",
        help="Leave empty if unknown: it then counts as established.",
    )
    ui.errors_for("weeks_at_current_dose")
    st.selectbox(
        "Walking tolerance",
        ("full", "duration_limited", "not_tolerated"),
        key=k("walking_tolerance"),
        format_func={
            "full": "Full",
            "duration_limited": "Walk length limited (e.g. hip or knee arthritis)",
            "not_tolerated": "Walking not tolerated",
        }.get,
    )
    ui.errors_for("walking_tolerance")
    st.checkbox(
        "Would rather do another exercise (yoga, Pilates, swimming…)",
        key=k("prefers_other_exercise"),
    )

    if st.session_state[k("visit")] == "review":
        st.subheader("Since the last step up")
        st.radio(
            "How did the back respond?",
            tuple(LAST_STEP_CHOICES),
            key=k("last_step"),
            format_func=LAST_STEP_CHOICES.get,
        )
        ui.errors_for("last_step")
        if st.session_state[k("last_step")] != "none":
            st.checkbox("The dose before the last step up is known", key=k("previous_dose_known"))
            if st.session_state[k("previous_dose_known")]:
                before_w, before_m = st.columns(2)
                with before_w:
                    st.number_input(
                        "Walks a week before",
                        min_value=1,
                        max_value=14,
                        step=1,
                        key=k("previous_walks"),
                    )
                    ui.errors_for("previous_walks")
                with before_m:
                    st.number_input(
                        "Minutes per walk before",
                        min_value=1,
                        max_value=240,
                        step=5,
                        key=k("previous_minutes"),
                    )
                    ui.errors_for("previous_minutes")

st.divider()
st.subheader("Red flags")
st.caption(
    "Tick any feature present. Single features are weak signs: each is a possible serious "
    "cause for you to confirm, not a diagnosis."
)
flag_cols = st.columns(3)
for i, (code, (title, action, texts)) in enumerate(RED_FLAG_GROUPS.items()):
    with flag_cols[i % 3], st.container(border=True):
        st.pills(
            f"**{title}** · {action}",
            [f"{code}.{n}" for n in range(1, len(texts) + 1)],
            selection_mode="multi",
            format_func=lambda feature_id: FEATURES[feature_id].text,
            key=ui.group_key(code),
        )
codes = codes_for(ui.ticked_features())
if codes:
    st.error("Sets red flag: " + ", ".join(f"`{c}`" for c in codes), icon=":material/flag:")
ui.errors_for("red_flag_features")

st.divider()
mood_col, other_col = st.columns(2, gap="large")
with mood_col:
    st.subheader("Mood (PHQ-2)")
    st.caption("Over the last 2 weeks, how often has the person been bothered by…")
    for field, question in zip(("phq2_interest", "phq2_mood"), PHQ2_QUESTIONS, strict=True):
        st.selectbox(
            question,
            (None, 0, 1, 2, 3),
            key=k(field),
            format_func=lambda v: "Not asked" if v is None else f"{PHQ2_ANSWERS[v]} ({v})",
            placeholder="Not asked",
        )
    total = phq2_total({f: st.session_state[k(f)] for f in ("phq2_interest", "phq2_mood")})
    st.caption("PHQ-2 total: not asked" if total is None else f"PHQ-2 total: **{total}** / 6")
    ui.errors_for("phq2_interest")
with other_col:
    st.subheader("Before exercise")
    st.checkbox(
        "Unexplained chest pain, breathlessness or fainting on exertion",
        key=k("cardiorespiratory_concern"),
    )

ui.keep_widgets()
st.divider()
st.button("Get recommendation", type="primary", on_click=ui.submit, icon=":material/arrow_forward:")
if st.session_state.get(ui.ERRORS):
    st.error("Some answers need a look: see the messages beside the fields above.")
