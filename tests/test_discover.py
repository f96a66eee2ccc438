"""Discovery over bytes already fetched: robots.txt, sitemaps, feeds, article URLs, URL spelling."""

from __future__ import annotations

import gzip
import time
from datetime import datetime, timezone

import pytest

from provenance.discover import (FeedEntry, Robots, Sitemap, SitemapEntry, looks_like_article, normalize_url,
                                 parse_feed, parse_robots, parse_sitemap)
from provenance.errors import InputError

UA = "provenance/0.1 (+https://example.invalid/provenance)"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# --- robots.txt ------------------------------------------------------------------------------

ROBOTS = """\
# Dawn-like robots.txt
User-agent: *
Disallow: /search
Disallow: /*?page=
Allow: /news/
Disallow: /news/print/
Crawl-delay: 4

User-agent: provenance
Disallow: /private/
Allow: /private/open-$
Request-rate: 1/10s

User-agent: BadBot
Disallow: /

Sitemap: https://www.dawn.com/sitemaps/news.xml
Sitemap: /sitemaps/index.xml
Sitemap: ftp://www.dawn.com/not-web.xml
Sitemap: https://www.dawn.com/sitemaps/news.xml
"""


def test_robots_groups_and_longest_match():
    robots = parse_robots(ROBOTS, "https://www.dawn.com/robots.txt")
    # our group (matched by the product token of the user agent) replaces the * group
    assert robots.allowed("https://www.dawn.com/search?q=x", UA)
    assert not robots.allowed("https://www.dawn.com/private/file", UA)
    assert robots.allowed("https://www.dawn.com/private/open-", UA)
    assert not robots.allowed("https://www.dawn.com/private/open-more", UA)  # $ anchors the end
    # the * group for everyone else: longest match wins between Allow and Disallow
    assert robots.allowed("https://www.dawn.com/news/1905000/asif", "OtherBot/2.0")
    assert not robots.allowed("https://www.dawn.com/news/print/1905000", "OtherBot/2.0")
    assert not robots.allowed("https://www.dawn.com/pakistan?page=2", "OtherBot/2.0")
    assert not robots.allowed("https://www.dawn.com/news/1", "BadBot")


def test_robots_delays():
    robots = parse_robots(ROBOTS, "https://www.dawn.com/robots.txt")
    assert robots.crawl_delay("OtherBot/2.0") == 4.0
    assert robots.crawl_delay(UA) == 10.0  # Request-rate 1/10s: one request per 10 seconds
    both = parse_robots("User-agent: *\nCrawl-delay: 2\nRequest-rate: 3/1m\n", "https://e.com/robots.txt")
    assert both.crawl_delay(UA) == 20.0  # the longer of 2 s and 60 s / 3
    assert parse_robots("User-agent: *\nDisallow: /x\n", "https://e.com/robots.txt").crawl_delay(UA) is None
    assert parse_robots("User-agent: *\nCrawl-delay: nan\nCrawl-delay: -3\n", "https://e.com/r").crawl_delay(UA) is None


def test_robots_sitemaps_are_absolute_web_urls_once_each():
    robots = parse_robots(ROBOTS.encode(), "https://www.dawn.com/robots.txt")
    assert robots.sitemaps == ("https://www.dawn.com/sitemaps/news.xml", "https://www.dawn.com/sitemaps/index.xml")


@pytest.mark.parametrize("body", [
    b"",
    b"\x00\x01\x02\xff\xfe garbage \x80\x81",
    b"<html><body><h1>404 Not Found</h1></body></html>",
    "User-agent: *\nDisallow:\n".encode("utf-16"),
    b"User-agent\nDisallow /\n:::::\n" * 1000,
    "\ufeffUser-agent: *\nAllow: /\n".encode(),
    None,
])
def test_garbage_robots_allows_everything_and_never_raises(body):
    robots = parse_robots(body, "https://e.com/robots.txt")
    assert robots.allowed("https://e.com/news/1", UA)
    assert robots.crawl_delay(UA) is None
    assert robots.sitemaps == ()


def test_robots_bom_does_not_hide_the_first_line():
    robots = parse_robots("\ufeffUser-agent: *\nDisallow: /\n".encode(), "https://e.com/robots.txt")
    assert not robots.allowed("https://e.com/a", UA)


