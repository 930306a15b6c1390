"""File loaders: what a run gets out of each kind of input file, including broken ones."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
from datetime import UTC, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.loaders import LOADERS, input_fingerprint, iter_input_files, iter_pages
from crawler.record import PageError, RawPage

FRENCH = (
    "Le président a déclaré mercredi que la réforme des retraites serait présentée "
    "à l'Assemblée après l'été. « Nous irons jusqu'au bout », a-t-il ajouté. "
) * 4
JAPANESE = "東京都は新しい交通計画を発表しました。市民の意見を聞いて来年度から実施します。" * 4


def load(*paths: Path | str, max_bytes: int = 20_000_000) -> list[RawPage | PageError]:
    return list(iter_pages(paths, max_bytes=max_bytes))


def only_page(path: Path) -> RawPage:
    [page] = load(path)
    assert isinstance(page, RawPage), page
    return page


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def html_doc(head: str, body: str) -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


# --- HTML decoding ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("head", "text", "codec", "expected_encoding"),
    [
        # WHATWG (and w3lib): a declared latin-1 is read as its superset cp1252.
        ('<meta charset="iso-8859-1">', FRENCH, "latin-1", "cp1252"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
         FRENCH + " Prix : 5 € – “cité”", "cp1252", "cp1252"),
        ('<meta charset="Shift_JIS">', JAPANESE, "shift_jis", "cp932"),
    ],
)
def test_html_meta_declared_charset_is_used(tmp_path, head, text, codec, expected_encoding):
    page = only_page(write(tmp_path / "p.html", html_doc(head, text).encode(codec)))
    assert text in page.body
    assert page.encoding == expected_encoding
    assert (page.kind, page.source, page.source_uri) == ("html", "html", str(tmp_path / "p.html"))


def test_html_bom_beats_a_contradicting_meta(tmp_path):
    data = b"\xef\xbb\xbf" + html_doc('<meta charset="iso-8859-1">', FRENCH).encode("utf-8")
    page = only_page(write(tmp_path / "p.html", data))
    assert FRENCH in page.body and not page.body.startswith("\ufeff")
    assert page.encoding == "utf-8"


def test_utf16_with_bom_is_text_not_binary(tmp_path):
    page = only_page(write(tmp_path / "p.htm", html_doc("", FRENCH).encode("utf-16")))
    assert FRENCH in page.body


@pytest.mark.parametrize(
    ("text", "codec"), [(FRENCH, "cp1252"), (JAPANESE, "shift_jis"), (JAPANESE, "utf-8")]
)
def test_html_undeclared_charset_is_detected(tmp_path, text, codec):
    page = only_page(write(tmp_path / "p.html", html_doc("", text).encode(codec)))
    assert text in page.body
    assert page.encoding


def test_html_wrong_bytes_for_declared_charset_decode_with_replacement(tmp_path):
    data = html_doc('<meta charset="utf-8">', "caf").encode() + b"\xe9 \xff\xfe end"
    page = only_page(write(tmp_path / "p.html", data))
    assert page.encoding == "utf-8"
    assert "\ufffd" in page.body and "end" in page.body


def test_html_fetched_at_is_file_mtime_in_utc(tmp_path):
    path = write(tmp_path / "p.html", html_doc("", "hello").encode())
    os.utime(path, (1_700_000_000, 1_700_000_000))
    assert only_page(path).fetched_at == datetime.fromtimestamp(1_700_000_000, UTC)


@pytest.mark.parametrize(
    ("head", "url"),
    [
        ('<link href="https://e/a?x=1&amp;y=2" rel="canonical">', "https://e/a?x=1&y=2"),
        ("<meta property='og:url' content='https://e/og'>", "https://e/og"),
        ('<meta property="og:url" content="https://e/og"><link rel=canonical href=https://e/c>',
         "https://e/c"),
        ('<link rel="canonical" href="/relative/path">', None),
        ("", None),
    ],
)
def test_html_url_comes_from_canonical_link_then_og_url(tmp_path, head, url):
    assert only_page(write(tmp_path / "p.html", html_doc(head, "x").encode())).url == url


def test_canonical_link_in_body_is_ignored(tmp_path):
    data = html_doc("", '<link rel="canonical" href="https://elsewhere.example/">').encode()
    assert only_page(write(tmp_path / "p.html", data)).url is None


# --- text files ---------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "encoding"), [
    (f"Title\n\n{FRENCH}\n".encode(), "utf-8"),
    (b"\xef\xbb\xbf" + f"Title\n\n{FRENCH}\n".encode(), "utf-8"),
    (f"Title\n\n{FRENCH}\n".encode("cp1252"), None),  # detected; several single-byte codecs fit
])
def test_txt_is_decoded_as_text_page(tmp_path, data, encoding):
    page = only_page(write(tmp_path / "a.txt", data))
    assert page.body == f"Title\n\n{FRENCH}\n"
    assert (page.kind, page.source, page.url) == ("text", "txt", None)
    if encoding:
        assert page.encoding == encoding


# --- JSONL --------------------------------------------------------------------------------

def jsonl_lines() -> list[str]:
    return [
        json.dumps({"id": "a1", "url": "https://e/1", "html": "<p>one</p>",
                    "published_at": "2025-07-07T10:00:00"}),
        "{not json",
        "",  # blank lines hold no record and are not errors
        json.dumps({"id": 3, "text": "three", "fetched_at": "2025-07-07T12:00:00+02:00"}),
        json.dumps(["an", "array"]),
        json.dumps({"id": "no-body", "url": "https://e/5"}),
        json.dumps({"id": "bad-date", "text": "x", "published_at": "last Tuesday"}),
        json.dumps({"id": "nul", "text": "a\u0000b"}),
        json.dumps({"id": "last", "text": "still loaded \ud800"}),  # lone surrogate
    ]


def summary(items: list[RawPage | PageError]) -> list[tuple[str, str]]:
    return [
        (item.source_uri.rsplit("#", 1)[-1], item.reason if isinstance(item, PageError) else "ok")
        for item in items
    ]


def test_jsonl_broken_lines_are_errors_and_the_file_continues(tmp_path):
    items = load(write(tmp_path / "d.jsonl", "\n".join(jsonl_lines()).encode()))
    assert summary(items) == [
        ("line=1", "ok"), ("line=2", "bad_json"), ("line=4", "ok"), ("line=5", "bad_json"),
        ("line=6", "missing_body"), ("line=7", "bad_date"), ("line=8", "binary"), ("line=9", "ok"),
    ]
    errors = [i for i in items if isinstance(i, PageError)]
    for error in errors:
        assert error.stage == "load"
        assert error.detail.startswith(f"line {error.source_uri.rsplit('=', 1)[1]}:")
    assert "published_at" in items[5].detail


def test_jsonl_fields_map_to_the_page(tmp_path):
    path = write(tmp_path / "d.jsonl", "\n".join(jsonl_lines()).encode())
    first, _, third, *_ = load(path)
    assert (first.kind, first.body, first.url, first.record_id, first.source) == (
        "html", "<p>one</p>", "https://e/1", "a1", "jsonl")
    assert first.source_uri == f"{path}#line=1"
    assert first.published_at == datetime(2025, 7, 7, 10, tzinfo=UTC)  # naive means UTC
    assert (third.kind, third.record_id) == ("text", "3")
    last = load(path)[-1].body
    assert last.startswith("still loaded \ufffd") and last.encode("utf-8")  # writers can encode it
    assert third.fetched_at == datetime(2025, 7, 7, 10, tzinfo=UTC)
    assert third.fetched_at.tzinfo is UTC


def test_jsonl_gz_is_read(tmp_path):
    data = gzip.compress("\n".join(jsonl_lines()).encode())
    items = load(write(tmp_path / "d.jsonl.gz", data))
    assert [s for s in summary(items) if s[1] == "ok"] == [("line=1", "ok"), ("line=4", "ok"),
                                                           ("line=9", "ok")]


def test_jsonl_oversized_line_is_refused_alone(tmp_path):
    lines = [json.dumps({"id": "big", "text": "x" * 5000}), json.dumps({"id": "ok", "text": "ok"})]
    items = load(write(tmp_path / "d.jsonl", "\n".join(lines).encode()), max_bytes=1000)
    assert summary(items) == [("line=1", "too_large"), ("line=2", "ok")]


# --- WARC ---------------------------------------------------------------------------------

def http_response(writer: WARCWriter, url: str, body: bytes, content_type: str, date: str):
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    return writer.create_warc_record(
        url, "response", payload=BytesIO(body), http_headers=headers,
        warc_headers_dict={"WARC-Date": date},
    )


def warc_bytes(*, gz: bool, big_body: bytes = b"") -> bytes:
    """request, HTML response (cp1252 per header), PNG response, [big HTML], XHTML response."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=gz)
    request = BytesIO(b"GET /a HTTP/1.1\r\nHost: e\r\n\r\n")
    writer.write_record(writer.create_warc_record("https://e/a", "request", payload=request))
    responses = [
        ("https://e/a", html_doc("", FRENCH).encode("cp1252"), "text/html; charset=windows-1252"),
        ("https://e/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png"),
        ("https://e/big", big_body, "text/html"),
        ("https://e/b", html_doc("", JAPANESE).encode(), "application/xhtml+xml"),
    ]
    for second, (url, body, content_type) in enumerate(responses):
        if body:
            date = f"2025-07-07T10:00:0{second}Z"
            writer.write_record(http_response(writer, url, body, content_type, date))
    return out.getvalue()


