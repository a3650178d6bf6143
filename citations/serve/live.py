"""The state every open page watches: which build is current and what errors it had."""

from __future__ import annotations

import secrets
import threading

from .model import Problem


class LiveState:
    """Shared by the rebuild loop (which publishes) and the HTTP threads (which wait and read).

    A build's tag is this server's random token and a count: a page reloads when the tag it
    was served with is no longer the current one, including after the server was restarted
    (its count starts again, its token does not repeat)."""

    def __init__(self) -> None:
        self._token = secrets.token_hex(4)
        self._count = 0
        self._problems: tuple[Problem, ...] = ()
        self._stopping = False
        self._changed = threading.Condition()

    @property
    def tag(self) -> str:
        with self._changed:
            return self._tag()

    @property
    def problems(self) -> tuple[Problem, ...]:
        with self._changed:
            return self._problems

    @property
    def published(self) -> bool:
        """Has any build been published yet?"""
        with self._changed:
            return self._count > 0

    def snapshot(self) -> tuple[str, tuple[Problem, ...]]:
        """The tag and problems of one build, read together."""
        with self._changed:
            return self._tag(), self._problems

    def publish(self, problems: list[Problem]) -> None:
        """A build finished: open pages reload."""
        with self._changed:
            self._count += 1
            self._problems = tuple(problems)
            self._changed.notify_all()

    def stop(self) -> None:
        """The server is stopping: every waiting page's stream ends."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()

    def wait_for_change(self, seen: str, timeout: float) -> str | None:
        """The current tag once it differs from `seen` (or `timeout` passes: the tag as it
        is); None when the server is stopping."""
        with self._changed:
            self._changed.wait_for(lambda: self._stopping or self._tag() != seen, timeout)
            return None if self._stopping else self._tag()

    def _tag(self) -> str:
        return f"{self._token}-{self._count}"
