"""Snippet precision/recall/F1 and pages per CPU-second on the extraction devset, side by side:
bare trafilatura `extract(html, include_comments=False)` against wirewash's cleaner.

    python -m benchmarks.devset [--limit N] [--only extract] [--diffs] [--blame] [--devset PATH] [--labels PATH]

wirewash's side is `cleaners.clean.clean_page` (its documents' texts joined by blank lines) when it
can be imported, else `cleaners.extract.extract_html`; `--only extract` picks extract_html (DOM
rules + trafilatura, no text rules) on purpose. Both sides run in one process, page by page in
turn, so machine noise hits them alike. Scoring as in ../shared/README.md: the cleaned text is
whitespace-collapsed (so are the snippets); a `with` snippet found is a true positive, one
missing a false negative; a `without` snippet found is a false positive; counts are summed over
pages. The devset is other people's text: it is read in place, never copied into the project.

A second table scores both sides the same way over the project's own invented fixtures
(samples/html/*.html and the HTML records of samples/feeds/items.jsonl), labelled by hand in
benchmarks/labels.json: `{"pages": [{"path", "encoding" (file pages), "id" (feed records),
"with": [...], "without": [...]}]}`. It is printed after the devset table, and alone when
../shared is absent; `--limit` bounds only the devset, `--diffs` and `--blame` cover both.

`--blame` says who is responsible for each of wirewash's errors, to tune rules by: every lost
`with` snippet is attributed to the removal that holds it ("dom:<table>" for a DOM rule,
"text:<rule>" for a text rule) or to extraction ("trafilatura" when bare trafilatura misses it
too, "extraction" when only the pruned page's extraction does); every `without` snippet still
in the text to "trafilatura" (bare trafilatura keeps it too) or "extraction". Per rule it also
counts the `without` snippets the rule removed, so each rule's cost and gain stand side by side.
Blame re-runs the cleaner outside the timed run: throughput figures stay comparable.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes
from trafilatura import extract

from cleaners.config import CleanConfig
from cleaners.extract import extract_html
from cleaners.model import Removal

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_DEVSET = PROJECT.parent / "shared" / "devset" / "extraction"
DEFAULT_LABELS = PROJECT / "benchmarks" / "labels.json"

Cleaner = Callable[[str, str | None], str]


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    url: str | None
    html: str
    with_: tuple[str, ...]
    without: tuple[str, ...]


@dataclass(slots=True)
class Side:
    """One cleaner's running totals."""

    name: str
    clean: Cleaner
    tp: int = 0
    fp: int = 0
    fn: int = 0
    cpu_seconds: float = 0.0
    errors: int = 0
    first_error: str = ""

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 0.0


def collapse(text: str) -> str:
    return " ".join(text.split())


def decode(raw: bytes, encoding: str | None) -> str:
    """The page in its declared charset; detected when none is declared (or it is unknown)."""
    if encoding:
        try:
            return raw.decode(encoding, errors="replace")
        except LookupError:
            pass
    best = from_bytes(raw).best()
    return str(best) if best is not None else raw.decode("utf-8", errors="replace")


def load_pages(devset: Path, limit: int | None) -> Iterator[Page]:
    with (devset / "manifest.jsonl").open(encoding="utf-8") as manifest:
        for number, line in enumerate(manifest):
            if limit is not None and number >= limit:
                return
            entry = json.loads(line)
            truth = json.loads((devset / entry["truth_path"]).read_text(encoding="utf-8"))
            url = entry.get("url") or ""
            yield Page(
                id=entry["id"],
                url=url if url.startswith(("http://", "https://")) else None,  # often a placeholder
                html=decode((devset / entry["html_path"]).read_bytes(), entry.get("encoding")),
                with_=tuple(collapse(s) for s in truth.get("with", [])),
                without=tuple(collapse(s) for s in truth.get("without", [])),
            )