@pytest.mark.parametrize("name", ["a.warc.gz", "a.warc"])
def test_warc_yields_html_responses_only(tmp_path, name):
    path = write(tmp_path / name, warc_bytes(gz=name.endswith(".gz")))
    pages = load(path)
    assert all(isinstance(p, RawPage) for p in pages)
    assert [p.url for p in pages] == ["https://e/a", "https://e/b"]
    first = pages[0]
    assert FRENCH in first.body and first.encoding == "cp1252"  # charset from the HTTP header
    assert (first.kind, first.source, first.http_status) == ("html", "warc", 200)
    assert first.content_type == "text/html; charset=windows-1252"
    assert first.fetched_at == datetime(2025, 7, 7, 10, tzinfo=UTC)
    assert first.record_id.startswith("<urn:uuid:")
    assert first.source_uri == f"{path}#record={first.record_id}"
    assert JAPANESE in pages[1].body


def test_warc_oversized_body_is_refused_alone(tmp_path):
    big = b"<p>" + b"x" * 50_000 + b"</p>"
    path = write(tmp_path / "a.warc.gz", warc_bytes(gz=True, big_body=big))
    first, error, last = load(path, max_bytes=20_000)
    assert (first.url, error.reason, last.url) == ("https://e/a", "too_large", "https://e/b")
    assert error.source_uri.startswith(f"{path}#record=<urn:uuid:")


