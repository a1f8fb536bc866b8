"""Lists as append-only files: the SQLite store's lists (the journal, above all).

Every request appends a journal entry, and a SQLite transaction for it cost about a quarter of a
served request; appending a line to a file costs a tenth of that. Each list namespace has a
folder of its own:

    <root>/<hash of the namespace>/
        name             the namespace
        meta             next position, first position of the open segment, last ``keep``, clears so far
        <first>.jsonl    segments of up to SEGMENT lines: "<position> <JSON>\\n"

Appends take an ``flock`` of ``meta`` (so threads and processes take turns), bump the position,
then write one line with one ``write``: a reader never sees half a line. ``keep`` drops whole
segments once every item in them is older than the newest ``keep``; reading leaves out the few
older items a live segment still holds, so a list reads exactly its newest ``keep`` items.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import mmap
import os
import shutil
import struct
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from simulator.store.process import current_pid, flocked, open_shared_file

SEGMENT = 1024
_META = struct.Struct("<qqqq")  # next position, open segment's first position, keep (0: none), clears
_OLD_META = struct.Struct("<qqq")  # written before clears were counted
_FRESH = (1, 1, 0, 0)


def _read_meta(fd: int) -> tuple[int, int, int, int]:
    raw = os.pread(fd, _META.size, 0)
    if len(raw) == _META.size:
        return _META.unpack(raw)
    if len(raw) == _OLD_META.size:
        return (*_OLD_META.unpack(raw), 0)
    return _FRESH


class ListFiles:
    def __init__(self, root: str | Path, dumps: Callable[[Any], bytes]):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._dumps = dumps
        self._local = threading.local()
        self._folders: dict[str, Path] = {}

    # -- one namespace ------------------------------------------------------------------------

    def _folder(self, ns: str) -> Path:
        folder = self._folders.get(ns)
        if folder is None:
            digest = hashlib.blake2b(ns.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()
            folder = self._folders[ns] = self.root / digest
        return folder

    def _meta_fd(self, folder: Path, ns: str | None = None) -> int:
        """This thread's open ``meta`` of a namespace (flock needs one open file per thread)."""
        return self._meta(folder, ns)[0]

    def _meta(self, folder: Path, ns: str | None = None) -> tuple[int, mmap.mmap]:
        """This thread's open ``meta`` of a namespace, and the file mapped into memory: an append
        reads and writes the meta there, two system calls fewer than ``pread`` and ``pwrite``."""
        local = self._local
        if getattr(local, "pid", None) != current_pid():
            local.fds, local.segments, local.pid = {}, {}, current_pid()
        opened = local.fds.get(folder.name)
        if opened is None:
            if ns is not None and not folder.exists():
                folder.mkdir(exist_ok=True)
                (folder / "name").write_text(ns, "utf-8")
            fd = open_shared_file(str(folder / "meta"))
            with flocked(fd):
                if os.fstat(fd).st_size < _META.size:  # fresh, or written before clears were counted
                    os.pwrite(fd, _META.pack(*_read_meta(fd)), 0)
            opened = local.fds[folder.name] = (fd, mmap.mmap(fd, _META.size))
        return opened

    @contextmanager
    def _locked(self, folder: Path, ns: str | None = None) -> Iterator[tuple[int, tuple[int, int, int, int]]]:
        with flocked(self._meta_fd(folder, ns)) as fd:
            yield fd, _read_meta(fd)

    def append(self, ns: str, value: Any, keep: int | None = None) -> int:
        line = self._dumps(value)  # UTF-8 bytes, a lone surrogate escaped
        folder = self._folder(ns)
        fd, meta = self._meta(folder, ns)
        fcntl.flock(fd, fcntl.LOCK_EX)  # (not ``flocked``: a context manager was a tenth of an append)
        try:
            position, segment, _, clears = _META.unpack_from(meta)
            if position - segment >= SEGMENT:
                segment = position
                if keep:
                    self._drop_segments_before(folder, position - keep + 1)
            _META.pack_into(meta, 0, position + 1, segment, keep or 0, clears)
            os.write(self._segment_fd(folder, segment, clears), b"%d %s\n" % (position, line))
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        return position

    def _segment_fd(self, folder: Path, segment: int, clears: int) -> int:
        """This thread's open segment file of a namespace, reopened when the open segment changed
        or the list was cleared (here or in another process: both are in ``meta``, read under the
        lock, so no ``stat`` of the segment per append)."""
        cached = self._local.segments.get(folder.name)
        if cached is not None:
            if cached[0] == segment and cached[2] == clears:
                return cached[1]
            os.close(cached[1])
        path = f"{folder}{os.sep}{segment:015d}.jsonl"  # (pathlib's joining was a third of an append)
        out = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self._local.segments[folder.name] = (segment, out, clears)
        return out

    def _drop_segments_before(self, folder: Path, oldest_kept: int) -> None:
        """Remove the segments whose every item is older than ``oldest_kept``."""
        segments = sorted(int(f.stem) for f in folder.glob("*.jsonl"))
        for first, following in zip(segments, segments[1:]):
            if following <= oldest_kept:
                (folder / f"{first:015d}.jsonl").unlink(missing_ok=True)

    def values(self, ns: str) -> list[Any]:
        folder = self._folder(ns)
        if not folder.exists():
            return []
        with self._locked(folder) as (_, (position, _, keep, _)):
            lines: list[str] = []
            for file in sorted(folder.glob("*.jsonl")):
                # Split on "\n" alone: str.splitlines() also splits on U+2028, U+0085 and the other
                # line breaks JSON leaves unescaped inside a string, which cut an entry in two.
                lines.extend(file.read_bytes().decode("utf-8", "surrogatepass").split("\n")[:-1])
        oldest = position - 1 - keep if keep else 0
        out = []
        for line in lines:
            number, _, text = line.partition(" ")
            if int(number) > oldest:
                out.append(json.loads(text))
        return out

    # -- every namespace ----------------------------------------------------------------------

    def _all(self) -> Iterator[tuple[str, Path]]:
        for folder in sorted(self.root.iterdir()):
            name = folder / "name"
            if name.exists():
                yield name.read_text("utf-8"), folder

    def namespaces(self, prefix: str = "") -> list[str]:
        return sorted(ns for ns, folder in self._all()
                      if ns.startswith(prefix) and any(folder.glob("*.jsonl")))

    def clear(self, prefix: str | None = None) -> None:
        """Forget the lists (under ``prefix``); their positions start again at 1."""
        for ns, folder in list(self._all()):
            if prefix is not None and not ns.startswith(prefix):
                continue
            with self._locked(folder) as (fd, (*_, clears)):
                for file in folder.glob("*.jsonl"):
                    file.unlink(missing_ok=True)
                os.pwrite(fd, _META.pack(1, 1, 0, clears + 1), 0)  # every writer reopens its segment

    def remove_all(self) -> None:
        """Delete every list's files (a fresh database must not find an old journal beside it)."""
        self.close()
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        local = self._local
        if getattr(local, "pid", None) == current_pid():
            for meta_fd, meta in local.fds.values():
                meta.close()
                os.close(meta_fd)
            for _, fd, _ in local.segments.values():
                os.close(fd)
        self._local = threading.local()
