"""The local patient record: patients under pseudonyms, consultations, walking diaries.

sqlalchemy and alembic load when this package is imported, never with the core rules.
"""

from .checkins import read_check_ins
from .repo import (
    ENV_URL,
    Conflict,
    Consultation,
    DiaryWeek,
    DueFollowUp,
    Episode,
    NotFound,
    Patient,
    PatientSummary,
    Store,
    StoreError,
    default_url,
    describe_url,
)
from .transfer import ImportError_, PatientFile, dumps, label_problem

__all__ = [
    "ENV_URL",
    "Conflict",
    "Consultation",
    "DiaryWeek",
    "DueFollowUp",
    "Episode",
    "ImportError_",
    "NotFound",
    "Patient",
    "PatientFile",
    "PatientSummary",
    "Store",
    "StoreError",
    "default_url",
    "describe_url",
    "dumps",
    "label_problem",
    "read_check_ins",
]
