"""Keep the message catalogues of the patient's sheets in step with the code.

    uv run python tools/catalogue.py          # rewrite locales/walkback.pot, merge each .po

Extracts every message marked with `_`, `N_` or `ngettext` in walkback_rules/handouts and
walkback_rules/charts.py into `walkback_rules/handouts/locales/walkback.pot`, then merges
it into each language's catalogue: a new message arrives untranslated and a changed one
is marked fuzzy, and `tests/test_languages.py` fails until a translator has dealt with
each. Changing the text of a signed-off catalogue is a reason to have it reviewed again
(`i18n.SIGNED_OFF`).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from walkback_rules.handouts.i18n import DOMAIN, LOCALES  # noqa: E402

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
SOURCES = (ROOT / "walkback_rules" / "handouts", ROOT / "walkback_rules")
STAMP = datetime(2026, 12, 7, tzinfo=UTC)  # fixed, so the files change only with their text


def template() -> Catalog:
    """Every message the sheets print, from the source."""
    catalog = Catalog(domain=DOMAIN, project="WalkBack CDS", creation_date=STAMP)
    for folder, pattern in ((SOURCES[0], "**.py"), (SOURCES[1], "charts.py")):
        method_map = [(pattern, "python")]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder), method_map=method_map, keywords=KEYWORDS
        ):
            catalog.add(message)
    return catalog


def main() -> None:
    pot = template()
    with (LOCALES / f"{DOMAIN}.pot").open("wb") as handle:
        write_po(handle, pot, omit_header=True, no_location=True, sort_output=True, width=100)
    for po in sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        catalog.update(pot, no_fuzzy_matching=False)
        catalog.revision_date = STAMP
        catalog.fuzzy = False  # the header; a message's own fuzzy mark is kept
        with po.open("wb") as handle:
            write_po(handle, catalog, no_location=True, sort_output=True, width=100)
        print(po.relative_to(ROOT))


if __name__ == "__main__":
    main()
