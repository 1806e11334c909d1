"""What a patient handout says: one source of content for the PDF and the HTML renderers.

The content follows the decision. A referral handout explains the referral and carries the
get-help-now box only; a severe flare leads with the flare-up plan and gives no walking dose;
a moderate flare gives short walks and the dose to return to; the walking programme gives
this week's walks, the next step, a log to tick and the plan chart.

Patient text is written for a reading age of about 11 to 12 (a Flesch-Kincaid grade near 6):
short sentences, whole numbers, no percentages, and never the name of a medicine.

Longer than most files on purpose: every sentence a patient reads is here, in one place,
so that no two places word the same instruction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from ..clinic import (
    CLINIC_MAX,
    PAPERS,
    PATIENT_MAX,
    PHONE_MAX,
    ClinicSettings,
    Doctor,
    Paper,
    local,
    option_errors,
    printable,
    signing_name,
)
from ..core.cards import SameDayPlace, exact_dose, mscc, same_day_places
from ..core.codes import RULESET_VERSION, Condition, Decision, Flag
from ..core.dosing import (
    TARGET_MINUTES,
    TARGET_WALKS,
    Dose,
    is_sharing_step,
    progression_step,
    target_met,
)
from ..core.models import (
    FLARE_DECISIONS,
    PROGRAMME_DECISIONS,
    REFERRAL_DECISIONS,
    Assessment,
    NextDose,
    Recommendation,
)
from ..core.screens import INFECTION_RISKS, Screening, screen
from ..plan import Plan, Week, project
from .i18n import N_, Language, _, long_date, ngettext, speaking, weekday_date

# The sections a clinician can choose, in the order a walking-programme handout shows them.
SECTION_TITLES: dict[str, str] = {
    "walking": N_("Your walking plan"),
    "flare": N_("Your flare-up plan"),
    "understanding": N_("Understanding back pain"),
    "self_care": N_("Looking after yourself"),
    "help": N_("Get help now"),
}
SECTIONS: tuple[str, ...] = tuple(SECTION_TITLES)
# A review visit's handout leaves out the background reading given at the first visit, so
# the plan fits on two pages; the clinician can add it back.
REVIEW_SECTIONS: tuple[str, ...] = ("walking", "flare", "help")


def default_sections(assessment: Assessment) -> tuple[str, ...]:
    """The sections a handout starts with: all of them at a first visit, the plan at a review."""
    return SECTIONS if assessment.visit == "initial" else REVIEW_SECTIONS


LOG_WEEKS = 4
LOG_DAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
LOG_INSTRUCTION = N_(
    "Tick a box each day you walk. At the end of each week, write down your walks, the "
    "minutes you walked that week, and your worst pain from 0 (none) to 10 (the worst "
    "you can think of). Bring this sheet to your next visit."
)
# After the last planned visit there is no next one to bring the sheet to.
LOG_INSTRUCTION_LAST = N_(
    "Tick a box each day you walk. At the end of each week, write down your walks, the "
    "minutes you walked that week, and your worst pain from 0 (none) to 10 (the worst "
    "you can think of). Keep this sheet: it shows you how you are doing."
)
LOG_TOTALS = (N_("Walks"), N_("Total minutes"), N_("Worst pain 0 to 10"))


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
    """A table to fill in with the diary's own fields: a box to tick each day, then the
    week's walks, its minutes and its worst pain, to be copied in at the next visit."""

    weeks: int
    days: tuple[str, ...]
    instruction: str = LOG_INSTRUCTION
    first_column: str = "Week"
    totals: tuple[str, ...] = LOG_TOTALS

    @classmethod
    def worded(cls) -> WalkingLog:
        """The log in the language being printed."""
        return cls(
            LOG_WEEKS,
            tuple(_(d) for d in LOG_DAYS),
            _(LOG_INSTRUCTION),
            _("Week"),
            tuple(_(t) for t in LOG_TOTALS),
        )


@dataclass(frozen=True, slots=True)
class PlanChart:
    """The week-by-week plan as a chart (drawn by the renderer)."""

    plan: Plan
    caption: str

    def alt_text(self) -> str:
        """The chart in words, for a screen reader: each week's walks and minutes (in the
        language being printed: renderers draw inside the handout's `speaking`)."""
        weeks = "; ".join(
            _("week {number}, {dose}").format(number=w.week, dose=week_words(w))
            for w in self.plan.weeks
        )
        return _("A chart of your plan, week by week: {weeks}.").format(weeks=weeks)


@dataclass(frozen=True, slots=True)
class HelpGroup:
    """Signs that share one action: "Go to hospital now if:" and what to do."""

    heading: str
    signs: tuple[str, ...]
    action: str
    warning: bool  # printed in the warning colour


@dataclass(frozen=True, slots=True)
class HelpBox:
    """The red-flag warning signs in plain words, by how soon to act, and whom to call."""

    groups: tuple[HelpGroup, ...]
    contact: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StaffNote:
    """Facts for the team a person is sent to, in clinical words (not patient text)."""

    lead: str
    lines: tuple[str, ...]


