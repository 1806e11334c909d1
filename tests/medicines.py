"""Medicine names that must never appear in anything the product writes (a test blocklist).

Generic names of the analgesics, anti-inflammatories, muscle relaxants and nerve-pain
medicines most often used for back pain, with common brand names and drug-class words.
"""

from __future__ import annotations

import re

MEDICINE_NAMES = (  # noqa: SIM905 - one word list reads better as prose
    "paracetamol acetaminophen ibuprofen naproxen diclofenac aspirin celecoxib etoricoxib "
    "meloxicam ketoprofen indomethacin codeine dihydrocodeine tramadol tapentadol morphine "
    "oxycodone hydrocodone fentanyl buprenorphine gabapentin pregabalin amitriptyline "
    "nortriptyline duloxetine diazepam cyclobenzaprine baclofen tizanidine methocarbamol "
    "prednisolone prednisone lidocaine capsaicin nurofen panadol tylenol advil voltaren "
    "nsaid nsaids opioid opioids analgesic analgesics"
).split()

_PATTERN = re.compile(r"\b(" + "|".join(MEDICINE_NAMES) + r")\b", re.IGNORECASE)


def medicines_named(text: str) -> list[str]:
    """The medicine names found in `text` (empty when it names none)."""
    return _PATTERN.findall(text)
