"""The Streamlit app, page by page, in Streamlit's own test harness (no browser)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui
from walkback_rules import SOURCES, Decision, recommend, validate_assessment
from walkback_rules.consultation.state import Consultation
from walkback_rules.core.codes import Flag
from walkback_rules.teaching.cases import CASES, CASES_BY_ID

from .stores import decided

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def assessment_in(at: AppTest) -> object:
    """The decided assessment of the session's consultation, if there is one."""
    if ui.CONSULTATION not in at.session_state:
        return None
    decided = at.session_state[ui.CONSULTATION].decided
    return None if decided is None else decided.assessment


def with_case(case_id: str, page: str) -> AppTest:
    """The app with a demo case loaded, showing `page`."""
    case = CASES_BY_ID[case_id]
    at = app()
    at.session_state[ui.CONSULTATION] = Consultation.loaded(case.data, date.today())
    at.session_state[ui.LOADED] = case.title
    at.switch_page(ui.PAGES[page]).run()
    return at


def answer_the_rest(at: AppTest, flare: str = "none", pain: int = 0) -> AppTest:
    """The answers every visit asks for besides age and episodes: the flare, the pain now,
    and how each checklist was answered with nothing ticked (none present)."""
    at.selectbox(key="c_flare_level").select(flare)
    at.number_input(key="c_pain_now").set_value(pain)
    for key in ("c_walks_per_week", "c_minutes_per_walk"):  # not walking, unless given
        if at.number_input(key=key).value is None:
            at.number_input(key=key).set_value(0)
    at.radio(key="c_red_flags_asked").set_value("none_present")
    at.radio(key="c_exercise_asked").set_value("none_present")
    return at


def get_recommendation(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Get recommendation").click().run()
    return at


def texts(at: AppTest) -> str:
    """Everything the page shows in boxes, markdown and metrics, as one string."""
    parts = [e.value for e in (*at.error, *at.warning, *at.info, *at.success, *at.markdown)]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


# The landing and users pages belong to a clinic server with sign-in (test_access_app.py).
LOCAL_PAGES = [p for p in ui.PAGES if p not in ("welcome", "users")]


@pytest.mark.parametrize("page", LOCAL_PAGES)
def test_every_page_renders_empty(page: str) -> None:
    """Each page renders without a consultation, with no exception."""

    at = app()
    at.switch_page(ui.PAGES[page]).run()

    assert not at.exception


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("page", ["consultation", "recommendation", "plan"])
def test_every_demo_case_renders(case: object, page: str) -> None:
    """Every demo case renders on the consultation, recommendation and plan pages."""

    at = with_case(case.id, page)  # type: ignore[attr-defined]

    assert not at.exception
    if page == "recommendation":
        headline = recommend(validate_assessment(case.data)).cards[0].summary  # type: ignore[attr-defined]
        assert f"## {headline}" in texts(at)


def test_sidebar_says_what_it_is_and_who_is_loaded() -> None:
    """The sidebar shows the disclaimer, the ruleset version and the loaded patient."""

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[ui.LOADED] = CASES_BY_ID["demo-02"].title
    at.run()
    sidebar = "\n".join(str(getattr(e, "value", "")) for e in at.sidebar)

    assert "not a replacement for clinical judgement" in sidebar
    assert "Ruleset 2.1" in sidebar
    assert CASES_BY_ID["demo-02"].title in sidebar


def test_red_flag_case_is_an_emergency_with_no_dose_plan_or_pain_relief() -> None:
    """A red flag shows the emergency card, no dose, no plan and no pain-relief prompt."""

    rec = with_case("demo-20", "recommendation")
    shown = texts(rec)

    assert "Emergency referral" in rec.error[0].value
    assert "Walking: None" in shown
    assert "Referral: Emergency" in shown
    assert "Referral for:** possible cauda equina syndrome." in shown
    assert "pain relief" not in shown.lower()
    assert not rec.success
    assert "never changed by unticking a finding" in shown  # what would change this

    plan = with_case("demo-20", "plan")
    assert "No walking plan (emergency referral)" in plan.info[0].value
    assert not plan.get("vega_lite_chart")


def test_severe_flare_prompts_cold_heat_and_pain_relief() -> None:
    """A severe flare shows both flare-care prompts."""

    shown = texts(with_case("demo-09", "recommendation"))

    assert "cold or heat pack" in shown
    assert "talk with the GP or pharmacist about pain relief" in shown


def test_plan_page_shows_chart_table_and_target_week() -> None:
    """A programme decision gets a chart, a table and the week the target is reached."""

    at = with_case("demo-01", "plan")

    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1
    assert "Target reached: Week 8" in texts(at)


def test_what_would_change_is_listed() -> None:
    """The recommendation lists alternatives computed by the engine."""

    shown = texts(with_case("demo-05", "recommendation"))

    assert "Had pain not risen after the last step: **Step up (5 × 20 min)**" in shown
    assert "PROGRESS" not in shown.split("What would change this")[-1]


def test_bad_entry_shows_error_beside_field_and_keeps_values() -> None:
    """A flare with no onset day is an error shown by its field; the typed values stay."""

    at = app()
    at.number_input(key="c_age").set_value(45)
    at.number_input(key="c_previous_episodes").set_value(2)
    answer_the_rest(at, "mild", 3).run()
    get_recommendation(at)

    messages = [e.value for e in at.error]
    assert any(
        m.startswith("Days since the flare began: required when flare level") for m in messages
    )
    assert at.number_input(key="c_age").value == 45
    assert at.selectbox(key="c_flare_level").value == "mild"
    assert at.number_input(key="c_pain_now").value == 3
    assert assessment_in(at) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age", 130, "Age must be a whole number from 0 to 120; you entered 130"),
        ("previous_episodes", 1001,
         "Previous episodes must be a whole number from 0 to 1000; you entered 1001"),
        ("minutes_per_walk", 500, None),
        ("walks_per_week", 20, None),
    ],
)  # fmt: skip
def test_what_is_typed_is_what_is_checked_never_a_clamped_value(
    field: str, value: int, message: str | None
) -> None:
    """Age 130 typed over 15 ran as age 15, and minutes 500 over 10 ran as 10."""

    at = app()
    at.number_input(key="c_age").set_value(15)
    at.number_input(key="c_previous_episodes").set_value(2)
    at.number_input(key="c_walks_per_week").set_value(3)
    at.number_input(key="c_minutes_per_walk").set_value(10)
    at.run()
    at.number_input(key=f"c_{field}").set_value(value).run()
    next(b for b in at.button if b.label == "Get recommendation").click().run()

    assert at.title[0].value == "Consultation" and assessment_in(at) is None
    assert at.number_input(key=f"c_{field}").value == value
    errors = [e.value for e in at.error]
    assert any(m.endswith(f"; you entered {value}") for m in errors), errors
    assert message is None or message in errors
    assert not any("null" in m or "got" in m for m in errors)


