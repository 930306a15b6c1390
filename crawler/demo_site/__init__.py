"""A bundled mini news web on 127.0.0.1 for ``wirewash demo`` and the crawl tests.

Four invented outlets live under path prefixes of one local server, each with its own
furniture (cookie banner, app promo, newsletter box, related articles, photo credits), its
own ``robots.txt``, Google News ``sitemap.xml`` and ``rss.xml``:

- ``/harbourledger/`` crawled from its sitemap index (one old sub-sitemap is skipped by ``since``);
- ``/midlandcourier/`` crawled from its RSS feed;
- ``/northgatepost/`` crawled by following links (a ``/live/`` page is denied by pattern, a
  ``/premium/`` page by the server's robots.txt);
- ``/valleyrecord/`` launches in the second wave (``DemoWeb.publish_second_wave()``).

One AP story is syndicated by the first three outlets (and by the fourth in the second wave);
two staff reports cover the same event in their own words. The texts are invented (see
``stories.py``). Pages are generated at start-up; ``hits`` logs every request path.
"""
from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from datetime import datetime, timezone

from crawler.demo_site.stories import STORIES

OUTLETS = {
    "harbourledger": dict(name="The Harbour Ledger", body="story-body", cookie="cookie-banner", promo="app-promo",
                          news="newsletter-signup", related="related-posts", newsletter="Get the Morning Ledger",
                          credit="Photo: {who}/Harbour Ledger", nav=["Home", "Local", "World", "Business", "Sport"]),
    "midlandcourier": dict(name="Midland Courier", body="content-wrap", cookie="gdpr-notice", promo="get-the-app",
                           news="nl-box", related="more-stories", newsletter="Courier Headlines, every weekday",
                           credit="Picture: {who}", nav=["News", "Sport", "What's on", "Property", "Jobs"]),
    "northgatepost": dict(name="Northgate Daily Post", body="entry-content", cookie="consent-bar", promo="app-banner",
                          news="newsletter-box", related="you-may-like", newsletter="The Post at Five",
                          credit="Credit: {who}", nav=["Front page", "World", "Region", "Opinion", "Puzzles"]),
    "valleyrecord": dict(name="Valley Record Online", body="rec-text", cookie="cookie-consent", promo="promo-app",
                         news="signup", related="related-links", newsletter="Valley Record daily digest",
                         credit="Photo by {who}", nav=["Home", "Valley", "World", "Farming", "Obituaries"]),
}


@dataclass(frozen=True)
class Article:
    outlet: str
    path: str  # under the outlet prefix
    story: str  # key of STORIES
    section: str
    author: str | None = None
    wave: int = 1
    published: str | None = None  # override the story's date

    @property
    def data(self) -> dict:
        return STORIES[self.story]

    @property
    def date(self) -> datetime:
        return datetime.fromisoformat((self.published or self.data["published"]).replace("Z", "+00:00"))


OLD_STORY = "harbourledger-harbour-wall-repairs"
STORIES.setdefault(OLD_STORY, {
    "title": "Harbour wall repairs finished two weeks early",
    "author": "Staff reporter", "published": "2026-09-01T10:00:00Z",
    "paragraphs": ["Repairs to the eastern harbour wall were completed on Monday, two weeks ahead of schedule, "
                   "the harbour board said.",
                   "The wall was damaged in a storm last winter. Moorings along the wall reopen to small boats "
                   "from Wednesday."],
})

