"""Handouts: preview the patient's own plan, then download it (PDF or HTML) and the summary."""

from datetime import datetime

import streamlit as st

import ui
from walkback_rules.charts import plan_spec
from walkback_rules.clinic import PAPER_NAMES
from walkback_rules.handouts import (
    PAPERS,
    SECTION_TITLES,
    SECTIONS,
    build_handout,
    handout_file,
    summary_file,
)
from walkback_rules.handouts.content import (
    Bullets,
    DoseBox,
    HelpBox,
    Paragraph,
    PlanChart,
    StaffNote,
    WalkingLog,
    default_sections,
    option_errors,
)
from walkback_rules.handouts.i18n import LANGUAGES, unreviewed_words
from walkback_rules.handouts.readability import readings

assessment = ui.require_assessment()
rec = ui.recommendation()

st.title("Handouts")
st.caption(
    "The patient's own plan to print or send, and a one-page summary for the record. "
    "The handout follows the recommendation and never names a medicine."
)

state = st.session_state
settings = ui.clinic_settings()
if not state.get("h_patient"):
    state["h_patient"] = ui.default_pseudonym()
state.setdefault("h_paper", settings.paper)
# The language the record keeps for the open patient, until one is chosen for this print.
state.setdefault("h_language", ui.patient_language())
chosen_sections = default_sections(assessment)
details_col, preview = st.columns([1, 2], gap="large")
with details_col:
    st.header("Details")
    clinic_line = " · ".join(
        p
        for p in (
            settings.name or "no clinic name",
            settings.phone or "no phone",
            f"emergency {settings.emergency}" if settings.emergency else "no emergency number",
            f"“{settings.doctor}”",
        )
    )
    st.markdown(f"**Clinic:** {ui.md_text(clinic_line)}")
    st.page_link(
        ui.PAGES["settings"], label="Change the clinic settings", icon=":material/settings:"
    )
    patient = st.text_input(
        "Patient pseudonym",
        key="h_patient",
        max_chars=40,
        help="Printed in the footer and the file name. Use the pseudonym only: no names or "
        "dates of birth.",
    )
    ui.field_error(option_errors("", "", patient).get("patient"))
    paper = st.radio("Paper", PAPERS, key="h_paper", horizontal=True, format_func=PAPER_NAMES.get)
    language = st.selectbox(
        "Language of the patient's sheets",
        list(LANGUAGES),
        key="h_language",
        format_func=LANGUAGES.__getitem__,
        help="For this print: the handout and its web page. The patient's own language is "
        "kept on the Patients page. The clinician summary and letters stay in English.",
    )
    unreviewed = unreviewed_words(language)
    if unreviewed:
        st.warning(unreviewed, icon=":material/translate:")
    st.markdown("**Sections**")
    sections = [
        key
        for key in SECTIONS
        if key != "help"
        and st.checkbox(
            SECTION_TITLES[key],
            value=key in chosen_sections,
            key=f"h_section_{assessment.visit}_{key}",
        )
    ]
    st.caption(
        "The get-help-now box is always printed. The decision decides which sections apply: "
        "a referral handout explains the referral only. A review starts without the "
        "background reading given at the first visit."
    )
    problems = option_errors("", "", patient)
    options = ui.print_options(
        rec, patient=patient.strip(), paper=paper, sections=(*sections, "help"), language=language
    )
    saved = ui.saved_id()
    details = ui.visit_details(assessment)[0]
    st.header("Download")
    if problems:
        st.warning("Correct the details above to build the files.", icon=":material/warning:")
    elif ui.pain_confirmed(assessment, rec):
        name = f"{ui.file_stem(options.patient)}-{options.issued}"
        kept = options.to_json()
        referrals = ui.referral_lines()  # read now: the file is made outside the page's run
        # A saved consultation's prints are noted with their options (to print again
        # exactly); any other print is an audit row. Both as the file is made.
        st.download_button(
            "Patient handout (PDF)",
            data=ui.printing(
                lambda: handout_file(assessment, options, "pdf", rec),
                "handout",
                saved,
                kept,
            ),
            file_name=f"{name}-handout.pdf",
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            type="primary",
            on_click="ignore",
        )
        st.download_button(
            "Patient handout (web page)",
            help="The same handout, to print from a browser or to read with a screen reader.",
            data=ui.printing(
                lambda: handout_file(assessment, options, "html", rec), "handout (web page)"
            ),
            file_name=f"{name}-handout.html",
            mime="text/html",
            icon=":material/print:",
            on_click="ignore",
        )
        st.download_button(
            "Clinician summary (PDF, one page)",
            data=ui.printing(
                lambda: summary_file(assessment, options, rec, details, referrals),
                "summary",
                saved,
                kept,
            ),
            file_name=f"{name}-summary.pdf",
            mime="application/pdf",
            icon=":material/description:",
            on_click="ignore",
        )
        st.download_button(
            "Clinician summary (web page)",
            help="The same summary, for a screen reader or a larger text size.",
            data=ui.printing(
                lambda: summary_file(assessment, options, rec, details, referrals, fmt="html"),
                "summary (web page)",
            ),
            file_name=f"{name}-summary.html",
            mime="text/html",
            icon=":material/article:",
            on_click="ignore",
        )
        if rec.referral is not None:
            ui.letter_button(
                assessment, rec, options, datetime.now().astimezone(), saved, "h_letter"
            )
        st.caption(
            "Each file is built when its button is pressed. Every PDF is tagged for a screen "
            "reader (PDF/UA): headings, lists, tables and the chart in words. The web pages "
            "say the same and reflow to any text size or screen. "
            + (
                "Prints of this saved consultation are noted in the record, so they can be "
                "printed again exactly from its visit."
                if saved is not None
                else "Save the consultation first to keep a note of what was printed."
            )
        )