def test_good_entry_goes_to_the_recommendation() -> None:
    """A complete consultation moves on to its recommendation."""

    at = app()
    at.number_input(key="c_age").set_value(52)
    at.number_input(key="c_previous_episodes").set_value(4)
    answer_the_rest(at).run()
    get_recommendation(at)

    assert not at.exception
    assert at.title[0].value == "Recommendation"
    assert "Start walking" in at.info[0].value


def test_ticking_an_emergency_feature_shows_the_banner_at_once() -> None:
    """One tick of an emergency feature: the banner says where and why, nothing else filled."""

    at = app()
    at.checkbox(key=ui.feature_key("ces_saddle")).check().run()
    banner = at.error[0].value

    assert banner.startswith("Emergency: possible cauda equina syndrome")
    assert "hospital emergency department now" in banner
    assert "Emergency" in texts(at)  # the group's tier beside its features


def test_each_group_shows_its_tier_as_features_are_ticked() -> None:
    """A single monitor feature says monitor; a same-day pair says same day."""

    at = app()
    at.checkbox(key=ui.feature_key("infection_drug_injection")).check().run()
    assert any(c.value.startswith("Monitor") for c in at.caption)

    at.checkbox(key=ui.feature_key("infection_fever")).check().run()
    assert ":red[**Same day**]" in texts(at)
    assert not any(e.value.startswith("Emergency:") for e in at.error)


def test_every_red_flag_feature_is_its_own_control() -> None:
    """Each feature is a checkbox labelled in the specification's wording."""

    from walkback_rules import FEATURES

    at = app()
    labels = {c.label for c in at.checkbox}

    assert {f.wording for f in FEATURES.values()} <= labels