def test_hostile_robots_is_cheap():
    wildcard = "User-agent: *\nDisallow: /" + "*a" * 50_000 + "b\n"
    start = time.perf_counter()
    robots = parse_robots(wildcard, "https://e.com/robots.txt")
    assert robots.allowed("https://e.com/" + "a" * 5_000, UA)  # no b: the pattern cannot match
    huge = ("Disallow: /x\n" * 200_000).encode()  # 2.6 MB: only the first robots_max_bytes are read
    parse_robots(huge, "https://e.com/robots.txt")
    assert time.perf_counter() - start < 5


def test_robots_read_only_up_to_max_bytes():
    body = "User-agent: *\n" + "# padding\n" * 100 + "Disallow: /late\n"
    assert not parse_robots(body, "https://e.com/robots.txt").allowed("https://e.com/late", UA)
    assert parse_robots(body, "https://e.com/robots.txt", max_bytes=200).allowed("https://e.com/late", UA)


def test_robots_for_missing_and_failing_files():
    assert Robots.allow_all("https://e.com/robots.txt").allowed("https://e.com/x", UA)
    assert not Robots.disallow_all("https://e.com/robots.txt").allowed("https://e.com/x", UA)


# --- sitemaps --------------------------------------------------------------------------------

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://tribune.com.pk/sitemaps/news.xml</loc><lastmod>2025-04-21T10:30:00+05:00</lastmod></sitemap>
  <sitemap><loc>https://tribune.com.pk/sitemaps/2025-04.xml.gz</loc></sitemap>
  <sitemap><loc>javascript:alert(1)</loc></sitemap>
</sitemapindex>
"""

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://economictimes.indiatimes.com/news/defence/pakistan-defence-minister-seeks-deeper-ties/articleshow/120500123.cms</loc>
    <lastmod>2025-04-21T11:05:00+05:30</lastmod>
    <news:news>
      <news:publication><news:name>The Economic Times</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-04-21T10:35:00+05:30</news:publication_date>
      <news:title>Pakistan Defence Minister seeks deeper ties with Bangladesh &amp; Dhaka</news:title>
    </news:news>
    <image:image><image:loc>https://img.etimg.com/x.jpg</image:loc><image:title>Not the news title</image:title></image:image>
  </url>
  <url><loc> https://economictimes.indiatimes.com/news/india/story-two/articleshow/120500124.cms </loc>
       <lastmod>2025-04-20</lastmod></url>
  <url><loc>https://economictimes.indiatimes.com/news/india/story-two/articleshow/120500124.cms</loc></url>
  <url><lastmod>2025-04-20</lastmod></url>
  <url><loc>/news/relative/articleshow/1.cms</loc><lastmod>not a date</lastmod></url>
</urlset>
""".encode()


def test_sitemap_index():
    sitemap = parse_sitemap(INDEX, "https://tribune.com.pk/sitemap.xml")
    assert sitemap.kind == "index"
    assert sitemap.entries == (
        SitemapEntry("https://tribune.com.pk/sitemaps/news.xml", utc(2025, 4, 21, 5, 30)),
        SitemapEntry("https://tribune.com.pk/sitemaps/2025-04.xml.gz"),
    )
    assert not sitemap.truncated


def test_news_sitemap():
    sitemap = parse_sitemap(NEWS, "https://economictimes.indiatimes.com/sitemap/today.xml")
    assert sitemap.kind == "urlset"
    first, second, third = sitemap.entries
    assert first.url.endswith("/articleshow/120500123.cms")
    assert first.lastmod == utc(2025, 4, 21, 5, 35)
    assert first.news_published == utc(2025, 4, 21, 5, 5)
    assert first.news_title == "Pakistan Defence Minister seeks deeper ties with Bangladesh & Dhaka"
    # the duplicate <loc> and the <url> without one are dropped; whitespace around a loc is not part of it
    assert second == SitemapEntry("https://economictimes.indiatimes.com/news/india/story-two/articleshow/120500124.cms",
                                  utc(2025, 4, 20))
    assert third == SitemapEntry("https://economictimes.indiatimes.com/news/relative/articleshow/1.cms")