Block = Paragraph | Bullets | DoseBox | WalkingLog | PlanChart | HelpBox | StaffNote


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]
    staff: bool = False  # written for a clinical team, not the patient (no reading grade)
    warning: bool = False  # an emergency or same-day referral: in the warning colour

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
                for group in block.groups:
                    parts.extend([*group.signs, group.action])
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
    strip: str = ""  # the short warning on page 1 that points to the get-help-now box
    warning: bool = False  # an emergency sheet: its title is in the warning colour
    language: Language = "en"
    # Page 1's note while the language's catalogue has not been clinically reviewed (the
    # clinician is told in English on the Handouts page before printing).
    notice: tuple[str, ...] = ()

    def footer(self) -> str:
        """Clinic, patient pseudonym, date and ruleset version, for every page, in the
        handout's language."""
        with speaking(self.language):
            return self._footer()

    def _footer(self) -> str:
        parts = [self.clinic or _("Your physiotherapy clinic")]
        if self.patient:
            # The pseudonym is never split across footer lines.
            parts.append(_("For:") + "\u00a0" + no_break(self.patient))
        parts.append(long_date(self.issued))
        parts.append(
            _("WalkBack CDS ruleset {version}")
            .format(version=self.ruleset_version)
            .replace("WalkBack CDS", "WalkBack\u00a0CDS")
            .replace(" " + self.ruleset_version, "\u00a0" + self.ruleset_version)
        )
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class HandoutOptions:
    """What a handout prints beside the recommendation: the clinic's settings, the patient's
    pseudonym, the sections chosen, the day it is issued for and the next review."""

    clinic: str = ""
    phone: str = ""
    patient: str = ""
    paper: Paper = "a4"
    sections: tuple[str, ...] = SECTIONS
    issued: date | None = None
    review: date | None = None  # the next review date, printed when there is one
    emergency: str = ""  # the local emergency number
    urgent_line: str = ""
    doctor: Doctor = "GP"
    clinician: str = ""
    crisis_line: str = ""  # for a concern about self-harm (the contacts slip)
    mental_health: str = ""
    # When the person was assessed, with its time zone: the letter and the emergency
    # team's box print it.
    assessed_at: datetime | None = None
    language: Language = "en"  # the patient's sheets (handout, contacts slip)
    # The day the episode ended, when this visit was its last: the sheets say what follows.
    discharged: date | None = None

    @classmethod
    def from_settings(cls, settings: ClinicSettings, **chosen: object) -> HandoutOptions:
        """Options from the clinic's settings, with what is chosen for this print. The
        clinician chosen signs by full name (`clinic.signing_name`), and the moment of the
        assessment is the clinic's local time, with its zone."""
        if isinstance(chosen.get("clinician"), str):
            chosen["clinician"] = signing_name(str(chosen["clinician"]), settings.clinician)
        at = chosen.get("assessed_at")
        if isinstance(at, datetime):
            chosen["assessed_at"] = local(at, settings.zone)
        base = cls(
            clinic=settings.name,
            phone=settings.phone,
            paper=settings.paper,
            emergency=settings.emergency,
            urgent_line=settings.urgent_line,
            doctor=settings.doctor,
            clinician=settings.clinician,
            crisis_line=settings.crisis_line,
            mental_health=settings.mental_health,
        )
        return replace(base, **chosen)  # type: ignore[arg-type]

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
            "emergency": self.emergency,
            "urgent_line": self.urgent_line,
            "doctor": self.doctor,
            "clinician": self.clinician,
            "crisis_line": self.crisis_line,
            "mental_health": self.mental_health,
            "assessed_at": None if self.assessed_at is None else self.assessed_at.isoformat(),
            "language": self.language,
            "discharged": None if self.discharged is None else self.discharged.isoformat(),
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
            emergency=str(data.get("emergency", "")),
            urgent_line=str(data.get("urgent_line", "")),
            doctor="family doctor" if data.get("doctor") == "family doctor" else "GP",
            clinician=str(data.get("clinician", "")),
            crisis_line=str(data.get("crisis_line", "")),
            mental_health=str(data.get("mental_health", "")),
            assessed_at=(
                None
                if data.get("assessed_at") is None
                else datetime.fromisoformat(str(data["assessed_at"]))
            ),
            # A print kept before sheets had a language was in English.
            language="es" if data.get("language") == "es" else "en",
            discharged=day(data.get("discharged")),
        )

    def ambulance(self) -> str:
        """How to call an ambulance here: "call 000 for an ambulance"."""
        if self.emergency:
            return _("call {number} for an ambulance").format(number=self.emergency)
        return _("call the emergency number for an ambulance")


__all__ = [  # the names other modules read from here
    "CLINIC_MAX",
    "PAPERS",
    "PATIENT_MAX",
    "PHONE_MAX",
    "Paper",
    "option_errors",
    "printable",
]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def walks_span(lo: int, hi: int) -> str:
    """ "1 walk", "4 walks", "3 to 4 walks"."""
    if lo == hi:
        return ngettext("{n} walk", "{n} walks", lo).format(n=lo)
    return _("{lo} to {hi} walks").format(lo=lo, hi=hi)


def minutes_span(lo: int, hi: int) -> str:
    """ "1 minute", "10 minutes", "5 to 10 minutes"."""
    if lo == hi:
        return ngettext("{n} minute", "{n} minutes", lo).format(n=lo)
    return _("{lo} to {hi} minutes").format(lo=lo, hi=hi)


def doctor_words(doctor: Doctor) -> str:
    """What patients call their doctor, in the language being printed."""
    return _(doctor)


N_("GP"), N_("family doctor")  # the clinic's choice of `Doctor`, for the catalogue


# ---------------------------------------------------------------------------------------
# The fixed sections (the same for every patient who gets them).

TRIAL_TEXT = N_(
    # EVIDENCE §2: the comparison group still walked; the programme was walking plus
    # education. Printed only for people like those in the trial.
    "In a large study, people who had a walking and advice plan like this one went almost "
    "twice as long before their back pain came back as people who did not get the plan."
)


def understanding_section(rec: Recommendation, walker: bool = True) -> Section:
    """What back pain is, why walking (or moving) helps, and the trial's result where it
    applies."""
    reasons = [
        _("It eases stiffness, so you can move more freely."),
        _("It lifts your mood and helps you sleep."),
    ]
    if walker and Flag.OUTSIDE_TRIAL_POPULATION not in rec.flags:
        reasons.append(_(TRIAL_TEXT))
    return Section(
        "understanding",
        _(SECTION_TITLES["understanding"]),
        (
            Paragraph(
                _(
                    "Back pain is very common. It can hurt a lot, but hurt does not mean "
                    "harm. Your back is strong, and moving it is safe."
                )
            ),
            Paragraph(
                _(
                    "Most people have a flare-up now and then. A flare-up is when the pain "
                    "gets worse for a few hours, days or weeks. Flare-ups are normal. They "
                    "usually settle on their own."
                )
            ),
            Bullets(
                tuple(reasons),
                lead=_("Why walking helps:") if walker else _("Why moving helps:"),
            ),
        ),
    )


