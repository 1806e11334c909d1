"""Outcomes: the clinic's recurrence curve after discharge beside the WalkBack trial's, for
the clinical lead and for teaching (with a synthetic teaching set)."""

import streamlit as st

import ui
from walkback_rules.core.evidence import TRIAL_ARMS
from walkback_rules.csvtext import csv_text
from walkback_rules.outcomes.chart import at_risk_rows, curve_rows, curve_spec
from walkback_rules.outcomes.cohort import Filters, Member, chosen, compare, teaching_cohort
from walkback_rules.server.access import sees_patients
from walkback_rules.store import StoreError, dumps

CLINIC, TEACHING = "clinic", "teaching"
SOURCES = {
    CLINIC: "This clinic's patients",
    TEACHING: "Teaching set (160 synthetic people, no real patient)",
}

st.title("Outcomes")
ui.presenter_toggle()  # for teaching: the synthetic set alone, in large type
st.caption(
    "The WalkBack trial's own outcome: days from discharge to the first recurrence of low "
    "back pain that limits activity, asked each month. Each person counts once, from their "
    "first discharge, until their first recurrence or their last answered check-in."
)

clinic_allowed = sees_patients(ui.roles()) and not ui.presenting()
source = TEACHING
if clinic_allowed:
    source = st.radio(
        "Whose outcomes",
        tuple(SOURCES),
        format_func=SOURCES.__getitem__,
        horizontal=True,
        key="o_source",
    )
else:
    st.info(SOURCES[TEACHING], icon=":material/school:")

members: list[Member]
if source == CLINIC:
    record = ui.store()
    try:
        members = record.cohort()
    except StoreError as exc:
        st.error(f"The record could not be read: {ui.md_text(str(exc))}", icon=":material/error:")
        st.stop()
    if not st.session_state.get("o_viewed"):  # the page's first read in this session
        ui.audit("view_outcomes", None, f"{len(members)} people")
        st.session_state["o_viewed"] = True
    if ui.in_practice():
        st.caption(
            "This is the practice record: its patients are not the clinic's, and the real "
            "record's curve is not shown here."
        )
else:
    members = teaching_cohort()

with st.expander("Filters", expanded=False, icon=":material/filter_list:"):
    days = [m.discharged for m in members]
    first, last = (min(days), max(days)) if days else (ui.today(), ui.today())
    left, right = st.columns(2)
    since = left.date_input(
        "Discharged from", value=first, format="YYYY-MM-DD", key=f"o_since_{source}"
    )
    until = right.date_input("to", value=last, format="YYYY-MM-DD", key=f"o_until_{source}")
    names = sorted({m.clinician for m in members if m.clinician})
    picked = st.multiselect("Clinician (none chosen: all)", names, key=f"o_clinicians_{source}")
    left, right = st.columns(2)
    episodes = left.selectbox(
        "Previous episodes (the trial's strata)",
        (None, True, False),
        format_func={None: "Any", True: "More than two", False: "Two or fewer"}.__getitem__,
        key=f"o_episodes_{source}",
    )
    target = right.selectbox(
        "Left on the WalkBack target dose",
        (None, True, False),
        format_func={None: "Any", True: "Reached", False: "Not reached"}.__getitem__,
        key=f"o_target_{source}",
    )
if since > until:
    ui.field_error("Discharged from: a day on or before the 'to' day. Nothing is filtered.")
    since, until = first, last
filters = Filters(since, until, frozenset(picked), episodes, target)
comparison = compare(chosen(members, filters))
curve = comparison.curve

cols = st.columns(5)
cols[0].metric("Discharged", comparison.discharged)
cols[1].metric("Followed", comparison.followed, help="With at least one answered check-in")
cols[2].metric("Recurrences", curve.events if curve else 0, help="Activity-limiting")
cols[3].metric("Of them, care sought", comparison.care_seeking)
median = "not reached" if curve is None or curve.median is None else f"{curve.median:.0f} days"
cols[4].metric("Median", median)
if curve is not None and curve.median_lower is not None:
    upper = "not yet bounded" if curve.median_upper is None else f"{curve.median_upper:.0f}"
    st.caption(f"The clinic's median: 95% CI {curve.median_lower:.0f} to {upper} days.")

arms = " · ".join(
    f"{a.name}: {a.median_days} days (95% CI {a.ci_low}–{a.ci_high})" for a in TRIAL_ARMS
)
(st.warning if comparison.verdict in ("too_few", "none") else st.info)(
    ui.md_text(comparison.words), icon=":material/compare_arrows:"
)
st.caption(f"The WalkBack trial's medians, drawn either side of the halfway line: {arms}.")
if curve is not None:
    st.vega_lite_chart(curve_spec(comparison), width="stretch")
    st.markdown("**Numbers at risk** (still followed, no recurrence yet)")
    st.table(at_risk_rows(comparison), hide_index=True)
    with st.expander("Every step of the curve", icon=":material/table:"):
        st.table(curve_rows(comparison), hide_index=True)

if source == CLINIC and ui.can("patients"):
    st.subheader("Export the follow-up")
    st.caption(
        "Every check-in of every discharged patient (not filtered), by pseudonym: as CSV "
        "that reads back into a record, or as FHIR Observations."
    )

    def exported(kind: str) -> bytes:
        from walkback_rules.store.checkins import export_rows

        episodes = record.all_episodes()
        if kind == "CSV":
            data = csv_text(export_rows(episodes)).encode()
        else:
            from walkback_rules.store.fhir import follow_up_bundle

            data = dumps(follow_up_bundle(episodes)).encode()
        return data

    left, right = st.columns(2)
    stamp = ui.today().isoformat()
    left.download_button(
        "Check-ins (CSV)",
        data=ui.exporting(lambda: exported("CSV"), "export_outcomes", None, "CSV"),
        file_name=f"walkback-follow-up-{stamp}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    try:
        import fhir.resources  # noqa: F401

        right.download_button(
            "Check-ins (FHIR R4B Observations)",
            data=ui.exporting(lambda: exported("FHIR"), "export_outcomes", None, "FHIR"),
            file_name=f"walkback-follow-up-{stamp}-fhir.json",
            mime="application/fhir+json",
            icon=":material/download:",
            on_click="ignore",
        )
    except ModuleNotFoundError:
        right.caption("FHIR export needs the optional extra walkback-cds\\[fhir\\].")
