"""A plain (non-editable) install, built as a user's pip builds it, carries the templates and
renders outside the source tree."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

_NOT_PACKED = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def wheel_of_installed(name: str, wheelhouse: Path) -> Path:
    """A wheel made of an installed distribution's own files, so that pip can build in
    isolation from the declared build requirements without reaching a package index."""
    dist = importlib.metadata.distribution(name)
    info = next(f.parts[0] for f in dist.files or () if f.parts[0].endswith(".dist-info"))
    project = dist.metadata["Name"].replace("-", "_")
    path = wheelhouse / f"{project}-{dist.version}-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        for file in dist.files or ():
            if file.parts[0] == ".." or "__pycache__" in file.parts or file.name in _NOT_PACKED:
                continue
            data = Path(str(file.locate())).read_bytes()
            wheel.writestr(str(file), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{file},sha256={digest.decode()},{len(data)}")
        record.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return path


def _run(command: list[str | Path], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `command`; on failure the assertion shows everything it printed (pip's reasons)."""
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{command} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_a_wheel_install_renders_the_example(tmp_path: Path) -> None:
    # Build from a copy so the source tree gets no build/ or egg-info litter.
    source = tmp_path / "src"
    litter = shutil.ignore_patterns(".git", "*.egg-info", "__pycache__", ".*cache", ".benchmarks")

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = {"build", "_site", "dist"} if Path(folder) == ROOT else set()
        return set(litter(folder, names)) | (top & set(names))

    shutil.copytree(ROOT, source, ignore=ignore)
    # The build requirements pyproject.toml declares, as wheels pip can install offline.
    wheelhouse = tmp_path / "wheelhouse"
    wheelhouse.mkdir()
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["build-system"]
    for requirement in declared["requires"]:
        wheel_of_installed(requirement.split(">")[0].split("=")[0].strip(), wheelhouse)

    # A venv of its own (not the running one), whose pip builds the wheel as a user's pip does,
    # in an isolated environment (pip's default), from the wheelhouse alone: no package index,
    # no user or site configuration, and no `wheel` or setuptools from any other environment.
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv])
    python = venv / "bin" / "python"
    dist = tmp_path / "dist"
    offline = ["--isolated", "--no-deps", "--no-index", "--find-links", wheelhouse]
    _run([python, "-m", "pip", "wheel", *offline, "--wheel-dir", dist, source])
    [built] = dist.glob("citations-*.whl")
    _run([python, "-m", "pip", "install", *offline, built])
    # Its runtime dependencies come from the environment running the tests (added after the
    # install: pip would otherwise take that environment's `citations` for this one).
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site.stdout.strip()) / "_test_dependencies.pth").write_text("\n".join(here) + "\n")

    work = tmp_path / "work"
    shutil.copytree(ROOT / "refs", work / "refs")
    shutil.copytree(ROOT / "articles", work / "articles")
    shutil.copy(ROOT / "citations.toml", work / "citations.toml")
    proc = _run([venv / "bin" / "citations", "render", "articles/acupuncture-for-hip-pain.md"],
                cwd=work)  # fmt: skip
    assert '<ol class="references">' in proc.stdout
    where = _run(
        [python, "-c", "import citations.render.templating as t; print(t.default_templates_dir())"],
        cwd=work,
    ).stdout
    assert str(venv) in where


def test_every_package_folder_is_listed_in_setup_cfg() -> None:
    """setup.cfg names its packages one by one: a folder left out is missing from a plain
    install, while an editable one (and so every test run here) still finds it."""
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = set(config["options"]["packages"].split())
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "citations").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert folders - listed == set()
