"""MeSH headings (issue #14): read from PubMed's efetch XML, stored by verify, and naming an
observational study's design for claims where PubMed's publication types have no word."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.registries.mesh import parse_mesh

from conftest import ROOT, example_evidence
from fakeregistry import FakeRegistry

EFETCH = b"""<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" \
"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">
<PubmedArticleSet>
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM" IndexingMethod="Manual">
    <PMID Version="1">21290833</PMID>
    <Article PubModel="Print"><ArticleTitle>[Comparative observation]</ArticleTitle></Article>
    <MeshHeadingList>
      <MeshHeading><DescriptorName UI="D006801" MajorTopicYN="N">Humans</DescriptorName>
      </MeshHeading>
      <MeshHeading><DescriptorName UI="D012189" MajorTopicYN="N">Retrospective
        Studies</DescriptorName><QualifierName UI="Q000379" MajorTopicYN="N">methods</QualifierName>
      </MeshHeading>
    </MeshHeadingList>
  </MedlineCitation>
  <PubmedData><PublicationStatus>ppublish</PublicationStatus></PubmedData>
</PubmedArticle>
<PubmedArticle>
  <MedlineCitation Status="PubMed-not-MEDLINE" Owner="NLM"><PMID Version="1">1</PMID>
  </MedlineCitation>
</PubmedArticle>
</PubmedArticleSet>
"""


def test_efetch_xml_gives_each_articles_descriptors() -> None:
    assert parse_mesh(EFETCH) == ({"21290833": ("Humans", "Retrospective Studies"), "1": ()}, "")


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><PubmedArticleSet/>', "declaring entities"),
        (b"<PubmedArticleSet><PubmedArticle>", "malformed XML"),
        (b"<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>", "not a PubmedArticleSet"),
    ],
)
def test_an_unusable_answer_says_why(body: bytes, why: str) -> None:
    found, problem = parse_mesh(body)
    assert found == {} and why in problem


def test_a_design_heading_names_the_evidence_when_the_types_do_not(
    fake: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sheng 2010 typed only "Journal Article" by PubMed, indexed "Retrospective Studies"."""
    fake.summaries["21290833"]["pubtype"] = ["Journal Article"]
    fake.mesh["21290833"] = [
        "Humans",
        "Randomized Controlled Trials as Topic",
        "Retrospective Studies",
    ]
    monkeypatch.chdir(ROOT)
    sheng = example_evidence(fake, tmp_path / "cache.sqlite")["sheng2010comparative"]
    assert (sheng["type"], sheng["rule"]) == ("cohort-observational", "mesh-heading")
    assert "MeSH heading: Retrospective Studies" in sheng["detail"]