def load_fixtures(labels: Path) -> Iterator[Page]:
    """The project's labelled fixtures: a page file (decoded with its label's `encoding`) or,
    with an `id`, the record of that id in a JSON-lines feed file (its `html` and `url`). Paths
    are relative to the project's root."""
    records: dict[Path, dict[str, dict]] = {}
    for entry in json.loads(labels.read_text(encoding="utf-8"))["pages"]:
        path = PROJECT / entry["path"]  # paths are relative to the project's root
        if "id" in entry:
            if path not in records:
                with path.open(encoding="utf-8") as feed:
                    records[path] = {r["id"]: r for r in map(json.loads, filter(str.strip, feed))}
            record = records[path][entry["id"]]
            page_id, html, url = entry["id"], record["html"], record.get("url") or ""
        else:
            page_id, url = entry["path"], ""
            html = decode(path.read_bytes(), entry.get("encoding"))
        yield Page(
            id=page_id,
            url=url if url.startswith(("http://", "https://")) else None,
            html=html,
            with_=tuple(collapse(s) for s in entry.get("with", [])),
            without=tuple(collapse(s) for s in entry.get("without", [])),
        )


def bare_trafilatura(html: str, url: str | None) -> str:
    return extract(html, include_comments=False) or ""


def wirewash_extract(html: str, url: str | None) -> str:
    return extract_html(html, url).text


def wirewash_cleaner(only_extract: bool) -> tuple[str, Cleaner]:
    """clean_page when it exists, else extract_html, named so the output says which ran."""
    if only_extract:
        return "wirewash extract_html", wirewash_extract
    try:
        from cleaners.clean import clean_page
    except ImportError as error:
        print(f"note: cleaners.clean.clean_page unavailable ({error}); scoring extract_html instead")
        return "wirewash extract_html", wirewash_extract

    def clean(html: str, url: str | None) -> str:
        return "\n\n".join(doc.text for doc in clean_page(html, "html", url, CleanConfig()))

    return "wirewash clean_page", clean


def run(side: Side, page: Page) -> str:
    """Clean one page, adding its CPU time and snippet counts to the side's totals."""
    start = time.process_time()
    try:
        text = side.clean(page.html, page.url)
    except Exception as error:  # noqa: BLE001 -- a benchmark counts failures, it does not stop at one
        text = ""
        side.errors += 1
        side.first_error = side.first_error or f"{page.id}: {type(error).__name__}: {error}"
    side.cpu_seconds += time.process_time() - start
    found = collapse(text)
    side.tp += sum(snippet in found for snippet in page.with_)
    side.fn += sum(snippet not in found for snippet in page.with_)
    side.fp += sum(snippet in found for snippet in page.without)
    return found


def print_diff(page: Page, base: str, ours: str) -> None:
    """Snippets one side gets right and the other wrong: the material for tuning rules."""
    for snippet in page.with_:
        if (snippet in base) != (snippet in ours):
            print(f"  {page.id} with    {'lost  ' if snippet in base else 'gained'} {snippet[:70]!r}")
    for snippet in page.without:
        if (snippet in base) != (snippet in ours):
            print(f"  {page.id} without {'removed' if snippet in base else 'let in '} {snippet[:70]!r}")


@dataclass(slots=True)
class Blame:
    """Per culprit: `with` snippets lost and `without` snippets kept (its cost), `without`
    snippets removed (its gain); `lines` lists each attribution for grepping."""

    lost: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)


def _culprit(snippet: str, removals: Sequence[tuple[str, str]]) -> str | None:
    """The removal holding the snippet, or failing that its first 40 characters (a snippet
    spanning a kept and a removed line)."""
    for probe in (snippet, snippet[:40]):
        for name, text in removals:
            if probe in text:
                return name
    return None


def blame_page(blame: Blame, page: Page, base: str, ours: str) -> None:
    """Attribute the page's errors (see the module docstring); clean_page re-runs untimed."""
    from cleaners.clean import clean_page

    dom = {r for r in extract_html(page.html, page.url).removals}
    removals: list[Removal] = [r for doc in clean_page(page.html, "html", page.url, CleanConfig()) for r in doc.removals]
    named = [(f"{'dom' if r in dom else 'text'}:{r.rule}", collapse(r.text)) for r in removals]
    for snippet in page.with_:
        if snippet not in ours:
            culprit = _culprit(snippet, named) or ("extraction" if snippet in base else "trafilatura")
            blame.lost[culprit] += 1
            blame.lines.append(f"{page.id}\tlost\t{culprit}\t{snippet[:100]!r}")
    for snippet in page.without:
        if snippet in ours:
            culprit = "trafilatura" if snippet in base else "extraction"
            blame.kept[culprit] += 1
            blame.lines.append(f"{page.id}\tkept\t{culprit}\t{snippet[:100]!r}")
        elif culprit := _culprit(snippet, named):
            blame.removed[culprit] += 1
            blame.lines.append(f"{page.id}\tremoved\t{culprit}\t{snippet[:100]!r}")


