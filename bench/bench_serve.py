"""Live preview latency: how long after a one-line edit `citations serve` has the page rebuilt.

    python bench/bench_serve.py [--runs 7] [--entries 10000] [--articles 100]

Starts the real command (`python -m citations serve --port 0 -o OUT`) in a new process on a
free loopback port, twice: on a copy of this repository's example (one article, its small
library) and on a generated site (--articles articles of ~20 citations against an
--entries-entry library, see generate.py). Each run listens on the server's event stream
(what an open page's reload script listens to), replaces one line of an article the way
editors save (a new file renamed over the old), and times the moment of the rename to:

- the event announcing the new build (what makes an open page reload), and
- the first answer for the page that holds the edit (the page, rebuilt and served).

It also prints the build's own time as the server reported it ("built 1, unchanged N in X s"),
so the rest (the watcher's debounce, the settings and library reloaded from the parse cache)
shows. Medians with min and max; it asserts nothing and exits 0 whatever it measures.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]
from generate import write_corpus  # noqa: E402

PATIENCE = 60.0


class Server:
    """The command in its own process, its stdout lines kept as they come."""

    def __init__(self, project: Path, out: Path) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        env["CITATIONS_CACHE_DIR"] = str(project / ".cache")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "citations", "serve", "--port", "0", "-o", str(out)],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
        )  # fmt: skip
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + PATIENCE
        while not (url := self._url()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.05)
        host, port = urlsplit(url).netloc.rsplit(":", 1)
        self.host, self.port = host, int(port)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def _url(self) -> str | None:
        found = [m.group(1) for line in self.lines if (m := re.search(r"serving (\S+)", line))]
        return found[0] if found else None

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=PATIENCE)

    def page(self, path: str) -> str:
        connection = self.connect()
        try:
            connection.request("GET", path)
            return connection.getresponse().read().decode("utf-8")
        finally:
            connection.close()

    def build_seconds(self) -> float | None:
        times = [
            float(m.group(1)) for line in self.lines if (m := re.search(r" in ([\d.]+) s ", line))
        ]
        return times[-1] if times else None

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=PATIENCE)


def next_event(response: http.client.HTTPResponse) -> str:
    while line := response.readline():
        if line.startswith(b"data: "):
            return line[6:].decode().strip()
    raise SystemExit("the event stream ended")


def one_edit(
    server: Server, article: Path, page: str, run: int
) -> tuple[float, float, float | None]:
    """Edit one line; seconds to the event, to the page served with the edit, and the build."""
    connection = server.connect()
    connection.request("GET", "/__citations/events")
    events = connection.getresponse()
    before = next_event(events)
    lines = article.read_text("utf-8").splitlines(keepends=True)
    first = prose_line(lines)
    marker = f"Edited in run {run}."
    lines[first] = re.sub(r"^(Edited in run \d+\. )?", marker + " ", lines[first])
    temporary = article.with_name(f".{article.name}.tmp")
    temporary.write_text("".join(lines), "utf-8")
    started = time.perf_counter()
    os.replace(temporary, article)
    while next_event(events) == before:
        pass
    announced = time.perf_counter() - started
    while marker not in server.page(page):
        time.sleep(0.005)
    served = time.perf_counter() - started
    connection.close()
    time.sleep(0.3)  # let the line with the build's time arrive
    return announced, served, server.build_seconds()


def prose_line(lines: list[str]) -> int:
    """The first line of running text, past any front matter."""
    start = 0
    if lines and lines[0].strip() == "---":
        start = next(i for i in range(1, len(lines)) if lines[i].strip() == "---") + 1
    return next(i for i in range(start, len(lines)) if lines[i][:1].isalpha())


def measure(name: str, project: Path, article: Path, runs: int) -> None:
    page = "/" + article.relative_to(project / "articles").with_suffix(".html").as_posix()
    out = project / "_serve"
    started = time.perf_counter()
    server = Server(project, out)
    startup = time.perf_counter() - started
    try:
        one_edit(server, article, page, 0)  # warm: the first rebuild fills the parse cache
        results = [one_edit(server, article, page, run) for run in range(1, runs + 1)]
    finally:
        server.stop()
    print(f"\n{name}")
    print(f"  start-up to the URL (first full build)   {startup:6.3f} s")
    print(f"  edit → new-build event (page reloads)     {figure([r[0] for r in results])}")
    print(f"  edit → page served with the edit          {figure([r[1] for r in results])}")
    builds = [r[2] for r in results if r[2] is not None]
    if builds:
        print(f"  the build itself, as the server reported  {figure(builds)}")


def figure(times: Sequence[float]) -> str:
    low, high = min(times) * 1000, max(times) * 1000
    median = statistics.median(times) * 1000
    return f"median {median:7.1f} ms (min {low:.1f}, max {high:.1f}, n={len(times)})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="edits timed per site (7)")
    parser.add_argument("--entries", type=int, default=10_000, help="generated library size")
    parser.add_argument("--articles", type=int, default=100, help="generated articles")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    print(
        f"bench_serve: {args.runs} one-line edits per site; {os.cpu_count()} cores; load {load:.2f}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as folder:
        example = Path(folder) / "example"
        example.mkdir()
        for name in ("refs", "articles"):
            shutil.copytree(ROOT / name, example / name)
        shutil.copy(ROOT / "citations.toml", example)
        measure(
            "example (1 article, its library)",
            example,
            example / "articles" / "acupuncture-for-hip-pain.md",
            args.runs,
        )
        generated = Path(folder) / "generated"
        corpus = write_corpus(generated, entries=args.entries, articles=args.articles)
        name = f"generated ({args.articles} articles, {args.entries:,} entries)"
        measure(name, generated, corpus.articles[0], args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
