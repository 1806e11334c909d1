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

from ..codes import RULESET_VERSION
from ..dosing import TARGET_MINUTES, TARGET_WALKS
from ..models import PROGRAMME_DECISIONS, REFERRAL_DECISIONS, Assessment, Decision, Recommendation
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
            parts.append(f"For: {self.patient}")
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
    return f"{lo} {unit}" if lo == hi else f"{lo} to {hi} {unit}"


# ---------------------------------------------------------------------------------------
# The fixed sections (the same for every patient who gets them).

UNDERSTANDING = Section(
    "understanding",
    SECTION_TITLES["understanding"],
    (
        Paragraph(
            "Back pain is very common. It can hurt a lot, but hurt does not mean harm. "
            "Your back is strong, and moving it is safe."
        ),
        Paragraph(
            "Most people have a flare-up now and then. A flare-up is when the pain gets worse "
            "for a few hours, days or weeks. Flare-ups are normal. They usually settle on "
            "their own."
        ),
        Bullets(
            (
                "It brings more blood to the muscles and joints of your back.",
                "It eases stiffness, so you can move more freely.",
                "It lifts your mood and helps you sleep.",
                "In a large study, people on a walking plan like this one went almost twice as "
                "long before their back pain came back as people who did not walk.",
            ),
            lead="Why walking helps:",
        ),
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
    contact = f"Questions about your back? Call {who}" + (f" on {phone}." if phone else ".")
    return Section(
        "help",
        SECTION_TITLES["help"],
        (
            HelpBox(
                now=(
                    "You cannot pass urine, or you wet yourself and cannot stop it",
                    "You cannot control your bowels",
                    "You feel numb around your bottom, your private parts or inner thighs",
                    "Your sex life changes in a new way, such as loss of feeling",
                    "Both legs feel weak, numb or painful",
                ),
                now_action=(
                    "Go to a hospital emergency department now, or call an ambulance. "
                    "Do not wait to see if it gets better."
                ),
                soon=(
                    "A leg gets weaker or more numb, or a foot drags when you walk",
                    "You have a fever or feel very unwell",
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
        else f"{_span(walks[0], walks[1], 'walks')} a week"
    )
    return how_often, f"{_span(minutes[0], minutes[1], 'minutes')} each walk"


def _dose(rec: Recommendation) -> tuple[tuple[int, int] | None, tuple[int, int]] | None:
    dose = rec.next_dose
    if dose is None:
        return None
    walks = (
        None if dose.walks_per_week is None else (dose.walks_per_week.min, dose.walks_per_week.max)
    )
    return walks, (dose.minutes_per_walk.min, dose.minutes_per_walk.max)


def _current(assessment: Assessment) -> tuple[int, int] | None:
    w = assessment.walking
    return (w.walks_per_week, w.minutes_per_walk) if w.walks_per_week else None


def walking_section(assessment: Assessment, rec: Recommendation, plan: Plan) -> Section:
    """This week's walks, the next step, what to do if the back gets worse, log and chart."""
    dose = _dose(rec)
    assert dose is not None  # only programme and moderate-flare decisions get this section
    walks, minutes = dose
    log = WalkingLog(LOG_WEEKS, LOG_DAYS)
    if rec.decision == Decision.MODERATE_FLARE:
        current = _current(assessment)
        back_to = (
            f"When the flare-up settles, go back to {current[0]} walks a week of {current[1]} "
            "minutes, the amount you did before."
            if current
            else "When the flare-up settles, we will plan your walks together."
        )
        return Section(
            "walking",
            SECTION_TITLES["walking"],
            (
                DoseBox("While your back is flared up", _walking_lines(walks, minutes)),
                Paragraph(back_to),
                log,
            ),
        )
    blocks: list[Block] = [DoseBox("This week", _walking_lines(walks, minutes))]
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
    if plan.weeks and plan.weeks[0].target_met:
        blocks.append(
            Paragraph(
                f"You have reached the goal of {TARGET_WALKS} walks a week, "
                f"{TARGET_MINUTES} minutes each. Well done. Keep it up."
            )
        )
    elif next_week is not None:
        blocks.append(
            Paragraph(
                "Next week, if your back has not become more painful, step up to "
                f"{next_week.walks} walks of {next_week.minutes} minutes."
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
    current = _current(assessment)
    restart = (
        f"When the pain has settled, go back to {current[0]} walks a week of {current[1]} "
        "minutes. That is where you were before the flare-up."
        if current
        else "When the pain has settled, start the walking plan your physiotherapist gives you."
    )
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
                "and use it for 15 to 20 minutes at a time.",
                "Talk to your GP or pharmacist about pain relief.",
                "Call us if it does not start to ease in 2 to 3 days.",
            ),
            lead="A bad flare-up (the pain is very strong):",
        ),
        Paragraph(restart),
    ]
    return Section("flare", SECTION_TITLES["flare"], tuple(blocks))


REFERRAL_TEXT: dict[Decision, tuple[str, ...]] = {
    Decision.EMERGENCY_REFERRAL: (
        "Some of the signs you told us about need to be checked in hospital today.",
        "Please go to the emergency department now. Take this sheet with you.",
        "Do not start the walking plan until a doctor has checked your back.",
    ),
    Decision.URGENT_REFERRAL: (
        "Some of the signs you told us about need a doctor to check them soon.",
        "Please see a doctor in the next day or two. We will help you arrange it.",
        "Most of the time these signs turn out not to be serious, but they must be checked "
        "first. Wait to start the walking plan until then.",
    ),
    Decision.ROUTINE_REFERRAL: (
        "Some of the signs you told us about can come from a type of back problem caused by "
        "swelling in the joints.",
        "Please make an appointment with your GP in the next few weeks. They may send you to a "
        "joint specialist.",
        "Wait to start the walking plan until you have seen them. Keep gently active as usual.",
    ),
}

OTHER_TEXT: dict[Decision, tuple[str, ...]] = {
    Decision.OUT_OF_SCOPE: (
        "This walking plan was made for adults. Your physiotherapist will plan your care with "
        "you and your family.",
    ),
    Decision.MEDICAL_CLEARANCE: (
        "Before you start a walking plan, please see your GP. They will check that your heart "
        "and lungs are ready for more exercise.",
        "When your GP says it is safe, come back and we will plan your walks together.",
    ),
    Decision.CHRONIC_PATHWAY: (
        "Your back pain has lasted more than 3 months. Your physiotherapist will plan a "
        "longer course of exercise and advice with you.",
        "Keep gently active in the meantime. Walking is still good for you.",
    ),
    Decision.ALTERNATIVE_EXERCISE: (
        "You would rather do another kind of exercise than walk. That is fine: what matters is "
        "moving most days.",
        "Yoga, Pilates or swimming are all good choices. Start small and build up a little "
        "each week, as long as your back is happy.",
    ),
}


def _title(decision: Decision) -> str:
    if decision in REFERRAL_DECISIONS:
        return "Your back: seeing a doctor"
    if decision == Decision.SEVERE_FLARE:
        return "Your back: flare-up plan"
    if decision in PROGRAMME_DECISIONS or decision == Decision.MODERATE_FLARE:
        return "Your back: walking plan"
    return "Your back: your plan"


def _intro(rec: Recommendation) -> str:
    if rec.decision in REFERRAL_DECISIONS:
        return "This sheet explains why we are sending you to a doctor, and when to get help."
    if rec.decision == Decision.SEVERE_FLARE:
        return "This sheet explains how to look after your back while it is flared up."
    return "This sheet is your own plan. Keep it somewhere you will see it, like the fridge."


def build_handout(
    assessment: Assessment, rec: Recommendation, options: HandoutOptions | None = None
) -> Handout:
    """The handout for one consultation, with the sections the decision calls for."""
    options = options or HandoutOptions()
    chosen = set(options.sections) | {"help"}  # the get-help box is always printed
    sections: list[Section] = []
    decision = rec.decision
    if decision in REFERRAL_DECISIONS:
        text = REFERRAL_TEXT[decision]
        sections.append(Section("referral", "Why we are sending you to a doctor", (
            *(Paragraph(t) for t in text),
        )))  # fmt: skip
    else:
        if decision in OTHER_TEXT:
            sections.append(
                Section("plan", "Your plan", tuple(Paragraph(t) for t in OTHER_TEXT[decision]))
            )
        walking = decision in PROGRAMME_DECISIONS or decision == Decision.MODERATE_FLARE
        order = ["flare", "walking"] if decision in _FLARE_FIRST else ["walking", "flare"]
        for key in [*order, "understanding", "self_care"]:
            if key not in chosen:
                continue
            if key == "walking" and walking:
                sections.append(walking_section(assessment, rec, project(assessment, rec)))
            elif key == "flare" and decision != Decision.OUT_OF_SCOPE:
                sections.append(flare_section(assessment, rec))
            elif key == "understanding":
                sections.append(UNDERSTANDING)
            elif key == "self_care":
                sections.append(SELF_CARE)
    sections.append(help_section(options.clinic, options.phone))
    return Handout(
        title=_title(decision),
        intro=_intro(rec),
        sections=tuple(sections),
        clinic=options.clinic,
        phone=options.phone,
        patient=options.patient,
        issued=options.issued or date.today(),
        decision=decision,
        paper=options.paper,
    )


_FLARE_FIRST = frozenset({Decision.SEVERE_FLARE, Decision.MODERATE_FLARE})