def self_care_section(doctor: Doctor = "GP", walker: bool = True) -> Section:
    """Mood, sleep, water, company and the outdoors: the same for everyone who gets it."""
    company = (
        (
            _(
                "Company: walk with a friend or a group, in a park if you can. It helps you "
                "keep going."
            ),
            _("If walking does not suit you, ask us about yoga or Pilates."),
        )
        if walker
        else (
            _(
                "Company: exercise with a friend, a family member or a class. It helps you "
                "keep going."
            ),
        )
    )
    return Section(
        "self_care",
        _(SECTION_TITLES["self_care"]),
        (
            Bullets(
                (
                    _(
                        "Mood: low mood and worry can make pain feel worse. Tell us or your "
                        "{doctor} if you feel down most days."
                    ).format(doctor=doctor_words(doctor)),
                    _("Sleep: go to bed and get up at the same times each day."),
                    _("Water: drink enough, most of all on warm days and when you walk."),
                    *company,
                ),
            ),
        ),
    )


@dataclass(frozen=True, slots=True)
class Sign:
    """A warning sign in a patient's words, the tier it calls for, and the screen features
    it stands for (tests hold the box to the screens through `covers`). `words` is the
    catalogue's English message; `help_section` prints it in the sheet's language."""

    tier: str  # "emergency", "same_day" or "urgent"
    words: str
    covers: frozenset[str]
    place: str = ""  # a same-day sign's own place: "trauma" or "oncology"; "" a doctor


# The get-help-now box's signs, by the tier the screens (§3) give them. Every feature
# that alone, or with what it needs, reaches an emergency, same-day or urgent tier is here,
# and each sign is in exactly one tier for this person (`signs_for`): fever is same-day
# for someone with a known infection risk and this-week otherwise, and the signs of cancer
# spreading to the spine are same-day for someone who has had cancer.
SIGNS: tuple[Sign, ...] = (
    Sign(
        "emergency",
        N_("You cannot pass urine, or you cannot control your bladder or bowels"),
        frozenset({"ces_bladder", "ces_bowel"}),
    ),
    Sign(
        "emergency",
        N_(
            "Passing urine has changed: it is hard to start, the flow is weak, you have to "
            "strain, or you feel it less"
        ),
        frozenset({"ces_urinary_change"}),
    ),
    Sign(
        "emergency",
        N_(
            "You feel numb around your bottom, private parts or inner thighs, or it feels "
            "different when you wipe"
        ),
        frozenset({"ces_saddle"}),
    ),
    Sign(
        "emergency",
        N_("You have lost feeling in your private parts, or your sex life has changed"),
        frozenset({"ces_sexual"}),
    ),
    Sign(
        "emergency",
        N_("Both legs become painful, weak or numb"),
        frozenset({"ces_both_legs"}),
    ),
    Sign(
        "emergency",
        N_("A leg gets weaker or more numb, a foot drags, or you are newly unsteady"),
        frozenset({"neuro_worsening_weakness", "neuro_foot_drop", "neuro_gait"}),
    ),
    Sign(
        "emergency",
        N_("Sudden, very bad pain in your back or belly, most of all if you feel faint"),
        frozenset({"vascular_aneurysm"}),
    ),
    Sign(
        "emergency",
        # Chest pain at rest calls for an ambulance, not a drive: the number is filled in.
        N_("Chest pain or tightness while you are resting: {ambulance}"),
        frozenset({"chest_pain_at_rest"}),
    ),
    Sign(
        "same_day",
        N_(
            "You get chest pain or tightness, or faint or nearly faint, when active. Stop "
            "your walks until seen"
        ),
        frozenset({"chest_pain_on_exertion", "fainting_on_exertion"}),
    ),
    Sign(
        "same_day",
        N_("You hurt your back in a bad fall or a road or sports accident"),
        frozenset({"fracture_major_trauma"}),
        place="trauma",
    ),
    Sign(
        "urgent",
        N_("You get much more out of breath than you expect when you are active"),
        frozenset({"breathless_on_exertion"}),
    ),
    Sign(
        "urgent",
        N_("You hurt your back in a small fall or a lift, and you have thin bones"),
        frozenset({"fracture_fragility"}),
    ),
)
FEVER = N_("You have a fever, or you feel hot and shivery")
FEVER_COVERS = INFECTION_RISKS | {"infection_fever"}
# With a history of cancer, these are same-day signs for the cancer team (NICE NG234);
# without it, this-week signs for a doctor.
CANCER_SIGNS = (
    (N_("The pain is there all the time, even at rest, or it wakes you at night"),
     frozenset({"cancer_non_mechanical"})),
    (N_("You lose weight without trying"), frozenset({"cancer_weight_loss"})),
)  # fmt: skip
CANCER_NEW_PAIN = (
    N_("Your back pain is new, different or getting worse"),
    frozenset({"cancer_history", "cancer_thoracic", "cancer_no_improvement"}),
)


def signs_for(assessment: Assessment | None) -> tuple[Sign, ...]:
    """The box's signs for this person, each in the one tier the screens give it here."""
    features = set() if assessment is None else set(assessment.red_flags)
    risk = bool(features & INFECTION_RISKS) or (
        assessment is not None and assessment.spinal_surgery_within_6_months
    )
    cancer = "cancer_history" in features
    signs = list(SIGNS)
    signs.append(Sign("same_day" if risk else "urgent", FEVER, FEVER_COVERS))
    tier = "same_day" if cancer else "urgent"
    place = "oncology" if cancer else ""
    if cancer:
        signs.append(Sign(tier, CANCER_NEW_PAIN[0], CANCER_NEW_PAIN[1], place=place))
    signs += [Sign(tier, words, covers, place=place) for words, covers in CANCER_SIGNS]
    return tuple(signs)


def no_break(words: str) -> str:
    """A phone number or a pseudonym is never broken across lines."""
    return words.replace(" ", "\u00a0")


def questions_line(options: HandoutOptions) -> str:
    """Whom to call with a question, and the number when there is one: the help box's and
    the follow-up card's line."""
    who = options.clinic or _("your physiotherapy clinic")
    if options.phone:
        return _("Questions? Call {who} on {number}.").format(
            who=who, number=no_break(options.phone)
        )
    return _("Questions? Call {who}.").format(who=who)


