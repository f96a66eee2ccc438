"""One rule for "the same page", used by the store's URL keys and by lineage's versions."""

from __future__ import annotations

import pytest

from provenance.pages import host_of, page_key, page_keys, same_page_keys


@pytest.mark.parametrize("a, b", [
    ("https://www.example.com/news/1", "http://example.com/news/1"),
    ("https://EXAMPLE.com/news/1/", "https://example.com/news/1"),
    ("https://example.com/news/1#comments", "https://example.com/news/1"),
    ("https://example.com:443/news/1", "https://example.com/news/1"),
    ("https://example.com", "https://example.com/"),
])
def test_spellings_of_one_page_share_a_key(a, b):
    assert page_key(a) == page_key(b) is not None


@pytest.mark.parametrize("a, b", [
    ("https://example.com/news/Story", "https://example.com/news/story"),  # paths are case-sensitive
    ("https://example.com/news?id=1", "https://example.com/news?id=2"),
    ("https://example.com:8080/news/1", "https://example.com/news/1"),
    ("https://example.com/news/1", "https://example.org/news/1"),
])
def test_different_pages_have_different_keys(a, b):
    assert page_key(a) != page_key(b)


@pytest.mark.parametrize("url", [None, "", "stdin:abc123", "ftp://example.com/x", "http://[::1", "http:///path"])
def test_inputs_without_a_page_identity_have_no_key(url):
    assert page_key(url) is None


def test_a_file_is_its_own_page_and_a_home_page_canonical_says_nothing():
    assert page_key("file:///data/a.html") == "file:///data/a.html"
    assert page_keys("https://agg.example/a", "https://paper.example/") == {"agg.example/a"}
    assert not same_page_keys(("https://agg.example/a", "https://paper.example/"),
                              ("https://agg.example/b", "https://paper.example"))
    assert same_page_keys(("https://agg.example/a", "https://paper.example/story"),
                          ("https://paper.example/story/", None))


def test_host_of():
    assert host_of("https://WWW.Example.com:8080/x") == "example.com"
    assert host_of("stdin:abc") is None and host_of("http://[::1") is None