def test_review_only_questions_show_only_at_a_review() -> None:
    at = app()
    assert not [c for c in at.checkbox if c.key == "c_returning_after_flare"]

    at.radio(key="c_visit").set_value("review").run()

    assert [c for c in at.checkbox if c.key == "c_returning_after_flare"]
    assert at.radio(key="c_adherence").value is None
    assert [c for c in at.checkbox if c.key == "c_new_lower_limb_pain"]


def test_consultation_survives_switching_pages() -> None:
    """Values typed on the consultation are still there after visiting another page."""

    at = app()
    at.number_input(key="c_age").set_value(61).run()
    at.switch_page(ui.PAGES["evidence"]).run()
    at.switch_page(ui.PAGES["consultation"]).run()

    assert at.number_input(key="c_age").value == 61


def test_loading_a_case_from_teaching_fills_the_consultation() -> None:
    """One click loads a demo case into the consultation."""

    at = app()
    at.switch_page(ui.PAGES["teaching"]).run()
    at.button(key="t_load_demo-08").click().run()

    assert not at.exception
    assert at.title[0].value == "Consultation"
    assert at.number_input(key="c_age").value == 58
    assert at.selectbox(key="c_flare_level").value == "moderate"


def test_rule_table_is_searchable() -> None:
    """Searching the rule table narrows it."""

    at = app()
    at.switch_page(ui.PAGES["teaching"]).run()
    at.text_input(key="t_query").input("phq").run()

    assert any("1 of 42 rules" in c.value for c in at.caption)


def test_consultation_page_loads_no_heavy_libraries() -> None:
    """The consultation (the first page) loads without pandas or altair. It opens the
    record (SQLAlchemy), because what is typed is kept there as a draft; printing (Typst)
    loads in the background once the page is drawn."""

    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({APP!r}, default_timeout=60).run()\n"
        "assert not at.exception, at.exception\n"
        "heavy = {'pandas', 'altair'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_every_demo_case_decides_as_labelled() -> None:
    """Each demo case reaches the decision it is labelled with, and all 14 are reached."""

    for case in CASES:
        assert recommend(validate_assessment(case.data)).decision == case.expected
    assert {c.expected for c in CASES} == set(Decision)


def test_collapsed_sections_are_drawn_when_opened() -> None:
    """Rationale and the rules that did not apply appear once their sections are opened."""

    at = with_case("demo-05", "recommendation")
    rec = recommend(validate_assessment(CASES_BY_ID["demo-05"].data))
    fired = [t for t in rec.trace if t.fired]
    not_fired = [t for t in rec.trace if not t.fired]
    references = {SOURCES[s].reference for t in fired for s in t.source_ids}
    assert [e.label for e in at.expander] == [
        "Rationale and full references",
        f"Rules that did not apply ({len(not_fired)})",
    ]
    assert not any(f"**{t.rule_id} · {t.title}** — {t.reason}" in texts(at) for t in not_fired)

    at.session_state["rec_references"] = True
    at.session_state["rec_not_applied"] = True
    at.run()
    shown = texts(at)

    assert not at.exception
    assert all(r in shown for r in references)
    assert all(f"**{t.rule_id} · {t.title}** — {t.reason}" in shown for t in not_fired)


def test_configuration_keeps_the_app_private_and_quiet() -> None:
    """Loopback only, no usage statistics, XSRF on, no tracebacks, a small upload limit."""

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))

    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] <= 5
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.parametrize("case_id", sorted({c.id for c in CASES}))
def test_handouts_page_previews_every_demo_case(case_id: str) -> None:
    """The handout preview renders for every demo case, with its readability and buttons."""

    at = with_case(case_id, "handouts")
    shown = texts(at)

    assert not at.exception
    assert "Get help now" in shown
    assert any("Flesch-Kincaid grade" in c.value for c in at.caption)
    rec = recommend(validate_assessment(CASES_BY_ID[case_id].data))
    if Flag.PAIN_LEVEL_MISMATCH in rec.flags:
        # Nothing is printed until the pain rating and the flare level are re-checked.
        assert not at.get("download_button")
        next(b for b in at.button if b.label.startswith("I have re-checked")).click().run()
    # Handout and summary as PDF and web page, and a referral's letter as both.
    assert len(at.get("download_button")) == 4 + 2 * (rec.referral is not None)


