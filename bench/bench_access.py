"""Benchmark a clinic server's sign-in and audit trail.

Prints, as medians:
  - what writing an audit row adds to the action it records: saving a consultation with
    and without its audit row (the row goes in the same transaction), interleaved, and an
    audit row on its own (as the app writes for opening a patient); target: at most 2 ms;
  - the first page through the proxy (the deployment's Caddyfile, TLS) for a signed-in
    clinician, and the same page through the same proxy and app with no sign-in configured,
    in headless Chromium from navigation to the Consultation heading drawn; target: at most
    1.3x.

Run: uv run python bench/bench_access.py [--pg URL] [--saves 200] [--pages 7]
(the page figures need caddy and oidc-provider-mock, as .ci/run installs them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import CHROMIUM_ARGS, chromium_path
from tests.clinic import ALICE, clinic_server, email, sign_in
from tests.conftest import make_assessment
from tests.stores import database
from walkback_rules import recommend
from walkback_rules.store import Store


def _ms(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def audit_cost(url: str, saves: int) -> tuple[float, float, float]:
    """Medians: a save without its audit row, with it, and an audit row alone (ms)."""
    assessment = make_assessment()
    with Store.open(url) as store:
        pid = store.new_patient().id
        plain, audited, alone = [], [], []
        for _ in range(saves):
            plain.append(_ms(lambda: store.record(pid, assessment, recommend(assessment))))
            audited.append(
                _ms(
                    lambda: store.record(pid, assessment, recommend(assessment), actor=email(ALICE))
                )
            )
            alone.append(_ms(lambda: store.audit(email(ALICE), "open_patient", pid)))
    return statistics.median(plain), statistics.median(audited), statistics.median(alone)


def first_page(db_url: str, folder: Path, signed: bool, rounds: int) -> float:
    """Median ms from navigation to the Consultation heading, through the proxy."""
    import playwright.sync_api as playwright_api

    times = []
    with (
        clinic_server(folder, db_url, sign_in=signed) as clinic,
        playwright_api.sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(ignore_https_errors=True)
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        if signed:
            sign_in(tab, clinic, ALICE)
            with Store.open(db_url) as store:
                store.sign_in(email("boss"), None, email("boss"))
                store.set_roles(email(ALICE), {"clinician"}, by=email("boss"))
        for n in range(rounds + 1):
            page = context.new_page()
            start = time.perf_counter()
            page.goto(clinic.url)
            page.get_by_role("heading", name="Consultation", exact=True).wait_for()
            if n:  # the first load warms the app's caches; it is not counted
                times.append((time.perf_counter() - start) * 1000)
            page.close()
        browser.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="also measure on this PostgreSQL server")
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--pages", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="walkback-bench-access-"))

    print("writing an audit row (medians, ms)")
    print(f"{'record':<12} {'save':>8} {'save+row':>9} {'added':>7} {'row alone':>10}")
    urls = [("SQLite", f"sqlite:///{folder / 'bench.db'}")]
    if args.pg:
        urls.append(("PostgreSQL", args.pg))
    for name, url in urls:
        if name == "PostgreSQL":
            with database(url) as fresh:
                plain, audited, alone = audit_cost(fresh, args.saves)
        else:
            plain, audited, alone = audit_cost(url, args.saves)
        print(f"{name:<12} {plain:8.2f} {audited:9.2f} {audited - plain:7.2f} {alone:10.2f}")

    print("\nfirst page through the proxy (medians, ms)")
    if args.pg:
        with database(args.pg) as signed_db, database(args.pg) as open_db:
            signed = first_page(signed_db, folder / "signed", True, args.pages)
            unsigned = first_page(open_db, folder / "unsigned", False, args.pages)
    else:
        signed = first_page(f"sqlite:///{folder / 'signed.db'}", folder / "s", True, args.pages)
        unsigned = first_page(f"sqlite:///{folder / 'open.db'}", folder / "u", False, args.pages)
    ratio = signed / unsigned
    print(f"signed in {signed:8.0f}   without sign-in {unsigned:8.0f}   ratio {ratio:.2f}x")


if __name__ == "__main__":
    main()