ARTICLES = [
    Article("harbourledger", "world/europe/portugal-water-rationing-south", "harbourledger-portugal-water-rationing", "World"),
    Article("harbourledger", "world/europe/vila-serrada-braces-for-dry-taps", "atlanticstandard-vila-serrada-dry-taps", "World"),
    Article("harbourledger", "local/bakery-opens-on-harbour-street", "baysidegazette-bakery-harbour-street", "Local"),
    Article("harbourledger", "local/harbour-wall-repairs-finished", OLD_STORY, "Local"),  # old: only in the 2026-09 sitemap
    Article("harbourledger", "local/ferry-fares-frozen", "caddon-ferry-fares", "Local", author="Rhiannon Vasquez-Moore", wave=2),
    Article("midlandcourier", "news/world/drought-forces-portugal-to-cut-water", "midlandcourier-portugal-drought-cuts", "News"),
    Article("midlandcourier", "sport/ashcombe-rovers-win-county-cup", "midlandcourier-ashcombe-rovers-county-cup", "Sport"),
    Article("midlandcourier", "news/library-reopens-after-flood-repairs", "brannock-library-reopens", "News", wave=2),
    Article("northgatepost", "2026/11/southern-portugal-nightly-water-cuts", "northgatepost-portugal-nightly-water-cuts", "World"),
    Article("northgatepost", "2026/11/algarve-almond-citrus-exports-drought", "eurofront-portugal-almond-citrus-exports", "Region"),
    Article("valleyrecord", "w/2026/11/20/portugal-overnight-water-cuts", "valleyrecord-portugal-water", "World",
            author="Lucia Ferreira Dantas, The Associated Press", wave=2),
]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


