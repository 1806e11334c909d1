"""CDS-Hooks-shaped cards for the physiotherapist: the decision, the dose, flare care, each flag."""

from __future__ import annotations

from functools import cache

from .models import Card, Decision, Flag, Indicator, NextDose, Span

INDICATOR: dict[Decision, Indicator] = {
    Decision.EMERGENCY_REFERRAL: "critical",
    Decision.URGENT_REFERRAL: "critical",
    Decision.ROUTINE_REFERRAL: "warning",
    Decision.OUT_OF_SCOPE: "warning",
    Decision.MEDICAL_CLEARANCE: "warning",
    Decision.SEVERE_FLARE: "warning",
}

# Headline summaries; "{dose}" is the next dose in words.
HEADLINE: dict[Decision, str] = {
    Decision.EMERGENCY_REFERRAL: (
        "Emergency referral: possible cauda equina or progressive neurological deficit — "
        "hospital now"
    ),
    Decision.URGENT_REFERRAL: (
        "Urgent referral: possible serious cause (malignancy, infection or fracture)"
    ),
    Decision.ROUTINE_REFERRAL: (
        "Routine referral: possible inflammatory back disease — GP or rheumatology"
    ),
    Decision.OUT_OF_SCOPE: "Out of scope: this tool is for adults aged 18 and over",
    Decision.MEDICAL_CLEARANCE: "Medical clearance needed before any walking programme",
    Decision.CHRONIC_PATHWAY: (
        "Chronic pathway: flare of 12 weeks or more — clinician-led exercise and education"
    ),
    Decision.SEVERE_FLARE: (
        "Severe flare: ease off but stay gently active; no walking dose for now"
    ),
    Decision.MODERATE_FLARE: "Moderate flare: {dose}",
    Decision.ALTERNATIVE_EXERCISE: (
        "Another exercise instead of walking: yoga, Pilates, swimming or the person's choice"
    ),
    Decision.STEP_BACK: "Step back to {dose}",
    Decision.HOLD: "Hold at {dose}",
    Decision.START: "Start walking: {dose}",
    Decision.MAINTAIN: "Maintain {dose}",
    Decision.PROGRESS: "Progress to {dose}",
}

# What the physiotherapist does next, per decision (Markdown).
ACTION: dict[Decision, str] = {
    Decision.EMERGENCY_REFERRAL: (
        "Send the person to hospital now, to be seen within hours. Do not start or continue "
        "the walking programme. The features are possible signs of a serious cause, for the "
        "clinician to confirm, not a diagnosis."
    ),
    Decision.URGENT_REFERRAL: (
        "Arrange urgent medical assessment. The walking programme waits for that assessment. "
        "Single red-flag features are weak diagnostic signs: a possible cause, not a diagnosis."
    ),
    Decision.ROUTINE_REFERRAL: (
        "Refer routinely to the GP or a rheumatologist; the walking programme is suspended "
        "until the assessment."
    ),
    Decision.OUT_OF_SCOPE: (
        "The WalkBack programme and this tool are for adults. Assess and manage back pain in "
        "a young person with paediatric guidance."
    ),
    Decision.MEDICAL_CLEARANCE: (
        "Ask the GP for medical clearance before any walking programme starts or is stepped up."
    ),
    Decision.CHRONIC_PATHWAY: (
        "Offer exercise therapy and education in line with chronic low back pain guidance, "
        "led by the clinician. The recurrence-prevention programme is not the right tool here."
    ),
    Decision.SEVERE_FLARE: (
        "Avoid doing too much for the first few days, but keep gently active: bed rest is "
        "not advised. The programme dose is paused, not lost."
    ),
    Decision.MODERATE_FLARE: (
        "Short walks of a few minutes can ease a moderate flare. The programme dose is "
        "paused and resumes once the flare settles."
    ),
    Decision.ALTERNATIVE_EXERCISE: (
        "Agree an exercise the person enjoys and will keep doing, such as yoga, Pilates or "
        "swimming, with the same gradual build-up."
    ),
    Decision.STEP_BACK: "Do this dose for a week before trying the next step again.",
    Decision.HOLD: "Repeat this dose for a week before stepping up.",
    Decision.START: (
        "Build walking into the week at an easy pace, then step up by one step a week when "
        "the back has not become more painful."
    ),
    Decision.MAINTAIN: (
        "Keep this dose: it meets or exceeds the programme's goal, or it is as far as the "
        "walking programme can go for this person."
    ),
    Decision.PROGRESS: (
        "Step up by one step for the coming week; hold if pain rises and settles, step back "
        "if it does not settle within 24 hours."
    ),
}

