"""Prints that arrive and are recorded when they do: a file made on a press outlives other
sessions' clean-ups until its browser has it, and its print is noted once the file has
been sent whole, never for a press whose file did not arrive."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager, MediaFileMetadata
from streamlit.runtime.media_file_storage import MediaFileKind, MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from walkback_rules.server.deliveries import KEEP_SECONDS, Deliveries, digest, keep_downloads
from walkback_rules.server.files import PatientFiles


@pytest.fixture
def kept() -> Iterator[None]:
    yield
    keep_downloads(KEEP_SECONDS)  # as the app runs


def _pressed(manager: MediaFileManager) -> str:
    """One press of a download button: its file made, the id its browser will fetch."""
    placeholder = manager.add_deferred(
        lambda: b"%PDF-1.7 handout", "application/pdf", "c1", "h.pdf"
    )
    url = manager.execute_deferred(placeholder)
    return url.rsplit("/", 1)[-1].split(".")[0]


def _other_sessions_run(manager: MediaFileManager, runs: int) -> None:
    for _ in range(runs):  # each script run of any session ends with a clean-up
        manager.clear_session_refs("another-session")
        manager.remove_orphaned_files()


def _there(manager: MediaFileManager, file_id: str) -> bool:
    try:
        manager._storage.get_file(file_id)  # type: ignore[attr-defined]
    except MediaFileStorageError:
        return False
    return True


def test_without_keeping_two_clean_ups_remove_a_file_before_its_browser_fetches(kept: None) -> None:
    """The finding, reproduced on Streamlit's own manager: prints failed under load."""
    keep_downloads(0.0)
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    made = _pressed(manager)

    _other_sessions_run(manager, 2)
    assert not _there(manager, made)


def test_a_file_made_on_a_press_waits_for_its_browser(kept: None) -> None:
    keep_downloads(KEEP_SECONDS)
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    made = _pressed(manager)

    _other_sessions_run(manager, 40)  # ten clinicians' runs while the browser asks
    assert _there(manager, made)
    # Other files are cleaned up as before: an image no session shows goes at once.
    image = manager._storage.load_and_get_id(b"png", "image/png", MediaFileKind.MEDIA, None)  # type: ignore[attr-defined]
    manager._file_metadata[image] = MediaFileMetadata()  # type: ignore[attr-defined]
    _other_sessions_run(manager, 1)
    assert not _there(manager, image)


@pytest.mark.parametrize("keep", [0.0, KEEP_SECONDS])
def test_a_press_landing_while_its_page_reruns_still_gets_its_file(kept: None, keep: float) -> None:
    """A press asks for the callable its page's last run registered; a rerun of that page
    has just unreferenced it, and any clean-up then removed it (the press never arrived)."""
    keep_downloads(keep)
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    placeholder = manager.add_deferred(lambda: b"%PDF-1.7 sheet", "application/pdf", "c1", "h.pdf")

    manager.clear_session_refs("dontcare")  # its own page's rerun begins
    manager.remove_orphaned_files()  # another session's run ends meanwhile
    if keep == 0.0:
        with pytest.raises(MediaFileStorageError, match="not found"):
            manager.execute_deferred(placeholder)
    else:
        assert manager.execute_deferred(placeholder).endswith(".pdf")


def test_a_waiting_print_is_taken_once_per_delivery_and_expires() -> None:
    now = [0.0]
    deliveries = Deliveries(keep=300.0, clock=lambda: now[0])
    noted: list[str] = []
    deliveries.expect(b"same sheet", lambda: noted.append("first"))
    deliveries.expect(b"same sheet", lambda: noted.append("second"))  # pressed twice

    assert deliveries.delivered(digest(b"another file")) is None
    first = deliveries.delivered(digest(b"same sheet"))
    assert first is not None
    first()
    assert noted == ["first"] and deliveries.waiting() == 1

    now[0] = 301.0  # its browser never came: no print
    assert deliveries.delivered(digest(b"same sheet")) is None
    assert deliveries.waiting() == 0


def _serve(
    status: int, chunks: list[bytes], path: str = "/media/abc.pdf", gone_at: int = -1
) -> list[str]:
    """The middleware in front of a server answering `status` with `chunks`; returns the
    notes run after the response."""
    noted: list[str] = []
    deliveries = Deliveries()
    deliveries.expect(b"".join([b"%PDF-", b"1.7 sheet"]), lambda: noted.append("printed"))

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": status, "headers": []})
        for i, chunk in enumerate(chunks):
            await send(
                {"type": "http.response.body", "body": chunk, "more_body": i < len(chunks) - 1}
            )

    sent = [0]

    async def send(message: Any) -> None:
        assert noted == []  # never noted before the whole file has gone
        if message["type"] == "http.response.body":
            if sent[0] == gone_at:
                raise OSError("the browser went away")
            sent[0] += 1

    async def receive() -> dict[str, Any]:
        return {}

    stored = {"/media/abc.pdf": b"%PDF-1.7 sheet"}  # sent compressed or not, stored whole
    files = PatientFiles(app, lambda: "local", deliveries=deliveries, content_of=stored.get)
    with contextlib.suppress(OSError):  # the browser that went away
        asyncio.run(files({"type": "http", "path": path, "headers": []}, receive, send))
    return noted


def test_a_print_is_noted_once_its_file_is_sent_whole() -> None:
    assert _serve(200, [b"%PDF-", b"1.7 sheet"]) == ["printed"]
    assert _serve(404, [b"not found"]) == []  # the file was gone: no print
    assert _serve(200, [b"\x1f\x8b compressed"]) == ["printed"]  # gzip on the wire
    assert _serve(200, [b"%PDF-1.7 sheet"], path="/media/other.pdf") == []  # not this file
    assert _serve(200, [b"%PDF-", b"1.7 sheet"], gone_at=1) == []  # the browser left half-way
    assert _serve(206, [b"%PDF-", b"1.7 sheet"]) == []  # a part, not a delivery
    assert _serve(200, [b"%PDF-", b"1.7 sheet"], path="/_stcore/upload_file/x") == []
