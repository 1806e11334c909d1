"""What a patient handout says: one source of content for the PDF and the HTML renderers.

The content follows the decision. A referral handout explains the referral and carries the
get-help-now box only; a severe flare leads with the flare-up plan and gives no walking dose;
a moderate flare gives short walks and the dose to return to; the walking programme gives
this week's walks, the next step, a log to tick and the plan chart.

Patient text is written for a reading age of about 11 to 12 (a Flesch-Kincaid grade near 6):
short sentences, whole numbers, no percentages, and never the name of a medicine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..core.codes import RULESET_VERSION, Condition, Decision, Flag
from ..core.dosing import TARGET_MINUTES, TARGET_WALKS, Dose, target_met
from ..core.models import (
    FLARE_DECISIONS,
    PROGRAMME_DECISIONS,
    REFERRAL_DECISIONS,
    Assessment,
    NextDose,
    Recommendation,
)
from ..core.screens import screen
from ..plan import Plan, project

Paper = Literal["a4", "letter"]
PAPERS: tuple[Paper, ...] = ("a4", "letter")

# The sections a clinician can choose, in the order a walking-programme handout shows them.
SECTION_TITLES: dict[str, str] = {
    "walking": "Your walking plan",
    "flare": "Your flare-up plan",
    "understanding": "Understanding back pain",
    "self_care": "Looking after yourself",
    "help": "Get help now",
}
SECTIONS: tuple[str, ...] = tuple(SECTION_TITLES)
LOG_WEEKS = 4
LOG_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]
    lead: str = ""  # a short line above the list


@dataclass(frozen=True, slots=True)
class DoseBox:
    """The personal dose, large and boxed: "4 walks a week" / "10 minutes each walk"."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WalkingLog:
    """A table to tick: one row a week, one box a day, and how the back felt."""

    weeks: int
    days: tuple[str, ...]
    instruction: str = (
        "Tick a box each day you walk. At the end of each week, write how your back felt."
    )
    feel_column: str = "How did your back feel?"


@dataclass(frozen=True, slots=True)
class PlanChart:
    """The week-by-week plan as a chart (drawn by the renderer)."""

    plan: Plan
    caption: str


@dataclass(frozen=True, slots=True)
class HelpBox:
    """The red-flag warning signs in plain words, with what to do and whom to call."""

    now: tuple[str, ...]
    now_action: str
    soon: tuple[str, ...]
    soon_action: str
    contact: str


Block = Paragraph | Bullets | DoseBox | WalkingLog | PlanChart | HelpBox


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]

    def text(self) -> str:
        """The section's prose, as a reader meets it (for readability measures)."""
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                parts.append(block.text)
            elif isinstance(block, Bullets):
                parts.extend(([block.lead] if block.lead else []) + list(block.items))
            elif isinstance(block, WalkingLog):
                parts.append(block.instruction)
            elif isinstance(block, HelpBox):
                parts.extend([*block.now, block.now_action, *block.soon, block.soon_action])
        return " ".join(_sentence(p) for p in parts)


