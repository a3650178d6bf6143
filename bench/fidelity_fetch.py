"""The fidelity corpus: every .bib file in Debian's TeX Live packages, taken with apt.

Needs Debian's apt (apt-get, apt-cache, dpkg-deb): nothing is installed, each package is
`apt-get download`ed into a cache folder and only its .bib and .bib.gz files are extracted.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from pathlib import Path

PACKAGES = (
    "texlive-bibtex-extra",
    "texlive-publishers",
    "texlive-publishers-doc",
    "texlive-latex-extra",
    "texlive-latex-extra-doc",
    "texlive-latex-recommended",
    "texlive-latex-recommended-doc",
    "texlive-science",
    "texlive-science-doc",
    "texlive-humanities",
    "texlive-humanities-doc",
    "texlive-base",
)


def corpus_files(corpus: Path, cases: Path | None) -> tuple[list[tuple[str, Path]], int]:
    """(group, file) for each distinct .bib under corpus/<group>/ and cases; and how many
    files were left out as byte-for-byte copies of one already listed."""
    found: list[tuple[str, Path]] = []
    if corpus.is_dir():
        for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
            found += [(folder.name, p) for p in sorted(folder.rglob("*.bib")) if p.is_file()]
    if cases is not None:
        found += [("hand-made", p) for p in sorted(cases.glob("*.bib"))]
    seen: set[str] = set()
    distinct = []
    for group, path in found:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            distinct.append((group, path))
    return distinct, len(found) - len(distinct)


def fetch(corpus: Path, debs: Path) -> int:
    """Download the packages with apt-get and extract their .bib files into corpus/<pkg>/."""
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        print("--fetch needs Debian's apt-get and dpkg-deb; neither is here: nothing fetched.")
        return 0
    debs.mkdir(parents=True, exist_ok=True)
    listing = subprocess.run(
        ["apt-cache", "search", "--names-only", "^texlive-lang-"],
        capture_output=True,
        text=True,
        check=False,
    )
    langs = [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]
    for package in [*PACKAGES, *(p for p in langs if p != "texlive-lang-all")]:
        deb = next(debs.glob(f"{package}_*.deb"), None)
        if deb is None:
            got = subprocess.run(
                ["apt-get", "download", "-q", package], cwd=debs, capture_output=True, text=True
            )
            deb = next(debs.glob(f"{package}_*.deb"), None)
            if deb is None:
                why = (got.stderr.strip().splitlines() or ["?"])[-1]
                print(f"{package}: not downloaded ({why}; try apt-get update)")
                continue
        print(f"{package}: {extract_bibs(deb, corpus / package)} .bib files")
    return 0


def extract_bibs(deb: Path, into: Path) -> int:
    """The .bib and .bib.gz files of a .deb, unpacked under `into`; how many there are."""
    into.mkdir(parents=True, exist_ok=True)
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    subprocess.run(
        ["tar", "-x", "-C", str(into), "--wildcards", "*.bib", "*.bib.gz"],
        stdin=tar.stdout,
        capture_output=True,
        check=False,
    )
    tar.wait()
    for packed in into.rglob("*.bib.gz"):
        try:
            packed.with_suffix("").write_bytes(gzip.decompress(packed.read_bytes()))
        except (OSError, EOFError) as exc:
            print(f"  {packed}: not unpacked ({exc})")
        packed.unlink()
    return sum(1 for _ in into.rglob("*.bib"))
