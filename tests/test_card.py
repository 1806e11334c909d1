"""The follow-up card given at discharge: a row a month on its calendar day, the trial's
three questions, both languages, PDF/UA, and bad details refused by name."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from walkback_rules import cli
from walkback_rules.handouts import PAPERS, HandoutOptions
from walkback_rules.handouts.card import card_pdf

from .pdf_tags import structure_types, untagged_text
from .test_print_access import findings

OPTIONS = HandoutOptions(
    clinic="Harbourside Physio", phone="02 9555 0123", patient="P-7K2QF9", issued=date(2026, 12, 7)
)


def words(data: bytes) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_card_is_one_tagged_page_with_a_row_a_month(
    language: str, paper: str, tmp_path: Path
) -> None:
    options = replace(OPTIONS, language=language, paper=paper)  # type: ignore[arg-type]
    data = card_pdf(date(2026, 1, 31), options)
    text = words(data)

    assert findings(data, tmp_path / "card.pdf") == []
    assert untagged_text(data) == []
    assert {"H1", "Table", "TH", "L", "LI"} <= structure_types(data)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    if language == "en":
        # Calendar months: 31 January + 1 month is 28 February.
        assert "28 February 2026" in text and "31 January 2027" in text
        assert "lasted 24 hours or more" in text and "02 9555 0123" in text
    else:
        assert "28 de febrero de 2026" in text and "31 de enero de 2027" in text
        assert "24 horas o más" in text and "Esta traducción todavía no" in text


def test_bad_details_are_refused_by_field() -> None:
    with pytest.raises(ValueError, match="months: a whole number of months from 1 to 36"):
        card_pdf(date(2026, 1, 31), OPTIONS, months=0)
    with pytest.raises(ValueError, match="discharge: the day of discharge: today or earlier"):
        card_pdf(date(2026, 12, 8), OPTIONS)


def test_the_command_writes_the_card_and_refuses_bad_options(tmp_path: Path) -> None:
    import contextlib

    target = tmp_path / "card.pdf"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        status = cli.main(
            ["card", "--discharge", "2026-06-30", "-o", str(target), "--language", "es"],
            out=out,
            err=err,
        )
    assert status == 0 and target.read_bytes().startswith(b"%PDF-")
    assert "Su espalda: tarjeta de seguimiento mensual" in words(target.read_bytes())

    bad = io.StringIO()
    status = cli.main(
        ["card", "--discharge", "30/06/2026", "--months", "40", "-o", str(tmp_path / "x.pdf")],
        out=io.StringIO(),
        err=bad,
    )
    assert status == 2
    assert "--discharge" in bad.getvalue() and "--months" in bad.getvalue()
    assert not (tmp_path / "x.pdf").exists()