def help_section(
    options: HandoutOptions, assessment: Assessment | None = None, noted: bool = False
) -> Section:
    """The get-help-now box: the emergency, same-day and this-week signs, what to do for
    each, the signs this person's history adds, and whom to call. Each sign is in one group
    only, and each group has one action. `noted`: a single weak feature was noted, and the
    reassurance that belongs only to it leads the section."""
    doctor = doctor_words(options.doctor)
    ambulance = options.ambulance()
    signs = signs_for(assessment)

    def words(tier: str, place: str = "") -> list[str]:
        return [
            _(s.words).format(ambulance=ambulance)
            for s in signs
            if s.tier == tier and s.place == place
        ]

    groups = [
        HelpGroup(
            _("Go to hospital now if:"),
            tuple(words("emergency")),
            _(
                "Go to a hospital emergency department now, or {ambulance}. Do not wait to "
                "see if it gets better."
            ).format(ambulance=ambulance),
            warning=True,
        ),
    ]
    if assessment is not None and assessment.pregnant_or_postpartum:
        groups.append(
            HelpGroup(
                _("If you are pregnant or have had a baby in the last year:"),
                (
                    _(
                        "Call your maternity unit straight away about any warning sign they "
                        "told you to look out for, or if you are worried about yourself or "
                        "your baby"
                    ),
                ),
                _("Your maternity unit, not us, is the place to call for these."),
                warning=True,
            )
        )
    today = words("same_day")
    if assessment is not None and assessment.spinal_surgery_within_6_months:
        today.append(
            _(
                "Your wound gets red, hot, swollen or starts to leak after your back "
                "operation. Tell your surgical team too"
            )
        )
    groups.append(
        HelpGroup(
            _("See a doctor today if:"),
            tuple(today),
            _("See your {doctor} or urgent care today. Very unwell? Go to hospital.").format(
                doctor=doctor
            ),
            warning=False,
        )
    )
    groups.append(
        HelpGroup(
            _("Go to hospital today if:"),
            tuple(words("same_day", "trauma")),
            _("Go to a hospital emergency department today."),
            warning=False,
        )
    )
    cancer = words("same_day", "oncology")
    if cancer:
        groups.append(
            HelpGroup(
                _("You have had cancer: call your cancer team today if:"),
                tuple(cancer),
                _("Call them today. No answer? See your {doctor} or urgent care today.").format(
                    doctor=doctor
                ),
                warning=False,
            )
        )
    groups.append(
        HelpGroup(
            _("See a doctor in the next few days if:"),
            tuple(words("urgent")),
            _("Call us or your {doctor} to be seen this week.").format(doctor=doctor),
            warning=False,
        )
    )
    contact = [questions_line(options)]
    if options.urgent_line:
        contact.append(
            _("When we are closed, call {number} for health advice.").format(
                number=no_break(options.urgent_line)
            )
        )
    box = HelpBox(tuple(groups), tuple(contact))
    blocks: tuple[Block, ...] = (Paragraph(_(NOTED_TEXT)), box) if noted else (box,)
    return Section("help", _(SECTION_TITLES["help"]), blocks)


STRIP = N_(
    "Warning signs: if you cannot pass urine or control your bowels, feel numb around your "
    'bottom, or a leg gets weaker, go to hospital now. See all the signs in "Get help now".'
)


# ---------------------------------------------------------------------------------------
# The sections that depend on this patient's recommendation.


def _walking_lines(walks: tuple[int, int] | None, minutes: tuple[int, int]) -> tuple[str, ...]:
    how_often = (
        _("As often as feels comfortable")
        if walks is None
        else _("{walks} a week").format(walks=walks_span(*walks))
    )
    return how_often, _("{minutes} each walk").format(minutes=minutes_span(*minutes))


def _step_words(dose: NextDose, assessment: Assessment) -> str:
    """One progression step from either end of a dose range, in words, when the step is the
    same kind at both ends ("add one walk a week"); empty when it is not."""
    assert dose.walks_per_week is not None
    ends = [
        Dose(dose.walks_per_week.min, dose.minutes_per_walk.min),
        Dose(dose.walks_per_week.max, dose.minutes_per_walk.max),
    ]
    steps = [progression_step(d, assessment.walking_tolerance) for d in ends]
    extra_walks = {s.walks - d.walks for s, d in zip(steps, ends, strict=True)}
    extra_minutes = {s.minutes - d.minutes for s, d in zip(steps, ends, strict=True)}
    if extra_walks == {1} and extra_minutes == {0}:
        return _("do one more walk a week than you did this week, each as long as before")
    if extra_walks == {1} and all(m < 0 for m in extra_minutes):
        return _("spread the same minutes over one more walk a week")
    if extra_walks == {0} and len(extra_minutes) == 1 and min(extra_minutes) > 0:
        n = min(extra_minutes)
        return ngettext(
            "add {n} minute to each walk, with as many walks as this week",
            "add {n} minutes to each walk, with as many walks as this week",
            n,
        ).format(n=n)
    return ""


def week_words(week: Week) -> str:
    """A plan week in a patient's words: "4 walks a week of 10 minutes", or for a range
    "3 to 4 walks a week of 5 to 10 minutes"."""
    if week.top is None:
        return walks_words(week.walks, week.minutes)
    walks, minutes = week.top
    return _("{walks} a week of {minutes}").format(
        walks=walks_span(week.walks, walks), minutes=minutes_span(week.minutes, minutes)
    )


def _plan_caption(plan: Plan) -> str:
    """The chart's caption: where this plan ends, in the goal's words as the dose meets it."""
    last = plan.weeks[-1]
    if plan.target_week is None:
        return _("Your plan, week by week, if your back is happy with each step.")
    return _("Your plan, week by week, up to {goal}, if your back is happy with each step.").format(
        goal=goal_words(Dose(last.walks, last.minutes))
    )


