"""Scrapy settings for wirewash crawls: polite and safe by default.

Spiders only fetch; the ``WarcArchive`` extension writes each article response to a WARC file
and wirewash cleans that file afterwards in a batch (cleaning inline would slow fetching down
more than twofold). Local runs (the demo, tests) override the politeness settings through the
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
WIREWASH_WARC_PATH = ""  # the run's WARC file; empty = do not archive
WIREWASH_KNOWN_URLS = ""  # a file of article URLs already in the corpus, one per line

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