def test_clinic_settings_are_saved_once_and_every_handout_uses_them() -> None:
    """Set on their page, kept in the record: a name that looks like markup is escaped on
    the Handouts page, and a bad phone is refused by name with nothing saved."""
    from walkback_rules.clinic import ClinicSettings
    from walkback_rules.store import Store

    at = app()
    at.switch_page(ui.PAGES["settings"]).run()
    at.text_input(key="s_name").input("<script>alert(1)</script>")
    at.text_input(key="s_phone").input("call us")
    at.text_input(key="s_emergency").input("999").run()
    # Typed and not saved: kept across a visit to another page.
    at.switch_page(ui.PAGES["about"]).run()
    at.switch_page(ui.PAGES["settings"]).run()
    assert at.text_input(key="s_phone").value == "call us"
    assert any("Not saved yet: Clinic name, Clinic phone" in c.value for c in at.caption)
    save = next(b for b in at.button if b.label == "Save settings")
    save.click().run()
    try:
        assert any("**Clinic phone** must be up to 30 digits" in e.value for e in at.error)
        assert any("Nothing was saved" in e.value for e in at.error)
        with Store.open() as record:
            assert record.settings() == ClinicSettings()

        at.text_input(key="s_phone").input("02 9555 0123").run()
        next(b for b in at.button if b.label == "Save settings").click().run()
        assert any("Saved" in s.value for s in at.success)

        page = with_case("demo-01", "handouts")
        shown = texts(page).replace("\u00a0", " ")
        assert "\\<script\\>alert\\(1\\)\\</script\\>" in shown
        assert "02 9555 0123" in shown
        assert "call 999 for an ambulance" in shown
    finally:
        with Store.open() as record:  # the next test starts from the defaults
            record.save_settings(ClinicSettings().to_json())


def test_handouts_page_follows_the_decision() -> None:
    """A referral's preview has no walking plan; a programme's has the dose and the log."""

    referral = texts(with_case("demo-20", "handouts"))
    programme = with_case("demo-01", "handouts")

    assert "Go to hospital now" in referral
    assert "Your walking plan" not in referral
    assert "3 to 4 walks a week" in texts(programme)
    assert len(programme.get("vega_lite_chart")) == 1
    assert programme.get("table")


# --- the patient record in the app ------------------------------------------------------------


def _patients_page() -> AppTest:
    at = app()
    at.switch_page(ui.PAGES["patients"]).run()
    return at


def test_create_a_patient_fill_a_consultation_and_save_it() -> None:
    """Create opens the record; a saved consultation shows on the patient's history."""

    at = _patients_page()
    at.text_input(key="p_new_label").input("Runner <b>bold</b>").run()
    assert any("without < or >" in e.value for e in at.error)
    assert next(b for b in at.button if b.label == "Create and open").disabled

    at.text_input(key="p_new_label").input("Runner **bold** _x_").run()
    next(b for b in at.button if b.label == "Create and open").click().run()
    pid = at.session_state[ui.PATIENT]
    assert pid in at.query_params[ui.PATIENT]
    assert "Runner **bold** _x_" in [t.value for t in at.text]  # shown as typed, not Markdown

    at.switch_page(ui.PAGES["consultation"]).run()
    assert "no consultation yet" in at.info[0].value
    at.number_input(key="c_age").set_value(52)
    at.number_input(key="c_previous_episodes").set_value(4)
    answer_the_rest(at).run()
    get_recommendation(at)
    assert at.title[0].value == "Recommendation"
    at.switch_page(ui.PAGES["recommendation"])  # the harness stays on the page it was given
    next(b for b in at.button if b.label == f"Save to {pid}'s record").click().run()
    assert any(f"Saved to {pid}" in s.value for s in at.success)
    assert not [b for b in at.button if b.label.startswith("Save to")]  # saved once

    history = ui.store().consultations(pid)
    assert [c.decision for c in history] == ["START"]

    at.switch_page(ui.PAGES["patients"]).run()
    assert not at.exception
    assert at.get("vega_lite_chart")