def test_gzipped_sitemap_by_magic_not_name():
    url = "https://economictimes.indiatimes.com/sitemap/today.xml"
    assert parse_sitemap(gzip.compress(NEWS), url) == parse_sitemap(NEWS, url)
    # a .gz name whose body the server already decompressed
    assert len(parse_sitemap(NEWS, url + ".gz").entries) == 3
    # two gzip members, as `cat a.gz b.gz` makes: one document split in two
    half = len(NEWS) // 2
    assert len(parse_sitemap(gzip.compress(NEWS[:half]) + gzip.compress(NEWS[half:]), url).entries) == 3


def test_gzip_bomb_is_refused_by_decompressed_size():
    bomb = gzip.compress(b"<urlset>" + b" " * 20_000_000 + b"</urlset>")
    assert len(bomb) < 100_000
    start = time.perf_counter()
    with pytest.raises(InputError, match="over 1,000,000 bytes once decompressed"):
        parse_sitemap(bomb, "https://e.com/s.xml.gz", max_bytes=1_000_000)
    assert time.perf_counter() - start < 2


def test_corrupt_gzip_is_an_input_error():
    with pytest.raises(InputError, match="corrupt gzip"):
        parse_sitemap(b"\x1f\x8b\x08\x00garbage-not-deflate", "https://e.com/s.xml.gz")


def test_plain_text_sitemap():
    body = b"\xef\xbb\xbfhttps://www.bssnews.net/news/1\r\n\r\n  https://www.bssnews.net/news/2  \nmailto:x@y\nnot a url\nhttps://www.bssnews.net/news/1\n"
    sitemap = parse_sitemap(body, "https://www.bssnews.net/sitemap.txt")
    assert sitemap == Sitemap("https://www.bssnews.net/sitemap.txt", "urlset",
                              (SitemapEntry("https://www.bssnews.net/news/1"), SitemapEntry("https://www.bssnews.net/news/2")))


def test_sitemap_without_namespace_and_with_old_google_namespace():
    for xmlns in ("", ' xmlns="http://www.google.com/schemas/sitemap/0.84"'):
        body = f"<urlset{xmlns}><url><loc>https://a.example/x</loc></url></urlset>".encode()
        assert parse_sitemap(body, "https://a.example/s.xml").entries == (SitemapEntry("https://a.example/x"),)


def test_entry_cap_truncates():
    body = ("<urlset>" + "".join(f"<url><loc>https://a.example/{i}</loc></url>" for i in range(100)) + "</urlset>").encode()
    sitemap = parse_sitemap(body, "https://a.example/s.xml", max_entries=10)
    assert [e.url for e in sitemap.entries] == [f"https://a.example/{i}" for i in range(10)]
    assert sitemap.truncated


def test_sitemap_cut_off_mid_transfer_keeps_what_came():
    body = NEWS[: NEWS.index(b"<url><loc>/news/relative") + 20]
    sitemap = parse_sitemap(body, "https://economictimes.indiatimes.com/s.xml")
    assert len(sitemap.entries) == 2 and sitemap.truncated


def test_feed_given_as_sitemap():
    sitemap = parse_sitemap(RSS, "https://www.dawn.com/feeds/home")
    assert sitemap.kind == "urlset"
    assert sitemap.entries[0].url == "https://www.dawn.com/news/1905000/pakistan-defence-minister-seeks-deeper-ties"
    assert sitemap.entries[0].news_published == utc(2025, 4, 19, 3, 0)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
