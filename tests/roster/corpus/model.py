"""The document model every category produces and every writer consumes,
and the registry of categories.

A Doc is a list of blocks: a str is a paragraph (a line of text; one cell
in a spreadsheet; a w:p in a DOCX), a Table is rows of cells, a Sheet starts
a new sheet in a spreadsheet (elsewhere it is a blank line). A cell is a
str, a Num or a Date: spreadsheets store those two as typed values, text
formats write their .text.
"""

import datetime
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Num:
    value: float
    text: str  # as shown: "1,280"

    @classmethod
    def of(cls, value, grouped=False):
        return cls(value, f"{value:,}" if grouped else str(value))


@dataclass(frozen=True)
class Date:
    day: datetime.date
    text: str  # as shown in text formats: "昭和60年4月12日"


def cell_text(cell):
    return cell if isinstance(cell, str) else cell.text


@dataclass
class Table:
    rows: list


@dataclass(frozen=True)
class Sheet:
    name: str


@dataclass
class Doc:
    blocks: list = field(default_factory=list)

    def tables(self):
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass
class Sample:
    """What a category generator returns: the document and its label data
    (people: persons in the roster, 0 for a negative; note: a short English
    description for labels.tsv)."""
    doc: Doc
    people: int
    note: str
    raw: bytes = None  # the file's bytes, for binary files that have no Doc


@dataclass
class Category:
    """A kind of file in the corpus: its generator (rng, fmt) -> Sample, its
    label, how many files at scale 1, and the formats it is written in (with
    weights)."""
    name: str
    label: str
    count: int
    formats: dict
    generate: object

    @property
    def description(self):
        return re.sub(r"[ \n]+", " ", (self.generate.__doc__ or "").strip())


CATEGORIES = []


def category(name, label, count, formats):
    """Registers the decorated generator as a Category."""
    def register(generate):
        CATEGORIES.append(Category(name, label, count, formats, generate))
        return generate
    return register
