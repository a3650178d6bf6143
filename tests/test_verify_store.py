"""Verify's verdicts stored in the cache and read by `claims` and `check --claims`, end to end
against the fake registry on 127.0.0.1."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from citations.commands.verify import run_verify_command
from citations.config import Config
from citations.library import load_library
from citations.net.cache import Cache
from citations.verify.store import KIND, recorded_verdicts, verdict_url

from fakeregistry import FakeRegistry

RETRACTED = """@article{example2019needle,
  author  = {Example, Ada and Placeholder, Ben},
  title   = {Needle-Free Acupressure Cures Chronic Hip Pain: A Randomised Controlled Trial},
  journal = {Journal of Test Fixtures},
  year    = {2019},
  volume  = {7},
  number  = {2},
  pages   = {101--109},
  doi     = {10.5555/retracted.2019.0001},
}
"""
FABRICATED = """@article{whitfield2019,
  author  = {Whitfield, Sarah J. and Okafor, Daniel},
  title   = {Quantum-enhanced glial signalling predicts placebo response in chronic migraine},
  journal = {Journal of Clinical Neurological Sciences},
  year    = {2019},
  volume  = {12},
  pages   = {211--219},
}
"""
GOOD = """@article{park2023acupuncture,
  author  = {Park, Hyun Suk and Jeong, Hye In and Sung, Soo-Hyun and Kim, Kyeong Han},
  title   = {Acupuncture treatment for hip pain: a systematic review and meta-analysis},
  journal = {Healthcare},
  year    = {2023},
  volume  = {11},
  number  = {11},
  pages   = {1624},
  doi     = {10.3390/healthcare11111624},
}
"""
CITING_ALL = (
    "# Hip pain\n\n"
    "Acupressure cures hip pain.[@example2019needle]\n\n"
    "Glial signalling predicts placebo response [@park2023acupuncture; @whitfield2019].\n"
)
CITING_GOOD = "# Hip pain\n\nAcupuncture may help hip pain.[@park2023acupuncture]\n"
FLAGGED = [
    ("example2019needle", 3, CITING_ALL.splitlines()[2].index("@example2019needle") + 1),
    ("whitfield2019", 5, CITING_ALL.splitlines()[4].index("@whitfield2019") + 1),
]

Run = Callable[..., Any]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "lib.bib").write_text(f"{RETRACTED}\n{FABRICATED}\n{GOOD}", "utf-8")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "all.md").write_text(CITING_ALL, "utf-8")
    (tmp_path / "articles" / "good.md").write_text(CITING_GOOD, "utf-8")
    return tmp_path


def default_cache() -> Path:
    return Path(os.environ["CITATIONS_CACHE_DIR"]) / "cache.sqlite"


def today() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime())


def unverified(report: dict[str, Any], list_name: str = "flags") -> list[tuple[str, int, int]]:
    """(key, line, column) of each cites-unverified-reference in a JSON report."""
    return [
        (f["key"], f["line"], f["column"])
        for f in report[list_name]
        if f["code"] == "cites-unverified-reference"
    ]


def claims(run: Run, project: Path, article: str = "articles/all.md", *args: str) -> Any:
    result = run("claims", article, "-f", "json", *args, cwd=project)
    return result, json.loads(result.out)


def test_claims_flag_what_verify_recorded_retracted_or_not_found(
    run: Run, fake: FakeRegistry, project: Path
) -> None:
    before = claims(run, project)[1]
    assert unverified(before) == []  # nothing verified yet: nothing to go on
    days = {today()}
    assert run("verify", cwd=project).code == 1  # retracted and not-found fail verify itself
    days.add(today())  # the run may cross midnight (UTC)
    result, report = claims(run, project)
    assert result.code == 1  # the flag is an error
    assert unverified(report) == FLAGGED
    messages = [f["message"] for f in report["flags"]]
    assert messages[0].startswith("cites 'example2019needle', which was retracted")
    assert messages[1].startswith("cites 'whitfield2019', which was not found")
    recorded = {m.rpartition("recorded by citations verify on ")[2].rstrip(")") for m in messages}
    assert len(recorded) == 1 and recorded <= days
    hits = len(fake.hits())
    claims(run, project)
    assert len(fake.hits()) == hits  # claims never fetches


def test_an_article_citing_only_verified_entries_is_not_flagged(
    run: Run, fake: FakeRegistry, project: Path
) -> None:
    run("verify", cwd=project)
    result, report = claims(run, project, "articles/good.md")
    assert (result.code, report["flags"]) == (0, [])
    with Cache.open(default_cache()) as cache:
        payload = cache.get_result(KIND, verdict_url(_entry(project, "park2023acupuncture")))
    assert payload is not None and payload["verdict"] == "verified"


def test_check_claims_sees_the_recorded_verdicts(
    run: Run, fake: FakeRegistry, project: Path
) -> None:
    run("verify", cwd=project)
    result = run("check", "--claims", "-f", "json", cwd=project)
    assert result.code == 1
    found = unverified(json.loads(result.out), "findings")
    assert found == FLAGGED
    plain = json.loads(run("check", "-f", "json", cwd=project).out)
    assert unverified(plain, "findings") == []  # without --claims, no claim flags


@pytest.mark.parametrize(
    ("old", "new", "flagged"),
    [
        pytest.param("predicts placebo response", "predicts nocebo response", [], id="title-word"),
        pytest.param("{2019},\n  volume  = {12}", "{2018},\n  volume  = {12}", [], id="year"),
        pytest.param("predicts placebo", "predicts\n             placebo",
                     ["whitfield2019"], id="title-reflowed"),
        pytest.param("  pages   = {211--219},\n", "  pages   = {211--219},\n  note = {Cited}\n",
                     ["whitfield2019"], id="other-field-added"),
    ],
)  # fmt: skip
def test_editing_an_entry_s_identifying_fields_retires_its_verdict(
    run: Run, fake: FakeRegistry, project: Path, old: str, new: str, flagged: list[str]
) -> None:
    run("verify", cwd=project)
    bib = project / "refs" / "lib.bib"
    text = bib.read_text("utf-8")
    start = text.index("@article{whitfield2019")
    assert old in text[start:]
    bib.write_text(text[:start] + text[start:].replace(old, new, 1), "utf-8")
    keys = [key for key, _, _ in unverified(claims(run, project)[1])]
    assert keys == ["example2019needle", *flagged]


def test_no_cache_stores_nothing(run: Run, fake: FakeRegistry, project: Path) -> None:
    Cache.open(default_cache()).close()  # an existing cache it must not write into
    assert run("verify", "--no-cache", cwd=project).code == 1
    with Cache.open(default_cache()) as cache:
        assert cache.stats()["results"] == 0
    assert unverified(claims(run, project)[1]) == []


def test_claims_without_a_cache_flags_nothing_and_creates_none(
    run: Run, fake: FakeRegistry, project: Path
) -> None:
    missing = project / "none.sqlite"
    result, report = claims(run, project, "articles/all.md", "--cache", str(missing))
    assert (result.code, report["flags"], missing.exists()) == (0, [], False)
    assert "no cache at" in result.err


def test_a_run_that_cannot_verify_keeps_the_stored_verdict(
    run: Run, fake: FakeRegistry, project: Path
) -> None:
    cache = project / "c.sqlite"
    run("verify", "example2019needle", "--cache", cache, cwd=project)
    url = verdict_url(_entry(project, "example2019needle"))
    first = _stored(cache, url)
    assert first["verdict"] == "retracted"
    with sqlite3.connect(cache) as conn:
        conn.execute("DELETE FROM responses")  # forget the registry's answers
    offline = run("verify", "example2019needle", "--offline", "-f", "json", "--cache", cache,
                  cwd=project)  # fmt: skip
    assert json.loads(offline.out)["results"][0]["verdict"] == "unverifiable"
    for registry in ("crossref", "doi", "ncbi", "arxiv"):
        fake.respond(f"/{registry}/*", 503, "down")
    down = run_verify_command(
        Config(refs=(project / "refs",)), {"keys": ("example2019needle",), "cache": cache},
        settings=fake.settings(backoff=0.001),
    )  # fmt: skip
    assert [r.verdict for r in down.results] == ["unverifiable"]
    assert fake.hits("/crossref/")  # it did ask, and was turned away
    assert _stored(cache, url) == first  # neither run replaced the real verdict
    assert unverified(claims(run, project, "articles/all.md", "--cache", str(cache))[1]) == [
        FLAGGED[0]
    ]


def test_an_offline_run_fills_a_gap_but_replaces_nothing(
    run: Run, fake: FakeRegistry, project: Path
) -> None:
    cache = project / "c.sqlite"
    run("verify", "--cache", cache, cwd=project)
    url = verdict_url(_entry(project, "example2019needle"))
    first = _stored(cache, url)
    run("verify", "--offline", "--cache", cache, cwd=project)
    assert _stored(cache, url) == first  # same verdict, not re-dated by a run that asked no one
    bib = project / "refs" / "lib.bib"
    bib.write_text(bib.read_text("utf-8").replace("{101--109}", "{101--108}"), "utf-8")
    hits = len(fake.hits())
    run("verify", "--offline", "--cache", cache, cwd=project)
    assert len(fake.hits()) == hits
    edited = _stored(cache, verdict_url(_entry(project, "example2019needle")))
    assert (edited["verdict"], edited["offline"]) == ("retracted", True)


def test_fix_stores_the_verdict_of_the_entry_as_written(
    run: Run, fake: FakeRegistry, project: Path
) -> None:
    bib = project / "refs" / "lib.bib"
    bib.write_text(GOOD.replace("{2023}", "{2022}"), "utf-8")
    wrong = verdict_url(_entry(project, "park2023acupuncture"))
    run("verify", "--fix", "--fields", "year", cwd=project)
    assert "year    = {2023}" in bib.read_text("utf-8")
    library = load_library([bib])
    with Cache.open(default_cache()) as cache:
        recorded = recorded_verdicts(cache, library, ["park2023acupuncture"])
        assert recorded["park2023acupuncture"].verdict == "verified"
        assert cache.get_result(KIND, wrong) is None  # the entry as read is not what was kept


def test_claims_read_verdicts_from_the_verify_cache_setting(
    run: Run, fake: FakeRegistry, project: Path
) -> None:
    (project / "citations.toml").write_text('[verify]\ncache = "verdicts.sqlite"\n', "utf-8")
    run("verify", cwd=project)
    assert (project / "verdicts.sqlite").is_file() and not default_cache().exists()
    assert unverified(claims(run, project)[1]) == FLAGGED


def _entry(project: Path, key: str) -> Any:
    return load_library([project / "refs" / "lib.bib"])[key]


def _stored(cache: Path, url: str) -> dict[str, Any]:
    with Cache.open(cache) as opened:
        payload = opened.get_result(KIND, url, allow_stale=True)
    assert payload is not None
    return payload