def goal_words(dose: Dose) -> str:
    """The goal as this dose meets it: "the goal of 5 walks a week of 30 minutes" only when
    that is the dose; otherwise the 150 minutes a week it reaches."""
    if dose == (TARGET_WALKS, TARGET_MINUTES):
        return _("the goal of {walks} walks a week of {minutes} minutes").format(
            walks=TARGET_WALKS, minutes=TARGET_MINUTES
        )
    return _("the goal of about {total} minutes of walking a week, with {dose}").format(
        total=TARGET_WALKS * TARGET_MINUTES, dose=walks_words(*dose)
    )


def current_dose(assessment: Assessment) -> Dose | None:
    """The walking dose the person is on now, when it was asked."""
    w = assessment.walking
    return None if w is None else Dose(w.walks_per_week, w.minutes_per_walk)


def walks_words(walks: int, minutes: int) -> str:
    """A dose in a patient's words: "1 walk a week of 5 minutes", "4 walks a week of 10 minutes"."""
    return _("{walks} a week of {minutes}").format(
        walks=walks_span(walks, walks), minutes=minutes_span(minutes, minutes)
    )


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
    log = WalkingLog.worded()
    title = _(SECTION_TITLES["walking"])
    if rec.decision == Decision.MODERATE_FLARE:
        # Where to restart is said once: in the flare-up plan, or here when that is left out.
        restart = () if with_restart is False else (Paragraph(_restart(rec)),)
        return Section(
            "walking",
            title,
            (
                DoseBox(_("While your back is flared up"), _walking_lines(walks, minutes)),
                *restart,
                log,
            ),
        )
    blocks: list[Block] = [DoseBox(_("This week"), _walking_lines(walks, minutes))]
    if Flag.CHRONIC_PAIN in rec.flags:
        blocks.append(Paragraph(_(CHRONIC_TEXT)))
    if (
        rec.decision == Decision.STEP_BACK
        and Flag.CLINICIAN_REVIEW in rec.flags
        and (exact_dose(rec.next_dose) == current_dose(assessment))
    ):
        blocks.append(
            Paragraph(
                _(
                    "Your back got worse after the last step up. This is already the smallest "
                    "amount, so stay at it this week. We will look at your plan together."
                )
            )
        )
    elif rec.decision == Decision.STEP_BACK:
        blocks.append(
            Paragraph(
                _(
                    "Your back got worse after the last step up, so this week is a little "
                    "easier. That is normal, and it is the safe way to build up."
                )
            )
        )
    elif rec.decision == Decision.HOLD:
        blocks.append(
            Paragraph(
                _("Stay at this amount this week. It gives your back time to get used to it.")
            )
        )
    next_week = plan.weeks[1] if len(plan.weeks) > 1 else None
    this_week = exact_dose(rec.next_dose)
    at_goal = rec.decision != Decision.STEP_BACK and this_week is not None and target_met(this_week)
    stepping = False  # whether the sheet plans a step up after this week
    if at_goal and this_week is not None and rec.decision is Decision.PROGRESS:
        blocks.append(
            Paragraph(
                _(
                    "This step takes you to {goal}. After this week, the aim is to keep it up."
                ).format(goal=goal_words(this_week))
            )
        )
    elif at_goal and this_week is not None:
        blocks.append(
            Paragraph(
                _("You have reached {goal}. Well done. Keep it up.").format(
                    goal=goal_words(this_week)
                )
            )
        )
    elif this_week is None and rec.next_dose is not None and rec.next_dose.walks_per_week:
        # A range (the starting dose): the step is said from what the person chose to do,
        # so it is never a step down for someone who did the top of the range.
        step = _step_words(rec.next_dose, assessment)
        if step:
            stepping = True
            blocks.append(
                Paragraph(
                    _("Next week, if your back has not become more painful, {step}.").format(
                        step=step
                    )
                )
            )
    elif (
        next_week is not None
        and this_week is not None
        and (
            next_week.walks * next_week.minutes > this_week.walks * this_week.minutes
            or is_sharing_step(this_week, Dose(next_week.walks, next_week.minutes))
        )
    ):
        stepping = True
        shared = is_sharing_step(this_week, Dose(next_week.walks, next_week.minutes))
        words = (
            _(
                "Next week, if your back has not become more painful, spread the same "
                "minutes over one more walk: {dose}."
            )
            if shared
            else _("Next week, if your back has not become more painful, step up to {dose}.")
        )
        blocks.append(Paragraph(words.format(dose=walks_words(next_week.walks, next_week.minutes))))
    if stepping or rec.decision is Decision.PROGRESS:
        blocks.append(
            Paragraph(
                _(
                    "If your back does get more painful after a step up, go back to the "
                    "amount you did the week before. Stay there until the pain settles, then "
                    "try the step again."
                )
            )
        )
    else:
        blocks.append(
            Paragraph(
                _(
                    "If your back gets more painful, walk a little less for a few days. When "
                    "the pain settles, build back up to this amount."
                )
            )
        )
    blocks.append(log)
    if len(plan.weeks) > 1:
        blocks.append(PlanChart(plan, _plan_caption(plan)))
    return Section("walking", title, tuple(blocks))


def flare_section(
    assessment: Assessment, rec: Recommendation, doctor: Doctor = "GP", walker: bool = True
) -> Section:
    """What to do in a mild, a moderate and a bad flare-up, and when to restart."""
    blocks: list[Block] = []
    if rec.decision == Decision.SEVERE_FLARE:
        blocks.append(
            Paragraph(
                _(
                    "Your back is badly flared up right now. Take it easy for the next few "
                    "days. Do not do too much, but do not stay in bed either. Gentle moving "
                    "is best."
                )
            )
        )
    elif rec.decision == Decision.MODERATE_FLARE and rec.next_dose is None:
        blocks.append(
            Paragraph(
                _(
                    "Your back is flared up. Keep gently active, with movement you can "
                    "manage. Do a little, often."
                )
            )
        )
    elif rec.decision == Decision.MODERATE_FLARE:
        blocks.append(
            Paragraph(
                _(
                    "Your back is flared up. Short walks of 2 to 5 minutes can ease the pain. "
                    "Walk as often as feels comfortable this week."
                )
            )
        )
    blocks += [
        Bullets(
            (
                _("Keep up your normal day as best you can."),
                _("Keep to your walking plan if you can, or walk a little less.")
                if walker
                else _("Keep to your exercise plan if you can, or do a little less."),
            ),
            lead=_("A mild flare-up (a little worse than usual):"),
        ),
        Bullets(
            (
                _("Keep gently active. Take short walks of 2 to 5 minutes."),
                _("Walk as often as feels comfortable."),
            )
            if walker
            else (_("Keep gently active, with movement you can manage. Do a little, often."),),
            lead=_("A moderate flare-up (it is hard to do your usual things):"),
        ),
        Bullets(
            (
                _(
                    "Take it easier for a day or two, but keep moving gently. Staying in bed "
                    "does not help."
                ),
                _(COLD_OR_HEAT),
                _(PAIN_RELIEF_TEXT).format(doctor=doctor_words(doctor)),
                _("Call us if it does not start to ease in 2 to 3 days."),
            ),
            lead=_("A bad flare-up (the pain is very strong):"),
        ),
    ]
    if rec.decision in FLARE_DECISIONS:
        blocks.append(Paragraph(_restart(rec)))
    return Section("flare", _(SECTION_TITLES["flare"]), tuple(blocks))