"""


@pytest.mark.parametrize("head, loc", [(BILLION_LAUGHS, b"https://a.example/&i;"), (XXE, b"https://a.example/&secret;")])
def test_hostile_sitemaps_are_refused_fast(head, loc):
    # a million entries, each expanding the bomb (10^9 characters) or reading a local file
    body = head + b"<url><loc>" + loc + b"</loc></url>\n" * 1_000_000 + b"</urlset>"
    start = time.perf_counter()
    with pytest.raises(InputError, match="DOCTYPE"):
        parse_sitemap(body, "https://a.example/sitemap.xml")
    assert time.perf_counter() - start < 0.5  # refused at the DOCTYPE, before the entries are read


def test_entity_without_doctype_is_no_expansion():
    body = b'<urlset><url><loc>https://a.example/&undeclared;</loc></url></urlset>'
    with pytest.raises(InputError, match="not a sitemap"):
        parse_sitemap(body, "https://a.example/s.xml")


@pytest.mark.parametrize("body, reason", [
    (b"", "empty sitemap"),
    (b"   \n\t", "empty sitemap"),
    (b"<!DOCTYPE html><html><body>Not found</body></html>", "an HTML page"),
    (b"<html><body><p>Moved</p></body></html>", "root element <html>"),
    (b"<?xml version='1.0'?><note><to>x</to></note>", "root element <note>"),
    (b"<urlset><url><loc>https://a.example/x</loc>", "not a sitemap"),  # broken before any entry ends
    (b"\x00\x01binary\xff\xfe", "neither XML nor lines"),
    (b"just some words\nand more", "neither XML nor lines"),
])
def test_non_sitemaps_are_input_errors(body, reason):
    with pytest.raises(InputError, match=reason) as caught:
        parse_sitemap(body, "https://a.example/sitemap.xml")
    assert caught.value.origin == "https://a.example/sitemap.xml"


def test_sitemap_over_max_bytes_is_refused():
    with pytest.raises(InputError, match="over 100 bytes"):
        parse_sitemap(NEWS, "https://a.example/s.xml", max_bytes=100)


# --- feeds -----------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Dawn - Home</title><link>https://www.dawn.com/</link>
  <atom:link href="https://www.dawn.com/feeds/home" rel="self" type="application/rss+xml"/>
  <item>
    <title>Pakistan Defence Minister seeks deeper ties with Bangladesh</title>
    <link>https://www.dawn.com/news/1905000/pakistan-defence-minister-seeks-deeper-ties</link>
    <description><![CDATA[<p>Islamabad sought to step up its ties with <b>Dhaka</b>.</p>]]></description>
    <pubDate>Sat, 19 Apr 2025 08:00:00 +0500</pubDate>
    <guid isPermaLink="false">1905000</guid>
  </item>
  <item>
    <title>Dar postpones Dhaka visit</title>
    <link>/news/1905001/dar-postpones-dhaka-visit</link>
    <pubDate>Sun, 20 Apr 2025 09:15:00 GMT</pubDate>
  </item>
  <item><title>No link here</title><description>x</description></item>
  <item><title>Mail</title><link>mailto:editor@dawn.com</link></item>
</channel>
</rss>
""".encode()

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>The Express Tribune</title>
  <id>tag:tribune.com.pk,2025:feed</id>
  <updated>2025-04-21T10:00:00Z</updated>
  <entry>
    <title type="html">Asif &amp;amp; Dhaka: &lt;em&gt;deeper&lt;/em&gt; ties</title>
    <link rel="alternate" type="text/html" href="https://tribune.com.pk/story/2540000/asif-dhaka-deeper-ties"/>
    <link rel="self" href="https://tribune.com.pk/feed/entry/2540000"/>
    <id>tag:tribune.com.pk,2025:2540000</id>
    <published>2025-04-19T08:00:00+05:00</published>
    <updated>2025-04-19T09:30:00Z</updated>
  </entry>
  <entry>
    <title>Only updated</title>
    <link href="https://tribune.com.pk/story/2540001/only-updated"/>
    <id>tag:tribune.com.pk,2025:2540001</id>
    <updated>2025-04-20T00:00:00Z</updated>
  </entry>
</feed>
""".encode()

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://www.bssnews.net/">
    <title>BSS</title><link>https://www.bssnews.net/</link>
    <items><rdf:Seq><rdf:li rdf:resource="https://www.bssnews.net/news/245000"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://www.bssnews.net/news/245000">
    <title>Foreign Secretary meets Pakistan High Commissioner</title>
    <link>https://www.bssnews.net/news/245000</link>
    <dc:date>2025-04-21T16:00:00+06:00</dc:date>
  </item>
</rdf:RDF>
"""


