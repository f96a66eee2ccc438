"""The measurements behind provenance.discover's library choices (sitemaps, feeds, URL spelling).

    python benchmarks/discover_choices.py [sitemaps|feeds|urls|all] [--entries 1000000]

Needs the comparison libraries, which provenance itself does not depend on:
``pip install ultimate-sitemap-parser defusedxml feedparser w3lib courlan``. Each sitemap case
runs in a child process, so its peak memory (max RSS) is its own. Nothing is fetched.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import time
import warnings

ENTRY = ("<url><loc>https://www.dawn.com/news/{i}/pakistan-seeks-deeper-ties-with-bangladesh</loc>"
         "<lastmod>2025-04-19T09:30:00+05:00</lastmod></url>\n")
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
BOMB_DTD = ('<!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">' for k in range(8)) + "]>\n")


URL = "https://www.dawn.com/sitemap.xml"


def sitemap_bytes(kind: str, entries: int) -> bytes:
    """A sitemap of ``entries`` entries: "plain", or hostile: "bomb" (billion laughs, every <loc>
    expanding ``&i;`` to 10^9 characters), "quadratic" (one 10 KB entity referenced by every
    entry), "external" (an external entity in every entry)."""
    if kind == "plain":
        return (HEAD + "".join(ENTRY.format(i=i) for i in range(entries)) + "</urlset>\n").encode()
    if kind == "bomb":
        dtd, loc = BOMB_DTD, "&i;"
    elif kind == "quadratic":
        dtd, loc = '<!DOCTYPE urlset [<!ENTITY q "' + "q" * 10_000 + '">]>\n', "https://x.example/&q;"
    else:
        dtd, loc = '<!DOCTYPE urlset [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n', "https://x.example/&e;"
    body = "".join(f"<url><loc>{loc}</loc></url>\n" for _ in range(entries))
    return (HEAD[:39] + dtd + HEAD[39:] + body + "</urlset>\n").encode()


def run_sitemap_case(parser: str, kind: str, entries: int) -> dict:
    data = sitemap_bytes(kind, entries)
    from defusedxml.ElementTree import iterparse
    from usp.fetch_parse import XMLSitemapParser
    from usp.web_client.abstract_client import LocalWebClient

    from provenance.discover import parse_sitemap
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        if parser == "ours":  # no caps: every entry kept
            result = f"{len(parse_sitemap(data, URL, max_bytes=10**10, max_entries=10**8).entries)} entries"
        elif parser == "ours-capped":  # the default entry cap (the byte cap lifted: 1M entries are 142 MB)
            sitemap = parse_sitemap(data, URL, max_bytes=10**10)
            result = f"{len(sitemap.entries)} entries, truncated={sitemap.truncated}"
        elif parser == "usp":
            sitemap = XMLSitemapParser(URL, data.decode(), 0, LocalWebClient(), set(),
                                       recurse_callback=lambda *a: False).sitemap()
            result = f"{len(getattr(sitemap, 'pages', []))} entries ({type(sitemap).__name__})"
        else:  # defusedxml's iterparse, forbidding DTDs as we do
            count = 0
            for _event, element in iterparse(io.BytesIO(data), forbid_dtd=True):
                if element.tag.endswith("}url"):
                    count += 1
                    element.clear()
            result = f"{count} entries (counted, no objects kept)"
    except Exception as exc:
        result = f"refused: {type(exc).__name__}: {str(exc)[:70]}"
    seconds = time.perf_counter() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return {"parser": parser, "kind": kind, "bytes": len(data), "seconds": round(seconds, 3),
            "peak_mb": round(grown, 1), "result": result}


def sitemaps(entries: int) -> None:
    print(f"sitemaps, {entries:,} entries per file (child process per case; peak = max RSS growth)")
    for kind in ("plain", "bomb", "quadratic", "external"):
        for parser in ("ours", "ours-capped", "usp", "defusedxml"):
            out = subprocess.run([sys.executable, __file__, "_case", parser, kind, str(entries)],
                                 capture_output=True, text=True, check=False)
            try:
                row = json.loads(out.stdout)
            except ValueError:
                print(f"  {kind:9} {parser:11} failed: {out.stderr[-200:]}")
                continue
            print(f"  {kind:9} {parser:11} {row['bytes'] / 1e6:7.1f} MB  {row['seconds']:7.3f} s  "
                  f"peak +{row['peak_mb']:7.1f} MB  {row['result']}")


FEED_ITEM = ("<item><title>Pakistan seeks ties with Bangladesh {i}</title>"
             "<link>https://economictimes.indiatimes.com/news/defence/story/articleshow/12040{i:04d}.cms</link>"
             "<description><![CDATA[<p>Islamabad sought to step up <b>ties</b></p>]]></description>"
             "<pubDate>Mon, 21 Apr 2025 10:30:00 +0530</pubDate><guid>x{i}</guid></item>")


def feed_samples() -> dict[str, bytes]:
    rss = ('<?xml version="1.0"?><rss version="2.0"><channel><title>ET</title>{}</channel></rss>')
    return {
        "rss": rss.format("".join(FEED_ITEM.format(i=i) for i in range(3))).encode(),
        "atom": b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Dawn</title>
<entry><title type="html">Asif &amp;amp; Dhaka</title><link href="https://www.dawn.com/news/1905000/asif"/>
<published>2025-04-19T08:00:00+05:00</published><updated>2025-04-19T09:30:00Z</updated></entry></feed>""",
        "rdf": b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://e.org/">
