"""Make the handout fonts: DejaVu Sans cut down to the scripts and symbols a handout uses.

The full fonts hold about 6,000 glyphs each, and fpdf2 reads every one of them for each new
document (about 180 ms a font). The subset keeps Latin (with Vietnamese), Greek, Cyrillic,
punctuation, arrows, maths, box drawing and common symbols, so that clinic names and dashes
still print. Run once when the fonts change:

    uv run python tools/subset_fonts.py /usr/share/fonts/truetype/dejavu
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

OUT = Path(__file__).resolve().parent.parent / "walkback_rules" / "handouts" / "fonts"
RANGES = [
    (0x0020, 0x024F),  # Basic Latin, Latin-1, Latin Extended-A and B
    (0x0300, 0x036F),  # combining accents
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # general punctuation: dashes, quotes, bullet, ellipsis
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x214F),  # letter-like symbols
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators: ≤ ≥ ×
    (0x2500, 0x25FF),  # box drawing, blocks, geometric shapes
    (0x2600, 0x27BF),  # miscellaneous symbols and dingbats: ✓ ☐
]


def main(source: Path) -> None:
    unicodes = [c for lo, hi in RANGES for c in range(lo, hi + 1)]
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        options = subset.Options()
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.hinting = False  # hinting is for screens at small sizes; print does not need it
        # fpdf2 sets text without shaping, so layout and maths tables are never read.
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
