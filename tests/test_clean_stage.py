"""The clean stage keeps going past pages that raise or hang, and keeps input order."""
from __future__ import annotations

import time

import pipelines.clean as stage
from cleaners.config import CleanConfig
from crawler.record import PageError, RawPage

ARTICLE = "\n".join(
    ["A headline about the harbour wall repairs"]
    + [f"Paragraph {i}: the council said the repairs to the harbour wall would take until spring." for i in range(6)]
)


def page(name: str, body: str = ARTICLE) -> RawPage:
    return RawPage(source_uri=f"mem://{name}", body=body, kind="text", source="test")


def test_a_hanging_page_becomes_a_timeout_error_and_the_rest_is_cleaned(monkeypatch):
    real = stage.clean_page

    def clean_page(body, kind, url, config):
        while "HANG" in body:  # a pathological page: pure-Python work that never ends
            pass
        return real(body, kind, url, config)

    monkeypatch.setattr(stage, "clean_page", clean_page)
    real(ARTICLE, "text", None, CleanConfig())  # lazy imports and the language model load first
    started = time.monotonic()
    results = list(stage.clean_stream([page("a"), page("hang", "HANG"), page("b")],
                                      CleanConfig(page_timeout_s=0.5), workers=1))
    assert time.monotonic() - started < 10
    assert [type(r).__name__ for r in results] == ["Cleaned", "PageError", "Cleaned"]
    assert (results[1].source_uri, results[1].reason) == ("mem://hang", "timeout")


def test_a_raising_page_becomes_an_error_naming_it(monkeypatch):
    def clean_page(body, kind, url, config):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(stage, "clean_page", clean_page)
    [result] = stage.clean_stream([page("boom")], CleanConfig(), workers=1)
    assert isinstance(result, PageError)
    assert (result.source_uri, result.reason) == ("mem://boom", "exception")
    assert "parser exploded" in result.detail


def test_two_workers_give_the_same_results_in_input_order():
    pages = [page(f"p{i}", ARTICLE.replace("harbour", f"harbour {i}")) for i in range(20)] + [
        PageError("mem://broken", "load", "binary")]
    serial = list(stage.clean_stream(pages, CleanConfig(), workers=1))
    parallel = list(stage.clean_stream(pages, CleanConfig(), workers=2))
    assert [getattr(r, "page", r) for r in parallel] == [getattr(r, "page", r) for r in serial]
    assert [[d.text for d in r.docs] for r in parallel if isinstance(r, stage.Cleaned)] == \
        [[d.text for d in r.docs] for r in serial if isinstance(r, stage.Cleaned)]


def test_an_http_error_page_is_an_error_record_not_an_article():
    gone = RawPage(source_uri="x.warc#record=1", body=ARTICLE, kind="html", source="warc",
                   url="https://example.org/gone", http_status=404)
    [result] = stage.clean_stream([gone], CleanConfig(), workers=1)
    assert isinstance(result, PageError)
    assert (result.stage, result.reason) == ("fetch", "http_error") and "404" in result.detail