@dataclass(frozen=True, slots=True)
class Handout:
    """A patient handout: title, sections in reading order, and the footer's facts."""

    title: str
    intro: str
    sections: tuple[Section, ...]
    clinic: str
    phone: str
    patient: str
    issued: date
    ruleset_version: str = RULESET_VERSION
    decision: Decision = Decision.START
    paper: Paper = "a4"

    def footer(self) -> str:
        """Clinic, patient pseudonym, date and ruleset version, for every page."""
        parts = [self.clinic or "Your physiotherapy clinic"]
        if self.patient:
            # The pseudonym is never split across footer lines.
            parts.append("For:\u00a0" + self.patient.replace(" ", "\u00a0"))
        parts.append(f"{self.issued.day} {self.issued:%B %Y}")
        parts.append(f"WalkBack CDS ruleset {self.ruleset_version}")
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class HandoutOptions:
    """What the clinician chooses: clinic details, the patient's pseudonym, paper, sections."""

    clinic: str = ""
    phone: str = ""
    patient: str = ""
    paper: Paper = "a4"
    sections: tuple[str, ...] = SECTIONS
    issued: date | None = None
    review: date | None = None  # the next review date, printed when there is one

    def to_json(self) -> dict[str, object]:
        """The options as the record keeps them beside a print, to print it again exactly."""
        return {
            "clinic": self.clinic,
            "phone": self.phone,
            "patient": self.patient,
            "paper": self.paper,
            "sections": list(self.sections),
            "issued": None if self.issued is None else self.issued.isoformat(),
            "review": None if self.review is None else self.review.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> HandoutOptions:
        def day(value: object) -> date | None:
            return None if value is None else date.fromisoformat(str(value))

        paper = data.get("paper", "a4")
        return cls(
            clinic=str(data.get("clinic", "")),
            phone=str(data.get("phone", "")),
            patient=str(data.get("patient", "")),
            paper="letter" if paper == "letter" else "a4",
            sections=tuple(str(s) for s in data.get("sections", SECTIONS)),  # type: ignore[attr-defined]
            issued=day(data.get("issued")),
            review=day(data.get("review")),
        )


# The characters the bundled handout font prints (tools/subset_fonts.py cuts the font to
# these): Western and Central European Latin, dashes, quotes, arrows, common maths signs,
# ticks, crosses, boxes and stars.
PRINTABLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A
    (0x0218, 0x021B),  # Romanian comma-below letters
    (0x2010, 0x2027),  # dashes, quotes, bullet, ellipsis
    (0x2030, 0x203A),  # per mille, primes, angle quotes
    (0x20AC, 0x20AC),  # euro sign
    (0x2122, 0x2122),  # trade mark
    (0x2190, 0x2195),  # arrows
    (0x2212, 0x2212),  # minus sign
    (0x2248, 0x2248),  # almost equal
    (0x2260, 0x2265),  # not equal, less or equal, greater or equal
    (0x25A0, 0x25A1),  # squares
    (0x25CF, 0x25CF),  # black circle
    (0x2605, 0x2606),  # stars
    (0x2610, 0x2612),  # ballot boxes
    (0x2713, 0x2718),  # check and cross marks
)


def printable(text: str) -> bool:
    """Whether the handout font has every character of `text`."""
    return all(any(lo <= ord(c) <= hi for lo, hi in PRINTABLE_RANGES) for c in text)


CLINIC_MAX = 80
PHONE_MAX = 30
PATIENT_MAX = 40
_PHONE_CHARS = frozenset("0123456789 +()-.")


def option_errors(clinic: str, phone: str, patient: str) -> dict[str, str]:
    """What is wrong with the clinician's handout details, by field, in plain words."""
    errors = {}
    if len(clinic) > CLINIC_MAX or not printable(clinic):
        errors["clinic"] = (
            f"at most {CLINIC_MAX} characters, in Latin letters, digits and punctuation"
        )
    if len(phone) > PHONE_MAX or not set(phone) <= _PHONE_CHARS:
        errors["phone"] = f"up to {PHONE_MAX} digits, spaces and + ( ) - . only"
    if len(patient) > PATIENT_MAX or not printable(patient):
        errors["patient"] = (
            f"a pseudonym of at most {PATIENT_MAX} characters, in Latin letters, digits and "
            "punctuation"
        )
    return errors


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _span(lo: int, hi: int, unit: str) -> str:
    """ "1 walk", "4 walks", "3 to 4 walks": `unit` is the singular."""
    if lo == hi:
        return f"{lo} {unit}" if lo == 1 else f"{lo} {unit}s"
    return f"{lo} to {hi} {unit}s"


# ---------------------------------------------------------------------------------------
# The fixed sections (the same for every patient who gets them).


def understanding_section(rec: Recommendation) -> Section:
    """What back pain is, why walking helps, and the trial's result where it applies."""
    reasons = [
        "It eases stiffness, so you can move more freely.",
        "It lifts your mood and helps you sleep.",
    ]
    if Flag.OUTSIDE_TRIAL_POPULATION not in rec.flags:
        # EVIDENCE §2: the comparison group still walked; the programme was walking plus
        # education. Printed only for people like those in the trial.
        reasons.append(
            "In a large study, people who had a walking and advice plan like this one went "
            "almost twice as long before their back pain came back as people who did not get "
            "the plan."
        )
    return Section(
        "understanding",
        SECTION_TITLES["understanding"],
        (
            Paragraph(
                "Back pain is very common. It can hurt a lot, but hurt does not mean harm. "
                "Your back is strong, and moving it is safe."
            ),
            Paragraph(
                "Most people have a flare-up now and then. A flare-up is when the pain gets "
                "worse for a few hours, days or weeks. Flare-ups are normal. They usually "
                "settle on their own."
            ),
            Bullets(tuple(reasons), lead="Why walking helps:"),
        ),
    )