@pytest.mark.parametrize("name", ["a.warc.gz", "a.warc"])
def test_truncated_warc_keeps_earlier_pages_and_reports_the_file(tmp_path, name):
    data = warc_bytes(gz=name.endswith(".gz"))
    path = write(tmp_path / name, data[: len(data) - 100])
    *pages, error = load(path)
    assert [p.url for p in pages] == ["https://e/a"]
    assert (error.reason, error.source_uri) == ("corrupt", str(path))


# --- Parquet ------------------------------------------------------------------------------

def test_parquet_rows_across_batches(tmp_path):
    n = 150  # more than one read batch
    table = pa.table({
        "id": [f"r{i}" for i in range(n)],
        "url": [f"https://e/{i}" for i in range(n)],
        "html": [None if i % 2 else f"<p>{i}</p>" for i in range(n)],
        "text": [f"text {i}" if i % 2 else None for i in range(n - 1)] + [None],
        "published_at": pa.array(
            [datetime(2025, 1, 1, 12) + timedelta(seconds=i) for i in range(n)], pa.timestamp("ns")
        ),
        "fetched_at": pa.array([datetime(2025, 1, 2, tzinfo=timezone(timedelta(hours=2)))] * n,
                               pa.timestamp("us", tz="+02:00")),
    })
    path = tmp_path / "p.parquet"
    pq.write_table(table, path, row_group_size=40)
    items = load(path)
    assert len(items) == n
    assert [i.source_uri for i in items[:2]] == [f"{path}#row=1", f"{path}#row=2"]
    first, second, last = items[0], items[1], items[-1]
    assert (first.kind, first.body, first.record_id, first.url, first.source) == (
        "html", "<p>0</p>", "r0", "https://e/0", "parquet")
    assert (second.kind, second.body) == ("text", "text 1")
    assert first.published_at == datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert first.fetched_at == datetime(2025, 1, 1, 22, tzinfo=UTC)
    assert (last.reason, last.source_uri) == ("missing_body", f"{path}#row={n}")
    assert "row 150" in last.detail


def test_parquet_without_body_column_is_one_error(tmp_path):
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"id": ["a", "b"]}), path)
    assert summary(load(path)) == [(str(path), "missing_body")]


# --- directories and dispatch -------------------------------------------------------------

def test_directories_are_walked_sorted_skipping_hidden_and_unknown(tmp_path):
    created = ["b/z.txt", "b/a/x.html", "a.html", "c.txt", ".hidden/x.html", ".dot.html",
               "README.md", "img.png"]
    for rel in created:
        write(tmp_path / rel, b"<p>hello</p>")
    expected = [tmp_path / rel for rel in ["a.html", "b/a/x.html", "b/z.txt", "c.txt"]]
    assert [p.source_uri for p in load(tmp_path)] == [str(p) for p in expected]
    assert list(iter_input_files([tmp_path])) == expected  # what the run fingerprints


