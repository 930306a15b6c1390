"""The cleaners' settings. Defaults are the measured best; every field is optional in TOML."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CleanConfig:
    dom_rules: bool = True  # drop furniture DOM nodes (class/id/role/aria markers) before extraction
    text_rules: bool = True  # apply the named text rules after extraction / to plain text
    split_stacked: bool = True  # a page that stacks several articles becomes one document each
    detect_language: bool = True  # py3langid on the clean text (trafilatura reports none)
    min_article_chars: int = 120  # shorter pieces of a split page are fragments, not documents
    max_body_chars: int = 5_000_000  # larger bodies are refused with reason "too_large"
    page_timeout_s: float = 60.0  # a page whose cleaning takes longer becomes a "timeout" error; 0 = none