SELF_CARE = Section(
    "self_care",
    SECTION_TITLES["self_care"],
    (
        Bullets(
            (
                "Mood: low mood and worry can make pain feel worse. Tell us or your GP if you "
                "feel down most days.",
                "Sleep: try to go to bed and get up at the same times each day.",
                "Water: drink enough water, most of all on warm days and when you walk.",
                "Company: walk with a friend, a family member or a group. It helps you keep going.",
                "Outdoors: walk in a park or by the water if you can. Many people find it more "
                "pleasant.",
                "If walking does not suit you, ask us about yoga or Pilates instead.",
            ),
        ),
    ),
)


def help_section(clinic: str, phone: str) -> Section:
    """The get-help-now box: emergency signs, see-a-doctor-soon signs, and whom to call."""
    who = clinic or "your physiotherapy clinic"
    number = phone.replace(" ", "\u00a0")  # a phone number is never broken across lines
    contact = f"Questions about your back? Call {who}" + (f" on {number}." if phone else ".")
    return Section(
        "help",
        SECTION_TITLES["help"],
        (
            HelpBox(
                now=(
                    "You cannot pass urine, or you wet yourself and cannot stop it",
                    "Passing urine changes: it is hard to start, the flow is weak, or you "
                    "feel it less",
                    "You cannot control your bowels",
                    "You feel numb around your bottom, your private parts or inner thighs, "
                    "or it feels different when you wipe",
                    "Your sex life changes in a new way, such as loss of feeling",
                    "Both legs feel weak, numb or painful",
                    "A leg gets weaker or more numb, or a foot drags or slaps when you walk",
                    "You have chest pain or tightness while you are resting: call an ambulance",
                ),
                now_action=(
                    "Go to a hospital emergency department now, or call an ambulance. "
                    "Do not wait to see if it gets better."
                ),
                soon=(
                    "You have a fever or feel very unwell",
                    "You get chest pain, or you faint or nearly faint, when you are active",
                    "You lose weight without trying",
                    "The pain is there all the time, even at night when you rest",
                    "You hurt your back in a fall or an accident",
                    "You have had cancer in the past and the pain is new",
                ),
                soon_action="See a doctor today or tomorrow.",
                contact=contact,
            ),
        ),
    )


# ---------------------------------------------------------------------------------------
# The sections that depend on this patient's recommendation.


def _walking_lines(walks: tuple[int, int] | None, minutes: tuple[int, int]) -> tuple[str, ...]:
    how_often = (
        "As often as feels comfortable"
        if walks is None
        else f"{_span(walks[0], walks[1], 'walk')} a week"
    )
    return how_often, f"{_span(minutes[0], minutes[1], 'minute')} each walk"


def walks_words(walks: int, minutes: int) -> str:
    """A dose in a patient's words: "1 walk a week of 5 minutes", "4 walks a week of 10 minutes"."""
    return f"{_span(walks, walks, 'walk')} a week of {_span(minutes, minutes, 'minute')}"


def _exact(dose: NextDose | None) -> Dose | None:
    if dose is None or dose.walks_per_week is None:
        return None
    return Dose(dose.walks_per_week.min, dose.minutes_per_walk.min)


def _dose(rec: Recommendation) -> tuple[tuple[int, int] | None, tuple[int, int]] | None:
    dose = rec.next_dose
    if dose is None:
        return None
    walks = (
        None if dose.walks_per_week is None else (dose.walks_per_week.min, dose.walks_per_week.max)
    )
    return walks, (dose.minutes_per_walk.min, dose.minutes_per_walk.max)


