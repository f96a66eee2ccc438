"""Crawl speed on a loopback web, politeness off and on, and what an unchanged second run costs.

    python benchmarks/crawl.py [--hosts 4] [--articles 30] [--reposts 10]

Each of ``--hosts`` sites (127.0.0.1, 127.0.0.2, …) has a robots.txt, a news sitemap, an RSS feed
and ``--articles`` articles; every site after the first also reposts ``--reposts`` of the first
site's articles with a credit line. The same web is crawled into fresh stores twice: with
politeness off (no delay between requests to one host) and with the defaults (one request at a
time per host, ``crawl_host_delay_seconds`` apart). Pages/s counts article pages fetched per
second of the whole run (discovery, fetching, ingest and linking included). Then a second run of
the polite store two hours later (listings due again, articles not) reports its requests, how
many were answered 304 and how many article bodies came again (should be 0).

Results: ``benchmarks/results/crawl.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from crawlworld import Site  # noqa: E402  (the tests' loopback server)
from textgen import article  # noqa: E402

from provenance.crawl import crawl  # noqa: E402
from provenance.settings import DEFAULT_SETTINGS  # noqa: E402
from provenance.store import Store  # noqa: E402

PUBLISHED = datetime(2026, 11, 29, 6, tzinfo=UTC)
T0 = datetime(2026, 11, 30, 2, tzinfo=UTC)


def _page(title: str, text: str, published: datetime, extra: str = "") -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    return (f"<html><head><title>{html.escape(title)}</title><meta property='article:published_time' "
            f"content='{published.isoformat()}'></head><body><article><h1>{html.escape(title)}</h1>{body}{extra}"
            "</article></body></html>")


def build(hosts: int, articles: int, reposts: int) -> list[Site]:
    sites = [Site(f"127.0.0.{i + 1}") for i in range(hosts)]
    for site in sites:
        site.start()
    texts = {(h, a): article(9000 + 100 * h + a, 6, 55) for h in range(hosts) for a in range(articles)}
    for h, site in enumerate(sites):
        paths = [f"/news/2026/11/29/story-{h}-{a}-about-the-harbour" for a in range(articles)]
        site.page("/robots.txt", f"User-agent: *\nSitemap: {site.base}/news-sitemap.xml\n", "text/plain")
        urls = "".join(f"<url><loc>{site.base}{p}</loc><lastmod>{PUBLISHED.isoformat()}</lastmod></url>" for p in paths)
        site.page("/news-sitemap.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                  f'sitemap/0.9">{urls}</urlset>', "application/xml")
        items = "".join(f"<item><link>{site.base}{p}</link></item>" for p in paths[:10])
        site.page("/feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>',
                  "application/rss+xml")
        site.page("/", "<html><head><link rel='alternate' type='application/rss+xml' href='/feed.xml'></head><body>"
                  + "".join(f"<a href='{p}'>x</a>" for p in paths[:20]) + "</body></html>")
        for a, path in enumerate(paths):
            if h > 0 and a < reposts:  # a repost of the first site's article a
                site.page(path, _page(f"Repost {a}", texts[(0, a)], PUBLISHED + timedelta(hours=2),
                                      "<p>Source: the first site</p>"))
            else:
                site.page(path, _page(f"Story {h} {a}", texts[(h, a)], PUBLISHED))
    return sites


def run(sites: list[Site], db: Path, settings, at: datetime) -> tuple[float, object]:
    started = time.perf_counter()
    with Store(db, settings=settings) as store:
        report = crawl(store, [s.base + "/" for s in sites], settings=settings, clock=lambda: at)
    return time.perf_counter() - started, report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hosts", type=int, default=4)
    ap.add_argument("--articles", type=int, default=30)
    ap.add_argument("--reposts", type=int, default=10)
    args = ap.parse_args()
    base = dataclasses.replace(DEFAULT_SETTINGS, allow_private_addresses=True)
    modes = {"off": dataclasses.replace(base, crawl_host_delay_seconds=0.0),
             "on (defaults)": base}
    sites = build(args.hosts, args.articles, args.reposts)
    rows, second = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for name, settings in modes.items():
            db = Path(tmp) / f"{name.split()[0]}.duckdb"
            for site in sites:
                site.log.clear()
            seconds, report = run(sites, db, settings, T0)
            pages = report.pages
            rows.append((name, settings.crawl_host_delay_seconds, report.requests, pages, seconds, pages / seconds,
                         report.new_documents, report.new_edges))
            print(f"politeness {name}: {report.requests} requests, {pages} pages in {seconds:.1f} s = "
                  f"{pages / seconds:.1f} pages/s; {report.new_documents} documents, {report.new_edges} links",
                  flush=True)
            if name.startswith("on"):
                for site in sites:
                    site.log.clear()
                seconds2, report2 = run(sites, db, settings, T0 + timedelta(hours=2))
                log = [r for s in sites for r in s.log]
                bodies = [r for r in log if r.status == 200 and r.body_bytes and "/news/" in r.path]
                second = (report2.requests, report2.not_modified, len(bodies), report2.new_documents, seconds2)
                print(f"second run: {second}", flush=True)
    for site in sites:
        site.stop()
    lines = [
        "# Crawl benchmark (issue 9)", "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.python_version()} · {args.hosts} hosts × "
        f"{args.articles} articles ({args.reposts} reposts per host after the first), loopback",
        "", "Command: `python benchmarks/crawl.py " + " ".join(sys.argv[1:]) + "`", "",
        "| politeness | delay per host, s | requests | article pages | seconds | pages/s | documents | links |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [f"| {n} | {d:g} | {r} | {p} | {s:.1f} | {ps:.1f} | {docs} | {links} |"
              for n, d, r, p, s, ps, docs, links in rows]
    if second is not None:
        requests, not_modified, bodies, new_docs, seconds2 = second
        lines += ["", f"Unchanged second run (2 hours later, polite): {requests} requests ({not_modified} answered "
                      f"304: listings and robots.txt asked again with their validators), {bodies} article bodies "
                      f"downloaded again, {new_docs} new documents, {seconds2:.1f} s."]
    out = ROOT / "benchmarks" / "results" / "crawl.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(out.read_text())


if __name__ == "__main__":
    main()
