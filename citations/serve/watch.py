"""What a rebuild waits for: changes to the files a build reads, seen by watchfiles.

The articles, the library, the templates and the settings; watchfiles is imported only here,
when serving starts."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..build import BuildSettings
from ..errors import CitationsError

if TYPE_CHECKING:
    from watchfiles import Change

_READY_MS = 200  # a new watch says it is in place within this (an empty batch)
_JOIN_TIMEOUT = 5.0  # seconds: a watcher checks its stop event every few milliseconds


@dataclass(frozen=True)
class WatchPlan:
    """Folders watched with all below them (`deep`), folders watched for some of their own
    files only (`flat`, e.g. the settings file's, which holds the whole project), and the
    output folder, whose changes (the build's own writes) never count."""

    deep: tuple[Path, ...]
    flat: tuple[Path, ...]
    files: frozenset[Path]
    out: Path

    def counts(self, path: Path) -> bool:
        if path.is_relative_to(self.out):
            return False
        return path in self.files or any(path.is_relative_to(d) for d in self.deep)


def watch_plan(settings: BuildSettings, config_path: Path | None) -> WatchPlan:
    """What to watch for a build with these settings and this settings file."""
    render = settings.render
    deep: list[Path] = []
    files: list[Path] = [_absolute(config_path)] if config_path else []
    for path in (settings.src, *render.refs, render.templates):
        if path is None:
            continue
        (deep if path.is_dir() else files).append(_absolute(path))
    deep = sorted({d for d in deep if not any(d != o and d.is_relative_to(o) for o in deep)})
    flat = sorted(
        {
            f.parent
            for f in files
            if f.parent.is_dir() and not any(f.is_relative_to(d) for d in deep)
        }
    )
    return WatchPlan(tuple(deep), tuple(flat), frozenset(files), _absolute(settings.out))


class Watcher:
    """Threads that put each batch of changed paths on a queue (an empty one once a watch is
    in place); started again with a new plan when the settings move a folder. A watch that
    fails is put on the queue as an error."""

    def __init__(self) -> None:
        self.plan: WatchPlan | None = None
        self._queue: queue.Queue[set[Path] | CitationsError] = queue.Queue()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def follow(self, plan: WatchPlan) -> None:
        """Watch as `plan` says: started again if it changed or a watch ended (its folder
        was removed: a folder made again in its place must be watched again)."""
        if plan == self.plan and all(thread.is_alive() for thread in self._threads):
            return
        self.close()
        self.plan, self._stop = plan, threading.Event()
        relevant = _relevance(plan)
        for folders, recursive in ((plan.deep, True), (plan.flat, False)):
            if folders:
                thread = threading.Thread(
                    target=self._watch,
                    args=(folders, recursive, relevant, self._stop),
                    name="citations-watch",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)

    def next(self, timeout: float) -> set[Path] | CitationsError | None:
        """The next batch of changes (with any that came meanwhile), or None after `timeout`."""
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(item, CitationsError):
            return item
        while True:
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                return item
            if isinstance(more, CitationsError):
                self._queue.put(more)
                return item
            item |= more

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(_JOIN_TIMEOUT)
        self._threads = []

    def _watch(
        self,
        folders: tuple[Path, ...],
        recursive: bool,
        relevant: Callable[[Change, str], bool],
        stop: threading.Event,
    ) -> None:
        from watchfiles import watch

        ready = False
        try:
            for changes in watch(
                *folders,
                watch_filter=relevant,
                stop_event=stop,
                recursive=recursive,
                raise_interrupt=False,
                rust_timeout=_READY_MS,
                yield_on_timeout=True,
            ):
                if changes or not ready:
                    # The first answer, changes or none, means the watch is in place: what
                    # changed before that (since the last build, or while the settings
                    # moved a folder) was not seen, so the loop builds once to catch up.
                    self._queue.put({Path(path) for _, path in changes})
                ready = True
        except (OSError, RuntimeError) as exc:  # a folder gone, too many watches
            if stop.is_set() or not all(folder.is_dir() for folder in folders):
                # a folder was removed: the build that follows says so if it matters, and
                # its plan watches what is there now
                self._queue.put(set())
                return
            names = ", ".join(str(f) for f in folders)
            self._queue.put(CitationsError(f"cannot watch {names} for changes: {exc}"))


def _relevance(plan: WatchPlan) -> Callable[[Change, str], bool]:
    """watchfiles' own filter (editors' swap files, .git), then the plan's."""
    from watchfiles import DefaultFilter

    ignored = DefaultFilter()

    def relevant(change: Any, path: str) -> bool:
        return ignored(change, path) and plan.counts(Path(path))

    return relevant


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))
