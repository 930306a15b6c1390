"""What the cleaners return: clean documents and the removals that produced them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Removal:
    """One span of furniture removed from a page, named by the rule that removed it."""

    rule: str
    text: str

    @property
    def chars(self) -> int:
        return len(self.text)


@dataclass(slots=True)
class CleanDoc:
    """One article's clean text and metadata. A page that stacks articles gives several."""

    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None  # timezone-aware UTC
    site: str | None = None
    language: str | None = None
    wire_source: str | None = None
    removals: list[Removal] = field(default_factory=list)
    part: int = 0  # index of this article within its page

    @property
    def chars_removed(self) -> int:
        return sum(r.chars for r in self.removals)