def walking_section(
    assessment: Assessment, rec: Recommendation, plan: Plan, with_restart: bool = True
) -> Section:
    """This week's walks, the next step, what to do if the back gets worse, log and chart."""
    dose = _dose(rec)
    assert dose is not None  # only programme and moderate-flare decisions get this section
    walks, minutes = dose
    log = WalkingLog(LOG_WEEKS, LOG_DAYS)
    if rec.decision == Decision.MODERATE_FLARE:
        # Where to restart is said once: in the flare-up plan, or here when that is left out.
        restart = () if with_restart is False else (Paragraph(_restart(rec)),)
        return Section(
            "walking",
            SECTION_TITLES["walking"],
            (
                DoseBox("While your back is flared up", _walking_lines(walks, minutes)),
                *restart,
                log,
            ),
        )
    blocks: list[Block] = [DoseBox("This week", _walking_lines(walks, minutes))]
    if Flag.CHRONIC_PAIN in rec.flags:
        blocks.append(Paragraph(CHRONIC_TEXT))
    if rec.decision == Decision.STEP_BACK:
        blocks.append(
            Paragraph(
                "Your back got worse after the last step up, so this week is a little easier. "
                "That is normal, and it is the safe way to build up."
            )
        )
    elif rec.decision == Decision.HOLD:
        blocks.append(Paragraph("Stay at this amount this week before the next step up."))
    next_week = plan.weeks[1] if len(plan.weeks) > 1 else None
    this_week = _exact(rec.next_dose)
    at_goal = rec.decision != Decision.STEP_BACK and this_week is not None and target_met(this_week)
    if at_goal and rec.decision is Decision.PROGRESS:
        blocks.append(
            Paragraph(
                f"This step takes you to the goal of about {TARGET_WALKS} walks a week of "
                f"{TARGET_MINUTES} minutes. After this week, the aim is to keep it up."
            )
        )
    elif at_goal:
        blocks.append(
            Paragraph(
                f"You have reached the goal of about {TARGET_WALKS} walks a week of "
                f"{TARGET_MINUTES} minutes. Well done. Keep it up."
            )
        )
    elif next_week is not None:
        blocks.append(
            Paragraph(
                "Next week, if your back has not become more painful, step up to "
                f"{walks_words(next_week.walks, next_week.minutes)}."
            )
        )
    blocks.append(
        Paragraph(
            "If your back does get more painful after a step up, go back to the amount you "
            "did the week before. Stay there until the pain settles, then try the step again."
        )
    )
    blocks.append(log)
    if len(plan.weeks) > 1:
        blocks.append(
            PlanChart(
                plan,
                f"Your plan, week by week. The goal is {TARGET_WALKS} walks a week of "
                f"{TARGET_MINUTES} minutes, if your back is happy with each step.",
            )
        )
    return Section("walking", SECTION_TITLES["walking"], tuple(blocks))


def flare_section(assessment: Assessment, rec: Recommendation) -> Section:
    """What to do in a mild, a moderate and a bad flare-up, and when to restart."""
    blocks: list[Block] = []
    if rec.decision == Decision.SEVERE_FLARE:
        blocks.append(
            Paragraph(
                "Your back is badly flared up right now. Take it easy for the next few days. "
                "Do not do too much, but do not stay in bed either. Gentle moving is best."
            )
        )
    elif rec.decision == Decision.MODERATE_FLARE:
        blocks.append(
            Paragraph(
                "Your back is flared up. Short walks of 2 to 5 minutes can ease the pain. "
                "Walk as often as feels comfortable this week."
            )
        )
    blocks += [
        Bullets(
            (
                "Keep up your normal day as best you can.",
                "Keep to your walking plan if you can, or walk a little less.",
            ),
            lead="A mild flare-up (a little worse than usual):",
        ),
        Bullets(
            (
                "Keep gently active. Take short walks of 2 to 5 minutes.",
                "Walk as often as feels comfortable.",
            ),
            lead="A moderate flare-up (it is hard to do your usual things):",
        ),
        Bullets(
            (
                "Rest more for a day or two, but keep moving gently.",
                "Use a cold pack or a heat pack, whichever feels better. Wrap it in a towel "
                "and use it for 15 to 20 minutes at a time. Do not use it on skin that feels "
                "numb, if you have poor blood flow or nerve damage, or while you sleep.",
                "Talk to your GP or pharmacist about pain relief.",
                "Call us if it does not start to ease in 2 to 3 days.",
            ),
            lead="A bad flare-up (the pain is very strong):",
        ),
    ]
    if rec.decision in FLARE_DECISIONS:
        blocks.append(Paragraph(_restart(rec)))
    return Section("flare", SECTION_TITLES["flare"], tuple(blocks))


def _restart(rec: Recommendation) -> str:
    """Where to restart after this flare: the recommendation's own resume dose."""
    resume = _exact(rec.resume_dose)
    if resume is None:
        return "When the flare-up settles, we will plan your exercise together."
    return (
        f"When the flare-up settles, go back to {walks_words(*resume)}. Stay at that for a "
        "week before you step up again."
    )


