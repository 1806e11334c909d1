"""Make the handout fonts: DejaVu Sans cut down to the scripts and symbols a handout uses.

The full fonts hold about 6,000 glyphs each; the subset is a sixth of the size, so the
package, the process's first print and every embedded font are smaller. The subset keeps
Western and Central European Latin, dashes, quotes, arrows, the common maths signs, ticks,
crosses, boxes and stars: what clinic names, phone numbers and the sheets' own text use in
English and Spanish. Run once when the fonts change:

    uv run python tools/subset_fonts.py /usr/share/fonts/truetype/dejavu
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fontTools import subset

from walkback_rules.clinic import PRINTABLE_RANGES

OUT = Path(__file__).resolve().parent.parent / "walkback_rules" / "handouts" / "fonts"


def main(source: Path) -> None:
    unicodes = [c for lo, hi in PRINTABLE_RANGES for c in range(lo, hi + 1)]
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        options = subset.Options()
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.hinting = False  # hinting is for screens at small sizes; print does not need it
        # Plain left-aligned text in Latin script: no ligatures, marks or maths to shape (the
        # kerning table goes too; Typst sets the text with the fonts' own advance widths).
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "MATH", "FFTM"]
        options.layout_features = []
        font = subset.load_font(str(source / name), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        subset.save_font(font, str(OUT / name), options)
        print(name, (OUT / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