def print_blame(blame: Blame) -> None:
    print("\n".join(blame.lines))
    print(f"{'culprit':<32}{'with lost':>10}{'without kept':>14}{'without removed':>17}")
    for name in sorted(blame.lost.keys() | blame.kept.keys() | blame.removed.keys(),
                       key=lambda n: (-blame.lost[n] - blame.kept[n], n)):
        print(f"{name:<32}{blame.lost[name]:>10}{blame.kept[name]:>14}{blame.removed[name]:>17}")


def report(sides: list[Side], pages: int) -> None:
    print(f"{'side':<24}{'TP':>6}{'FP':>6}{'FN':>6}{'P':>8}{'R':>8}{'F1':>8}{'pages/CPU-s':>13}")
    for side in sides:
        rate = pages / side.cpu_seconds if side.cpu_seconds else float("inf")
        print(
            f"{side.name:<24}{side.tp:>6}{side.fp:>6}{side.fn:>6}"
            f"{side.precision:>8.4f}{side.recall:>8.4f}{side.f1:>8.4f}{rate:>13.1f}"
        )
        if side.errors:
            print(f"  {side.errors} pages raised, scored as empty; first: {side.first_error}")
    base, ours = sides
    print(
        f"{ours.name} vs {base.name}: F1 {100 * (ours.f1 - base.f1):+.2f} pts, "
        f"P {100 * (ours.precision - base.precision):+.2f} pts, R {100 * (ours.recall - base.recall):+.2f} pts, "
        f"throughput {base.cpu_seconds / ours.cpu_seconds:.2f}x"
    )


def score(title: str, source: Iterator[Page], where: str, name: str, clean: Cleaner, args: argparse.Namespace) -> None:
    """Both sides over one set of pages, page by page in turn, then their table."""
    sides = [Side("trafilatura extract", bare_trafilatura), Side(name, clean)]
    blame = Blame() if args.blame and name == "wirewash clean_page" else None
    pages = 0
    for page in source:
        if pages == 0:  # warm-up off the books: lazy imports, caches, the language model
            for side in sides:
                run(Side(side.name, side.clean), page)
        base, ours = (run(side, page) for side in sides)
        if args.diffs:
            print_diff(page, base, ours)
        if blame is not None:
            blame_page(blame, page, base, ours)
        pages += 1
    print(f"{title}: {pages} pages from {where}")
    if blame is not None:
        print_blame(blame)
    if pages:
        report(sides, pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.devset", description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="score only the first N pages of the manifest")
    parser.add_argument("--only", choices=["extract"], help="score extract_html (no text rules) as wirewash's side")
    parser.add_argument("--diffs", action="store_true", help="list the snippets the two sides disagree on")
    parser.add_argument("--blame", action="store_true", help="attribute each error to a rule or to extraction")
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET, help=f"default: {DEFAULT_DEVSET}")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help=f"fixture labels; default: {DEFAULT_LABELS}")
    args = parser.parse_args(argv)
    devset_found = (args.devset / "manifest.jsonl").is_file()
    if not devset_found:
        print(f"devset not found at {args.devset} (expected ../shared/devset/extraction): skipped")
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every page it discards
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)

    name, clean = wirewash_cleaner(args.only == "extract")
    if devset_found:
        score("devset", load_pages(args.devset, args.limit), str(args.devset), name, clean, args)
    if args.labels.is_file():
        if devset_found:
            print()
        score("fixtures", load_fixtures(args.labels), str(args.labels), name, clean, args)
    else:
        print(f"fixture labels not found at {args.labels}: skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
