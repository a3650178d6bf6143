"""`citations serve` end to end: a real server process on a free loopback port, edited live.

It is driven by editing the files it watches, as a writer would."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from citations.build.paths import Inside
from citations.serve.handler import locate
from citations.serve.pages import EVENTS_PATH, OVERLAY_ID, SCRIPT_ID

from conftest import ROOT, run_process

PAGE = "/acupuncture-for-hip-pain.html"
ARTICLE = Path("articles/acupuncture-for-hip-pain.md")
PATIENCE = 30.0  # seconds: generous, never a measure (bench/bench_serve.py measures)
# `python -m citations` with Ctrl-C as a terminal delivers it: a test run from a background
# job inherits SIGINT ignored, and Python then leaves it ignored.
_AS_FROM_A_TERMINAL = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'citations'; runpy.run_module('citations', run_name='__main__')"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("refs", "articles"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "citations.toml", tmp_path)
    return tmp_path


class Served:
    """`python -m citations serve ARGS` in `cwd`, and its URL once it prints one."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.errors = cwd / "serve.err"  # a file: a full pipe would stall the server
        with self.errors.open("wb") as errors:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _AS_FROM_A_TERMINAL, "serve", *args],
                cwd=cwd, stdout=subprocess.PIPE, stderr=errors, text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )  # fmt: skip
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        found = wait_for(lambda: self._url() or self.proc.poll() is not None)
        assert isinstance(found, str), self.stderr()
        self.url = found
        self.host, port = urlsplit(found).netloc.rsplit(":", 1)
        self.port = int(port)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def _url(self) -> str | None:
        for line in list(self.lines):
            match = re.search(r"serving (http://\S+)", line)
            if match:
                return match.group(1)
        return None

    def get(self, path: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=PATIENCE)
        try:
            connection.request("GET", path, headers={"Host": host} if host else {})
            response = connection.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, headers, response.read().decode("utf-8")
        finally:
            connection.close()

    def page(self) -> str:
        status, _, text = self.get(PAGE)
        assert status == 200
        return text

    def stop(self) -> int:
        """Ctrl-C, as a person at the terminal would; the exit code."""
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=PATIENCE)

    def stderr(self) -> str:
        return self.errors.read_text("utf-8", "replace")


