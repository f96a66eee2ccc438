"""Corpus files: loading, checking, and the example shipped in corpora/."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.corpus import ROLES, load_corpus, parse_corpus
from provenance.errors import InputError
from provenance.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

GOOD = """
name = "tiny"
description = "two sites"

[defaults]
page_budget = 50
delay_seconds = 2.5

[[sites]]
name = "dawn"
role = "publisher"
start = ["https://www.dawn.com/", "https://www.dawn.com/feeds/home"]
include = ['^https://www\\.dawn\\.com/news/\\d+']
exclude = ['/print/', '\\?page=']
page_budget = 10

[[sites]]
name = "pti"
role = "wire"
start = "https://www.ptinews.com/"
delay_seconds = 6
"""


def test_good_corpus():
    corpus = parse_corpus(GOOD, "corpora/tiny.toml")
    assert (corpus.name, corpus.description) == ("tiny", "two sites")
    dawn, pti = corpus.sites
    assert (dawn.name, dawn.role, dawn.page_budget, dawn.delay_seconds) == ("dawn", "publisher", 10, 2.5)
    assert dawn.start == ("https://www.dawn.com/", "https://www.dawn.com/feeds/home")
    assert dawn.include == (r"^https://www\.dawn\.com/news/\d+",)
    assert (pti.role, pti.start, pti.page_budget, pti.delay_seconds) == ("wire", ("https://www.ptinews.com/",), 50, 6.0)
    assert corpus.site("pti") is pti and corpus.site("nope") is None


def test_wants_applies_include_then_exclude():
    dawn, pti = parse_corpus(GOOD, "corpora/tiny.toml").sites
    assert dawn.wants("https://www.dawn.com/news/1905000/asif")
    assert not dawn.wants("https://www.dawn.com/pakistan")  # not included
    assert not dawn.wants("https://www.dawn.com/news/1905000/print/")  # excluded
    assert not dawn.wants("https://www.dawn.com/news/1905000?page=2")
    assert not dawn.wants("https://evil.example/?u=https://www.dawn.com/news/1")  # ^ anchors the include
    assert pti.wants("https://anything.example/")  # no patterns: everything (the host rule is the crawler's)


def test_defaults_come_from_settings():
    text = '[[sites]]\nname = "a"\nrole = "aggregator"\nstart = ["https://a.example/"]\n'
    (site,) = parse_corpus(text, "x/a.toml", settings=Settings(crawl_page_budget=7, crawl_host_delay_seconds=4.0)).sites
    assert (site.page_budget, site.delay_seconds) == (7, 4.0)
    assert parse_corpus(text, "x/a.toml").name == "a"  # no name: the file's stem


def bad(text: str, **settings) -> str:
    with pytest.raises(InputError) as caught:
        parse_corpus(text, "corpora/bad.toml", settings=Settings(**settings))
    message = str(caught.value)
    assert "\n" not in message and message.startswith("corpora/bad.toml: ")
    return message


SITE = '[[sites]]\nname = "dawn"\nrole = "publisher"\nstart = ["https://www.dawn.com/"]\n'


def test_invalid_regex_names_file_site_and_pattern():
    message = bad(SITE + "include = ['^https://(www\\.dawn\\.com/news']\n")
    assert "sites[0] (dawn)" in message and "include pattern '^https://(www\\\\.dawn\\\\.com/news'" in message
    assert "not a valid regex" in message
    assert "exclude pattern '*oops'" in bad(SITE + "exclude = ['*oops']\n")


@pytest.mark.parametrize("text, expected", [
    ('sitez = []\n' + SITE, "unknown key 'sitez'"),
    (SITE + 'delay = 3\n', "sites[0] (dawn): unknown key 'delay'"),
    ('[defaults]\nbudget = 3\n' + SITE, "defaults.unknown key 'budget'"),
    (SITE + 'page_budget = "many"\n', "'page_budget' must be an integer"),
    (SITE + 'page_budget = true\n', "'page_budget' must be an integer"),
    (SITE + 'page_budget = 0\n', "'page_budget' must be an integer from 1"),
    (SITE + 'delay_seconds = "slow"\n', "'delay_seconds' must be a number"),
    (SITE + 'delay_seconds = nan\n', "'delay_seconds' must be a number"),
    (SITE + 'delay_seconds = 0.2\n', "'delay_seconds' 0.2 is below the minimum of 1.0"),
    ('[defaults]\ndelay_seconds = 0\n' + SITE, "defaults.'delay_seconds' 0 is below the minimum"),
    (SITE.replace('"publisher"', '"blog"'), "'role' must be one of aggregator, publisher, wire, not 'blog'"),
    (SITE.replace('["https://www.dawn.com/"]', "[]"), "'start' must list at least one URL"),
    (SITE.replace('["https://www.dawn.com/"]', '["ftp://www.dawn.com/"]'), "start URL 'ftp://www.dawn.com/' is not an http(s) URL"),
    (SITE.replace('["https://www.dawn.com/"]', '["http://[::1"]'), "is not an http(s) URL"),
    (SITE.replace('["https://www.dawn.com/"]', '[1, 2]'), "'start' must be an array of non-empty strings"),
    (SITE + "include = 'x'\nexclude = 5\n", "'exclude' must be an array"),
    (SITE.replace('name = "dawn"\n', ''), "sites[0]: 'name' must be a non-empty string"),
    (SITE + SITE, "sites[1]: site name 'dawn' used twice"),
    ('name = 3\n' + SITE, "'name' must be a string, not int"),
    ('description = ["x"]\n' + SITE, "'description' must be a string, not list"),
    ('defaults = 3\n' + SITE, "'defaults' must be a table"),
    ('name = "x"\n', "'sites' must be a non-empty array of tables"),
    ('sites = [1]\n', "sites[0] must be a table"),
    ('name = "x\n', "not valid TOML"),
])
def test_bad_corpus_files_are_one_line_errors(text, expected):
    assert expected in bad(text)


def test_minimum_delay_is_a_setting():
    assert "below the minimum of 5.0" in bad(SITE + "delay_seconds = 3\n", crawl_min_delay_seconds=5.0)


def test_load_by_name_and_path(tmp_path):
    (tmp_path / "mine.toml").write_text(SITE, encoding="utf-8")
    assert load_corpus("mine", directory=tmp_path).sites[0].name == "dawn"
    assert load_corpus(tmp_path / "mine.toml").name == "mine"
    with pytest.raises(InputError, match="no such corpus file"):
        load_corpus("absent", directory=tmp_path)
    (tmp_path / "latin1.toml").write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(InputError, match="not UTF-8"):
        load_corpus(tmp_path / "latin1.toml")


def test_shipped_example_corpus_loads():
    corpus = load_corpus("south-asia-syndication", directory=ROOT / "corpora")
    names = {site.name: site for site in corpus.sites}
    assert {"elrisala", "economictimes", "dawn", "express-tribune", "daily-star-bd", "pti", "ani"} <= set(names)
    assert names["elrisala"].role == "aggregator"
    assert names["economictimes"].role == "publisher"
    assert {names["pti"].role, names["ani"].role} == {"wire"}
    assert {site.role for site in corpus.sites} == set(ROLES)
    for site in corpus.sites:
        assert site.delay_seconds >= Settings().crawl_min_delay_seconds
        assert site.start and site.page_budget >= 1
    # the patterns mean what the comments say
    et = names["economictimes"]
    assert et.wants("https://economictimes.indiatimes.com/news/defence/pakistan-defence-minister-seeks-deeper-ties/articleshow/120500123.cms")
    assert not et.wants("https://economictimes.indiatimes.com/news/defence/some-video/videoshow/120500124.cms")
    assert not et.wants("https://economictimes.indiatimes.com/markets/stocks/news/x/articleshow/1.cms")
    elrisala = names["elrisala"]
    assert elrisala.wants("https://elrisala.com/2025/04/21/pakistan-defence-minister-seeks-deeper-ties-with-bangladesh/")
    assert not elrisala.wants("https://elrisala.com/category/military/")
    assert not elrisala.wants("https://www.dawn.com/news/1905000")
    assert names["dawn"].wants("https://www.dawn.com/news/1905000/asif")
    assert not names["dawn"].wants("https://www.dawn.com/authors/1/x")
