"""A patient's record as a FHIR R4B Bundle (optional: `pip install walkback-cds[fhir]`).

The Bundle holds the Patient (identified by pseudonym only), a CarePlan with the walking
activity prescribed at the last consultation, the Goal of 5 walks of 30 minutes a week, and
Observations from each consultation's assessment (pain rating, PHQ-2 total). The
follow-up after discharge is a Bundle of its own: one Observation per monthly check-in.
Every resource is built and checked with the `fhir.resources` models, so the output is valid R4B.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.dosing import TARGET_MINUTES, TARGET_WALKS
from ..outcomes.followup import CHANNELS, CheckIn
from ..outcomes.psfs import Psfs
from .repo import Episode, Store

SYSTEM = "urn:walkback-cds:patient"  # identifier system for the pseudonyms
LOINC = "http://loinc.org"
PAIN = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
PHQ2 = ("55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]")
SNOMED = "http://snomed.info/sct"
WALKING = ("229065009", "Exercise therapy")
REFERRAL = ("3457005", "Patient referral")
# A referral's urgency as a FHIR request priority: an emergency is "stat" (now), the same
# day "asap", within days "urgent", within weeks "routine".
PRIORITY = {"emergency": "stat", "same_day": "asap", "urgent": "urgent", "routine": "routine"}


# A referral's status as a FHIR request status: advised and made are in force, seen is
# completed, declined is revoked, and lost to follow-up is not known.
REQUEST_STATUS = {
    "advised": "active",
    "made": "active",
    "seen": "completed",
    "declined": "revoked",
    "lost": "unknown",
}


def _performer(version: str, assessment: dict[str, Any], urgency: str) -> dict[str, Any]:
    """Who the referral goes to, where ruleset 2.1 names a team (§3.3): the acute oncology
    / MSCC team, the emergency department after major trauma, the MSCC coordinator beside
    the emergency department. Records of earlier rulesets stay as they were recorded."""
    from ..core.cards import mscc, same_day_places
    from ..core.codes import RULESET_VERSION
    from ..core.screens import screen

    if version != RULESET_VERSION:
        return {}
    screening = screen(assessment.get("red_flags", []), assessment.get("exercise_screen", []))
    teams = {
        "oncology": "acute oncology / MSCC team, within 24 hours",
        "trauma": "emergency department, today",
        "doctor": "GP or urgent care doctor, today",
    }
    if urgency == "emergency":
        names = ["emergency department, now"] + (
            ["MSCC coordinator, at once"] if mscc(screening) else []
        )
    elif urgency == "same_day":
        names = [teams[p] for p in same_day_places(screening)]
    else:
        return {}
    return {"performerType": {"text": "; ".join(names)}}


def _ref(pid: str) -> dict[str, str]:
    return {"reference": f"Patient/{pid}"}


def patient_bundle(store: Store, pid: str) -> dict[str, Any]:
    """The FHIR R4B Bundle (type collection) for one patient, as JSON-ready data."""
    from fhir.resources.R4B.bundle import Bundle

    history = store.consultations(pid)
    resources: list[dict[str, Any]] = [
        {
            "resourceType": "Patient",
            "id": pid,
            "identifier": [{"system": SYSTEM, "value": pid}],
            "active": True,
        },
        {
            "resourceType": "Goal",
            "id": f"{pid}-goal",
            "lifecycleStatus": "active",
            "description": {
                "text": f"Walk {TARGET_WALKS} times a week, {TARGET_MINUTES} minutes each time"
            },
            "subject": _ref(pid),
            "target": [
                {
                    "measure": {"text": "Minutes of walking a week"},
                    "detailQuantity": {
                        "value": TARGET_WALKS * TARGET_MINUTES,
                        "unit": "min/wk",
                        "system": "http://unitsofmeasure.org",
                        "code": "min/wk",
                    },
                }
            ],
        },
    ]
    if history:
        last = history[-1]
        rec = last.recommendation
        dose = rec.get("next_dose")
        detail: dict[str, Any] = {
            "kind": "ServiceRequest",
            "code": {
                "coding": [{"system": SNOMED, "code": WALKING[0], "display": WALKING[1]}],
                "text": "Progressive walking programme (WalkBack)",
            },
            "status": "in-progress" if dose else "on-hold",
            "doNotPerform": False,
            "description": rec["cards"][0]["summary"],
        }
        if dose and dose.get("walks_per_week"):
            detail["scheduledTiming"] = {
                "repeat": {
                    "frequency": dose["walks_per_week"]["min"],
                    "frequencyMax": dose["walks_per_week"]["max"],
                    "period": 1,
                    "periodUnit": "wk",
                    "duration": dose["minutes_per_walk"]["min"],
                    "durationMax": dose["minutes_per_walk"]["max"],
                    "durationUnit": "min",
                }
            }
        resources.append(
            {
                "resourceType": "CarePlan",
                "id": f"{pid}-careplan",
                "status": "active",
                "intent": "plan",
                "title": "WalkBack walking programme",
                "description": f"Decision {last.decision} (ruleset {last.ruleset_version})",
                "subject": _ref(pid),
                "created": last.recorded_at,
                "goal": [{"reference": f"Goal/{pid}-goal"}],
                "activity": [{"detail": detail}],
            }
        )
    followed = {r.consultation_id: r for r in store.referrals(pid)}
    for number, visit in enumerate(history, start=1):
        referral = visit.recommendation.get("referral")
        if referral:
            conditions = referral.get("conditions") or []
            item = followed.get(visit.id)
            resources.append(
                {
                    "resourceType": "ServiceRequest",
                    "id": f"{pid}-{number}-referral",
                    # What became of it, as the clinician recorded it; a referral given
                    # before referrals were followed stays as the record then stood.
                    "status": REQUEST_STATUS[item.status] if item else "unknown",
                    "intent": "order",
                    "priority": PRIORITY[referral["urgency"]],
                    "code": {
                        "coding": [{"system": SNOMED, "code": REFERRAL[0], "display": REFERRAL[1]}],
                        "text": f"Referral ({referral['urgency'].replace('_', ' ')})",
                    },
                    "subject": _ref(pid),
                    "authoredOn": visit.recorded_at,
                    "reasonCode": [{"text": c.replace("_", " ")} for c in conditions]
                    or [{"text": "red-flag findings"}],
                    **_performer(visit.ruleset_version, visit.assessment, referral["urgency"]),
                    "note": [{"text": referral["reason"]}]
                    + ([{"text": f"Status: {item.words()}"}] if item else []),
                }
            )
        a = visit.assessment
        # An emergency may leave the flare out: no pain rating was asked, so none is sent.
        observations = [(PAIN, a["flare"]["pain_now"], "pain")] if a.get("flare") else []
        if a.get("phq2") is not None:
            observations.append((PHQ2, a["phq2"], "phq2"))
        for (code, display), value, key in observations:
            resources.append(
                {
                    "resourceType": "Observation",
                    "id": f"{pid}-{number}-{key}",
                    "status": "final",
                    "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
                    "subject": _ref(pid),
                    "effectiveDateTime": visit.recorded_at,
                    "valueInteger": value,
                }
            )
    ratings = store.psfs(pid)
    if ratings:
        resources.append(psfs_questionnaire())
        resources += [psfs_response(pid, r) for r in ratings]
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": f"urn:walkback:{r['resourceType']}/{r['id']}", "resource": r}
                for r in resources
            ],
        }
    )
    data: dict[str, Any] = bundle.model_dump(mode="json", exclude_none=True)
    return data


# The follow-up questions are the WalkBack trial's own, not in LOINC or SNOMED CT as asked:
# they are coded in the product's own code system.
FOLLOW_UP = "urn:walkback-cds:follow-up"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FOLLOW_UP_CODES = {
    "check_in": "Low back pain recurrence check-in since the last one",
    "pain": "Any low back pain lasting at least 24 hours",
    "limited": "The pain limited activity",
    "sought_care": "Care was sought for the pain",
    "began": "When the pain began",
}


def _follow_up_code(key: str) -> dict[str, Any]:
    return {"coding": [{"system": FOLLOW_UP, "code": key, "display": FOLLOW_UP_CODES[key]}]}


def check_in_observation(episode: Episode, entry: CheckIn) -> dict[str, Any]:
    """One month's check-in as an Observation: each question a component, an unanswered
    month marked as such (never as "no"), and the onset to the month when only it is known."""
    day, how = episode.discharge.day.isoformat(), CHANNELS[entry.how]
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"{episode.patient_id}-{episode.discharge.day.isoformat()}-m{entry.month}",
        "status": "final",
        "category": [{"coding": [{"system": CATEGORY, "code": "survey"}]}],
        "code": _follow_up_code("check_in"),
        "subject": _ref(episode.patient_id),
        "effectiveDateTime": entry.asked_on.isoformat(),
        "note": [{"text": f"Month {entry.month} after discharge on {day}, by {how}"}],
    }
    if not entry.answered:
        observation["dataAbsentReason"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "code": "unknown",
                }
            ],
            "text": "asked, not answered",
        }
        return observation
    components: list[dict[str, Any]] = [
        {"code": _follow_up_code(key), "valueBoolean": value}
        for key, value in (
            ("pain", entry.pain),
            ("limited", entry.limited),
            ("sought_care", entry.sought_care),
        )
        if value is not None
    ]
    if entry.began is not None:
        began = entry.began.isoformat()[: 7 if entry.month_only else 10]
        components.append({"code": _follow_up_code("began"), "valueDateTime": began})
    observation["component"] = components
    return observation


def follow_up_bundle(episodes: Sequence[Episode]) -> dict[str, Any]:
    """Every check-in of `episodes` as an Observation, in one FHIR R4B Bundle (collection)."""
    from fhir.resources.R4B.bundle import Bundle

    resources = [check_in_observation(e, c) for e in episodes for c in e.check_ins]
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": f"urn:walkback:Observation/{r['id']}", "resource": r} for r in resources
            ],
        }
    )
    data: dict[str, Any] = bundle.model_dump(mode="json", exclude_none=True)
    return data


PSFS_URL = "urn:walkback-cds:questionnaire:psfs"


def psfs_questionnaire() -> dict[str, Any]:
    """The Patient-Specific Functional Scale as a Questionnaire: up to five activities, each
    named by the person and scored 0 to 10 (the wording is the product's own)."""
    from ..outcomes.psfs import ACTIVITIES_MAX, SCORE_MAX, SOURCE

    return {
        "resourceType": "Questionnaire",
        "id": "psfs",
        "url": PSFS_URL,
        "name": "PatientSpecificFunctionalScale",
        "title": "Patient-Specific Functional Scale",
        "status": "active",
        "description": f"Source: {SOURCE}. The score is the average of the activities' "
        f"scores, each from 0 (cannot do it) to {SCORE_MAX} (as before the problem).",
        "item": [
            {
                "linkId": f"activity-{n}",
                "text": f"Activity {n}",
                "type": "group",
                "required": n == 1,
                "item": [
                    {"linkId": f"activity-{n}-name", "text": "Activity", "type": "string"},
                    {"linkId": f"activity-{n}-score", "text": "Score (0-10)",
                     "type": "integer"},
                ],
            }
            for n in range(1, ACTIVITIES_MAX + 1)
        ],
    }  # fmt: skip


def psfs_response(pid: str, rating: Psfs) -> dict[str, Any]:
    """One rating as a QuestionnaireResponse to `psfs_questionnaire`."""
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"{pid}-psfs-{rating.day.isoformat()}",
        "questionnaire": PSFS_URL,
        "status": "completed",
        "subject": _ref(pid),
        "authored": rating.day.isoformat(),
        "item": [
            {
                "linkId": f"activity-{n}",
                "item": [
                    {"linkId": f"activity-{n}-name", "answer": [{"valueString": name}]},
                    {"linkId": f"activity-{n}-score", "answer": [{"valueInteger": score}]},
                ],
            }
            for n, (name, score) in enumerate(rating.activities, start=1)
        ],
    }