def test_explicit_paths_keep_their_order_and_unknown_suffix_is_reported(tmp_path):
    a = write(tmp_path / "a.html", b"<p>a</p>")
    b = write(tmp_path / "b.TXT", b"b")
    doc = write(tmp_path / "doc.pdf", b"%PDF-1.4")
    missing = tmp_path / "missing.html"
    assert summary(load(b, doc, a, missing)) == [
        (str(b), "ok"), (str(doc), "unsupported"), (str(a), "ok"), (str(missing), "unreadable")]
    assert list(iter_input_files([b, doc, str(a), missing])) == [b, doc, a, missing]


def test_a_named_fifo_is_refused_instead_of_blocking(tmp_path):
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    assert summary(load(fifo)) == [(str(fifo), "unreadable")]


# --- guards -------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "reason"), [
    ("big.html", b"<p>" + b"x" * 2000 + b"</p>", "too_large"),
    ("empty.html", b"", "empty"),
    ("blank.txt", b"  \n\n ", "empty"),
    ("nul.txt", b"text\x00with nul", "binary"),
    ("scan.html", b"%PDF-1.7\n...", "binary"),
    ("pic.htm", b"\x89PNG\r\n\x1a\n....", "binary"),
    ("zipped.html", gzip.compress(b"<p>hi</p>"), "binary"),
    ("empty.jsonl", b"", "empty"),
    ("pdf.jsonl", b"%PDF-1.4 stuff", "binary"),
    ("empty.warc.gz", b"", "empty"),
    ("junk.warc", b"hello world\n", "corrupt"),
    ("arc-like.warc", b"this is not a warc\n", "corrupt"),  # warcio takes this for an ARC record
    ("headless.warc", b"WARC/1.1\r\nWARC-Type: response\r\n", "corrupt"),
    ("junk.parquet", b"PAR1 not really", "corrupt"),
    ("junk.jsonl.gz", b"not gzip", "corrupt"),
])
def test_bad_files_become_one_error(tmp_path, name, data, reason):
    path = write(tmp_path / name, data)
    [error] = load(path, max_bytes=1000)
    assert isinstance(error, PageError)
    assert (error.source_uri, error.stage, error.reason) == (str(path), "load", reason)
    assert str(path) in error.detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files regardless of permissions")
def test_unreadable_file_is_an_error(tmp_path):
    path = write(tmp_path / "locked.html", b"<p>x</p>")
    path.chmod(0)
    assert summary(load(path)) == [(str(path), "unreadable")]


def garbage_inputs() -> list[bytes]:
    """Valid inputs of each format, truncated and with random bytes overwritten, plus noise."""
    rng = random.Random(7)
    parquet = BytesIO()
    pq.write_table(pa.table({"id": ["a"] * 20, "html": ["<p>x</p>"] * 20}), parquet)
    seeds = [warc_bytes(gz=True), warc_bytes(gz=False), "\n".join(jsonl_lines()).encode(),
             html_doc("", JAPANESE).encode("shift_jis"), parquet.getvalue()]
    inputs = [bytes(rng.randrange(256) for _ in range(500))]
    for seed in seeds:
        mangled = bytearray(seed)
        for _ in range(20):
            mangled[rng.randrange(len(mangled))] = rng.randrange(256)
        inputs += [bytes(mangled), seed[: len(seed) // 3]]
    return inputs


@pytest.mark.parametrize("suffix", sorted(LOADERS))
def test_loaders_never_raise_on_garbage(tmp_path, suffix):
    for i, data in enumerate(garbage_inputs()):
        for item in load(write(tmp_path / f"g{i}{suffix}", data), max_bytes=5000):
            assert isinstance(item, (RawPage, PageError))


# --- fingerprint --------------------------------------------------------------------------

def test_fingerprint_identifies_content_not_name(tmp_path):
    a = write(tmp_path / "a.jsonl", b'{"id": 1}\n')
    renamed = write(tmp_path / "sub" / "renamed.jsonl", b'{"id": 1}\n')
    other = write(tmp_path / "b.jsonl", b'{"id": 2}\n')
    expected = hashlib.sha1(b'{"id": 1}\n').hexdigest()
    assert input_fingerprint(a) == input_fingerprint(str(renamed)) == expected
    assert input_fingerprint(other) != input_fingerprint(a)
