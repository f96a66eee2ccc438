"""Links and feeds of an HTML page, resolved, filtered and bounded."""

from __future__ import annotations

import pytest

from provenance.errors import InputError
from provenance.extract.links import PageLinks, page_links

HOME = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><title>Elrisala</title>
<link rel="stylesheet" href="/wp-content/themes/jannah/style.css">
<link rel="alternate" type="application/rss+xml" title="Elrisala &raquo; Feed" href="https://elrisala.com/feed/">
<link rel="alternate" type="application/rss+xml" title="Comments Feed" href="/comments/feed/">
<link rel="Alternate" type="Application/Atom+XML" href="atom.xml">
<link rel="alternate" type="application/json" href="https://elrisala.com/wp-json/wp/v2/pages/1">
<link rel="alternate" hreflang="ar" href="https://elrisala.com/ar/">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="canonical" href="https://elrisala.com/">
</head><body>
<nav><a href="/">Home</a> <a href="/category/military/">Military</a></nav>
<article>
  <h2><a href="/2025/04/21/pakistan-defence-minister-seeks-deeper-ties-with-bangladesh/#respond">Pakistan Defence Minister</a></h2>
  <a href="2025/04/21/pakistan-defence-minister-seeks-deeper-ties-with-bangladesh/">Read more</a>
  <a href="https://economictimes.indiatimes.com/news/defence/x/articleshow/120500123.cms?from=mdr">ET</a>
  <a href="//www.dawn.com/news/1905000">Dawn (scheme-relative)</a>
  <a href="#top">top</a>
  <a href="javascript:void(0)">share</a>
  <a href="mailto:editor@elrisala.com">mail</a>
  <a href="tel:+920000000">call</a>
  <a href="http://[::1/broken">broken</a>
  <a href="http://bad host/x">space in host</a>
  <a href=" /2025/04/20/dar-postpones-dhaka-visit-to-bangladesh/ ">padded</a>
  <a>no href</a>
  <map><area href="/sitemap_index.xml" alt="map"></map>
</article>
</body></html>
"""


def test_feeds_and_links_of_a_home_page():
    found = page_links(HOME, "https://elrisala.com/")
    assert found.feeds == ("https://elrisala.com/feed/", "https://elrisala.com/comments/feed/", "https://elrisala.com/atom.xml")
    assert found.links == (
        "https://elrisala.com/",
        "https://elrisala.com/category/military/",
        "https://elrisala.com/2025/04/21/pakistan-defence-minister-seeks-deeper-ties-with-bangladesh/",
        "https://economictimes.indiatimes.com/news/defence/x/articleshow/120500123.cms?from=mdr",
        "https://www.dawn.com/news/1905000",
        "https://elrisala.com/2025/04/20/dar-postpones-dhaka-visit-to-bangladesh/",
        "https://elrisala.com/sitemap_index.xml",
    )


def test_base_href_resolves_relative_links():
    html = ('<html><head><base href="https://cdn.example/mirror/"><base href="https://ignored.example/">'
            '</head><body><a href="story-1">1</a><a href="/root">2</a><a href="../up">3</a></body></html>')
    assert page_links(html, "https://www.example.com/section/page").links == (
        "https://cdn.example/mirror/story-1", "https://cdn.example/root", "https://cdn.example/up")


def test_relative_base_href_is_resolved_against_the_page():
    html = '<base href="/archive/"><a href="x">x</a>'
    assert page_links(html, "https://www.example.com/a/b").links == ("https://www.example.com/archive/x",)


def test_unusable_base_href_is_ignored():
    html = '<base href="javascript:alert(1)"><a href="x">x</a>'
    assert page_links(html, "https://www.example.com/a/b").links == ("https://www.example.com/a/x",)


def test_bytes_and_str_give_the_same_links():
    assert page_links(HOME.encode(), "https://elrisala.com/") == page_links(HOME, "https://elrisala.com/")


def test_links_are_bounded_in_page_order():
    html = "".join(f'<a href="/news/{i}">{i}</a>' for i in range(100))
    found = page_links(html, "https://example.com/", max_links=5)
    assert found.links == tuple(f"https://example.com/news/{i}" for i in range(5))


def test_duplicates_after_dropping_fragments_count_once():
    html = '<a href="/a#1">1</a><a href="/b">b</a><a href="/a#2">2</a><a href="/a">3</a>'
    assert page_links(html, "https://example.com/").links == ("https://example.com/a", "https://example.com/b")


@pytest.mark.parametrize("html", ["", "plain text, no tags", "<a href=", "\x00\x00<a href='/x'>x", "<<<>>>"])
def test_odd_pages_give_what_they_have(html):
    found = page_links(html, "https://example.com/")
    assert isinstance(found, PageLinks)
    assert set(found.links) <= {"https://example.com/x"}
    assert found.feeds == ()


def test_malformed_page_url_gives_no_relative_links():
    found = page_links('<a href="/x">x</a><a href="https://ok.example/y">y</a>', "http://[::1")
    assert found.links == ("https://ok.example/y",)


def test_pathological_html_is_an_input_error():
    hostile = "<b><p>" * 200_000  # over max_html_tags
    with pytest.raises(InputError) as caught:
        page_links(hostile, "https://example.com/")
    assert caught.value.origin == "https://example.com/"
