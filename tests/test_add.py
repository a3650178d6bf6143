"""`citations add` end to end against the fake registry: entries, duplicates, the example, kills."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citations.commands.add import AddOutcome, default_target, run_add_command
from citations.commands.check import run_check_command
from citations.config import Config, load_config
from citations.errors import CitationsError, ConfigError
from citations.library import load_library
from citations.registries.client import Registries
from citations.render.styles import get_style
from citations.richtext import plain

from conftest import FIXTURES, ROOT
from fakeregistry import FakeRegistry
from linkserver import LinkServer, answer

PAGES = FIXTURES / "add" / "pages"
SCRIPT = FIXTURES / "add" / "add_process.py"
ADD_KINDS = ("article", "book", "chapter", "proceedings", "report", "thesis", "dataset", "preprint")
ADD_DOIS = [f"10.5555/add.{kind}" for kind in ADD_KINDS]
MAYO = "https://www.mayoclinic.org/diseases-conditions/osteoarthritis/symptoms-causes/syc-20351925"
CLEVELAND = "https://my.clevelandclinic.org/health/diseases/17401-hip-bursitis"
LIBRARY = """@article{existing2016,
  author = {Wu, Ming-Shun},
  title = {Already here},
  journal = {PLoS One},
  year = {2016},
  doi = {10.1371/JOURNAL.PONE.0150367},
}