class DemoWeb:
    """The generated pages and the server that serves them (``start()`` / ``stop()``)."""

    def __init__(self) -> None:
        self.wave = 1
        self.hits: list[str] = []
        self._lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.pages: dict[str, tuple[bytes, str]] = {}

    # -- server -------------------------------------------------------------------------
    def start(self, port: int = 0) -> str:
        web = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "demo-news/1.0"

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                with web._lock:
                    web.hits.append(path)
                    page = web.pages.get(path)
                if page is None:
                    body, ctype, status = b"<h1>404 Not Found</h1>", "text/html; charset=utf-8", 404
                else:
                    (body, ctype), status = page, 200
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 1024
            daemon_threads = True

        self.server = Server(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, name="demo-web", daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._build()
        return self.base

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self) -> DemoWeb:
        if self.server is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def publish_second_wave(self) -> None:
        """New articles on two outlets and a fourth outlet carrying the AP story."""
        self.wave = 2
        self._build()

    def article_hits(self) -> list[str]:
        paths = {self.url_path(a) for a in ARTICLES}
        with self._lock:
            return [h for h in self.hits if h in paths]

    # -- content ------------------------------------------------------------------------
    def url_path(self, a: Article) -> str:
        return f"/{a.outlet}/{a.path}"

    def url(self, a: Article) -> str:
        return self.base + self.url_path(a)

    def live(self, outlet: str | None = None) -> list[Article]:
        return [a for a in ARTICLES if a.wave <= self.wave and (outlet is None or a.outlet == outlet)]

    def _build(self) -> None:
        pages: dict[str, tuple[bytes, str]] = {}
        html_t, xml_t, txt_t = "text/html; charset=utf-8", "application/xml; charset=utf-8", "text/plain; charset=utf-8"
        outlets = [o for o in OUTLETS if o != "valleyrecord" or self.wave >= 2]
        disallow = "Disallow: /northgatepost/premium/\nDisallow: /harbourledger/account/\n"
        sitemaps = "".join(f"Sitemap: {self.base}/{o}/sitemap.xml\n" for o in outlets if o != "harbourledger")
        pages["/robots.txt"] = ((f"User-agent: *\n{disallow}\nSitemap: {self.base}/harbourledger/sitemap_index.xml\n"
                                 f"{sitemaps}").encode(), txt_t)
        for o in OUTLETS:
            own_disallow = "".join(line for line in disallow.splitlines(True) if f"/{o}/" in line)
            index = "sitemap_index.xml" if o == "harbourledger" else "sitemap.xml"
            pages[f"/{o}/robots.txt"] = (f"User-agent: *\n{own_disallow}\nSitemap: {self.base}/{o}/{index}\n".encode(), txt_t)
            arts = self.live(o) if o in outlets else []
            recent = [a for a in arts if a.story != OLD_STORY]
            pages[f"/{o}/sitemap.xml"] = (self._news_sitemap(o, recent), xml_t)
            pages[f"/{o}/rss.xml"] = (self._rss(o, recent), xml_t)
            if o not in outlets:
                continue
            pages[f"/{o}/"] = (self._front(o, recent), html_t)
            for a in arts:
                pages[self.url_path(a)] = (self._article(a).encode(), html_t)
        old = [a for a in ARTICLES if a.story == OLD_STORY]
        pages["/harbourledger/sitemap-2026-09.xml"] = (self._plain_sitemap(old), xml_t)
        pages["/harbourledger/sitemap_index.xml"] = (self._index([
            (f"{self.base}/harbourledger/sitemap.xml", max(a.date for a in self.live("harbourledger"))),
            (f"{self.base}/harbourledger/sitemap-2026-09.xml", datetime(2026, 9, 30, tzinfo=timezone.utc)),
        ]), xml_t)
        # northgatepost: a section hub, a live blog (denied by pattern), a premium page (robots.txt)
        ng = self.live("northgatepost")
        pages["/northgatepost/world/"] = (self._front("northgatepost", ng, title="World"), html_t)
        pages["/northgatepost/live/2026/11/drought-live"] = (b"<html><body><h1>Live: drought</h1></body></html>", html_t)
        pages["/northgatepost/premium/2026/11/water-investigation"] = (b"<html><body><h1>Premium</h1></body></html>", html_t)
        with self._lock:
            self.pages = pages

    def _news_sitemap(self, outlet: str, arts: list[Article]) -> bytes:
        name = OUTLETS[outlet]["name"]
        urls = "".join(
            f"<url><loc>{_e(self.url(a))}</loc><lastmod>{a.date.isoformat()}</lastmod>"
            f"<news:news><news:publication><news:name>{_e(name)}</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{a.date.isoformat()}</news:publication_date>"
            f"<news:title>{_e(a.data['title'])}</news:title></news:news></url>\n" for a in arts)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + urls + "</urlset>\n").encode()

    def _plain_sitemap(self, arts: list[Article]) -> bytes:
        urls = "".join(f"<url><loc>{_e(self.url(a))}</loc><lastmod>{a.date.isoformat()}</lastmod></url>\n" for a in arts)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + urls + "</urlset>\n").encode()

    def _index(self, maps: list[tuple[str, datetime]]) -> bytes:
        items = "".join(f"<sitemap><loc>{_e(u)}</loc><lastmod>{d.isoformat()}</lastmod></sitemap>\n" for u, d in maps)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + items + "</sitemapindex>\n").encode()

    def _rss(self, outlet: str, arts: list[Article]) -> bytes:
        o = OUTLETS[outlet]
        items = "".join(
            f"<item><title>{_e(a.data['title'])}</title><link>{_e(self.url(a))}</link>"
            f"<guid isPermaLink=\"true\">{_e(self.url(a))}</guid><pubDate>{format_datetime(a.date)}</pubDate>"
            f"<description>{_e(a.data['paragraphs'][0][:200])}</description></item>\n" for a in arts)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{_e(o["name"])}</title>'
                f"<link>{self.base}/{outlet}/</link><description>Latest from {_e(o['name'])}</description>\n"
                + items + "</channel></rss>\n").encode()

    def _front(self, outlet: str, arts: list[Article], title: str = "Home") -> bytes:
        o = OUTLETS[outlet]
        links = "".join(f'<li><a href="{self.url_path(a)}">{_e(a.data["title"])}</a></li>' for a in arts)
        extra = ""
        if outlet == "northgatepost":
            extra = ('<li><a href="/northgatepost/live/2026/11/drought-live">Live: the drought, hour by hour</a></li>'
                     '<li><a href="/northgatepost/premium/2026/11/water-investigation">Investigation: where the water went</a></li>'
                     '<li><a href="/northgatepost/world/">More world news</a></li>')
        return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} | {_e(o['name'])}</title></head>"
                f"<body>{self._header(outlet)}<main><h1>{title}</h1><ul class=\"river\">{links}{extra}</ul></main>"
                f"{self._footer(outlet)}</body></html>").encode()

    def _header(self, outlet: str) -> str:
        o = OUTLETS[outlet]
        nav = "".join(f'<li><a href="/{outlet}/">{_e(n)}</a></li>' for n in o["nav"])
        return (f'<div class="{o["cookie"]}" role="dialog"><p>We and our partners use cookies to personalise content and ads '
                f'and to analyse our traffic. By clicking "Accept all" you agree to our use of cookies.</p>'
                f'<button>Accept all</button><button>Manage preferences</button></div>'
                f'<header><a class="logo" href="/{outlet}/">{_e(o["name"])}</a><nav><ul>{nav}</ul></nav></header>'
                f'<div class="ad-slot"><span>Advertisement</span></div>')

    def _footer(self, outlet: str) -> str:
        o = OUTLETS[outlet]
        return (f'<footer><nav><a href="/{outlet}/">About us</a> | <a href="/{outlet}/">Contact</a> | '
                f'<a href="/{outlet}/">Privacy</a> | <a href="/{outlet}/">Terms</a></nav>'
                f"<p>&copy; 2026 {_e(o['name'])}. All rights reserved.</p></footer>")

    def _article(self, a: Article) -> str:
        o, d = OUTLETS[a.outlet], a.data
        author = a.author or d.get("author") or "Staff reporter"
        paras = [f"<p>{_e(p)}</p>" for p in d["paragraphs"]]
        newsletter = (f'<div class="{o["news"]}"><h4>{_e(o["newsletter"])}</h4><p>The day\'s top stories in your inbox. '
                      f'No spam, unsubscribe at any time.</p><form><input type="email" placeholder="Email address">'
                      f"<button>Sign up</button></form></div>")
        paras.insert(min(4, len(paras)), newsletter)
        others = [b for b in self.live(a.outlet) if b != a and b.story != OLD_STORY][:3]
        related = "".join(f'<li><a href="{self.url_path(b)}">{_e(b.data["title"])}</a></li>' for b in others)
        when = a.date.isoformat()
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(d['title'])} | {_e(o['name'])}</title>
<meta name="author" content="{_e(author)}"><meta property="og:site_name" content="{_e(o['name'])}">
<meta property="og:type" content="article"><meta property="og:title" content="{_e(d['title'])}">
<meta property="og:url" content="{_e(self.url(a))}"><meta property="article:published_time" content="{when}">
<link rel="canonical" href="{_e(self.url(a))}"></head>
<body>{self._header(a.outlet)}
<main><article><p class="kicker"><a href="/{a.outlet}/">{_e(a.section)}</a></p><h1>{_e(d['title'])}</h1>
<div class="byline">By <span class="author">{_e(author)}</span> &middot; <time datetime="{when}">{a.date:%B %d, %Y}</time></div>
<div class="share"><a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a> <a href="#">Copy link</a></div>
<figure><img src="/{a.outlet}/media/lead.jpg" alt=""><figcaption>{_e(d['title'])}. <span class="credit">{_e(o['credit'].format(who='J. Okonkwo'))}</span></figcaption></figure>
<div class="{o['body']}">{''.join(paras)}</div></article>
<div class="{o['promo']}"><strong>Download our app</strong> for breaking news alerts, puzzles and the digital edition. <a href="/{a.outlet}/">Get it on iOS and Android</a></div>
<aside class="{o['related']}"><h3>Related articles</h3><ul>{related}</ul></aside></main>
{self._footer(a.outlet)}</body></html>
"""


def demo_sources(base: str, since: str = "2026-11-01") -> str:
    """The sources file that crawls the demo web with the three spiders (local, fast settings)."""
    return f"""# Sources for the bundled demo web at {base} (invented outlets on 127.0.0.1).
[crawl]
user_agent = "wirewash/0.1 (+demo)"
concurrent_requests_per_domain = 16
download_delay = 0
autothrottle = false

[[source]]
name = "harbourledger"
kind = "sitemap"
sitemaps = ["{base}/harbourledger/sitemap_index.xml"]
allow = ['/harbourledger/']
deny = ['/account/']
since = "{since}"
allow_private = ["127.0.0.1"]

[[source]]
name = "midlandcourier"
kind = "feed"
feeds = ["{base}/midlandcourier/rss.xml"]
since = "{since}"
allow_private = ["127.0.0.1"]

[[source]]
name = "northgatepost"
kind = "site"
start_urls = ["{base}/northgatepost/"]
allow = ['/northgatepost/(premium/|live/)?\\d{{4}}/\\d{{2}}/']
deny = ['/live/']
follow = ['/northgatepost/[a-z]+/$']
max_pages = 50
allow_private = ["127.0.0.1"]

[[source]]
name = "valleyrecord"
kind = "sitemap"
sitemaps = ["{base}/valleyrecord/robots.txt"]
allow = ['/valleyrecord/']
since = "{since}"
allow_private = ["127.0.0.1"]
"""
