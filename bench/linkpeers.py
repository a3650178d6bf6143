"""Peers for bench_links.py, each at its defaults on an HTML page listing the farm's URLs:
linkinator 7 (npm, installed into a cache folder) and LinkChecker (pip, if it installs)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
NPM_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "citations-bench"


def quiet_env(home: Path) -> dict[str, str]:
    """The environment without proxies: every byte goes to the loopback farm."""
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    env.update(NO_PROXY="*", no_proxy="*", HOME=str(home), XDG_CONFIG_HOME=str(home))
    return env


def write_page(urls: Sequence[str], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "links.html"
    links = "\n".join(f'<li><a href="{url}">{i}</a></li>' for i, url in enumerate(urls))
    page.write_text(f"<!doctype html><title>farm</title><ul>\n{links}\n</ul>\n", "utf-8")
    for path in (folder, page):  # LinkChecker run as root drops to the user nobody
        path.chmod(0o755 if path.is_dir() else 0o644)
    return page


def find_linkinator(folder: Path | None, install: bool) -> str | None:
    """linkinator's executable in `folder` (or the cache folder), installed there if asked."""
    folder = folder or NPM_CACHE / "linkinator7"
    exe = folder / "node_modules" / ".bin" / "linkinator"
    if not exe.exists() and install and shutil.which("npm"):
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "linkinator@7"],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    return str(exe) if exe.exists() else None


def run_linkinator(exe: str, urls: Sequence[str], folder: Path) -> tuple[float, dict[str, str]]:
    """Seconds, and each URL's state (OK, BROKEN, SKIPPED; "missing" if not reported)."""
    page = write_page(urls, folder)
    command = [exe, str(page), "--format", "json"]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=quiet_env(folder),
                          timeout=900, check=False)  # fmt: skip
    elapsed = time.perf_counter() - start
    states: dict[str, str] = {}
    try:
        for link in json.loads(proc.stdout).get("links", []):
            states.setdefault(str(link.get("url")), f"{link.get('state')} {link.get('status')}")
    except ValueError:
        print(f"    linkinator: no JSON (exit {proc.returncode}): {proc.stderr[-300:]}")
    return elapsed, {url: states.get(url, "missing") for url in urls}


def run_linkchecker(exe: str, urls: Sequence[str], folder: Path) -> tuple[float, dict[str, str]]:
    """Seconds, and each URL's verdict ("valid …", "invalid …"; "missing" if not reported)."""
    page = write_page(urls, folder)
    config = folder / "linkcheckerrc"
    config.write_text("[checking]\nmaxrunseconds=600\n[output]\nstatus=0\n", "utf-8")
    config.chmod(0o644)
    command = [exe, "-f", str(config), "--no-status", "--check-extern", "--recursion-level", "1",
               "--verbose", "-o", "csv", str(page)]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=quiet_env(folder),
                          timeout=900, check=False)  # fmt: skip
    elapsed = time.perf_counter() - start
    rows = [line for line in proc.stdout.splitlines() if line and not line.startswith("#")]
    verdicts: dict[str, str] = {}
    for row in csv.DictReader(rows, delimiter=";"):
        url = row.get("urlname") or ""
        if url.startswith("http") and url not in verdicts:
            valid = "valid" if row.get("valid") == "True" else "invalid"
            verdicts[url] = f"{valid} {(row.get('result') or '').strip()[:24]}"
    return elapsed, {url: verdicts.get(url, "missing") for url in urls}