@article{sheng2010,
  author = {Sheng, X. P.},
  title = {Also here},
  journal = {Zhongguo Zhen Jiu},
  year = {2010},
  pmid = {21290833},
}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with refs/library.bib (Wu by DOI, Sheng by PMID) and no settings."""
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "library.bib").write_text(LIBRARY, "utf-8")
    (tmp_path / "citations.toml").write_text('refs = ["refs"]\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CITATIONS_MAILTO", "tests@example.org")  # no polite notice
    return tmp_path


def _add(
    registries: Registries, ids: list[str], config: Config | None = None, **options: object
) -> AddOutcome:
    return run_add_command(config or load_config(), ids, options, registries=registries)


# --- writing ---------------------------------------------------------------------------------


def test_dry_run_returns_the_entry_and_writes_nothing(
    project: Path, registries: Registries
) -> None:
    before = (project / "refs" / "library.bib").read_bytes()
    outcome = _add(registries, ["10.5555/add.article"], dry_run=True)
    assert outcome.written is None
    assert outcome.failed == [] and outcome.existing == []
    assert outcome.entries == [
        "@article{alvarez2021sleep,\n"
        "  author = {Álvarez, Ana and Okafor, Ben},\n"
        "  title = {Sleep and {DNA} repair in older adults},\n"
        "  journal = {J Test Med},\n"
        "  issn = {1234-5679},\n"
        "  year = {2021},\n"
        "  month = apr,\n"
        "  volume = {12},\n"
        "  number = {4},\n"
        "  pages = {101--109},\n"
        "  doi = {10.5555/add.article},\n"
        "}\n"
    ]
    assert (project / "refs" / "library.bib").read_bytes() == before
    assert sorted(p.name for p in (project / "refs").iterdir()) == ["library.bib"]


def test_adds_clean_entries_of_every_type_that_check_passes(
    project: Path, registries: Registries
) -> None:
    outcome = _add(registries, ADD_DOIS, to=Path("refs/added.bib"))
    assert outcome.failed == []
    assert outcome.written == Path("refs/added.bib")
    text = (project / "refs" / "added.bib").read_text("utf-8")
    assert text == "\n".join(outcome.entries)
    library = load_library([project / "refs"])
    assert library.findings == []
    types = {ref.key: ref.type for ref in library if ref.key not in ("existing2016", "sheng2010")}
    assert types == {
        "alvarez2021sleep": "article",
        "vanderberg2019handbook": "book",
        "nguyen2018acupuncture": "incollection",
        "adeyemi2022fast": "inproceedings",
        "nationaljointregistry2020hip": "techreport",
        "kowalski2017electroacupuncture": "phdthesis",
        "petrov2023pain": "misc",
        "sato2024machine": "misc",
    }
    assert library["vanderberg2019handbook"].get("title") == "A handbook of pain & its measurement"
    assert library["nationaljointregistry2020hip"].authors.names[0].corporate
    assert outcome.messages[-1] == "added sato2024machine to refs/added.bib"
    findings = run_check_command(load_config()).findings
    assert [f for f in findings if f.key in types] == []


def test_default_target_is_the_first_bib_file_of_the_refs(
    project: Path, registries: Registries
) -> None:
    config = load_config()
    assert default_target(config) == Path("refs/library.bib")
    outcome = _add(registries, ["10.5555/add.book"], config)
    assert outcome.written == Path("refs/library.bib")
    text = (project / "refs" / "library.bib").read_text("utf-8")
    assert text == LIBRARY + "\n" + outcome.entries[0]
    empty = Config(refs=(project / "none",))
    assert default_target(empty) == project / "none" / "added.bib"
    (project / "citations.toml").write_text('refs = ["refs"]\n[add]\nto = "refs/new.bib"\n')
    assert default_target(load_config()) == Path("refs/new.bib")


# --- duplicates ------------------------------------------------------------------------------


def test_duplicates_are_refused_with_the_existing_key(
    project: Path, fake: FakeRegistry, registries: Registries
) -> None:
    before = (project / "refs" / "library.bib").read_bytes()
    ids = ["https://doi.org/10.1371/journal.pone.0150367", "pmid:21290833"]
    outcome = _add(registries, ids)
    assert outcome.existing == [(ids[0], "existing2016"), (ids[1], "sheng2010")]
    assert outcome.messages == [
        "https://doi.org/10.1371/journal.pone.0150367: already in the library as existing2016",
        "pmid:21290833: already in the library as sheng2010",
    ]
    assert outcome.entries == [] and outcome.written is None and outcome.failed == []
    assert (project / "refs" / "library.bib").read_bytes() == before
    assert fake.hits() == []  # known before anything was asked


def test_a_duplicate_learnt_from_the_registry_is_refused(
    project: Path, registries: Registries
) -> None:
    before = (project / "refs" / "library.bib").read_bytes()
    outcome = _add(registries, ["pmid:26959661"])  # PubMed says: DOI 10.1371/journal.pone...
    assert outcome.existing == [("pmid:26959661", "existing2016")]
    assert (project / "refs" / "library.bib").read_bytes() == before


def test_one_work_twice_in_a_run_is_added_once(project: Path, registries: Registries) -> None:
    outcome = _add(registries, ["10.5555/add.article", "doi:10.5555/ADD.ARTICLE"], dry_run=True)
    assert len(outcome.entries) == 1
    assert outcome.existing == [("doi:10.5555/ADD.ARTICLE", "alvarez2021sleep")]


def test_keys_taken_get_letter_suffixes(project: Path, registries: Registries) -> None:
    taken = "@misc{alvarez2021sleep, title = {Another work}}\n"
    (project / "refs" / "taken.bib").write_text(taken, "utf-8")
    outcome = _add(registries, ["10.5555/add.article"], dry_run=True)
    assert outcome.entries[0].startswith("@article{alvarez2021sleepa,\n")


# --- other identifiers -----------------------------------------------------------------------


def test_pmcid_arxiv_and_datacite(project: Path, registries: Registries) -> None:
    ids = ["PMC10252336", "arxiv:1706.03762v5", "10.5281/zenodo.1234567", "hep-th/9711200"]
    outcome = _add(registries, ids, dry_run=True)
    assert outcome.failed == []
    park, vaswani, zenodo, maldacena = outcome.entries
    assert park.startswith("@article{park2023acupuncture,\n")
    assert "  pmid = {37297763},\n  pmcid = {PMC10252336},\n" in park
    assert vaswani.startswith("@misc{vaswani2017attention,\n")
    assert "  eprint = {1706.03762v5},\n  eprinttype = {arxiv},\n" in vaswani
    assert "  url = {https://arxiv.org/abs/1706.03762v5},\n" in vaswani
    assert zenodo.startswith("@misc{") and "  doi = {10.5281/zenodo.1234567},\n" in zenodo
    assert "doi = " not in maldacena  # the journal's DOI is the published version's
    assert any("add that DOI for the published version" in m for m in outcome.messages)


def test_a_doi_gets_its_pubmed_ids(project: Path, registries: Registries) -> None:
    outcome = _add(registries, ["10.3390/healthcare11111624"], dry_run=True)
    assert "  journal = {Healthcare},\n" in outcome.entries[0]  # the registry's, not PubMed's
    assert "  pmid = {37297763},\n  pmcid = {PMC10252336},\n" in outcome.entries[0]


def test_a_retracted_work_is_added_with_a_warning(project: Path, registries: Registries) -> None:
    outcome = _add(registries, ["10.5555/retracted.2019.0001"], dry_run=True)
    assert len(outcome.entries) == 1
    assert [m for m in outcome.messages if "warning" in m] == [
        "10.5555/retracted.2019.0001: warning: the work is retracted"
        " (notice 10.5555/retraction.2021.0002)"
    ]


def test_failures_are_reported_and_the_rest_is_added(project: Path, registries: Registries) -> None:
    ids = ["10.5555/nope", "isbn:978-3-16-148410-0", "smith2020", "10.5555/add.thesis"]
    outcome = _add(registries, ids, to=Path("refs/new.bib"))
    assert outcome.failed == [
        ("10.5555/nope", "no DOI 10.5555/nope"),
        ("isbn:978-3-16-148410-0", "Open Library has no book with ISBN 9783161484100"),
        ("smith2020", "not a DOI, PMID, PMCID, arXiv id, ISBN, http(s) URL or reference as "
                      "printed (write e.g. doi:10.1/x)"),
    ]  # fmt: skip
    assert len(outcome.entries) == 1
    assert outcome.written == Path("refs/new.bib")


def test_a_registry_that_cannot_answer_is_a_failure_not_a_miss(
    project: Path, fake: FakeRegistry, registries: Registries
) -> None:
    fake.html("/crossref/works/*", status=503)
    outcome = _add(registries, ["10.5555/add.article"], to=Path("refs/new.bib"))
    assert outcome.failed[0][1].startswith("could not be looked up: Crossref: HTTP 503")
    assert not (project / "refs" / "new.bib").exists()


# --- web pages -------------------------------------------------------------------------------


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[LinkServer]:
    """The two clinics' pages, served here; CITATIONS_WEB_MAP sends their URLs to it."""
    with LinkServer() as server:
        mayo = (PAGES / "mayoclinic.html").read_text("utf-8")
        cleveland = (PAGES / "clevelandclinic.html").read_text("utf-8")
        server.route(MAYO.split(".org", 1)[1], answer(200, mayo))
        server.route("/old-cleveland", answer(301, "", {"Location": "/health/diseases/17401-x"}))
        server.route("/health/diseases/17401-x", answer(200, cleveland))
        server.route("/missing", answer(404, "<title>Not here</title>"))
        server.route("/pdf", answer(200, b"%PDF-1.4", content_type="application/pdf"))
        doi_page = '<meta name="citation_doi" content="10.5555/add.article"><title>x</title>'
        server.route("/article", answer(200, doi_page))
        base = server.url("")
        mapping = (
            f"https://www.mayoclinic.org={base} "
            f"{CLEVELAND}={base}/old-cleveland https://pages.example={base}"
        )
        monkeypatch.setenv("CITATIONS_WEB_MAP", mapping)
        yield server