COLD_OR_HEAT = N_(
    "Use a cold pack or a heat pack, whichever feels better. Wrap it in a towel and use it "
    "for 15 to 20 minutes at a time. Do not use it on skin that feels numb, if you have poor "
    "blood flow or nerve damage, or while you sleep."
)
PAIN_RELIEF_TEXT = N_("Talk to your {doctor} or pharmacist about pain relief.")


def waiting_care_section(rec: Recommendation, doctor: Doctor = "GP") -> Section:
    """Easing the pain while waiting to be seen after a referral: the flare care the
    recommendation gives, and never the walking plan's own advice."""
    items: list[str] = []  # staying gently active is said once, in the referral's own section
    if rec.ice_or_heat:
        items.append(_(COLD_OR_HEAT))
    if rec.medication_discussion:
        items.append(_(PAIN_RELIEF_TEXT).format(doctor=doctor_words(doctor)))
    return Section("flare", _("Easing the pain while you wait"), (Bullets(tuple(items)),))


def _restart(rec: Recommendation) -> str:
    """Where to restart after this flare: the recommendation's own resume dose."""
    resume = exact_dose(rec.resume_dose)
    if resume is None:
        return _("When the flare-up settles, we will plan your exercise together.")
    return _(
        "When the flare-up settles, go back to {dose}. Stay at that for a week before you "
        "step up again."
    ).format(dose=walks_words(*resume))


# What a referral is about, in a patient's words (never a diagnosis).
CONDITION_WORDS: dict[Condition, str] = {
    "cauda_equina": N_("signs that the nerves at the bottom of your back may be squeezed"),
    "progressive_neurological_deficit": N_("changes in your legs that need checking today"),
    "metastatic_cord_compression": N_("changes that, with your past cancer, need checking today"),
    "aortic_aneurysm": N_("signs that may come from a large blood vessel in your belly"),
    "spinal_infection": N_("signs of a possible infection"),
    "malignancy": N_("signs that a doctor should check for other causes of back pain"),
    "fracture": N_("an injury to your back that needs checking"),
    "axial_spondyloarthritis": N_(
        "signs of a type of back pain that comes from inflammation in the spine"
    ),
    "cardiorespiratory": N_("chest pain, fainting or being short of breath when you are active"),
}


# Where a same-day referral sends the person (`cards.same_day_places`), in their words.
SAME_DAY_PLACE_TEXT: dict[SameDayPlace, str] = {
    "doctor": N_(
        "Please see a doctor today. Your {doctor} or an urgent care clinic can see you. If "
        "you feel very unwell, go to a hospital emergency department."
    ),
    "oncology": N_(
        "Please call your cancer team (the acute oncology team) today. They need to see you "
        "within a day. We will help you reach them."
    ),
    "trauma": N_(
        "Please go to a hospital emergency department today. They will check your back "
        "there, and take pictures of it if they need to."
    ),
}
SEVERAL_CONCERNS_TEXT = N_(
    "On their own, each of these might wait a few days. Together, they need a doctor today."
)
MSCC_TEXT = N_("We are also calling the hospital's spinal team for people who have had cancer.")
# What to do while waiting to be seen: never the walking plan's own advice.
WAITING_TEXT: dict[Decision, str] = {
    Decision.EMERGENCY_REFERRAL: N_(
        "Do not start the walking plan until a doctor has checked you."
    ),
    Decision.SAME_DAY_REFERRAL: N_(
        "Do not go for exercise walks until a doctor has seen you. Stay gently active, as "
        "much as is comfortable."
    ),
    Decision.URGENT_REFERRAL: N_(
        "These signs must be checked before you start the walking plan. Until then, stay "
        "gently active, as much as is comfortable."
    ),
}


def _referral_text(decision: Decision, doctor: Doctor, screening: Screening) -> tuple[str, ...]:
    """Where to go and what to do meanwhile, by the referral's tier and place (§3.3)."""
    if decision is Decision.EMERGENCY_REFERRAL:
        go = [
            _(
                "Please go to a hospital emergency department now. Take this sheet with you "
                "and show it to the staff there."
            )
        ]
        if mscc(screening):
            go.append(_(MSCC_TEXT))
    elif decision is Decision.SAME_DAY_REFERRAL:
        go = [
            _(SAME_DAY_PLACE_TEXT[p]).format(doctor=doctor_words(doctor))
            for p in same_day_places(screening)
        ]
        if screening.combined_by_count:
            go.insert(0, _(SEVERAL_CONCERNS_TEXT))
    else:
        go = [
            _("Please see a doctor in the next few days, this week. We will help you arrange it.")
        ]
    return (*go, _(WAITING_TEXT[decision]))


REFERRAL_TITLES: dict[Decision, str] = {
    Decision.EMERGENCY_REFERRAL: N_("Go to hospital now"),
    Decision.SAME_DAY_REFERRAL: N_("See a doctor today"),
    Decision.URGENT_REFERRAL: N_("See a doctor this week"),
}
# A same-day sheet is titled by where it sends the person (`cards.same_day_places`).
SAME_DAY_TITLES: dict[SameDayPlace, str] = {
    "doctor": N_("See a doctor today"),
    "oncology": N_("Call your cancer team today"),
    "trauma": N_("Go to hospital today"),
}
SEVERAL_PLACES_TITLE = N_("Get seen today")


