"""The source registry every rule cites (EVIDENCE.md §1)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    """A reference a rule rests on, with its kind of evidence."""

    id: str
    short: str
    reference: str
    level: str
    url: str | None = None
    # Said plainly wherever a rule rests on this source: why it is a weak basis.
    caveat: str | None = None


SOURCES: dict[str, Source] = {
    s.id: s
    for s in (
        Source(
            "seed-verywell-2024",
            "Verywell Health 2024",
            'Brown S. "Study Shows Walking Reduces Lower Back Pain Recurrence." Verywell Health, '
            "2 July 2024. Quotes physiotherapist and pain-medicine advice.",
            "expert opinion",
            caveat=(
                "Rests on a consumer news article: advice that experts gave a journalist, "
                "not something the trial tested."
            ),
        ),
        Source(
            "walkback-lancet-2024",
            "WalkBack trial, Lancet 2024",
            "Pocovi NC, Lin CWC, French SD, et al. Effectiveness and cost-effectiveness of an "
            "individualised, progressive walking and education intervention for the prevention "
            "of low back pain recurrence in Australia (WalkBack): a randomised controlled trial. "
            "Lancet 2024;404(10448):134–144. doi:10.1016/S0140-6736(24)00755-4",
            "randomised trial",
            "https://doi.org/10.1016/S0140-6736(24)00755-4",
        ),
        Source(
            "walkback-protocol-2020",
            "WalkBack protocol, BMJ Open 2020",
            "Pocovi NC, Lin CWC, Latimer J, et al. Study protocol for the WalkBack randomised "
            "controlled trial. BMJ Open 2020;10(10):e037149. ANZCTR ACTRN12619001134112",
            "trial protocol",
        ),
        Source(
            "nice-ng59",
            "NICE NG59",
            "NICE guideline NG59, Low back pain and sciatica in over 16s: assessment and "
            "management (2016, updated 2020)",
            "guideline",
        ),
        Source(
            "who-clbp-2023",
            "WHO chronic LBP guideline 2023",
            "WHO guideline for non-surgical management of chronic primary low back pain in adults "
            "in primary and community care settings (2023)",
            "guideline",
        ),
        Source(
            "acp-2017",
            "ACP guideline 2017",
            "Qaseem A, et al. Noninvasive treatments for acute, subacute, and chronic low back "
            "pain: a clinical practice guideline from the American College of Physicians. "
            "Ann Intern Med 2017;166:514–530",
            "guideline",
        ),
        Source(
            "cochrane-heat-2006",
            "Cochrane review of heat or cold 2006",
            "French SD, et al. Superficial heat or cold for low back pain. Cochrane Database "
            "Syst Rev 2006;CD004750",
            "systematic review",
        ),
        Source(
            "bass-ces-2018",
            "BASS/SBNS cauda equina standards 2018",
            "British Association of Spine Surgeons / SBNS. Standards of care for investigation "
            "and management of cauda equina syndrome (2018)",
            "professional standard",
        ),
        Source(
            "ifompt-2020",
            "IFOMPT red-flag framework 2020",
            "Finucane LM, et al. International framework for red flags for potential serious "
            "spinal pathologies. J Orthop Sports Phys Ther 2020;50(7):350–372",
            "consensus framework",
        ),
        Source(
            "phq2-kroenke-2003",
            "PHQ-2, Kroenke 2003",
            "Kroenke K, Spitzer RL, Williams JBW. The Patient Health Questionnaire-2: validity of "
            "a two-item depression screener. Med Care 2003;41:1284–1292",
            "validation study",
        ),
        Source(
            "who-pa-2020",
            "WHO physical activity guidelines 2020",
            "Bull FC, et al. WHO 2020 guidelines on physical activity and sedentary behaviour. "
            "Br J Sports Med 2020;54:1451–1462",
            "guideline",
        ),
        Source(
            "machado-2017",
            "Machado 2017",
            "Machado GC, Maher CG, Ferreira PH, et al. Can recurrence after an acute episode of "
            "low back pain be predicted? Phys Ther 2017;97(9):889–895 (more than two previous "
            "episodes: odds ratio 3.18, 95% CI 2.11–4.78 for recurrence)",
            "cohort study",
        ),
        Source(
            "costa-flare-2019",
            "Costa 2019 flare definition",
            "Costa N, et al. A consensus definition of a low back pain flare. "
            "J Pain 2019;20(11):1267–1275",
            "consensus",
        ),
        Source(
            "pain-monitoring",
            "Pain-monitoring model",
            "Thomeé R 1997; Silbernagel KG et al. 2007 — pain-monitoring model for exercise "
            "(pain of 5/10 or less during activity and settled by the next morning); developed "
            "for knee and tendon pain, applied here by analogy",
            "clinical model",
            caveat=(
                "Borrows a model built for knee and tendon pain: it has not been tested in "
                "back pain."
            ),
        ),
        Source(
            "girft-ces-2023",
            "GIRFT national cauda equina pathway 2023",
            "Getting It Right First Time (NHS England). National suspected cauda equina "
            "syndrome pathway (2023), supported by BASS, SBNS, CSP and others",
            "national pathway",
        ),
        Source(
            "nice-ng234",
            "NICE NG234",
            "NICE guideline NG234, Spinal metastases and metastatic spinal cord compression "
            "(2023; replaces CG75)",
            "guideline",
        ),
        Source(
            "nice-ng65",
            "NICE NG65",
            "NICE guideline NG65, Spondyloarthritis in over 16s: diagnosis and management (2017)",
            "guideline",
        ),
        Source(
            "nice-cg95",
            "NICE CG95",
            "NICE guideline CG95, Recent-onset chest pain of suspected cardiac origin: "
            "assessment and diagnosis (2010, updated 2016)",
            "guideline",
        ),
        Source(
            "nice-cg109",
            "NICE CG109",
            "NICE guideline CG109, Transient loss of consciousness ('blackouts') in over 16s "
            "(2010, updated 2023)",
            "guideline",
        ),
        Source(
            "startback-hill-2011",
            "STarT Back trial, Lancet 2011",
            "Hill JC, Whitehurst DGT, Lewis M, et al. Comparison of stratified primary care "
            "management for low back pain with current best practice (STarT Back): a "
            "randomised controlled trial. Lancet 2011;378:1560–1571",
            "randomised trial",
        ),
        Source(
            "team",
            "WalkBack CDS clinical lead",
            "Decision of this project's clinical lead, recorded with its rationale in the rule",
            "team decision",
            caveat=(
                "Rests on a decision of this product's clinical lead: a judgement recorded "
                "with its reason, not a study."
            ),
        ),
    )
}


def cite(source_ids: tuple[str, ...] | list[str]) -> str:
    """Short citations for a list of source ids, joined for display."""
    return "; ".join(SOURCES[i].short for i in source_ids)


def evidence_level(source_ids: tuple[str, ...]) -> str:
    """The kinds of evidence behind a rule, from its sources ("guideline and team decision")."""
    levels = list(dict.fromkeys(SOURCES[i].level for i in source_ids))
    return levels[0] if len(levels) == 1 else ", ".join(levels[:-1]) + " and " + levels[-1]


@dataclass(frozen=True, slots=True)
class Arm:
    """One arm of the WalkBack trial: median days to an activity-limiting recurrence."""

    name: str
    participants: int
    median_days: int
    ci_low: int
    ci_high: int


# WalkBack trial (walkback-lancet-2024), EVIDENCE.md §2.
TRIAL_ARMS = (
    Arm("Walking and education", 351, 208, 149, 295),
    Arm("No programme", 350, 112, 89, 140),
)
TRIAL_FACTS: tuple[tuple[str, str], ...] = (
    ("Participants", "701 adults recently recovered from an episode of low back pain"),
    ("Design", "Pragmatic two-arm randomised trial in Australia, 2019–2022, unblinded"),
    ("Follow-up", "12 to 36 months, monthly self-report"),
    ("Programme", "6 physiotherapist sessions over 6 months; walking built up individually"),
    ("Goal", "About 5 walks a week of at least 30 minutes by 6 months"),
    ("Median days to recurrence", "208 (95% CI 149–295) versus 112 (89–140)"),
    ("Hazard ratio", "0.72 (95% CI 0.60–0.85), p = 0.0002"),
    ("Cost", "About AU$7,802 per QALY gained"),
    ("Adverse events", "52% versus 54% (p = 0.60); more lower-limb events when walking"),
)