@pytest.fixture
def serve(project: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(*args: str) -> Served:
        served = Served(project, *args)
        started.append(served)
        return served

    yield start
    for served in started:
        if served.proc.poll() is None:
            served.proc.kill()
            served.proc.wait()


def wait_for(condition: Callable[[], object]) -> object:
    """Poll `condition` until it is truthy (its value), failing only after PATIENCE."""
    deadline = time.monotonic() + PATIENCE
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, "nothing changed in time"
        time.sleep(0.05)


def next_event(events: http.client.HTTPResponse) -> str:
    """The data of the stream's next event ("" if it ends)."""
    while line := events.readline():
        if line.startswith(b"data: "):
            return line[6:].decode().strip()
    return ""


def overlay(page: str) -> str:
    match = re.search(rf'<div id="{OVERLAY_ID}".*?</div>', page, re.S)
    return match.group(0) if match else ""


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in `path`; the line it was on."""
    text = path.read_text("utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], "utf-8")
    return text.count("\n", 0, at) + 1


def test_an_edit_is_served_and_errors_show_in_the_page_until_fixed(
    project: Path, serve: Callable[..., Served]
) -> None:
    served = serve("--port", "0", "-o", "site")
    first = served.page()
    assert f'<script id="{SCRIPT_ID}">' in first and not overlay(first)
    on_disk = (project / "site" / PAGE.lstrip("/")).read_text("utf-8")
    assert SCRIPT_ID not in on_disk and "EventSource" not in on_disk  # added as sent, only

    edit(project / ARTICLE, "Hip pain can gradually limit", "Hip pain (edited) can gradually limit")
    wait_for(lambda: "Hip pain (edited) can gradually limit" in served.page())

    line = edit(project / ARTICLE, "[@wu2016efficacy]", "[@wu2016efficacyy]")
    shown = str(wait_for(lambda: overlay(served.page())))
    assert f"acupuncture-for-hip-pain.md:{line}:" in shown and "unknown-key" in shown
    assert served.get("/citations.css")[0] == 200  # still serving
    edit(project / ARTICLE, "[@wu2016efficacyy]", "[@wu2016efficacy]")
    wait_for(lambda: not overlay(served.page()))

    bib = project / "refs" / "example.bib"
    good = bib.read_text("utf-8")
    bib.write_text(good + "\n@article{broken,\n  title = {never closed\n", "utf-8")
    line = good.count("\n") + 2
    shown = str(wait_for(lambda: overlay(served.page())))
    assert f"example.bib:{line}:" in shown
    bib.write_text(good, "utf-8")
    wait_for(lambda: not overlay(served.page()))

    settings = project / "citations.toml"
    before = settings.read_text("utf-8")
    settings.write_text(before + "\n[build]\nnumbering = 'sideways'\n")
    shown = str(wait_for(lambda: overlay(served.page())))
    assert f"citations.toml:{before.count(chr(10)) + 3}:" in shown
    settings.write_text((ROOT / "citations.toml").read_text("utf-8"))
    wait_for(lambda: not overlay(served.page()))

    (project / "templates").mkdir()
    template = project / "templates" / "article.html"
    template.write_text("{% for %}\n", "utf-8")
    settings.write_text('templates = "templates"\n' + settings.read_text("utf-8"))
    shown = str(wait_for(lambda: overlay(served.page())))
    assert "article.html:1:" in shown  # the folder named in the settings is watched now
    shutil.copy(ROOT / "templates" / "article.html", template)
    wait_for(lambda: not overlay(served.page()))

    (project / ARTICLE).unlink()
    wait_for(lambda: served.get(PAGE)[0] == 404)
    assert served.stop() == 0
    assert "Traceback" not in served.stderr()


def test_open_pages_hear_of_each_new_build(project: Path, serve: Callable[..., Served]) -> None:
    served = serve("--port", "0")
    tag = re.search(r'var tag = "([^"]+)"', served.page())
    assert tag is not None
    connection = http.client.HTTPConnection(served.host, served.port, timeout=PATIENCE)
    connection.request("GET", EVENTS_PATH)
    events = connection.getresponse()
    assert events.getheader("Content-Type") == "text/event-stream"
    assert next_event(events) == tag.group(1)
    edit(project / ARTICLE, "Hip pain can", "Hip pain may")
    assert next_event(events) not in ("", tag.group(1))
    connection.close()
    built = re.search(r"→ (\S+)", served.lines[0])
    assert built is not None and Path(built.group(1)).is_dir()
    assert served.stop() == 0
    assert not Path(built.group(1)).exists()  # the temporary folder goes with the server


def test_build_output_never_has_the_reload_script(project: Path) -> None:
    proc = run_process("build", "-o", "out", cwd=project)
    assert proc.returncode == 0, proc.stderr
    written = [p.read_text("utf-8") for p in (project / "out").rglob("*") if p.is_file()]
    assert written and not any(SCRIPT_ID in t or "EventSource" in t for t in written)


def test_only_files_inside_the_site_are_served(project: Path, serve: Callable[..., Served]) -> None:
    (project / "secret.txt").write_text("not for the web")
    served = serve("--port", "0", "-o", "site")
    (project / "site" / "leak.txt").symlink_to(project / "secret.txt")
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/leak.txt", "/.citations/manifest.json"):
        status, _, text = served.get(path)
        assert status == 404 and "not for the web" not in text, path
    status, headers, _ = served.get("/citations.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    status, headers, listing = served.get("/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert 'href="acupuncture-for-hip-pain.html"' in listing
    assert served.stop() == 0


def test_a_page_under_another_name_is_refused(serve: Callable[..., Served]) -> None:
    """DNS rebinding: a page from elsewhere whose name now points to 127.0.0.1 reads nothing."""
    served = serve("--port", "0")
    assert served.get(PAGE, host=f"evil.example:{served.port}")[0] == 403
    assert served.get(PAGE, host=f"localhost:{served.port}")[0] == 200
    assert served.stop() == 0


def test_a_folder_removed_and_put_back_is_watched_again(
    project: Path, serve: Callable[..., Served]
) -> None:
    served = serve("--port", "0")
    (project / "articles").rename(project / "away")
    wait_for(lambda: overlay(served.get("/")[2]))
    (project / "away").rename(project / "articles")
    wait_for(lambda: not overlay(served.get("/")[2]))
    edit(project / ARTICLE, "Hip pain can gradually limit", "Hip pain (back) can gradually limit")
    wait_for(lambda: "Hip pain (back) can" in served.page())
    assert served.stop() == 0
    assert "Traceback" not in served.stderr()


@pytest.mark.parametrize(
    "path, inside",
    [
        pytest.param("/page.html", True, id="a-page"),
        pytest.param("/", True, id="the-root"),
        pytest.param("/../x", False, id="dot-dot"),
        pytest.param("/a/%2E%2E/%2e%2e/x", False, id="encoded-dot-dot"),
        pytest.param("/.citations/manifest.json", False, id="hidden"),
        pytest.param("/a%00b", False, id="nul"),
        pytest.param("/a%5c..%5cx", False, id="backslash"),
        pytest.param("/%ff", False, id="not-utf8"),
    ],
)
def test_locate_keeps_to_the_site(tmp_path: Path, path: str, inside: bool) -> None:
    assert (locate(Inside(tmp_path), path) is not None) is inside


def test_a_port_in_use_is_a_clear_error(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_process("serve", "--port", str(port), cwd=project)
    assert proc.returncode == 5
    assert str(port) in proc.stderr and "Traceback" not in proc.stderr


def test_a_host_others_can_reach_is_warned_of(project: Path, serve: Callable[..., Served]) -> None:
    served = serve("--port", "0", "--host", "0.0.0.0")
    assert served.host == "0.0.0.0"
    wait_for(lambda: "warning" in served.stderr())
    assert served.stop() == 0