def referral_title(decision: Decision, screening: Screening) -> str:
    """The referral section's title: the tier, and for a same-day referral its place."""
    if decision is Decision.SAME_DAY_REFERRAL:
        places = same_day_places(screening)
        return _(SAME_DAY_TITLES[places[0]] if len(places) == 1 else SEVERAL_PLACES_TITLE)
    return _(REFERRAL_TITLES[decision])


CHEST_PAIN_AT_REST = N_("chest pain or tightness while you are resting")


def referral_section(
    assessment: Assessment, rec: Recommendation, options: HandoutOptions
) -> Section:
    """Why the person is being sent to a doctor, where, and how soon."""
    referral = rec.referral
    assert referral is not None  # only referral decisions get this section
    screening = screen(assessment.red_flags, assessment.exercise_screen)
    top = [t.condition for t in screening.deciding]
    ambulance = referral.urgency == "emergency" and "cardiorespiratory" in top
    words = (
        {**CONDITION_WORDS, "cardiorespiratory": CHEST_PAIN_AT_REST}
        if ambulance
        else CONDITION_WORDS
    )
    found = "; ".join(_(words[c]) for c in top)
    blocks: list[Block] = [Paragraph(_("You told us about {found}.").format(found=found))]
    text = _referral_text(rec.decision, options.doctor, screening)
    if ambulance:
        # An ambulance, not a drive to hospital: the sheet says only that, then the plan.
        call = options.ambulance()
        blocks += [
            Paragraph(
                _(
                    "{call} now. Do not drive yourself. If the chest pain stops, still get "
                    "checked today. Show this sheet to the ambulance crew."
                ).format(call=call[:1].upper() + call[1:])
            ),
            *((Paragraph(_(MSCC_TEXT)),) if mscc(screening) else ()),
            Paragraph(text[-1]),
        ]
    else:
        blocks.extend(Paragraph(t) for t in text)
    if rec.decision is Decision.SAME_DAY_REFERRAL and "cardiorespiratory" in top:
        blocks.append(
            Paragraph(
                _("If chest pain comes on while you are resting, {ambulance}.").format(
                    ambulance=options.ambulance()
                )
            )
        )
    title = _("Call an ambulance now") if ambulance else referral_title(rec.decision, screening)
    warning = rec.decision in (Decision.EMERGENCY_REFERRAL, Decision.SAME_DAY_REFERRAL)
    return Section("referral", title, tuple(blocks), warning=warning)


def staff_section(assessment: Assessment, rec: Recommendation, options: HandoutOptions) -> Section:
    """On an emergency sheet, what the receiving team needs: the letter's own facts (in the
    letter's clinical English, whatever the patient's language)."""
    from .letter import referral_facts

    with speaking("en"):
        facts = referral_facts(assessment, rec, options)
    return Section(
        "staff",
        _("For the emergency team"),
        (StaffNote(facts.lead, facts.lines),),
        staff=True,
    )


def _routine_text(doctor: Doctor) -> tuple[str, ...]:
    return (
        _(
            "Please make an appointment with your {doctor} in the next few weeks. They may "
            "send you to a joint specialist (a rheumatologist)."
        ).format(doctor=doctor_words(doctor)),
        _(
            "Keep going with your walking plan while you wait. Walking and exercise help this "
            "kind of back pain too."
        ),
    )


def routine_section(rec: Recommendation, doctor: Doctor = "GP") -> Section:
    """The routine referral that rides along with the walking plan."""
    assert rec.referral is not None
    found = "; ".join(_(CONDITION_WORDS[c]) for c in rec.referral.conditions)
    return Section(
        "referral",
        _("Seeing your {doctor}").format(doctor=doctor_words(doctor)),
        (
            Paragraph(_("You told us about {found}.").format(found=found)),
            *(Paragraph(t) for t in _routine_text(doctor)),
        ),
    )


OTHER_TEXT: dict[Decision, tuple[str, ...]] = {
    Decision.OUT_OF_SCOPE: (
        N_(
            "This walking plan was made for people aged 16 and over. Your physiotherapist "
            "will plan your care with you and your family."
        ),
    ),
}
ALTERNATIVE_TEXT = {
    "prefers": (
        N_(
            "You would rather do another kind of exercise than walk. That is fine: what "
            "matters is moving most days."
        ),
    ),
    "cannot": (
        N_(
            "Walking is hard for you right now, so we will plan another kind of exercise "
            "with you. What matters is moving most days."
        ),
    ),
    "both": (
        N_(
            "Yoga, Pilates or swimming are all good choices. Start small and build up a "
            "little each week, as long as your back is happy."
        ),
    ),
}
CHRONIC_TEXT = N_(
    "Your back pain has lasted 3 months or more. Walking is still good for you, and your "
    "physiotherapist will add exercise and advice that suit long-lasting back pain."
)


# Reassurance belongs only where a single weak feature was noted (never beside a referral).
NOTED_TEXT = N_(
    "You told us about something we will keep an eye on. On its own it is most often not "
    "serious. We will ask about it at each visit."
)
RADICULAR_TEXT = N_(
    "Leg pain often comes with back pain. Walking is safe with it. We will check your leg "
    "at each visit."
)
CLAUDICATION_TEXT = N_(
    "If your legs ache or feel heavy when you walk or stand, stop and sit down, or lean "
    "forward, until it eases. Then walk on. Short walks with rests are fine. A bike, walking "
    "poles or a walking frame can help too."
)
# Page 1 of a sheet printed from a catalogue no clinician has signed off.
UNREVIEWED_TEXT = N_(
    "This translation has not yet been checked by a health professional who reads this "
    "language. If anything is unclear, ask your physiotherapist."
)


