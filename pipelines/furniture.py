"""Per-domain learned furniture: paragraphs a site repeats on page after page, learned from the corpus.

Static rules cannot know each site's donation appeal, "About the company" block, disclaimer or
newsletter box, but the corpus shows them: they recur on many pages of one domain. A paragraph
is furniture of a domain when all of these hold (thresholds in :class:`FurnitureConfig`):

* it stands on at least ``min_pages`` distinct pages of the domain: a quote repeated in two
  or three follow-up articles never gets there;
* those are at least ``min_share`` of the domain's pages: furniture is on a good part of a
  site, a recurring quote on a sliver of a big one;
* its pages span at least ``min_span_days`` days (a page's day is its publication date, else
  its fetch date, else the run's): a story told over one day repeats itself, furniture stays;
* it is seen on at most ``max_domains`` domains: a syndicated wire paragraph recurs across
  outlets, and corpus-wide "drop repeated lines" would delete exactly those. The cost is
  that sister sites sharing one footer keep it (static rules still catch the generic ones).

Lines shorter than ``min_line_chars`` are never learned: short headings ("Background") recur
by nature and the static rules handle short widgets.

The table lives with the corpus as two state tables, so it grows each run (counts merge):
``_state/furniture`` (domain, line hash, pages, first/last day seen, the line's text for
explaining a removal) and ``_state/furniture_pages`` (which pages were counted, so a re-fetched
URL is not counted twice, and each domain's page total). A line enters the table only once it
recurs, on two pages of any domains within one run, or once its hash is already there; lines
seen once stay out, which keeps the table to a fraction of the corpus. The price: a site sending
one page per run is learned only after a run that brings two.

A run learns from its own pages before removing (see ``pipelines.run``): the first run over a
site's archive already comes out clean, and rows are never rewritten later, so waiting a run
would leave that furniture in for good. The thresholds, not the timing, protect real text.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa
import xxhash

from cleaners.model import Removal

RULE = "learned_furniture"
LINES_STATE = "furniture"
PAGES_STATE = "furniture_pages"

LINES_SCHEMA = pa.schema([
    pa.field("domain", pa.string(), nullable=False),
    pa.field("line_hash", pa.string(), nullable=False),
    pa.field("pages", pa.int64(), nullable=False),  # pages of this run (summed over runs on read)
    pa.field("first_seen", pa.date32(), nullable=False),
    pa.field("last_seen", pa.date32(), nullable=False),
    pa.field("text", pa.string()),  # the line as first stored, cut to TEXT_CHARS
    pa.field("run_id", pa.string(), nullable=False),
])
PAGES_SCHEMA = pa.schema([
    pa.field("domain", pa.string(), nullable=False),
    pa.field("page_key", pa.string(), nullable=False),
    pa.field("day", pa.date32(), nullable=False),
    pa.field("run_id", pa.string(), nullable=False),
])
TEXT_CHARS = 500


@dataclass(frozen=True, slots=True)
class FurnitureConfig:
    enabled: bool = True
    min_pages: int = 5
    min_share: float = 0.2
    min_span_days: int = 1  # last day seen - first day seen, in days: 1 = two distinct days
    max_domains: int = 1
    min_line_chars: int = 20


@dataclass(frozen=True, slots=True)
class Page:
    """What learning needs of one page: its site, identity, day and paragraphs (all its articles')."""

    domain: str
    key: str  # the URL where known, else the source URI: a re-fetch of one URL is one page
    day: dt.date
    lines: tuple[str, ...]


@dataclass(slots=True)
class _Line:
    pages: int
    first: dt.date
    last: dt.date
    text: str | None


def line_hash(line: str) -> str:
    """Hash of a paragraph, blind to case and runs of whitespace (templates vary in both)."""
    return xxhash.xxh64_hexdigest(" ".join(line.casefold().split()).encode())


@dataclass
class FurnitureTable:
    """The merged table of every run so far, plus this run's pages once :meth:`learn` saw them."""

    config: FurnitureConfig = field(default_factory=FurnitureConfig)
    lines: dict[tuple[str, str], _Line] = field(default_factory=dict)
    domains_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    domain_pages: Counter = field(default_factory=Counter)
    counted: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def from_state(cls, line_tables: list[pa.Table], page_tables: list[pa.Table],
                   config: FurnitureConfig | None = None) -> FurnitureTable:
        """Merge the per-run rows of ``read_state`` (oldest first) into one table."""
        table = cls(config or FurnitureConfig())
        for t in line_tables:
            for row in t.to_pylist():
                table._merge(row["domain"], row["line_hash"],
                             _Line(row["pages"], row["first_seen"], row["last_seen"], row["text"]))
        for t in page_tables:
            for domain, key in zip(t.column("domain").to_pylist(), t.column("page_key").to_pylist()):
                if (domain, key) not in table.counted:
                    table.counted.add((domain, key))
                    table.domain_pages[domain] += 1
        return table

    def _merge(self, domain: str, h: str, new: _Line) -> None:
        old = self.lines.get((domain, h))
        if old is None:
            self.lines[(domain, h)] = new
        else:
            old.pages += new.pages
            old.first, old.last = min(old.first, new.first), max(old.last, new.last)
            old.text = old.text or new.text
        self.domains_of[h].add(domain)

    def learn(self, pages: Iterable[Page], run_id: str) -> dict[str, pa.Table]:
        """Count this run's pages into the table; returns this run's state rows to commit.

        Pages already counted (same domain and key, this run or earlier) are skipped.
        """
        seen: dict[tuple[str, str], _Line] = {}
        new_pages = []
        for page in pages:
            if (page.domain, page.key) in self.counted:
                continue
            self.counted.add((page.domain, page.key))
            self.domain_pages[page.domain] += 1
            new_pages.append({"domain": page.domain, "page_key": page.key, "day": page.day, "run_id": run_id})
            hashes = {line_hash(line): line for line in page.lines if len(line) >= self.config.min_line_chars}
            for h, line in hashes.items():
                entry = seen.get((page.domain, h))
                if entry is None:
                    seen[(page.domain, h)] = _Line(1, page.day, page.day, line[:TEXT_CHARS])
                else:
                    entry.pages += 1
                    entry.first, entry.last = min(entry.first, page.day), max(entry.last, page.day)
        pages_of_hash: Counter = Counter()
        for (_, h), entry in seen.items():
            pages_of_hash[h] += entry.pages
        kept = {key: entry for key, entry in seen.items() if pages_of_hash[key[1]] >= 2 or key[1] in self.domains_of}
        rows = [{"domain": domain, "line_hash": h, "pages": e.pages, "first_seen": e.first, "last_seen": e.last,
                 "text": e.text, "run_id": run_id} for (domain, h), e in kept.items()]
        for (domain, h), entry in kept.items():
            self._merge(domain, h, entry)
        return {LINES_STATE: pa.Table.from_pylist(rows, schema=LINES_SCHEMA),
                PAGES_STATE: pa.Table.from_pylist(new_pages, schema=PAGES_SCHEMA)}

    def is_furniture(self, domain: str, h: str) -> bool:
        line = self.lines.get((domain, h))
        c = self.config
        return (
            line is not None
            and line.pages >= c.min_pages
            and line.pages >= c.min_share * self.domain_pages[domain]
            and (line.last - line.first).days >= c.min_span_days
            and len(self.domains_of[h]) <= c.max_domains
        )

    def furniture_lines(self) -> int:
        """How many (domain, paragraph) pairs the table now treats as furniture."""
        return sum(1 for domain, h in self.lines if self.is_furniture(domain, h))

    def strip(self, domain: str | None, text: str) -> tuple[str, list[Removal]]:
        """``text`` without the domain's furniture paragraphs, and one removal per paragraph dropped."""
        if domain is None:
            return text, []
        kept, removed = [], []
        for line in text.split("\n"):
            if len(line) >= self.config.min_line_chars and self.is_furniture(domain, line_hash(line)):
                removed.append(Removal(RULE, line))
            else:
                kept.append(line)
        return ("\n".join(kept), removed) if removed else (text, [])