# What a referral is about, in a patient's words (never a diagnosis).
CONDITION_WORDS: dict[Condition, str] = {
    "cauda_equina": "signs that the nerves at the bottom of your back may be squeezed",
    "progressive_neurological_deficit": "signs that a nerve in your back is getting worse",
    "metastatic_cord_compression": "signs that, with your past cancer, need a scan today",
    "aortic_aneurysm": "signs that may come from a large blood vessel in your belly",
    "spinal_infection": "signs of a possible infection",
    "malignancy": "signs that a doctor should check for other causes of back pain",
    "fracture": "signs that a bone in your back may be hurt",
    "axial_spondyloarthritis": (
        "signs of a type of back pain that comes from inflammation in the spine"
    ),
    "cardiorespiratory": "chest pain, fainting or being short of breath when you are active",
}

REFERRAL_TEXT: dict[Decision, tuple[str, ...]] = {
    Decision.EMERGENCY_REFERRAL: (
        "Please go to a hospital emergency department now. Take this sheet with you.",
        "Do not start the walking plan until a doctor has checked you.",
    ),
    Decision.SAME_DAY_REFERRAL: (
        "Please see a doctor today. Your GP or an urgent care clinic can see you. If you "
        "feel very unwell, go to a hospital emergency department.",
        "Do not go for exercise walks until a doctor has seen you. Gentle moving about "
        "the house is fine.",
    ),
    Decision.URGENT_REFERRAL: (
        "Please see a doctor in the next few days, this week. We will help you arrange it.",
        "Most of the time these signs turn out not to be serious, but they must be checked "
        "first. Wait to start the walking plan until then. Keep gently active.",
    ),
}
CHEST_PAIN_AT_REST = "chest pain or tightness while you are resting"
AMBULANCE = (
    "Call an ambulance now. Do not drive yourself. If the chest pain stops, still get "
    "checked today."
)
ROUTINE_TEXT = (
    "Please make an appointment with your GP in the next few weeks. They may send you to a "
    "joint specialist (a rheumatologist).",
    "Keep going with your walking plan while you wait. Walking and exercise help this kind "
    "of back pain too.",
)


def referral_section(assessment: Assessment, rec: Recommendation) -> Section:
    """Why the person is being sent to a doctor, where, and how soon."""
    referral = rec.referral
    assert referral is not None  # only referral decisions get this section
    screening = screen(assessment.red_flags, assessment.exercise_screen)
    top = [c for c in referral.conditions if screening.tier_of(c) == referral.urgency]
    ambulance = referral.urgency == "emergency" and "cardiorespiratory" in top
    words = (
        {**CONDITION_WORDS, "cardiorespiratory": CHEST_PAIN_AT_REST}
        if ambulance
        else CONDITION_WORDS
    )
    found = "; ".join(words[c] for c in top)
    blocks: list[Block] = [Paragraph(f"You told us about {found}.")]
    if ambulance:
        # An ambulance, not a drive to hospital: the sheet says only that, then the plan.
        blocks += [Paragraph(AMBULANCE), Paragraph(REFERRAL_TEXT[rec.decision][-1])]
    else:
        blocks.extend(Paragraph(t) for t in REFERRAL_TEXT[rec.decision])
    if rec.decision is Decision.SAME_DAY_REFERRAL and "cardiorespiratory" in top:
        blocks.append(Paragraph("If chest pain comes on while you are resting, call an ambulance."))
    title = {
        Decision.EMERGENCY_REFERRAL: "Call an ambulance now" if ambulance else "Go to hospital now",
        Decision.SAME_DAY_REFERRAL: "See a doctor today",
        Decision.URGENT_REFERRAL: "See a doctor this week",
    }[rec.decision]
    return Section("referral", title, tuple(blocks))


def routine_section(rec: Recommendation) -> Section:
    """The routine referral that rides along with the walking plan."""
    assert rec.referral is not None
    found = "; ".join(CONDITION_WORDS[c] for c in rec.referral.conditions)
    return Section(
        "referral",
        "Seeing your GP",
        (Paragraph(f"You told us about {found}."), *(Paragraph(t) for t in ROUTINE_TEXT)),
    )