handout = build_handout(assessment, rec, options)
levels = {r.section: r for r in readings(handout)}
with preview:
    st.header("Preview")
    with st.container(border=True):
        st.markdown(f"### {ui.md_text(handout.title)}")
        if handout.notice:
            st.warning("\n\n".join(ui.md_text(n) for n in handout.notice))
        st.markdown(ui.md_text(handout.intro))
        if handout.strip:
            st.error(ui.md_text(handout.strip), icon=":material/warning:")
        for section in handout.sections:
            st.markdown(f"#### {ui.md_text(section.title)}")
            level = levels.get(section.title)
            if level is not None:
                st.caption(level.summary())
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    st.markdown(ui.md_text(block.text))
                elif isinstance(block, Bullets):
                    lead = f"**{ui.md_text(block.lead)}**\n\n" if block.lead else ""
                    st.markdown(lead + "\n".join(f"- {ui.md_text(i)}" for i in block.items))
                elif isinstance(block, DoseBox):
                    st.info(
                        f"**{ui.md_text(block.heading)}**\n\n"
                        + "\n\n".join(f"### {ui.md_text(line)}" for line in block.lines)
                    )
                elif isinstance(block, PlanChart):
                    st.vega_lite_chart(plan_spec(block.plan), width="content")
                    st.markdown(ui.md_text(block.caption))
                elif isinstance(block, WalkingLog):
                    st.markdown(ui.md_text(block.instruction))
                    st.table(
                        [
                            {
                                block.first_column: str(w),
                                **dict.fromkeys(block.days, "☐"),
                                **dict.fromkeys(block.totals, ""),
                            }
                            for w in range(1, block.weeks + 1)
                        ]
                    )
                elif isinstance(block, HelpBox):
                    st.error(
                        "\n\n".join(
                            f"**{ui.md_text(g.heading)}**\n"
                            + "\n".join(f"- {ui.md_text(i)}" for i in g.signs)
                            + f"\n\n**{ui.md_text(g.action)}**"
                            for g in block.groups
                        )
                        + "\n\n"
                        + "  \n".join(ui.md_text(line) for line in block.contact),
                        icon=":material/emergency:",
                    )
                elif isinstance(block, StaffNote):
                    st.markdown(
                        ui.md_text(block.lead)
                        + "\n"
                        + "\n".join(f"- {ui.md_text(line)}" for line in block.lines)
                    )
        st.caption(ui.md_text(handout.footer()))
