"""A small web on loopback for crawl tests: a publisher and an aggregator on two addresses.

The publisher (127.0.0.1) has a robots.txt with a Disallow, a Crawl-delay and a Sitemap line, a
sitemap index pointing at a news sitemap, an RSS feed linked from its home page, and articles
that answer conditional requests (ETag and Last-Modified). The aggregator (127.0.0.2, another
host) reposts some of the publisher's articles inside its own furniture with a credit line, has
posts of its own, and some faults: a page that fails with 500 once, one throttled with 429 and
Retry-After once, a redirect loop and an image behind an article-looking link. Every request
is logged with its time, so tests can check what was asked and when.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import hashlib
import html
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from textgen import article

PUBLISHED = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
STORIES = 4  # publisher articles
REPOSTED = (0, 2)  # which of them the aggregator reposts
OWN_POSTS = 2
CRAWL_DELAY = 0.3
SLOW_SECONDS = 2.5  # longer than the tests' read timeout
WRONG_CHARSET_TEXT = ("The café on the quay served crème brûlée to the naïve délégués of the harbour board, "
                      "who voted on Tuesday to extend the pier by forty metres before the winter storms. ") * 3


@dataclass
class Request:
    host: str
    path: str
    at: float
    status: int
    body_bytes: int
    conditional: bool
    agent: str = ""


@dataclass
class Site:
    """One server: routes to (status, headers, body) and the request log."""

    address: str
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)  # served first, once each
    log: list[Request] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)  # seconds before answering
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://{self.address}:{self.server.server_address[1]}"

    def page(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8",
             modified: datetime = PUBLISHED) -> None:
        data = body.encode() if isinstance(body, str) else body
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        self.routes[path] = (200, {"Content-Type": content_type, "ETag": etag,
                                   "Last-Modified": email.utils.format_datetime(modified, usegmt=True)}, data)

    def start(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = self.path
                conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
                queued = site.failures.get(path)
                if queued:
                    status, headers = queued.pop(0)
                    body = b""
                elif path in site.routes:
                    status, headers, body = site.routes[path]
                    if headers.get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
                        status, body = 304, b""
                else:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                if path in site.delays:
                    time.sleep(site.delays[path])
                site.log.append(Request(site.address, path, time.monotonic(), status, len(body), conditional,
                                        self.headers.get("User-Agent", "")))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if body:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on a body it refused: that is the point

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer((self.address, 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@functools.cache
def _bomb() -> bytes:
    """200 MB of zeros, gzipped to ~200 KB."""
    return gzip.compress(b"\0" * (200 << 20), 6)


def _article_page(title: str, text: str, published: datetime, site_name: str, before: str = "",
                  after: str = "") -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    return (f"<!doctype html><html><head><title>{html.escape(title)}</title>"
            f'<meta property="og:site_name" content="{site_name}">'
            f'<meta property="article:published_time" content="{published.isoformat()}"></head>'
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{html.escape(title)}</h1>{before}{paragraphs}{after}"
            "</article><footer>All rights reserved.</footer></body></html>")


class World:
    """Both sites, built and started; ``story_path(i)`` and ``repost_path(i)`` name the pages."""

    def __init__(self) -> None:
        self.publisher = Site("127.0.0.1")
        self.aggregator = Site("127.0.0.2")
        self.publisher.start()
        self.aggregator.start()
        self.texts = {i: article(4100 + i, 6, 55) for i in range(STORIES)}
        self.build()

    @staticmethod
    def story_path(i: int) -> str:
        return f"/news/2026/11/29/harbour-story-number-{i}-{'abcd'[i]}"

    @staticmethod
    def repost_path(i: int) -> str:
        return f"/posts/2026/11/29/{100 + i}-reposted-harbour-story"

    @staticmethod
    def own_path(i: int) -> str:
        return f"/posts/2026/11/29/{200 + i}-our-own-report-today"

    def lastmod(self, i: int) -> datetime:
        return PUBLISHED + timedelta(hours=i)

    def build(self, changed: dict[int, datetime] | None = None) -> None:
        changed = changed or {}
        pub, agg = self.publisher, self.aggregator
        pub.page("/robots.txt", f"User-agent: *\nDisallow: /private/\nCrawl-delay: {CRAWL_DELAY}\n"
                                f"Sitemap: {pub.base}/sitemap_index.xml\n", "text/plain")
        pub.page("/sitemap_index.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                 f'sitemap/0.9"><sitemap><loc>{pub.base}/news-sitemap.xml</loc></sitemap></sitemapindex>',
                 "application/xml")
        entries = "".join(
            f"<url><loc>{pub.base}{self.story_path(i)}</loc>"
            f"<lastmod>{changed.get(i, self.lastmod(i)).isoformat()}</lastmod>"
            f"<news:news><news:publication_date>{self.lastmod(i).isoformat()}</news:publication_date>"
            f"<news:title>Story {i}</news:title></news:news></url>" for i in range(STORIES))
        pub.page("/news-sitemap.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
                 ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + entries + "</urlset>",
                 "application/xml")
        items = "".join(f"<item><title>Story {i}</title><link>{pub.base}{self.story_path(i)}</link>"
                        f"<pubDate>{email.utils.format_datetime(self.lastmod(i), usegmt=True)}</pubDate></item>"
                        for i in range(STORIES))
        pub.page("/feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Daily</title>'
                 f"<link>{pub.base}/</link>{items}</channel></rss>", "application/rss+xml")
        links = "".join(f"<li><a href='{self.story_path(i)}'>Story {i}</a></li>" for i in range(STORIES))
        pub.page("/", "<html><head><title>Harbour Daily</title><link rel='alternate' type='application/rss+xml'"
                      f" href='/feed.xml'></head><body><ul>{links}"
                      "<li><a href='/private/2026/11/29/secret-draft-story-page'>Draft</a></li>"
                      # a changed home page links a new private draft: robots.txt, not due again, must still apply
                      + ("<li><a href='/private/2026/11/30/another-secret-draft-page'>Draft</a></li>" if changed else "")
                      + "</ul></body></html>")
        pub.page("/private/2026/11/29/secret-draft-story-page", "<p>never to be fetched</p>")
        for i in range(STORIES):
            text = self.texts[i] + ("\n\nUpdate: the council confirmed the figures on Monday evening."
                                    if i in changed else "")
            pub.page(self.story_path(i), _article_page(f"Harbour story {i}", text, self.lastmod(i), "Harbour Daily"),
                     modified=changed.get(i, self.lastmod(i)))
        agg.page("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
        agg_links = [self.repost_path(i) for i in REPOSTED] + [self.own_path(i) for i in range(OWN_POSTS)]
        agg_links += ["/posts/2026/11/29/300-looping-story-link-here", "/posts/2026/11/29/301-picture-of-the-day-here"]
        agg.page("/", "<html><body>" + "".join(f"<a href='{p}'>post</a>" for p in agg_links) + "</body></html>")
        for i in REPOSTED:
            published = self.lastmod(i) + timedelta(hours=3)
            agg.page(self.repost_path(i), _article_page(
                f"Harbour story {i} (repost)", self.texts[i], published, "Aggregator Hub",
                before="<p>Share this story with your friends and family today.</p>",
                after="<p>Source: Harbour Daily</p>"), modified=published)
        for i in range(OWN_POSTS):
            agg.page(self.own_path(i), _article_page(f"Our report {i}", article(4200 + i, 5, 50),
                                                     PUBLISHED + timedelta(hours=5), "Aggregator Hub"))
        agg.routes["/posts/2026/11/29/300-looping-story-link-here"] = (
            302, {"Location": "/posts/2026/11/29/300-looping-story-link-here"}, b"")
        agg.page("/posts/2026/11/29/301-picture-of-the-day-here", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
        faults = [f"/posts/2026/11/29/{n}" for n in ("302-slow-story-page-here", "303-huge-story-page-here",
                                                       "304-bomb-story-page-here", "305-wrong-charset-story-here")]
        agg.routes["/"] = (200, agg.routes["/"][1], agg.routes["/"][2].replace(
            b"</body>", "".join(f"<a href='{p}'>post</a>" for p in faults).encode() + b"</body>"))
        agg.page(faults[0], _article_page("Slow", article(4300, 4, 50), PUBLISHED, "Aggregator Hub"))
        agg.delays[faults[0]] = SLOW_SECONDS
        agg.page(faults[1], b"<html><body><p>" + b"x" * (50 << 20) + b"</p></body></html>")
        agg.routes[faults[2]] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, _bomb())
        agg.page(faults[3], _article_page("Café crème", WRONG_CHARSET_TEXT, PUBLISHED, "Aggregator Hub").encode(),
                 "text/html; charset=iso-8859-1")
        # faults: the first repost answers 500 once, the own post 429 with Retry-After once
        agg.failures[self.repost_path(REPOSTED[0])] = [(500, {"Content-Type": "text/plain"})]
        agg.failures[self.own_path(0)] = [(429, {"Retry-After": "1", "Content-Type": "text/plain"})]

    def requests(self) -> list[Request]:
        return sorted(self.publisher.log + self.aggregator.log, key=lambda r: r.at)

    def stop(self) -> None:
        self.publisher.stop()
        self.aggregator.stop()
