"""The rule set as data: each entry type's required and recommended fields, and known fields."""

from __future__ import annotations

from collections.abc import Mapping

# A group is satisfied by any one of its alternatives; a rule is (required, recommended).
Group = tuple[str, ...]
TypeRule = tuple[tuple[Group, ...], tuple[Group, ...]]

AUTHOR: Group = ("author",)
AUTHOR_EDITOR: Group = ("author", "editor")
EDITOR: Group = ("editor",)
TITLE: Group = ("title",)
BOOKTITLE: Group = ("booktitle",)
DATE: Group = ("year", "date")
JOURNAL: Group = ("journal", "journaltitle")
INSTITUTION: Group = ("institution", "school")
# A web page needs an address; biblatex also accepts an eprint for `online`.
LOCATOR: Group = ("url", "doi", "eprint")
WEB_AUTHOR: Group = ("author", "editor", "organization")

_BOOK: TypeRule = ((AUTHOR_EDITOR, TITLE, DATE), (("publisher",),))
_PART_OF_BOOK: TypeRule = (
    (AUTHOR_EDITOR, TITLE, BOOKTITLE, DATE),
    (("publisher",), ("pages", "chapter")),
)
_PART_OF_COLLECTION: TypeRule = ((AUTHOR, TITLE, BOOKTITLE, DATE), (("publisher",), ("pages",)))
_COLLECTION: TypeRule = ((EDITOR, TITLE, DATE), (("publisher",),))
_PROCEEDINGS: TypeRule = ((TITLE, DATE), (("publisher", "organization"),))
_IN_PROCEEDINGS: TypeRule = ((AUTHOR, TITLE, BOOKTITLE, DATE), (("pages", "eid"),))
_ARTICLE: TypeRule = ((AUTHOR, TITLE, JOURNAL, DATE), (("volume",), ("pages", "eid")))
_WEB: TypeRule = ((TITLE, LOCATOR), (WEB_AUTHOR, DATE))
_MISC: TypeRule = ((TITLE,), (WEB_AUTHOR, DATE))
_WORK: TypeRule = ((AUTHOR_EDITOR, TITLE, DATE), ())
_THESIS: TypeRule = ((AUTHOR, TITLE, INSTITUTION, DATE), ())
_BARE: TypeRule = ((TITLE, DATE), ())
_NONE: TypeRule = ((), ())

_MISC_LIKE = """
artwork audio bibnote commentary image jurisdiction legal legislation letter movie music
performance review standard video
"""

# Required fields follow biblatex's data model (manual §2.1.1), loosened where BibTeX allows
# more: an edited @book or @inbook names an editor instead of an author; the BibTeX aliases
# (techreport, phdthesis, ...) imply `type`, so only biblatex's @report and @thesis need it.
# @misc, the catch-all, needs only a title. `urldate` of web pages is left to the
# missing-urldate code. `doi`/`url` are not recommended for printed works: many sound
# references have neither (older or regional journals; two entries of refs/example.bib).
ENTRY_TYPES: Mapping[str, TypeRule] = {
    "article": _ARTICLE,
    "suppperiodical": _ARTICLE,
    "book": _BOOK,
    "mvbook": _BOOK,
    "inbook": _PART_OF_BOOK,
    "bookinbook": _PART_OF_BOOK,
    "suppbook": _PART_OF_BOOK,
    "booklet": _WORK,
    "collection": _COLLECTION,
    "mvcollection": _COLLECTION,
    "reference": _COLLECTION,
    "mvreference": _COLLECTION,
    "incollection": _PART_OF_COLLECTION,
    "suppcollection": _PART_OF_COLLECTION,
    "inreference": _PART_OF_COLLECTION,
    "proceedings": _PROCEEDINGS,
    "mvproceedings": _PROCEEDINGS,
    "inproceedings": _IN_PROCEEDINGS,
    "conference": _IN_PROCEEDINGS,
    "periodical": ((EDITOR, TITLE, DATE), ()),
    "manual": ((("author", "editor", "organization"), TITLE, DATE), ()),
    "misc": _MISC,
    "online": _WEB,
    "www": _WEB,
    "electronic": _WEB,
    "dataset": _WORK,
    "software": _WORK,
    "patent": ((AUTHOR, TITLE, ("number",), DATE), ()),
    "report": ((AUTHOR, TITLE, ("type",), INSTITUTION, DATE), ()),
    "techreport": ((AUTHOR, TITLE, INSTITUTION, DATE), ()),
    "thesis": ((AUTHOR, TITLE, ("type",), INSTITUTION, DATE), ()),
    "phdthesis": _THESIS,
    "mastersthesis": _THESIS,
    "unpublished": ((AUTHOR, TITLE, DATE), ()),
    "set": ((("entryset",),), ()),
    "xdata": _NONE,
    # Types biblatex knows but its standard styles print as @misc.
    **dict.fromkeys(_MISC_LIKE.split(), _BARE),
    **{f"custom{c}": _NONE for c in "abcdef"},
}

# Entry types that are web pages: they want `urldate` (a `misc` with a `url` counts too).
WEB_TYPES = frozenset({"online", "www", "electronic"})

_BIBTEX_FIELDS = """
address annote author booktitle chapter crossref edition editor howpublished institution
journal key month note number organization pages publisher school series title type volume year
"""
_BIBLATEX_FIELDS = """
abstract addendum afterword annotation annotator authortype bookauthor bookpagination
booksubtitle booktitleaddon commentator date doi editora editorb editorc editortype editoratype
editorbtype editorctype eid entrysubtype eprint eprintclass eprinttype eventdate eventtitle
eventtitleaddon file foreword holder indextitle introduction isan isbn ismn isrn issn issue
issuesubtitle issuetitle issuetitleaddon iswc journalsubtitle journaltitle journaltitleaddon
label language library location mainsubtitle maintitle maintitleaddon nameaddon origdate
origlanguage origlocation origpublisher origtitle pagetotal pagination part pubstate
reprinttitle shortauthor shorteditor shorthand shorthandintro shortjournal shortseries
shorttitle subtitle titleaddon translator url urldate venue version volumes
entryset execute gender langid langidopts ids indexsorttitle keywords options presort related
relatedoptions relatedtype relatedstring sortkey sortname sortshorthand sorttitle sortyear
xdata xref archiveprefix primaryclass pdf day endday endmonth endyear season
namea nameb namec nameatype namebtype namectype lista listb listc listd liste listf
usera userb userc userd usere userf verba verbb verbc
"""
# Common in the wild (urlbst, reference managers, Web of Science and Scopus exports), and this
# project's own fields.
_EXTRA_FIELDS = """
pmid pmcid pubmed arxiv arxivid eissn mrnumber zbl lccn copyright affiliation affiliations
timestamp owner groups comment priority ranking readstatus printed qualityassured creationdate
modificationdate mendeley-tags mendeley-groups date-added date-modified bdsk-url-1 bdsk-file-1
biburl bibsource lastchecked source da earlyaccessdate
updated reviewed evidence
"""
KNOWN_FIELDS = frozenset((_BIBTEX_FIELDS + _BIBLATEX_FIELDS + _EXTRA_FIELDS).split())