<title>x</title></channel><item rdf:about="https://e.org/a"><title>One</title><link>https://e.org/2025/04/21/one</link>
<dc:date>2025-04-21T06:00:00+06:00</dc:date></item></rdf:RDF>""",
        "truncated": rss.format("".join(FEED_ITEM.format(i=i) for i in range(3))).encode()[:-60],
        "bomb": ('<?xml version="1.0"?>' + BOMB_DTD.replace("urlset", "rss") +
                 '<rss version="2.0"><channel><item><title>&i;</title><link>https://e.org/x</link></item></channel></rss>').encode(),
        "xxe": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]><rss version="2.0">'
               b'<channel><item><title>&x;</title><link>https://e.org/x</link></item></channel></rss>',
        "garbage": b"\x00\xff garbage <<<>>> not a feed",
        "a path": b"/etc/hostname",
        "2000 items": rss.format("".join(FEED_ITEM.format(i=i) for i in range(2000))).encode(),
    }


def feeds() -> None:
    import fastfeedparser
    import feedparser
    warnings.filterwarnings("ignore")

    def with_feedparser(data: bytes):
        parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
        return [(e.get("link"), e.get("published"), e.get("updated"), e.get("title")) for e in parsed.entries]

    def with_fastfeedparser(data: bytes):
        parsed = fastfeedparser.parse(data, include_content=False, include_tags=False, include_media=False,
                                      include_enclosures=False)
        return [(e.get("link"), e.get("published"), e.get("updated"), e.get("title")) for e in parsed.entries]

    print("feeds (best of 3)")
    for name, data in feed_samples().items():
        for library, parse in (("feedparser", with_feedparser), ("fastfeedparser", with_fastfeedparser)):
            best, result = float("inf"), None
            for _ in range(3):
                start = time.perf_counter()
                try:
                    result = parse(data)
                except Exception as exc:
                    result = f"raises {type(exc).__name__}"
                best = min(best, time.perf_counter() - start)
            shown = f"{len(result)} items, first {result[0]}" if isinstance(result, list) and result else result
            print(f"  {name:10} {library:14} {best * 1000:8.2f} ms  {str(shown)[:150]}")


URLS = [
    "HTTPS://WWW.Dawn.com:443/news/1905000/asif?utm_source=twitter&ref=home&fbclid=x#comments",
    "https://economictimes.indiatimes.com/news/defence/articleshow/120500000.cms?from=mdr&gclid=y",
    "https://example.com/path?b=2&a=1",
    "http://example.com:80/a b/ü",
    "http://[::1",
    "https://example.com:99999/x",
    "javascript:void(0)",
]


def urls() -> None:
    import courlan
    from w3lib.url import canonicalize_url

    from provenance.discover import normalize_url
    candidates = (("ours", normalize_url), ("w3lib", canonicalize_url),
                  ("courlan", lambda u: courlan.normalize_url(u, strict=True)))
    print("URL normalisation")
    for url in URLS:
        print(f"  {url}")
        for name, normalise in candidates:
            try:
                result = normalise(url)
            except Exception as exc:
                result = f"raises {type(exc).__name__}"
            print(f"    {name:8} {result}")
    many = [f"https://www.example{i % 50}.com/news/2025/04/{i}/some-slug?utm_source=x&id={i}#c" for i in range(20_000)]
    for name, normalise in candidates:
        start = time.perf_counter()
        for url in many:
            normalise(url)
        print(f"  {name:8} {(time.perf_counter() - start) / len(many) * 1e6:6.1f} µs per URL")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_case":
        print(json.dumps(run_sitemap_case(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", default="all", choices=("sitemaps", "feeds", "urls", "all"))
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.what in ("sitemaps", "all"):
        sitemaps(args.entries)
    if args.what in ("feeds", "all"):
        feeds()
    if args.what in ("urls", "all"):
        urls()


if __name__ == "__main__":
    main()