def test_opening_a_patient_prefills_their_review() -> None:
    record = ui.store()
    pid = record.new_patient().id
    record.record(pid, *decided(validate_assessment(CASES_BY_ID["demo-02"].data)))

    at = _patients_page()
    at.text_input(key="p_query").input(pid).run()
    next(b for b in at.button if b.key == f"p_open_{pid}").click().run()

    assert at.title[0].value == "Consultation"
    assert "stepped the walking up" in at.info[0].value
    assert at.radio(key="c_visit").value == "review"
    assert at.number_input(key="c_walks_per_week").value == 5
    before = CASES_BY_ID["demo-02"].data["walking"]
    form = at.session_state[ui.CONSULTATION].form
    assert form.previous_dose_known is True
    assert (form.previous_walks, form.previous_minutes) == (
        before["walks_per_week"],
        before["minutes_per_walk"],
    )
    assert form.last_step is None  # how the back took the step is asked, not assumed
    assert at.radio(key="c_last_step").value is None

    at.switch_page(ui.PAGES["consultation"])  # the harness stays on the page it was given
    next(b for b in at.button if b.label == "Get recommendation").click().run()
    assert any(e.value.startswith("Since the last step up: choose") for e in at.error)
    assert at.radio(key="c_adherence").value is None  # asked afresh, never prefilled
    # The flare, the pain now and both screens are asked afresh: blank and required.
    assert at.selectbox(key="c_flare_level").value is None
    assert at.number_input(key="c_pain_now").value is None
    assert at.radio(key="c_red_flags_asked").value is None
    errors = [e.value for e in at.error]
    assert any(m.startswith("Flare level is required") for m in errors), errors
    assert any(m.startswith("Red flags: tick what you found") for m in errors), errors

    at.radio(key="c_last_step").set_value("no_increase")
    answer_the_rest(at).run()
    get_recommendation(at)
    assert at.title[0].value == "Recommendation"


def test_the_open_patient_survives_a_refresh() -> None:
    """A new session with the pseudonym in the address reopens that patient."""

    pid = ui.store().new_patient("Refresh").id
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[ui.PATIENT] = pid
    at.run()

    assert at.session_state[ui.PATIENT] == pid
    assert any(pid in str(getattr(e, "value", "")) for e in at.sidebar)


def test_delete_needs_the_id_typed_and_really_deletes() -> None:
    record = ui.store()
    pid = record.new_patient().id
    record.record(pid, *decided(validate_assessment(CASES_BY_ID["demo-01"].data)))
    at = _patients_page()
    at.text_input(key="p_query").input(pid).run()
    next(b for b in at.button if b.key == f"p_open_{pid}").click().run()
    at.switch_page(ui.PAGES["patients"]).run()

    delete = next(b for b in at.button if b.label == f"Delete {pid}")
    assert delete.disabled
    at.text_input(key=f"p_delete_{pid}").input(pid).run()
    next(b for b in at.button if b.label == f"Delete {pid}").click().run()

    assert ui.PATIENT not in at.session_state
    assert pid not in [p.id for p in record.patients()]


def with_patient(pid: str, page: str) -> AppTest:
    """A fresh session opened on `pid` (as from its address), then showing `page`."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[ui.PATIENT] = pid
    at.run()
    return at.switch_page(ui.PAGES[page]).run()


def test_a_demo_case_closes_the_open_record() -> None:
    """Loading a demo case never lets it be saved into a real patient's record."""

    pid = ui.store().new_patient().id
    at = with_patient(pid, "teaching")
    next(b for b in at.button if b.key == "t_load_demo-01").click().run()

    assert ui.PATIENT not in at.session_state


def test_about_page_says_where_the_record_is() -> None:
    at = app()
    at.switch_page(ui.PAGES["about"]).run()

    assert not at.exception
    assert any("record.db" in t.value for t in at.text)