FLAG_CARD: dict[Flag, tuple[str, str]] = {
    Flag.RED_FLAG_SAFETY_NET: (
        "Safety net: go over the get-help-now warning signs",
        "During any flare, remind the person to seek help at once for new bladder or bowel "
        "changes, numbness around the saddle area, or worsening leg weakness, and to see a "
        "doctor soon for fever, unexplained weight loss or constant night pain.",
    ),
    Flag.MILD_FLARE: (
        "Mild flare: keep the dose until it settles",
        "Stay active at the current dose; do not step up until the flare has settled.",
    ),
    Flag.CLINICIAN_REVIEW: (
        "Clinician review: reassess the diagnosis and the plan",
        "A flare lasting 12 weeks or more, a severe flare beyond a week, or a walk length "
        "that caps the dose below the target calls for a fresh assessment.",
    ),
    Flag.OUTSIDE_TRIAL_POPULATION: (
        "Outside the WalkBack trial population",
        "The trial enrolled people recently recovered from an episode who walked for exercise "
        "fewer than 3 times a week. Its results may not apply directly to this person.",
    ),
    Flag.RESUME_AT_PREVIOUS_DOSE: (
        "Once settled, resume at the dose before the last step up",
        "The last step up was followed by pain that had not settled within 24 hours; restart "
        "below it when the flare has settled.",
    ),
    Flag.PAIN_SETTLED_AFTER_PROGRESSION: (
        "Pain rose after the last step but settled: repeat this dose for a week",
        "Pain that settles within a day is an acceptable response; repeat the dose before the "
        "next step.",
    ),
    Flag.TOO_SOON_TO_PROGRESS: (
        "Too soon to step up: progress at most once a week",
        "A full week at each dose comes before the next step.",
    ),
    Flag.TARGET_REACHED_AFTER_THIS_STEP: (
        "This step reaches the programme goal",
        "After this week the person walks about 5 times a week for 30 minutes, or 150 minutes "
        "in total: the WalkBack goal. From here the aim is to keep it up.",
    ),
    Flag.HIGH_RECURRENCE_RISK: (
        "More than 2 previous episodes: higher risk of recurrence",
        "More than two previous episodes roughly triples the odds of another. This is a note "
        "for the conversation; it does not change the dose.",
    ),
    Flag.OLDER_ADULT: (
        "Age 65 or over: add balance and strength work",
        "WHO advises older adults to add balance and strength activities on 3 or more days "
        "a week alongside walking.",
    ),
    Flag.DEPRESSION_SCREEN_POSITIVE: (
        "PHQ-2 positive: discuss mood and arrange follow-up",
        "Talk about mood and suggest GP follow-up or a PHQ-9. The PHQ-2 is a screen, not a "
        "diagnosis, and it does not screen for risk of self-harm: ask about that directly if "
        "there is any concern.",
    ),
    Flag.DURATION_LIMITED: (
        "Walk length limited: step up by frequency only",
        "Another condition (for example hip or knee arthritis) caps how long each walk can "
        "be; build the weekly total with more walks, up to 7 a week.",
    ),
    Flag.PAIN_LEVEL_MISMATCH: (
        "Re-check the pain rating: it disagrees with the flare level",
        "The entered flare level and the pain rating are two or more bands apart, so the more "
        "severe reading was used. Confirm both with the person.",
    ),
}

