"""The live preview's loop: build, listen, and build again whenever a watched file changes.

Every build is `citations build`'s own, incremental by its manifest: what is fresh is skipped."""

from __future__ import annotations

import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..build import BuildSettings, build_site
from ..commands.build import build_settings
from ..config import load_config
from ..errors import CitationsError
from ..files import shown
from .handler import SiteServer, bind
from .live import LiveState
from .model import Listener, Problem, ServeRequest
from .watch import Watcher, WatchPlan, watch_plan

_POLL = 0.5  # seconds between looks at the stop flag while no change comes


@dataclass
class _Site:
    """One serving session: what it was asked, where it builds, and what it shows."""

    request: ServeRequest
    out: Path
    listener: Listener
    live: LiveState


def serve_site(
    request: ServeRequest, listener: Listener, stop: threading.Event | None = None
) -> None:
    """Serve until `stop` is set or the caller's KeyboardInterrupt comes; clean up either way.

    Settings that cannot be made at the start raise (there is nothing to watch yet), as does
    an address that cannot be bound (AddressError). Every later problem (settings, library,
    template, article) is shown in the terminal and in the page, and serving goes on."""
    stop = stop or threading.Event()
    temporary = None if request.out else Path(tempfile.mkdtemp(prefix="citations-serve-"))
    out = request.out or temporary or Path()
    try:
        settings, config_path = _settings(request, out)
        site = _Site(request, out, listener, LiveState())
        server = bind(request.host, request.port, out, site.live, listener.crashed)
        watcher = Watcher()
        thread = threading.Thread(target=server.serve_forever, args=(0.2,), daemon=True)
        try:
            plan = _rebuild(site) or watch_plan(settings, config_path)
            thread.start()
            listener.serving(server.url, exposed=server.exposed)
            _watch_and_rebuild(site, watcher, plan, stop)
        finally:
            _close(site, server, thread, watcher)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def _watch_and_rebuild(
    site: _Site, watcher: Watcher, plan: WatchPlan, stop: threading.Event
) -> None:
    while not stop.is_set():
        watcher.follow(plan)
        changes = watcher.next(_POLL)
        if changes is None:
            continue
        if isinstance(changes, CitationsError):
            site.listener.failed(changes)
            continue
        plan = _rebuild(site) or plan  # settings that fail keep the folders watched as they were


def _rebuild(site: _Site) -> WatchPlan | None:
    """Build once and publish the result to open pages; the watch plan for the settings
    used, or None if they could not be made."""
    try:
        settings, config_path = _settings(site.request, site.out)
    except CitationsError as error:
        _failed(site, error)
        return None
    plan = watch_plan(settings, config_path)
    try:
        report = build_site(settings)
    except CitationsError as error:
        _failed(site, error)
        return plan
    except OSError as exc:
        # a file removed or made unreadable while the build read it: the watcher saw that
        # too, so the next build comes by itself
        where = str(shown(Path(exc.filename))) if exc.filename else ""
        _failed(site, CitationsError(f"{where} changed during the build: {exc.strerror}"))
        return plan
    except Exception as exc:  # a bug in citations: reported, and the server goes on
        site.listener.crashed(exc)
        site.live.publish([Problem("", f"internal error in citations: {exc!r}")])
        return plan
    errors = [Problem.of_finding(f) for f in report.findings if f.severity == "error"]
    if report.changed or tuple(errors) != site.live.problems or not site.live.published:
        # a build that changed nothing (a file saved as it was, a watch catching up) stays
        # quiet: open pages would reload for nothing
        site.listener.built(report, settings)
        site.live.publish(errors)
    return plan


def _settings(request: ServeRequest, out: Path) -> tuple[BuildSettings, Path | None]:
    config = load_config(request.config_path)
    return build_settings(config, request.src, out, request.options), config.path


def _failed(site: _Site, error: CitationsError) -> None:
    problems = [Problem.of_error(error)]
    if tuple(problems) != site.live.problems:  # the same error again is no news
        site.listener.failed(error)
        site.live.publish(problems)


def _close(site: _Site, server: SiteServer, thread: threading.Thread, watcher: Watcher) -> None:
    site.live.stop()  # open event streams end, so their threads do
    if thread.is_alive():
        server.shutdown()
    server.server_close()
    watcher.close()