def test_rss2():
    entries = parse_feed(RSS, "https://www.dawn.com/feeds/home")
    assert entries == [
        FeedEntry("https://www.dawn.com/news/1905000/pakistan-defence-minister-seeks-deeper-ties",
                  utc(2025, 4, 19, 3, 0), None, "Pakistan Defence Minister seeks deeper ties with Bangladesh"),
        FeedEntry("https://www.dawn.com/news/1905001/dar-postpones-dhaka-visit", utc(2025, 4, 20, 9, 15), None,
                  "Dar postpones Dhaka visit"),
    ]


def test_atom():
    first, second = parse_feed(ATOM, "https://tribune.com.pk/feed/home")
    assert first.url == "https://tribune.com.pk/story/2540000/asif-dhaka-deeper-ties"
    assert first.published == utc(2025, 4, 19, 3, 0)
    assert first.updated == utc(2025, 4, 19, 9, 30)
    assert first.title == "Asif & Dhaka: deeper ties"  # type="html": markup and entities resolved
    assert second.url == "https://tribune.com.pk/story/2540001/only-updated"
    assert second.updated == utc(2025, 4, 20)


def test_rdf():
    (entry,) = parse_feed(RDF, "https://www.bssnews.net/rss.xml")
    assert entry.url == "https://www.bssnews.net/news/245000"
    assert entry.title == "Foreign Secretary meets Pakistan High Commissioner"
    assert utc(2025, 4, 21, 10, 0) in (entry.published, entry.updated)


def test_truncated_feed_keeps_the_items_before_the_break():
    body = RSS[: RSS.index(b"<item><title>No link")]
    urls = [e.url for e in parse_feed(body, "https://www.dawn.com/feeds/home")]
    assert urls == ["https://www.dawn.com/news/1905000/pakistan-defence-minister-seeks-deeper-ties",
                    "https://www.dawn.com/news/1905001/dar-postpones-dhaka-visit"]


def test_gzipped_feed():
    assert parse_feed(gzip.compress(RSS), "https://www.dawn.com/feeds/home") == parse_feed(RSS, "https://www.dawn.com/feeds/home")


@pytest.mark.parametrize("body", [
    b"",
    b"\x00\x01\x02 garbage \xff",
    b"<html><head><title>Dawn</title></head><body><a href='/news/1'>x</a></body></html>",
    b"/etc/passwd",  # bytes that name a file are content, never a path to open
    b"https://www.dawn.com/feeds/home",  # nor a URL to fetch
])
def test_non_feeds_are_input_errors(body):
    with pytest.raises(InputError) as caught:
        parse_feed(body, "https://www.dawn.com/feeds/home")
    assert caught.value.origin == "https://www.dawn.com/feeds/home"


def test_feed_entity_bomb_and_external_entity_are_harmless():
    bomb = BILLION_LAUGHS.replace(b"urlset", b"rss").split(b"<rss")[0] + (
        b'<rss version="2.0"><channel><item><title>&i;</title><link>https://e.example/x</link></item></channel></rss>')
    xxe = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY s SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel>'
           b'<item><title>t &s;</title><link>https://e.example/y</link></item></channel></rss>')
    start = time.perf_counter()
    for body in (bomb, xxe):
        try:
            entries = parse_feed(body, "https://e.example/feed")
        except InputError:
            continue
        for entry in entries:
            assert len(entry.title or "") < 1000 and "root:" not in (entry.title or "")
    assert time.perf_counter() - start < 1


def test_feed_over_max_bytes():
    with pytest.raises(InputError, match="feed over 100 bytes"):
        parse_feed(RSS, "https://www.dawn.com/feeds/home", max_bytes=100)


# --- article URLs ------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://elrisala.com/2025/04/21/pakistan-defence-minister-seeks-deeper-ties-with-bangladesh/",
    "https://economictimes.indiatimes.com/news/defence/pakistan-defence-minister-seeks-deeper-ties-with-bangladesh/articleshow/120500123.cms",
    "https://www.dawn.com/news/1905000",
    "https://www.dawn.com/news/1905000/asif-seeks-ties",
    "https://tribune.com.pk/story/2540000/asif-dhaka",
    "https://www.thedailystar.net/news/bangladesh/diplomacy/news/dhaka-islamabad-hold-foreign-secretary-level-talks-3876543",
    "https://www.ptinews.com/story/national/pak-defence-minister-seeks-ties/2450000",
    "https://www.aninews.in/news/world/asia/pakistan-seeks-deeper-ties-with-bangladesh20250421123456/",
    "https://www.app.com.pk/2025/04/18/khawaja-asif/",
    "https://example.com/article?id=1234567",
    "https://elrisala.com/?p=12345",
])
def test_article_urls(url):
    assert looks_like_article(url)


