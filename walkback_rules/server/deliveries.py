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
    """Keep each file Streamlit makes for a download, and the download button's callable
    that makes it, for `keep` seconds, however many clean-ups run meanwhile (other files
    are cleaned up as before). Idempotent."""
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

    # The button's own callable, too: a press that lands while its page reruns asks for
    # the callable the last run registered, which that rerun has just unreferenced.
    files: Any = manager.MediaFileManager
    add = getattr(files, "_walkback_add", files.add_deferred)
    sweep = getattr(files, "_walkback_sweep", files._remove_orphaned_deferred_callables)

    def add_deferred(self: Any, *args: Any, **kwargs: Any) -> str:
        file_id = str(add(self, *args, **kwargs))
        with self._lock:
            made = self.__dict__.setdefault("_walkback_registered", {})
            made[file_id] = time.monotonic()
        return file_id

    def remove_orphaned_deferred_callables(self: Any) -> None:
        # Called with the manager's lock held: young callables are set aside, then put back.
        made: dict[str, float] = self.__dict__.setdefault("_walkback_registered", {})
        now = time.monotonic()
        young = {
            file_id: self._deferred_callables[file_id]
            for file_id, at in list(made.items())
            if now - at < keep and file_id in self._deferred_callables
        }
        sweep(self)
        for file_id, entry in young.items():
            if file_id not in self._deferred_callables:
                self._deferred_callables[file_id] = entry
                self._deferred_ids_by_session[entry["session_id"]].add(file_id)
        for file_id in [f for f, at in made.items() if now - at >= keep]:
            del made[file_id]

    files._walkback_add = add
    files._walkback_sweep = sweep
    files.add_deferred = add_deferred
    files._remove_orphaned_deferred_callables = remove_orphaned_deferred_callables
