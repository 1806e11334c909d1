"""Words for the physiotherapist: doses, the referral's reason, and CDS-Hooks-shaped cards.

The first card is the decision; then a self-harm concern, a routine referral that rides
along with the decision, flare care, and one card per flag. No card names a medicine.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Literal

from .codes import Decision, Flag, Tier, Urgency
from .dosing import Dose, is_sharing_step
from .models import Card, Indicator, NextDose, Referral, Span
from .screens import CONDITION_INFO, FEATURES, Screening

# ----------------------------------------------------------------------------- doses


@cache  # at most 15 × 241 doses; frozen, so one value is shared per dose
def exact(dose: Dose) -> NextDose:
    """An exact dose: min equal to max on both axes."""
    return NextDose(
        walks_per_week=Span(dose.walks, dose.walks),
        minutes_per_walk=Span(dose.minutes, dose.minutes),
    )


def _span(s: Span, one: str, many: str) -> str:
    if s.min == s.max:
        return f"{s.min} {one if s.min == 1 else many}"
    return f"{s.min}–{s.max} {many}"


def describe_dose(dose: NextDose | None) -> str:
    """A dose in plain words: "4 walks a week, 10 minutes each"."""
    if dose is None:
        return "no walking dose"
    minutes = _span(dose.minutes_per_walk, "minute", "minutes")
    if dose.walks_per_week is None:
        return f"short walks of {minutes}, as often as is comfortable"
    return f"{_span(dose.walks_per_week, 'walk', 'walks')} a week, {minutes} each"


def short_dose(dose: NextDose | None) -> str:
    """A dose in the short form clinicians write: "5 × 15 min", "3–4 × 5–10 min"."""
    if dose is None:
        return ""

    def span(s: Span) -> str:
        return str(s.min) if s.min == s.max else f"{s.min}–{s.max}"

    if dose.walks_per_week is None:
        return f"walks of {span(dose.minutes_per_walk)} min as tolerated"
    return f"{span(dose.walks_per_week)} × {span(dose.minutes_per_walk)} min"


WEEKLY_STEPS = "then one step up a week while the back is happy, as the plan shows"
# What the person walks when the decision gives no walking dose.
NO_WALKING_DOSE: dict[Decision, str] = {
    Decision.EMERGENCY_REFERRAL: "none: hospital care comes first",
    Decision.SAME_DAY_REFERRAL: "no exercise walking until seen; staying gently active is fine",
    Decision.URGENT_REFERRAL: "no new programme until seen; staying gently active is fine",
    Decision.OUT_OF_SCOPE: "no programme from this tool (under 16)",
    Decision.SEVERE_FLARE: "no walking dose: ease off, but stay gently active",
    Decision.MODERATE_FLARE: "gentle movement the person can tolerate; walking is not tolerated",
    Decision.ALTERNATIVE_EXERCISE: "another exercise instead of walking",
}
_STEPPING = frozenset({Decision.PROGRESS, Decision.START, Decision.HOLD, Decision.STEP_BACK})


def walking_line(decision: Decision, next_dose: NextDose | None) -> tuple[str, str]:
    """The walking dose's label and words, the same on the card, the summary and the page:
    "This week" and the week-by-week steps when the plan steps up, "Until the next review"
    only when the dose is kept."""
    if next_dose is None:
        return "Walking", NO_WALKING_DOSE.get(decision, "no walking dose")
    dose = describe_dose(next_dose)
    if decision in _STEPPING:
        return "This week", f"{dose}; {WEEKLY_STEPS}"
    if decision is Decision.MODERATE_FLARE:
        return "While the flare lasts", dose
    return "Until the next review", dose


# ----------------------------------------------------------------------------- referral

URGENCY_WORDS: dict[Urgency, str] = {
    "emergency": "Emergency",
    "same_day": "Same day",
    "urgent": "Urgent",
    "routine": "Routine",
}


# Where a same-day referral sends the person, by the condition that set the tier (§3.3):
# decided here once, and worded for each reader by the card, the letter and the sheet.
SameDayPlace = Literal["doctor", "oncology", "trauma"]
SAME_DAY_WORDS: dict[SameDayPlace, str] = {
    "doctor": "a doctor (GP or urgent care) today, or the emergency department if very unwell",
    "oncology": "the acute oncology / MSCC team, within 24 hours",
    "trauma": "the emergency department today, for assessment and imaging",
}
MSCC_COORDINATOR = "Contact the MSCC coordinator at once as well."
SEVERAL_CONCERNS = (
    "Several concerns together: two or more separate urgent concerns make this a same-day referral."
)


def same_day_places(screening: Screening) -> tuple[SameDayPlace, ...]:
    """Where a same-day referral sends the person: one place per reason, in order (§3.3).
    A cancer history with another malignancy feature goes to the acute oncology / MSCC team,
    major trauma to the emergency department, everything else (several urgent concerns
    together included) to a doctor today."""
    places: list[SameDayPlace] = []
    for t in screening.referred:
        if t.tier != "same_day":
            continue
        place: SameDayPlace = (
            "oncology"
            if t.condition == "malignancy"
            else "trauma"
            if t.condition == "fracture"
            else "doctor"
        )
        if place not in places:
            places.append(place)
    if screening.combined_by_count:
        places.append("doctor")
    return tuple(places)


def mscc(screening: Screening) -> bool:
    """Suspected cord compression in a person with cancer: the MSCC coordinator at once."""
    return screening.tier_of("metastatic_cord_compression") == "emergency"


def referral_where(urgency: Urgency, screening: Screening) -> str:
    """Where the person goes and when, for the referral's urgency (§3.3): the one wording the
    card, the summary, the letter and the record read."""
    conditions = {t.condition for t in screening.referred if t.tier == urgency}
    if urgency == "emergency":
        words = (
            "Call an ambulance now."
            if "cardiorespiratory" in conditions
            else "Send the person to the hospital emergency department now, to be seen within "
            "hours."
        )
        if "metastatic_cord_compression" in conditions:
            words += " " + MSCC_COORDINATOR
        return words
    if urgency == "same_day":
        places = "; ".join(SAME_DAY_WORDS[p] for p in same_day_places(screening))
        lead = SEVERAL_CONCERNS + " " if screening.combined_by_count else ""
        return (
            f"{lead}{places[:1].upper()}{places[1:]}. No exercise walking until seen; staying "
            "gently active is fine."
        )
    if urgency == "urgent":
        return "A doctor within days, this week. No new exercise programme until seen."
    return "The GP or rheumatology, within weeks. The walking programme continues meanwhile."


def _found(screening: Screening, tier: Tier) -> str:
    return "; ".join(
        f"{CONDITION_INFO[t.condition].name} ("
        + ", ".join(FEATURES[c].wording.lower() for c in t.features)
        + ")"
        for t in screening.referred
        if t.tier == tier
    )


def referral_found(urgency: Urgency, screening: Screening) -> str:
    """What was found at each tier of a referral, the deciding tier first."""
    tier = screening.deciding_tier or urgency
    lines = [f"{URGENCY_WORDS[urgency]}: {_found(screening, tier)}."]
    for lower in ("same_day", "urgent", "routine"):
        if lower == tier:
            continue
        if lower != urgency and any(t.tier == lower for t in screening.referred):
            lines.append(f"Also {URGENCY_WORDS[lower].lower()}: {_found(screening, lower)}.")
    return " ".join(lines)


def referral_reason(urgency: Urgency, screening: Screening) -> str:
    """The referral in words: what was found at each tier, and where the person goes."""
    return f"{referral_found(urgency, screening)} {referral_where(urgency, screening)}"


def referral_for(screening: Screening) -> Referral | None:
    """The referral of §3.3: null unless some condition reaches routine or above."""
    urgency = screening.urgency
    if urgency is None:
        return None
    return Referral(
        urgency=urgency,
        conditions=tuple(t.condition for t in screening.referred),
        reason=referral_reason(urgency, screening),
    )


# ----------------------------------------------------------------------------- cards

# Each decision in a clinician's words, where a code would otherwise be shown.
DECISION_NAMES: dict[Decision, str] = {
    Decision.EMERGENCY_REFERRAL: "Emergency referral",
    Decision.SAME_DAY_REFERRAL: "Same-day referral",
    Decision.URGENT_REFERRAL: "Urgent referral",
    Decision.OUT_OF_SCOPE: "Out of scope (under 16)",
    Decision.SEVERE_FLARE: "Severe flare care",
    Decision.MODERATE_FLARE: "Moderate flare care",
    Decision.ALTERNATIVE_EXERCISE: "Another exercise instead of walking",
    Decision.STEP_BACK: "Step back",
    Decision.HOLD: "Hold the dose",
    Decision.START: "Start walking",
    Decision.MAINTAIN: "Maintain the dose",
    Decision.PROGRESS: "Step up",
}

INDICATOR: dict[Decision, Indicator] = {
    Decision.EMERGENCY_REFERRAL: "critical",
    Decision.SAME_DAY_REFERRAL: "critical",
    Decision.URGENT_REFERRAL: "critical",
    Decision.OUT_OF_SCOPE: "warning",
    Decision.SEVERE_FLARE: "warning",
}
FLAG_INDICATOR: dict[Flag, Indicator] = {
    Flag.SELF_HARM_CONCERN: "critical",
    Flag.CLINICIAN_REVIEW: "warning",
    Flag.PERSISTENT_SEVERE_PAIN: "warning",
    Flag.SUDDEN_SEVERE_PAIN_OLDER: "warning",
    Flag.PAIN_LEVEL_MISMATCH: "warning",
}

# Headline summaries; "{dose}" is the next dose in words.
HEADLINE: dict[Decision, str] = {
    Decision.EMERGENCY_REFERRAL: "Emergency referral: {conditions}",
    Decision.SAME_DAY_REFERRAL: "Same-day referral: {conditions}",
    Decision.URGENT_REFERRAL: "Urgent referral: {conditions}",
    Decision.OUT_OF_SCOPE: "Out of scope: this tool is for people aged 16 and over",
    Decision.SEVERE_FLARE: "Severe flare: ease off but stay gently active; no walking dose",
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
        "Do not start or continue the walking programme. These are possible signs of a "
        "serious cause for the receiving team to confirm, not a diagnosis."
    ),
    Decision.SAME_DAY_REFERRAL: (
        "No exercise walking until the person has been seen; staying gently active is fine. "
        "A possible serious cause for the doctor to confirm, not a diagnosis."
    ),
    Decision.URGENT_REFERRAL: (
        "No new exercise programme until the person has been seen; staying gently active is "
        "fine. A possible serious cause for the doctor to confirm, not a diagnosis."
    ),
    Decision.OUT_OF_SCOPE: (
        "The WalkBack programme and this tool are for people aged 16 and over. Assess and "
        "manage back pain in a child with paediatric guidance; only safety advice is given "
        "here."
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
        "Agree an exercise the person can do and will keep doing, such as yoga, Pilates or "
        "swimming, with the same gradual build-up."
    ),
    Decision.STEP_BACK: "Do this dose for a week before trying the next step again.",
    Decision.HOLD: "Repeat this dose for a week before stepping up.",
    Decision.START: (
        "Build walking into the week at an easy pace, then step up by one step a week while "
        "the back is happy."
    ),
    Decision.MAINTAIN: (
        "Keep this dose: it meets the programme's goal, or it is as far as walking can go "
        "for this person."
    ),
    Decision.PROGRESS: (
        "Step up by one step now, then once a week while the back is happy; hold if pain "
        "rises and settles, step back if it does not settle within 24 hours."
    ),
}
MODERATE_NO_WALKING = (
    "Moderate flare: gentle movement the person can tolerate; walking is not tolerated"
)
MODERATE_NO_WALKING_ACTION = (
    "Gentle movement the person can tolerate, a little and often. Walking is not tolerated, "
    "so no walks are set; plan the exercise together once the flare settles."
)
STEP_BACK_KEPT = (
    "This is already the smallest dose, so it cannot be stepped back: keep it for a week and "
    "review the diagnosis and the plan with the person."
)
SHARED = (
    "The same weekly minutes are spread over one more, shorter walk: walks longer than 30 "
    "minutes are shared, not multiplied."
)


def exact_dose(dose: NextDose | None) -> Dose | None:
    """The dose when it is exact (min = max), else None: a range or no walks given."""
    if dose is None or dose.walks_per_week is None:
        return None
    if dose.walks_per_week.min != dose.walks_per_week.max:
        return None
    if dose.minutes_per_walk.min != dose.minutes_per_walk.max:
        return None
    return Dose(dose.walks_per_week.min, dose.minutes_per_walk.min)


FLAG_CARD: dict[Flag, tuple[str, str]] = {
    Flag.SELF_HARM_CONCERN: (
        "Concern about self-harm: follow the urgent mental-health pathway today",
        "Follow the local urgent mental-health pathway today and give the person the crisis "
        "contacts (the clinic's crisis line and urgent mental-health contact, printable on a "
        "discreet slip). Do not leave the person without a plan. This does not change the "
        "plan for the back.",
    ),
    Flag.RED_FLAG_FEATURES_NOTED: (
        "Red-flag features noted: safety-net and re-screen at each visit",
        "Alone, these features have low diagnostic accuracy. Record them, go over the "
        "get-help-now signs, and screen again at every visit.",
    ),
    Flag.RED_FLAG_SAFETY_NET: (
        "Safety net: go over the get-help-now warning signs",
        "Go over the get-help-now signs on the person's sheet: the emergency signs of cauda "
        "equina syndrome and a worsening deficit (hospital now), and the same-day and "
        "this-week signs. Leg symptoms are where cauda equina syndrome is most often missed.",
    ),
    Flag.AXSPA_POSSIBLE: (
        "Possible axial spondyloarthritis: ask the GP about an HLA-B27 test",
        "Exactly 3 NICE NG65 criteria in back pain that began before 45 and has lasted over "
        "3 months: ask the GP to consider an HLA-B27 test, and to refer to rheumatology if "
        "it is positive. The walking programme continues.",
    ),
    Flag.CLINICIAN_REVIEW: (
        "Clinician review: reassess the diagnosis and the plan",
        "Re-screen the red flags, and review the diagnosis and the plan.",
    ),
    Flag.CHRONIC_PAIN: (
        "Chronic low back pain: walking continues with structured care",
        "Offer structured exercise, education and psychologically informed care for chronic "
        "primary low back pain. Graded walking and flare care continue.",
    ),
    Flag.OUTSIDE_TRIAL_POPULATION: (
        "Outside the WalkBack trial population",
        "The trial enrolled adults recently recovered from an episode, who walked for "
        "exercise fewer than 3 times a week. Its results may not apply directly.",
    ),
    Flag.MILD_FLARE: (
        "Mild flare: ease off until it settles",
        "Stay active; do not step up until the flare has settled.",
    ),
    Flag.RESUMING_AFTER_FLARE: (
        "Back from a flare: a week at this dose before the next step",
        "The programme never steps up straight out of a flare.",
    ),
    Flag.PAIN_SETTLED_AFTER_PROGRESSION: (
        "Pain rose after the last step but settled: repeat this dose for a week",
        "Pain that settles within a day is an acceptable response; repeat the dose first.",
    ),
    Flag.TOO_SOON_TO_PROGRESS: (
        "Too soon to step up: at most one step a week",
        "A full week at each dose comes before the next step.",
    ),
    Flag.ADHERENCE_BELOW_PLAN: (
        "Fewer walks than planned: talk through the barriers",
        "Use health coaching: talk through what got in the way and set this week's goal together.",
    ),
    Flag.NEW_LOWER_LIMB_PAIN: (
        "New lower-limb pain: assess before stepping up",
        "Assess the joint; check footwear, walking surface and route. Hold the step.",
    ),
    Flag.TARGET_REACHED_AFTER_THIS_STEP: (
        "This step reaches the programme goal",
        "After this step the person meets the WalkBack goal: about 5 walks a week of 30 "
        "minutes, or 150 minutes a week from 3 or more walks. From here the aim is to keep "
        "it up.",
    ),
    Flag.HIGH_RECURRENCE_RISK: (
        "More than 2 previous episodes: higher risk of recurrence",
        "More than two previous episodes roughly triples the odds of another. A note for "
        "the conversation; it does not change the dose.",
    ),
    Flag.OLDER_ADULT: (
        "Age 65 or over: add balance and strength work",
        "WHO advises older adults to add balance and strength activities on 3 or more days "
        "a week alongside walking.",
    ),
    Flag.FALLS_RISK: (
        "Falls in the last year: balance, aids and safe routes",
        "Add balance work, consider a walking aid and safe routes, and consider a falls "
        "assessment.",
    ),
    Flag.DEPRESSION_SCREEN_POSITIVE: (
        "PHQ-2 positive: discuss mood and arrange follow-up",
        "Talk about mood and suggest GP follow-up or a PHQ-9. The PHQ-2 is a screen, not a "
        "diagnosis, and it does not screen for self-harm: ask about that directly.",
    ),
    Flag.STARTBACK_LOW: (
        "STarT Back low risk: advice and self-management",
        "Reassurance, advice and self-management; the walking programme as planned.",
    ),
    Flag.STARTBACK_MEDIUM: (
        "STarT Back medium risk: physiotherapist-led exercise and treatment",
        "Offer physiotherapist-led exercise and treatment alongside the walking programme.",
    ),
    Flag.STARTBACK_HIGH: (
        "STarT Back high risk: psychologically informed physiotherapy",
        "Offer psychologically informed physiotherapy alongside the walking programme.",
    ),
    Flag.DURATION_LIMITED: (
        "Walk length limited: step up by frequency only",
        "Another condition (for example hip or knee arthritis) caps how long each walk can "
        "be; build the weekly total with more walks, up to 7 a week.",
    ),
    Flag.RADICULAR_PAIN: (
        "Radicular pain: check the neurology at each visit",
        "Check the neurology at each visit; if it is not improving, consider a spinal opinion.",
    ),
    Flag.NEUROGENIC_CLAUDICATION: (
        "Neurogenic claudication: shorter bouts, flexed-posture options",
        "Plan shorter walks with rests; cycling, a walking frame or poles keep a flexed posture.",
    ),
    Flag.PREGNANCY_POSTPARTUM: (
        "Pregnant or postpartum: watch for obstetric warning signs",
        "Pelvic girdle pain is common. Obstetric warning signs (bleeding, fluid loss, "
        "reduced movements, severe headache) go to the maternity unit.",
    ),
    Flag.RECENT_SPINAL_SURGERY: (
        "Recent spinal surgery: follow the surgical team's plan",
        "Follow the surgical team's rehabilitation plan and check with them before a new "
        "programme.",
    ),
    Flag.ALREADY_ACTIVE: (
        "Already active: keep it up",
        "Already meets activity guidance with other exercise: keep it; walking adds variety.",
    ),
    Flag.PERSISTENT_SEVERE_PAIN: (
        "Severe pain for over six weeks: a medical review (GP) this week",
        "Arrange a medical review with the GP this week, and re-screen the red flags: no "
        "improvement after 4–6 weeks of appropriate care is itself a malignancy feature.",
    ),
    Flag.SUDDEN_SEVERE_PAIN_OLDER: (
        "Sudden severe pain at 60 or over: rule out non-spinal causes first",
        "Before treating this as a flare, ask about an abdominal aortic aneurysm (pulsatile "
        "mass, smoker, known aneurysm, faintness) and other causes from outside the spine.",
    ),
    Flag.PAIN_LEVEL_MISMATCH: (
        "Re-check the pain rating: it disagrees with the flare level",
        "The entered flare level and the pain rating are two or more bands apart, so the "
        "more severe reading was used. Confirm both with the person before printing.",
    ),
}

FLARE_CARE_SUMMARY = "Flare care: cold or heat pack; stay gently active"
FLARE_CARE = (
    "Offer a cold pack or a heat pack, whichever the person finds more comfortable, wrapped, "
    "for about 15–20 minutes at a time. Never on numb skin, with poor circulation or nerve "
    "damage, and never slept on. Heat has a small short-term benefit; cold has too little "
    "evidence to judge. Bed rest is not advised."
)
PAIN_RELIEF = (
    "Suggest the person talks to their GP or pharmacist about pain-relief options; the choice "
    "of medicine is theirs to make with them."
)
FLARE_CARE_SOURCES = ("cochrane-heat-2006", "nice-ng59", "acp-2017")
ROUTINE_SOURCES = ("nice-ng65",)


def _fit(summary: str) -> str:
    return summary if len(summary) <= 140 else summary[:139].rstrip() + "…"


def _conditions(screening: Screening) -> str:
    """The conditions that set the referral's tier, named for a headline; several urgent
    conditions that together make a same-day concern are said to be together."""
    names = [CONDITION_INFO[t.condition].name for t in screening.deciding]
    text = ", ".join(names)
    text = text if len(text) <= 80 else f"{names[0]} and {len(names) - 1} more"
    return f"several concerns together ({text})" if screening.combined_by_count else text


@cache
def _flare_care_card(ice_or_heat: bool, medication_discussion: bool) -> Card:
    care = [FLARE_CARE] if ice_or_heat else []
    summary = FLARE_CARE_SUMMARY if ice_or_heat else "Flare care"
    if medication_discussion:
        care.append(PAIN_RELIEF)
        summary += "; pain-relief talk with GP or pharmacist"
    return Card(summary, "info", "\n\n".join(care), FLARE_CARE_SOURCES)


def decision_card(
    decision: Decision,
    reason: str,
    source_ids: tuple[str, ...],
    next_dose: NextDose | None,
    resume_dose: NextDose | None,
    referral: Referral | None,
    screening: Screening,
    review_in_days: int | None,
    current: Dose | None = None,
) -> Card:
    """The headline card: what to do, why, the dose, the dose to return to, the review.
    `current` is the dose the person is on (None when not asked)."""
    dose = describe_dose(next_dose)
    action = ACTION[decision]
    kept = decision is Decision.STEP_BACK and current is not None and next_dose == exact(current)
    if decision is Decision.MODERATE_FLARE and next_dose is None:
        summary = MODERATE_NO_WALKING
        action = MODERATE_NO_WALKING_ACTION
    elif kept:
        summary = f"No smaller step back: stay at {dose} and review the plan"
        action = STEP_BACK_KEPT
    else:
        summary = HEADLINE[decision].format(dose=dose, conditions=_conditions(screening))
    if referral is not None and INDICATOR.get(decision) == "critical":
        # A referral decision's card says where the person goes and when first, then what
        # was found (the referral's reason is the same two, in the other order).
        urgency = referral.urgency
        detail = (
            f"**{referral_where(urgency, screening)}**\n\n"
            f"**Found:** {referral_found(urgency, screening)}\n\n{action}"
        )
    else:
        detail = f"**Why:** {reason}.\n\n{action}"
    then = exact_dose(next_dose)
    sharing = current is not None and then is not None and is_sharing_step(current, then)
    if decision is Decision.PROGRESS and sharing:
        detail += f"\n\n{SHARED}"
    if next_dose is not None:
        label, words = walking_line(decision, next_dose)
        detail += f"\n\n**{label}:** {words}."
    if resume_dose is not None:
        resume = describe_dose(resume_dose)
        detail += f"\n\n**Once the flare settles, resume at:** {resume}."
        if len(summary) + len(resume) + 12 <= 140:
            summary += f"; resume at {short_dose(resume_dose)}"
    if review_in_days is not None:
        detail += f"\n\n**Review:** in {review_in_days} days."
    return Card(_fit(summary), INDICATOR.get(decision, "info"), detail, source_ids)


def routine_referral_card(referral: Referral, screening: Screening) -> Card:
    """The card of a routine referral that rides along with the decision."""
    return Card(
        _fit(f"Routine referral: {_conditions(screening)} — GP or rheumatology"),
        "warning",
        f"**Referral:** {referral.reason}",
        ROUTINE_SOURCES,
    )


def flag_card(flag: Flag, reason: str, source_ids: tuple[str, ...]) -> Card:
    """A flag's card: what to do, and why it was raised for this person."""
    summary, detail = FLAG_CARD[flag]
    return Card(
        summary, FLAG_INDICATOR.get(flag, "info"), f"{detail}\n\n**Why:** {reason}.", source_ids
    )


def build_cards(
    decision_card_: Card,
    referral: Referral | None,
    screening: Screening,
    ice_or_heat: bool,
    medication_discussion: bool,
    flags: Sequence[tuple[Flag, str, tuple[str, ...]]],
) -> tuple[Card, ...]:
    """The decision card first, then self-harm, a routine referral, flare care, the flags."""
    cards = [decision_card_]
    rest = list(flags)
    if rest and rest[0][0] is Flag.SELF_HARM_CONCERN:
        cards.append(flag_card(*rest.pop(0)))
    if referral is not None and referral.urgency == "routine":
        cards.append(routine_referral_card(referral, screening))
    if ice_or_heat or medication_discussion:
        cards.append(_flare_care_card(ice_or_heat, medication_discussion))
    cards.extend(flag_card(*f) for f in rest)
    return tuple(cards)