def _title(rec: Recommendation, sections: list[Section]) -> str:
    if rec.decision is Decision.EMERGENCY_REFERRAL:
        return _("Emergency: {what}").format(what=sections[0].title.lower())
    if rec.decision is Decision.SAME_DAY_REFERRAL:
        what = f"{sections[0].title[:1].lower()}{sections[0].title[1:]}"
        return _("Your back: {what}").format(what=what)
    if rec.decision is Decision.URGENT_REFERRAL:
        return _("Your back: see a doctor this week")
    if rec.decision == Decision.SEVERE_FLARE:
        return _("Your back: flare-up plan")
    if rec.next_dose is not None:
        return _("Your back: walking plan")
    return _("Your back: your plan")


LAST_VISIT = N_(
    "This was your last planned visit. Each month for the next year, we will ask you three "
    "short questions about your back. Your check-in card lists them."
)


def review_words(day: date) -> str:
    """A date as a patient reads it: "Wednesday 16 December 2026" (in the language being
    printed)."""
    return weekday_date(day)


def _intro(rec: Recommendation) -> str:
    if rec.decision in REFERRAL_DECISIONS:
        return _("This sheet explains why we are sending you to a doctor, and when to get help.")
    if rec.decision == Decision.SEVERE_FLARE:
        return _("This sheet explains how to look after your back while it is flared up.")
    return _("This sheet is your own plan. Keep it somewhere you will see it, like the fridge.")


def _plan_text(assessment: Assessment, rec: Recommendation) -> tuple[str, ...]:
    """The short "Your plan" text of decisions with no walking dose of their own."""
    chosen: tuple[str, ...]
    if rec.decision is Decision.ALTERNATIVE_EXERCISE:
        cannot = assessment.walking_tolerance == "not_tolerated"
        chosen = ALTERNATIVE_TEXT["cannot" if cannot else "prefers"] + ALTERNATIVE_TEXT["both"]
    else:
        chosen = OTHER_TEXT.get(rec.decision, ())
    return tuple(_(t) for t in chosen)


def _extra_walking_text(rec: Recommendation) -> list[Paragraph]:
    """Plain words for the flags that change how a person walks."""
    extra = []
    if Flag.RADICULAR_PAIN in rec.flags:
        extra.append(Paragraph(_(RADICULAR_TEXT)))
    if Flag.NEUROGENIC_CLAUDICATION in rec.flags:
        extra.append(Paragraph(_(CLAUDICATION_TEXT)))
    return extra


def build_handout(
    assessment: Assessment, rec: Recommendation, options: HandoutOptions | None = None
) -> Handout:
    """The handout for one consultation, with the sections the decision calls for, in the
    language the options choose.

    Every dose, tier, restart point and date is read from `rec` and `options`, never worked
    out again here.
    """
    options = options or HandoutOptions()
    with speaking(options.language):
        return _build(assessment, rec, options)


def _build(assessment: Assessment, rec: Recommendation, options: HandoutOptions) -> Handout:
    from .i18n import reviewed

    doctor = options.doctor
    chosen = set(options.sections) | {"help"}  # the get-help box is always printed
    sections: list[Section] = []
    decision = rec.decision
    # Someone who cannot walk, or who chose another exercise, gets no walking advice.
    walker = (
        decision is not Decision.ALTERNATIVE_EXERCISE
        and assessment.walking_tolerance != "not_tolerated"
    )
    if decision in REFERRAL_DECISIONS:
        sections.append(referral_section(assessment, rec, options))
        if decision is Decision.EMERGENCY_REFERRAL:
            # The sheet goes to hospital with the person: the team reads what was found.
            sections.append(staff_section(assessment, rec, options))
        if rec.ice_or_heat and "flare" in chosen:
            sections.append(waiting_care_section(rec, doctor))
    else:
        plan_text = _plan_text(assessment, rec)
        if plan_text:
            sections.append(Section("plan", _("Your plan"), tuple(Paragraph(t) for t in plan_text)))
        if rec.referral is not None:
            sections.append(routine_section(rec, doctor))
        walking = rec.next_dose is not None and (
            decision in PROGRAMME_DECISIONS or decision is Decision.MODERATE_FLARE
        )
        order = ["flare", "walking"] if decision in FLARE_DECISIONS else ["walking", "flare"]
        # The warning signs follow the plan, before the background reading.
        for key in [*order, "help", "understanding", "self_care"]:
            if key == "help":
                noted = Flag.RED_FLAG_FEATURES_NOTED in rec.flags
                sections.append(help_section(options, assessment, noted))
            if key not in chosen or key == "help":
                continue
            if key == "walking" and walking:
                plan = project(assessment, rec)
                section = walking_section(assessment, rec, plan, "flare" not in chosen)
                extra = _extra_walking_text(rec)
                if extra:
                    blocks = list(section.blocks)
                    blocks[1:1] = extra  # under the dose, before the step
                    section = replace(section, blocks=tuple(blocks))
                sections.append(section)
            elif key == "flare" and decision != Decision.OUT_OF_SCOPE:
                sections.append(flare_section(assessment, rec, doctor, walker))
            elif key == "understanding" and decision != Decision.OUT_OF_SCOPE:
                sections.append(understanding_section(rec, walker))
            elif key == "self_care":
                sections.append(self_care_section(doctor, walker))
    if decision in REFERRAL_DECISIONS:
        sections.append(help_section(options, assessment))
    intro = _intro(rec)
    if options.discharged is not None:  # the last visit: no next one, but the monthly questions
        intro += " " + _(LAST_VISIT)
        last = _(LOG_INSTRUCTION_LAST)
        sections = [
            replace(
                section,
                blocks=tuple(
                    replace(b, instruction=last) if isinstance(b, WalkingLog) else b
                    for b in section.blocks
                ),
            )
            for section in sections
        ]
    elif options.review is not None:
        intro += " " + _("Your next visit is on {day}.").format(day=review_words(options.review))
    safety_net = Flag.RED_FLAG_SAFETY_NET in rec.flags
    language = options.language
    notice: tuple[str, ...] = ()
    if reviewed(language) is None:
        notice = (_(UNREVIEWED_TEXT),)
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
        strip=_(STRIP) if safety_net else "",
        warning=decision is Decision.EMERGENCY_REFERRAL,
        language=language,
        notice=notice,
    )
