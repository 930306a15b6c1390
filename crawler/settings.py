"""Scrapy settings for wirewash crawls: polite and safe by default.

Spiders only fetch; the ``WarcArchive`` extension writes each article response to WARC
segments (from a writer thread), and wirewash cleans each finished segment in worker processes
while the crawl goes on (cleaning inline, on the reactor thread, would slow fetching down more
than twofold). Local runs (the demo, tests) override the politeness settings through the
``[crawl]`` table of the sources file or ``crawl(..., settings=...)``.
"""
BOT_NAME = "wirewash"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify the crawler and how to reach its operator; set `user_agent` in the sources file.
USER_AGENT = "wirewash/0.1 (+contact)"
ROBOTSTXT_OBEY = True

# Politeness: at most 4 requests in flight per domain, adapted to the server's latency.
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Failures: two retries with exponential backoff, bounded downloads.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0  # used by crawler.safety.BackoffRetryMiddleware
RETRY_BACKOFF_MAX = 60.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
# Callbacks yield small summary items and requests, handled synchronously: Scrapy's default (100)
# starts 100 asyncio tasks for every callback's output, ~15 % of a fast crawl's CPU.
CONCURRENT_ITEMS = 8

DOWNLOADER_MIDDLEWARES = {
    # After offsite (50) and robots.txt (100), before redirects (600) produce new requests,
    # which pass through here again: a redirect to a private address is refused too.
    "crawler.safety.PrivateAddressMiddleware": 60,
    "crawler.safety.KnownUrlMiddleware": 70,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.safety.BackoffRetryMiddleware": 550,
}
EXTENSIONS = {
    "crawler.archive.WarcArchive": 100,
    "scrapy.extensions.telnet.TelnetConsole": None,
}

# wirewash settings (set per run by crawler.runner)
WIREWASH_WARC_PATH = ""  # the run's WARC name (segments: <name>-00001.warc.gz ...); empty = do not archive
WIREWASH_WARC_SEGMENT_PAGES = 250  # close a segment (so it can be cleaned) after this many pages ...
WIREWASH_WARC_SEGMENT_SECONDS = 30.0  # ... or once it is this old
WIREWASH_WARC_COMPRESSLEVEL = 1  # zlib level of each record's gzip member (9: 2.5x the CPU, 17 % smaller)
WIREWASH_KNOWN_URLS = ""  # a file of article URLs already in the corpus, one per line

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
