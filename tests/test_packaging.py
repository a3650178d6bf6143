"""A plain (non-editable) install carries the templates and renders outside the source tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_a_wheel_install_renders_the_example(tmp_path: Path) -> None:
    # Build from a copy so the source tree gets no build/ or egg-info litter.
    source = tmp_path / "src"
    litter = shutil.ignore_patterns(".git", "*.egg-info", "__pycache__", ".*cache", ".benchmarks")

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = {"build", "_site", "dist"} if Path(folder) == ROOT else set()
        return set(litter(folder, names)) | (top & set(names))

    shutil.copytree(ROOT, source, ignore=ignore)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv], check=True)
    python = venv / "bin" / "python"
    offline = ["--no-deps", "--no-build-isolation", "--no-index"]
    subprocess.run(
        [python, "-m", "pip", "install", "-q", *offline, source], check=True, capture_output=True
    )
    work = tmp_path / "work"
    shutil.copytree(ROOT / "refs", work / "refs")
    shutil.copytree(ROOT / "articles", work / "articles")
    shutil.copy(ROOT / "citations.toml", work / "citations.toml")
    proc = subprocess.run(
        [venv / "bin" / "citations", "render", "articles/acupuncture-for-hip-pain.md"],
        cwd=work, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert '<ol class="references">' in proc.stdout
    where = subprocess.run(
        [python, "-c", "import citations.templating as t; print(t.default_templates_dir())"],
        cwd=work, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(venv) in where
