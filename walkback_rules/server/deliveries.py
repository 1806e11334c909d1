"""Files made for download stay until the browser has them, and a print is noted when its
file is delivered, not when its button is pressed.

A download button builds its file when pressed (Streamlit's deferred download): the file is
then referenced by no session, and Streamlit deletes such a file at the second clean-up
after it was made. Every script run of every session cleans up, so with a few clinicians
working the file was often gone before the browser asked for it (a failed print), while the
print had already been noted. Here a file made for download is kept for `KEEP_SECONDS`
whatever the clean-ups, and its print waits, keyed by the file's SHA-256, until the server
has sent the whole file with status 200 (`PatientFiles` calls `delivered` with the stored
file's hash: what goes over the wire may be compressed).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any

KEEP_SECONDS = 300.0  # how long a file made on a press waits for its browser
Note = Callable[[], None]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Deliveries:
    """Prints waiting for their file to reach the browser, by the file's SHA-256."""

    def __init__(self, keep: float = KEEP_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.keep = keep
        self.clock = clock
        self._lock = threading.Lock()
        self._waiting: dict[str, list[tuple[float, Note]]] = {}

    def expect(self, data: bytes, note: Note) -> None:
        """`note` is to run once `data` has been delivered (within `keep` seconds)."""
        now = self.clock()
        with self._lock:
            self._prune(now)
            self._waiting.setdefault(digest(data), []).append((now, note))

    def delivered(self, sha256: str) -> Note | None:
        """The note waiting for the file with this SHA-256 (the oldest), taken off the list."""
        with self._lock:
            self._prune(self.clock())
            waiting = self._waiting.get(sha256)
            if not waiting:
                return None
            _, note = waiting.pop(0)
            if not waiting:
                del self._waiting[sha256]
            return note

    def waiting(self) -> int:
        with self._lock:
            return sum(len(v) for v in self._waiting.values())

    def _prune(self, now: float) -> None:
        for key in list(self._waiting):
            kept = [(t, n) for t, n in self._waiting[key] if now - t < self.keep]
            if kept:
                self._waiting[key] = kept
            else:
                del self._waiting[key]


DELIVERIES = Deliveries()


def served(path: str) -> bytes | None:
    """The stored content of the file Streamlit serves at `path` (`/media/<id>.<ext>`),
    or None when there is no such file or no running server."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    file_id = path.rsplit("/", 1)[-1].split(".", 1)[0]
    found = Runtime.instance().media_file_mgr.read_file(file_id)
    return None if found is None else bytes(found.content)


def keep_downloads(keep: float = KEEP_SECONDS) -> None:
    """Keep each file Streamlit makes for a download for `keep` seconds, however many
    clean-ups run meanwhile (other files are cleaned up as before). Idempotent."""
    from streamlit.runtime import media_file_manager as manager
    from streamlit.runtime.media_file_storage import MediaFileKind

    metadata: Any = manager.MediaFileMetadata
    if getattr(metadata, "_walkback_keep", None) == keep:
        return
    made_at = "_walkback_made"
    start = getattr(metadata, "_walkback_init", metadata.__init__)

    def __init__(self: Any, kind: Any = MediaFileKind.MEDIA) -> None:
        start(self, kind)
        setattr(self, made_at, time.monotonic())

    def is_marked_for_delete(self: Any) -> bool:
        if not self._is_marked_for_delete:
            return False
        if self._kind != MediaFileKind.DOWNLOADABLE:
            return True
        return bool(time.monotonic() - getattr(self, made_at, 0.0) >= keep)

    metadata._walkback_init = start
    metadata.__init__ = __init__
    metadata.is_marked_for_delete = property(is_marked_for_delete)
    metadata._walkback_keep = keep