OTHER_TEXT: dict[Decision, tuple[str, ...]] = {
    Decision.OUT_OF_SCOPE: (
        "This walking plan was made for adults. Your physiotherapist will plan your care with "
        "you and your family.",
    ),
}
ALTERNATIVE_TEXT = {
    "prefers": (
        "You would rather do another kind of exercise than walk. That is fine: what matters is "
        "moving most days.",
    ),
    "cannot": (
        "Walking is hard for you right now, so we will plan another kind of exercise with you. "
        "What matters is moving most days.",
    ),
    "both": (
        "Yoga, Pilates or swimming are all good choices. Start small and build up a little "
        "each week, as long as your back is happy.",
    ),
}
CHRONIC_TEXT = (
    "Your back pain has lasted 3 months or more. Walking is still good for you, and your "
    "physiotherapist will add exercise and advice that suit long-lasting back pain."
)


def _title(rec: Recommendation, sections: list[Section]) -> str:
    if rec.decision is Decision.EMERGENCY_REFERRAL:
        return f"Emergency: {sections[0].title.lower()}"
    if rec.decision is Decision.SAME_DAY_REFERRAL:
        return "Your back: see a doctor today"
    if rec.decision is Decision.URGENT_REFERRAL:
        return "Your back: see a doctor this week"
    if rec.decision == Decision.SEVERE_FLARE:
        return "Your back: flare-up plan"
    if rec.next_dose is not None:
        return "Your back: walking plan"
    return "Your back: your plan"


def review_words(day: date) -> str:
    """A date as a patient reads it: "Wednesday 16 December 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _intro(rec: Recommendation) -> str:
    if rec.decision in REFERRAL_DECISIONS:
        return "This sheet explains why we are sending you to a doctor, and when to get help."
    if rec.decision == Decision.SEVERE_FLARE:
        return "This sheet explains how to look after your back while it is flared up."
    return "This sheet is your own plan. Keep it somewhere you will see it, like the fridge."


def _plan_text(assessment: Assessment, rec: Recommendation) -> tuple[str, ...]:
    """The short "Your plan" text of decisions with no walking dose of their own."""
    if rec.decision is Decision.ALTERNATIVE_EXERCISE:
        cannot = assessment.walking_tolerance == "not_tolerated"
        return ALTERNATIVE_TEXT["cannot" if cannot else "prefers"] + ALTERNATIVE_TEXT["both"]
    return OTHER_TEXT.get(rec.decision, ())


def build_handout(
    assessment: Assessment, rec: Recommendation, options: HandoutOptions | None = None
) -> Handout:
    """The handout for one consultation, with the sections the decision calls for.

    Every dose, tier and restart point is read from `rec`, never worked out again here.
    """
    options = options or HandoutOptions()
    chosen = set(options.sections) | {"help"}  # the get-help box is always printed
    sections: list[Section] = []
    decision = rec.decision
    if decision in REFERRAL_DECISIONS:
        sections.append(referral_section(assessment, rec))
        if rec.ice_or_heat and "flare" in chosen:
            sections.append(flare_section(assessment, rec))
    else:
        plan_text = _plan_text(assessment, rec)
        if plan_text:
            sections.append(Section("plan", "Your plan", tuple(Paragraph(t) for t in plan_text)))
        if rec.referral is not None:
            sections.append(routine_section(rec))
        walking = rec.next_dose is not None and (
            decision in PROGRAMME_DECISIONS or decision is Decision.MODERATE_FLARE
        )
        order = ["flare", "walking"] if decision in FLARE_DECISIONS else ["walking", "flare"]
        for key in [*order, "understanding", "self_care"]:
            if key not in chosen:
                continue
            if key == "walking" and walking:
                plan = project(assessment, rec)
                sections.append(walking_section(assessment, rec, plan, "flare" not in chosen))
            elif key == "flare" and decision != Decision.OUT_OF_SCOPE:
                sections.append(flare_section(assessment, rec))
            elif key == "understanding" and decision != Decision.OUT_OF_SCOPE:
                sections.append(understanding_section(rec))
            elif key == "self_care":
                sections.append(SELF_CARE)
    sections.append(help_section(options.clinic, options.phone))
    intro = _intro(rec)
    if options.review is not None:
        intro += f" Your next visit is on {review_words(options.review)}."
    return Handout(
        title=_title(rec, sections),
        intro=intro,
        sections=tuple(sections),
        clinic=options.clinic,
        phone=options.phone,
        patient=options.patient,
        issued=options.issued or date.today(),
        decision=decision,
        paper=options.paper,
    )