FLARE_CARE_SUMMARY = "Flare care: cold or heat pack; stay gently active"
FLARE_CARE = (
    "Offer a cold pack or a heat pack, whichever the person finds more comfortable, wrapped "
    "in a cloth, for about 15–20 minutes at a time. Heat has a small short-term benefit; "
    "cold has too little evidence to judge. Bed rest is not advised."
)
PAIN_RELIEF = (
    "Suggest the person talks to their GP or pharmacist about pain-relief options; the choice "
    "of medicine is theirs to make with them."
)
FLARE_CARE_SOURCES = ("cochrane-heat-2006", "nice-ng59", "acp-2017")


def _span(s: Span, one: str, many: str) -> str:
    if s.min == s.max:
        return f"{s.min} {one if s.min == 1 else many}"
    return f"{s.min}–{s.max} {many}"


def describe_dose(dose: NextDose | None) -> str:
    """The next dose in plain words: "4 walks a week, 10 minutes each"."""
    if dose is None:
        return "no walking dose"
    minutes = _span(dose.minutes_per_walk, "minute", "minutes")
    if dose.walks_per_week is None:
        return f"short walks of {minutes}, as often as is comfortable"
    return f"{_span(dose.walks_per_week, 'walk', 'walks')} a week, {minutes} each"


@cache
def _flag_card(flag: Flag, source_ids: tuple[str, ...]) -> Card:
    summary, detail = FLAG_CARD[flag]
    return Card(summary, "info", detail, source_ids)


@cache
def _flare_care_card(ice_or_heat: bool, medication_discussion: bool) -> Card:
    care = [FLARE_CARE] if ice_or_heat else []
    summary = FLARE_CARE_SUMMARY
    if medication_discussion:
        care.append(PAIN_RELIEF)
        summary += "; pain-relief talk with GP or pharmacist"
    return Card(summary, "info", "\n\n".join(care), FLARE_CARE_SOURCES)


def build_cards(
    decision: Decision,
    deciding_reason: str,
    deciding_sources: tuple[str, ...],
    next_dose: NextDose | None,
    referral_reason: str | None,
    review_in_days: int | None,
    ice_or_heat: bool,
    medication_discussion: bool,
    flags: list[Flag],
    flag_sources: dict[Flag, tuple[str, ...]],
) -> list[Card]:
    """The headline card, a flare-care card when needed, and one card per flag."""
    detail = f"**Why:** {deciding_reason}.\n\n{ACTION[decision]}"
    summary = HEADLINE[decision]
    if next_dose is not None:
        dose = describe_dose(next_dose)
        detail += f"\n\n**Dose until the next review:** {dose}."
        summary = summary.format(dose=dose)
    if referral_reason is not None:
        detail += f"\n\n**Referral:** {referral_reason}"
    if review_in_days is not None:
        detail += f"\n\n**Review:** in {review_in_days} days."
    cards = [Card(summary, INDICATOR.get(decision, "info"), detail, deciding_sources)]
    if ice_or_heat or medication_discussion:
        cards.append(_flare_care_card(ice_or_heat, medication_discussion))
    cards.extend(_flag_card(flag, flag_sources[flag]) for flag in flags)
    return cards


def short_dose(dose: NextDose | None) -> str:
    """A dose in the short form clinicians write: "5 × 15 min", "3–4 × 5–10 min"."""
    if dose is None:
        return ""

    def span(s: Span) -> str:
        return str(s.min) if s.min == s.max else f"{s.min}–{s.max}"

    if dose.walks_per_week is None:
        return f"walks of {span(dose.minutes_per_walk)} min as tolerated"
    return f"{span(dose.walks_per_week)} × {span(dose.minutes_per_walk)} min"