@pytest.mark.parametrize("url", [
    "https://elrisala.com/",
    "https://elrisala.com/2025/04/",
    "https://elrisala.com/2025/04/21/",
    "https://elrisala.com/category/military/",
    "https://elrisala.com/tag/pakistan-bangladesh-relations-and-more/",
    "https://elrisala.com/author/admin-of-the-site-here/",
    "https://elrisala.com/page/2/",
    "https://elrisala.com/feed/",
    "https://elrisala.com/?s=pakistan+bangladesh",
    "https://elrisala.com/?paged=1234567",
    "https://elrisala.com/wp-login.php",
    "https://economictimes.indiatimes.com/news/defence/articlelist/1715249553.cms",
    "https://economictimes.indiatimes.com/topic/pakistan-bangladesh-ties-latest-news",
    "https://www.dawn.com/authors/1234567/baqir-sajjad-syed",
    "https://www.dawn.com/pakistan",
    "https://www.thedailystar.net/news/bangladesh",
    "https://img.etimg.com/thumb/msid-120500123,width-1200/pakistan-defence-minister-seeks-ties.jpg",
    "https://www.dawn.com/static/js/main-1234567.js",
    "https://www.dawn.com/news/print/1905000-story-with-many-words.pdf",
    "https://www.dawn.com/search?q=pakistan-defence-minister-seeks-ties",
    "https://elrisala.com/pakistan-defence-minister-seeks-ties/?replytocom=1234567",
    "mailto:news@dawn.com",
    "javascript:void(0)",
    "http://[::1",
    "",
])
def test_non_article_urls(url):
    assert not looks_like_article(url)


# --- URL normalisation -------------------------------------------------------------------------

@pytest.mark.parametrize("url, expected", [
    ("HTTPS://WWW.Dawn.COM:443/news/1905000/Asif-Ties?utm_source=twitter&utm_medium=social&ref=home&fbclid=IwAR0#comments",
     "https://www.dawn.com/news/1905000/Asif-Ties?ref=home"),
    ("https://economictimes.indiatimes.com/news/x/articleshow/120500123.cms?from=mdr&gclid=abc&UTM_Campaign=z",
     "https://economictimes.indiatimes.com/news/x/articleshow/120500123.cms?from=mdr"),
    ("http://example.com:80", "http://example.com/"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    ("https://example.com:80/a", "https://example.com:80/a"),  # 80 is not https's default
    ("https://example.com/a?b=2&a=1&b=3", "https://example.com/a?b=2&a=1&b=3"),  # order and repeats kept
    ("https://example.com/a?utm_source=x", "https://example.com/a"),
    ("https://example.com/a?&&x=1&", "https://example.com/a?x=1"),
    ("https://user:secret@example.com/a", "https://example.com/a"),
    ("https://example.com/a b/ü?q=ü", "https://example.com/a%20b/%C3%BC?q=%C3%BC"),
    ("https://example.com/already%20escaped", "https://example.com/already%20escaped"),
    ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
    ("  https://example.com/trimmed  ", "https://example.com/trimmed"),
    ("http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"),
])
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url", [
    "mailto:news@dawn.com", "javascript:void(0)", "ftp://example.com/f", "data:text/html,x", "/relative/path",
    "http://[::1", "https://example.com:99999/x", "https://example.com:port/x", "https:///no-host", "", None, 42,
])
def test_normalize_url_refuses(url):
    assert normalize_url(url) is None


def test_normalize_url_is_idempotent():
    for url in ("HTTPS://WWW.Dawn.COM:443/news/1?utm_source=x&b=1#f", "https://bücher.example/a b?q=ü"):
        once = normalize_url(url)
        assert normalize_url(once) == once