@pytest.mark.parametrize("page", ["patients", "about"])
def test_an_unusable_record_is_named_on_the_page_not_a_traceback(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that is not a database: the page says so, names the file, and stops."""

    bad = tmp_path / "record.db"
    bad.write_bytes(b"this is not a database, just some text " * 200)
    monkeypatch.setenv("WALKBACK_DB_URL", f"sqlite:///{bad}")
    ui._real.clear()
    try:
        at = app()
        at.switch_page(ui.PAGES[page]).run()
    finally:
        ui._real.clear()

    assert not at.exception
    [error] = at.error
    assert error.value == "The patient record cannot be used. " + ui.md_text(
        f"The patient record ({bad}) is damaged or is not a WalkBack record."
    )


def _accepted_records() -> dict[str, bytes]:
    """Patient files of each kind an import accepts: 1.0 and 2.0 as recorded, 2.1 as
    decided (an emergency recorded from the age and the features alone among them)."""
    from walkback_rules.store import dumps

    from .test_store import RULESET_2_0, V1_RECOMMENDATION, V1_REFERRAL, v1_file

    files = {
        "1.0 progress": v1_file("P-2345AB", V1_RECOMMENDATION),
        "1.0 referral": v1_file("P-2345AC", V1_REFERRAL),
        "1.0 open walks": v1_file(
            "P-2345AD",
            {**V1_RECOMMENDATION,
             "next_dose": {"walks_per_week": None, "minutes_per_walk": {"min": 5, "max": 10}}},
        ),
        "2.0 course": json.loads(RULESET_2_0.read_text()),
    }  # fmt: skip
    record = ui.store()
    for case_id in ("demo-20", "demo-02", "demo-01", "demo-08", "demo-41"):
        p = record.new_patient()
        record.record(p.id, *decided(validate_assessment(CASES_BY_ID[case_id].data)))
        files[f"2.1 {case_id}"] = record.export(p.id)
        record.delete_patient(p.id)
    return {kind: dumps(data).encode() for kind, data in files.items()}


ACCEPTED = _accepted_records()


@pytest.mark.parametrize("kind", ACCEPTED)
@pytest.mark.parametrize("page", ["patients", "consultation", "plan"])
def test_every_display_copes_with_any_record_import_accepts(kind: str, page: str) -> None:
    record = ui.store()
    [pid] = record.import_file(ACCEPTED[kind], replace=True)
    at = with_patient(pid, page)

    assert not at.exception
    assert at.session_state[ui.PATIENT] == pid


def test_a_diary_week_out_of_range_is_said_in_words_and_not_saved() -> None:
    """The diary form had its own ranges too, so 40 walks typed over 4 saved 4."""

    pid = ui.store().new_patient().id
    at = with_patient(pid, "patients")
    next(n for n in at.number_input if n.label == "Walks").set_value(40)
    next(b for b in at.button if b.label == "Save the week").click().run()

    assert not at.exception
    assert "Walks must be a whole number from 0 to 28; you entered 40" in [
        e.value.replace("\\", "") for e in at.error
    ]
    assert ui.store().diary(pid) == []


@pytest.mark.parametrize("case_id", ["demo-20", "demo-15", "demo-16", "demo-21"])
def test_the_recommendation_page_offers_the_letter_for_every_referral(case_id: str) -> None:
    """Emergency, same day, urgent and routine: the letter is one button away."""
    at = with_case(case_id, "recommendation")

    labels = [b.proto.label for b in at.get("download_button")]
    tier = {"demo-20": "Emergency", "demo-15": "Same-day", "demo-16": "Urgent",
            "demo-21": "Routine"}[case_id]  # fmt: skip
    assert labels == [
        f"{tier} referral letter (PDF, one page)",
        f"{tier} referral letter (web page)",
    ]


def test_no_letter_without_a_referral_and_none_before_a_mismatch_is_checked() -> None:
    assert not with_case("demo-02", "recommendation").get("download_button")

    data = {**CASES_BY_ID["demo-21"].data, "usual_pain": 2,
            "flare": {"level": "mild", "pain_now": 9, "days_since_onset": 2}}  # fmt: skip
    assert Flag.PAIN_LEVEL_MISMATCH in recommend(validate_assessment(data)).flags
    at = app()
    at.session_state[ui.CONSULTATION] = Consultation.loaded(data, date.today())
    at.switch_page(ui.PAGES["recommendation"]).run()

    assert not at.get("download_button")
    assert any("disagree" in w.value for w in at.warning)
    next(b for b in at.button if b.label.startswith("I have re-checked")).click().run()
    assert len(at.get("download_button")) == 2  # the letter, as PDF and web page


def test_the_handouts_page_prints_in_the_language_chosen_and_warns_before_it() -> None:
    """Spanish for this print: the preview is in Spanish with the note on top, and the
    clinician is told the translation has not been reviewed; English again has neither."""
    at = with_case("demo-02", "handouts")
    assert not any("not yet been reviewed" in w.value for w in at.warning)

    at.selectbox(key="h_language").select("es").run()

    assert not at.exception
    assert any("Spanish sheets have not yet been reviewed" in w.value for w in at.warning)
    shown = texts(at).replace("\\", "")  # Markdown's escapes
    assert "Su espalda: plan de paseos" in shown
    assert "Esta traducción todavía no" in shown
    at.selectbox(key="h_language").select("en").run()
    assert "Your back: walking plan" in texts(at).replace("\\", "")
