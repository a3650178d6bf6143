"""README.md tells the truth: its Python example runs, and the commands it documents exist."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def test_the_python_api_example_runs(tmp_path: Path) -> None:
    example = re.search(r"```python\n(.*?)```", README[README.index("## Python API") :], re.S)
    assert example is not None
    for name in ("refs", "articles"):
        shutil.copytree(ROOT / name, tmp_path / name)
    proc = subprocess.run(
        [sys.executable, "-c", example.group(1)], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "'mayoclinic2023osteoarthritis': 1" in proc.stdout
    assert (tmp_path / "_site" / "acupuncture-for-hip-pain.html").is_file()


def test_the_first_two_commands_install_build_and_test() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)[:2]
    assert commands[0].startswith("pip install '.[test]' && citations build articles -o _site")
    assert commands[1] == "python -m pytest"


def test_every_documented_command_exists(run) -> None:
    for command in re.findall(r"^### `citations (\w+)", README, re.M):
        assert run(command, "--help").code == 0, command
