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


def test_the_documented_shell_completion_works() -> None:
    """README's completion lines, as a shell would run them: each prints a script, and the
    bash one completes a command name."""
    lines = re.findall(r"`(?:eval \"\$\()?(_CITATIONS_COMPLETE=(\w+) citations)", README)
    assert {shell for _, shell in lines} == {"bash_source", "zsh_source", "fish_source"}
    citations = [sys.executable, "-m", "citations"]
    for _, shell in lines:
        env = {**os.environ, "_CITATIONS_COMPLETE": shell, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run(citations, env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert "_citations_completion" in proc.stdout
    env = {**os.environ, "_CITATIONS_COMPLETE": "bash_complete", "COMP_WORDS": "citations ren",
           "COMP_CWORD": "1", "PYTHONPATH": str(ROOT)}  # fmt: skip
    proc = subprocess.run(citations, env=env, capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["plain,render"]