def _expected_references() -> list[str]:
    text = (FIXTURES / "example" / "references.txt").read_text("utf-8")
    return [" ".join(e.split()) for e in re.split(r"^\s*\d+\.\s", text, flags=re.M) if e.strip()]


USICHENKO = (
    "Usichenko TI, Dinse M, Hermsen M, et al. Auricular acupuncture for pain relief after "
    "total hip arthroplasty: a randomized controlled study. Pain. 2005;114:320-327."
)


def test_the_examples_references_render_as_in_the_example(
    tmp_path: Path, registries: Registries, site: LinkServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All six: five by identifier, and Usichenko 2005 (whose DOI and PMID the project could
    not confirm) by the reference as the example prints it, matched by a Crossref search."""
    (tmp_path / "refs").mkdir()
    settings = 'refs = ["refs"]\n[add]\nsentence-case = true\n'  # the example's titles
    (tmp_path / "citations.toml").write_text(settings, "utf-8")
    monkeypatch.chdir(tmp_path)
    ids = [MAYO, "pmid:26959661", "doi:10.3390/healthcare11111624", "pmid:21290833", USICHENKO,
           CLEVELAND]  # fmt: skip
    outcome = _add(registries, ids, accessed="2025-04", to=Path("refs/example.bib"))
    assert outcome.failed == [] and outcome.existing == []
    library = load_library([tmp_path / "refs"])
    assert library.findings == []
    keys = ["mayoclinic2023osteoarthritis", "wu2016efficacy", "park2023acupuncture",
            "sheng2010comparative", "usichenko2005auricular", "clevelandclinic2023hip"]  # fmt: skip
    assert [ref.key for ref in library] == keys  # the example's own keys
    style = get_style("ama", {"et-al-min": 6, "show-issue": False, "show-doi": False})
    rendered = [" ".join(plain(style.format(ref)).split()) for ref in library]
    assert rendered == _expected_references()
    assert [h.path for h in site.hits()] == [
        MAYO.split(".org", 1)[1], "/old-cleveland", "/health/diseases/17401-x"
    ]  # fmt: skip
    assert (
        f"{USICHENKO}: matched to doi:10.5555/usichenko.2005.114.320 by a Crossref search: "
        "'Auricular acupuncture for pain relief after total hip arthroplasty – a randomized "
        "controlled study'" in outcome.messages
    )


def test_web_pages(project: Path, registries: Registries, site: LinkServer) -> None:
    ids = ["https://pages.example/missing", "https://pages.example/pdf",
           "https://pages.example/article", MAYO, MAYO + "/"]  # fmt: skip
    outcome = _add(registries, ids, dry_run=True, accessed="2025-04-17")
    assert outcome.failed == [
        ("https://pages.example/missing", "the page answered 404 Not Found"),
        ("https://pages.example/pdf", "not a web page (application/pdf)"),
    ]
    article, mayo = outcome.entries
    assert article.startswith("@article{alvarez2021sleep,\n")  # its citation_doi's record
    assert "  urldate = {2025-04-17},\n" in mayo
    assert outcome.existing == [(MAYO + "/", "mayoclinic2023osteoarthritis")]


# --- settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        pytest.param('[add]\nkey-pattern = "{surname}"\n', "unknown placeholder", id="pattern"),
        pytest.param("[add]\nkeys = 1\n", "unknown setting 'add.keys'", id="unknown-key"),
        pytest.param("[add]\nsentence-case = 1\n", "true or false", id="sentence-case"),
    ],
)
def test_bad_settings(project: Path, registries: Registries, toml: str, message: str) -> None:
    (project / "citations.toml").write_text(f'refs = ["refs"]\n{toml}', "utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        _add(registries, ["10.5555/add.article"])


def test_key_pattern_setting(project: Path, registries: Registries) -> None:
    (project / "citations.toml").write_text('[add]\nkey-pattern = "{author}:{year}"\n', "utf-8")
    outcome = _add(registries, ["10.5555/add.article"], dry_run=True)
    assert outcome.entries[0].startswith("@article{alvarez:2021,\n")


@pytest.mark.parametrize("accessed", ["2025-13", "April 2025", "2025-02-30"])
def test_bad_accessed_date(project: Path, registries: Registries, accessed: str) -> None:
    with pytest.raises(CitationsError, match="YYYY-MM"):
        _add(registries, ["10.5555/add.article"], accessed=accessed)


# --- processes -------------------------------------------------------------------------------


def _env(fake: FakeRegistry) -> dict[str, str]:
    return {**os.environ, **fake.env(), "PYTHONPATH": str(ROOT)}


def test_killed_runs_leave_whole_entries_only(tmp_path: Path, fake: FakeRegistry) -> None:
    """Ten runs adding entry after entry, each killed (SIGKILL) at a random moment: every file
    holds a prefix of the entries, each one whole, and loads without a finding."""
    expected = _expected_texts(fake)
    rng = random.Random(20250417)
    runs = []
    for n in range(10):
        folder = tmp_path / f"run{n}"
        folder.mkdir()
        proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), "loop", str(folder), *ADD_DOIS],
            env=_env(fake), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        runs.append((folder, proc, rng.uniform(0.02, 0.6)))
    kill_at: dict[int, float] = {}  # run → when to kill it, once it is ready
    deadline = time.monotonic() + 60
    while len(kill_at) < len(runs) or any(p.poll() is None for _, p, _ in runs):
        assert time.monotonic() < deadline, "a process never started"
        now = time.monotonic()
        for n, (folder, proc, delay) in enumerate(runs):
            if n not in kill_at and (folder / "ready").exists():
                kill_at[n] = now + delay
            if n in kill_at and now >= kill_at[n] and proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            if proc.poll() is not None and n not in kill_at:
                kill_at[n] = now  # it ended by itself: the check below says why
        time.sleep(0.002)
    written = []
    for folder, proc, _ in runs:
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err.decode()
        for bib in sorted(folder.glob("*.bib")):
            text = bib.read_text("utf-8")
            count = text.count("\n@") + 1
            assert text == "\n".join(expected[:count]), f"{bib} is not whole entries"
            assert load_library([bib]).findings == []
            written.append(count)
    assert sum(written) > 0  # the kills did land among the writes


def _expected_texts(fake: FakeRegistry) -> list[str]:
    with Registries(fake.settings()) as registries:
        outcome = run_add_command(Config(refs=()), ADD_DOIS, {"dry_run": True},
                                  registries=registries)  # fmt: skip
    return outcome.entries


def test_eight_concurrent_runs_lose_no_entry(tmp_path: Path, fake: FakeRegistry) -> None:
    target = tmp_path / "refs" / "shared.bib"
    procs = [
        subprocess.Popen(
            [sys.executable, str(SCRIPT), "once", str(target), doi],
            env=_env(fake),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for doi in ADD_DOIS
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, out + err
    library = load_library([target])
    assert library.findings == []
    assert sorted(ref.get("doi") for ref in library) == sorted(ADD_DOIS)
    assert sorted(e.strip() for e in target.read_text("utf-8").split("\n\n")) == sorted(
        e.strip() for e in _expected_texts(fake)
    )


def test_the_command_line(project: Path, fake: FakeRegistry) -> None:
    """`citations add` itself, in a new process: output, messages and exit codes."""

    def add(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "citations", "add", *args]
        return subprocess.run(command, cwd=project, env=_env(fake), capture_output=True,
                              text=True, timeout=60)  # fmt: skip

    dry = add("--dry-run", "10.5555/add.book")
    assert (dry.returncode, dry.stderr) == (0, "")
    assert dry.stdout.startswith("@book{vanderberg2019handbook,\n")
    before = (project / "refs" / "library.bib").read_bytes()
    dup = add("doi:10.1371/journal.pone.0150367")
    assert (dup.returncode, dup.stdout) == (0, "")
    assert dup.stderr == (
        "doi:10.1371/journal.pone.0150367: already in the library as existing2016\n"
    )
    assert (project / "refs" / "library.bib").read_bytes() == before
    bad = add("--to", "refs/x.bib", "10.5555/nope", "10.5555/add.book")
    assert bad.returncode == 1
    assert bad.stderr == (
        "10.5555/nope: no DOI 10.5555/nope\nadded vanderberg2019handbook to refs/x.bib\n"
    )
    assert add("--accessed", "April", "10.5555/add.book").returncode == 3
    cited = add("--dry-run", "isbn:1-4028-9462-7", USICHENKO)
    assert cited.returncode == 0, cited.stderr
    assert cited.stdout.startswith("@book{garcialopez2019acupuncture,\n")
    assert "\n@article{usichenko2005auricular,\n" in cited.stdout
    assert cited.stderr == (
        f"{USICHENKO}: matched to doi:10.5555/usichenko.2005.114.320 by a Crossref search: "
        "'Auricular acupuncture for pain relief after total hip arthroplasty – a randomized "
        "controlled study'\n"
    )


def test_a_key_or_work_taken_meanwhile_is_rechecked_under_the_lock(tmp_path: Path) -> None:
    from citations.add.entry import Entry
    from citations.commands.add import AddOutcome, _recheck
    from citations.library.append import append_entry

    entry = Entry("article", "park2023acupuncture",
                  (("title", "{A}"), ("doi", "{10.3390/healthcare11111624}")))  # fmt: skip
    bib = tmp_path / "refs.bib"
    # Another run added a different work under the same key after we read the library.
    bib.write_text("@article{park2023acupuncture, title = {Other}, doi = {10.1/other}}\n", "utf-8")
    final: list[Entry] = []
    assert append_entry(bib, entry.text(), _recheck(entry, final, AddOutcome()))
    assert final[0].key == "park2023acupuncturea"
    assert "@article{park2023acupuncturea," in bib.read_text("utf-8")
    # Another run added the same work meanwhile: nothing is written.
    before = bib.read_bytes()
    outcome = AddOutcome()
    assert not append_entry(bib, entry.text(), _recheck(entry, [], outcome))
    assert bib.read_bytes() == before
    assert outcome.existing == [("10.3390/healthcare11111624", "park2023acupuncturea")]


def test_the_polite_notice_is_shown_once_by_add_too(
    project: Path, registries: Registries, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CITATIONS_MAILTO")
    first = _add(registries, ["10.5555/add.article"], dry_run=True)
    assert first.messages[0].startswith("note: no contact e-mail is set for the registries")
    again = _add(registries, ["10.5555/add.book"], dry_run=True)
    assert not any("contact e-mail" in m for m in again.messages)
