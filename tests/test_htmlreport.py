"""The HTML report and trace page: what they show of the bundled corpus, that they load nothing
from outside, that page-derived markup never survives unescaped, and that the colours read."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance.cli import app
from provenance.htmlreport import ReportQuery, http_url, render_report, render_trace_html
from provenance.htmlreport.charts import CREDIT_COLOURS, PALETTE
from provenance.htmlreport.marks import Span, mark_text
from provenance.pipeline import ingest, trace
from provenance.store import Store
from provenance.store.reportdata import load_report_data

from conftest import CORPUS

PACKAGE = Path(__file__).resolve().parents[1] / "provenance" / "htmlreport"


class Page(HTMLParser):
    """Every start tag with its attributes, the text, and whether the tags balance."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "wbr", "source", "col", "area", "base", "embed", "track"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.unbalanced: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.unbalanced.append(tag)
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def named(self, tag: str, css: str | None = None) -> list[dict]:
        return [a for t, a in self.tags if t == tag and (css is None or css in (a.get("class") or "").split())]


def _offline(page: Page, html: str) -> None:
    """Nothing in the page can load from elsewhere or run: no script, no external resource."""
    assert not page.named("script") and not page.named("link") and not page.named("iframe")
    assert not [a for _, a in page.tags if "src" in a or "srcset" in a]
    assert not [k for _, a in page.tags for k in a if k.startswith("on")]
    assert "@import" not in html and not re.search(r"url\((?!#)", html)
    csp = [a for a in page.named("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"] and "script-src" not in csp[0]["content"]
    for _, attrs in page.tags:
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("http://", "https://", "#")), href


def test_report_data_of_the_bundled_corpus_names_who_copies_whom(corpus_store):
    data = load_report_data(corpus_store)
    links = {(link.source_site, link.copy_site): link for link in data.site_links}
    # the corpus README: the paper runs the wire (crediting it), the aggregator reposts the paper
    # (crediting it), the blog excerpts the wire without credit; the independent report copies nothing
    assert set(links) == {("mpa-wire.example", "callowcourier.example"), ("callowcourier.example", "newspile.example"),
                          ("mpa-wire.example", "shippingledger.example")}
    assert links["mpa-wire.example", "callowcourier.example"].credited == 1
    assert links["callowcourier.example", "newspile.example"].credited == 1
    assert links["mpa-wire.example", "shippingledger.example"].credited == 0
    assert data.summary.documents == 6 and data.summary.copies == 3 and data.summary.credited == 2
    assert dict(data.summary.links) == {"copy": 2, "excerpt": 1, "version": 1, "shares_source": 3}
    assert [r.site for r in data.sources][:1] == ["mpa-wire.example"] and data.sources[0].copies == 2
    assert "harbourtimes.example" not in {r.site for r in data.copiers + data.sources}
    # the wire came out at 06:05 and the paper at 07:40
    assert links["mpa-wire.example", "callowcourier.example"].median_lag_s == 95 * 60
    assert sum(b.copies for b in data.over_time) == 3 and sum(lag.copies for lag in data.lags) == 3
    # copies first, then the version, then the shared sources
    assert [e.relation for e in data.pairs][:3] in (["copy", "copy", "excerpt"],)
    assert [e.relation for e in data.pairs][3:] == ["version"] + ["shares_source"] * 3
    assert set(data.pair_documents) == {d for e in data.pairs for d in (e.source_id, e.copy_id)}


def test_min_confidence_and_max_pairs_narrow_the_report(corpus_store):
    data = load_report_data(corpus_store, ReportQuery(min_confidence=0.95, max_pairs=2))
    assert data.summary.copies == 2 and {r for r, _ in data.summary.links} == {"copy", "version"}
    assert len(data.pairs) == 2 and data.pairs_total == 3
    html = render_report(data)
    page = Page(html)
    assert len(page.named("details", "pair")) == 2
    assert "The 2 most confident of 3 links" in html


def test_the_report_page_shows_every_part_and_loads_nothing(corpus_store):
    html = render_report(load_report_data(corpus_store))
    page = Page(html)
    assert not page.unbalanced and not page.stack
    _offline(page, html)
    svgs = page.named("svg")
    assert len(svgs) == 3  # the network, copying over time, the lags
    assert len(page.named("path", "net-edge")) == 3 and len(page.named("g", "net-node")) == 4
    assert len(page.named("details", "pair")) == 7 and "open" in page.named("details", "pair")[0]
    # every kind of mark is in the texts: passages, insertions, deletions, a credit line, furniture
    for tag, css in (("mark", "copied"), ("ins", "k-context"), ("del", "k-truncation"), ("del", "k-editorial"),
                     ("ins", "k-editorial"), ("span", "credit"), ("span", "furniture")):
        assert page.named(tag, css), (tag, css)
    text = "".join(page.text)
    assert "Families in the harbourside districts" in text  # the paper's own opening, marked as added
    assert "For more: NewsPile Daily website" in text  # the aggregator's furniture
    assert "mpa-wire.example" in text and "shippingledger.example" in text
    # a lineage tree: the wire at the root, the paper under it, the aggregator under the paper
    tree = html[html.index('<ul class="tree">'):]
    assert tree.index("mpa-wire.example") < tree.index("callowcourier.example") < tree.index("newspile.example")


def _evil_records() -> list[dict]:
    text = json.loads((CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[0])["text"]
    evil = '<script>alert("body")</script> "><img src=x onerror=alert(1)> <a href="javascript:alert(3)">x</a>'
    paragraphs = text.split("\n\n")
    return [
        {"url": "javascript:alert('src')", "site": '<script>alert("site")</script>',
         "title": '"><img src=x onerror=alert("title")>', "published": "2026-03-14T06:00:00+00:00",
         "text": evil + "\n\n" + text},
        {"url": 'https://evil.example/a?q="><script>alert(1)</script>', "site": '"><svg onload=alert(2)>',
         "title": "<script>alert('t2')</script>", "published": "2026-03-14T09:00:00+00:00",
         "text": "\n\n".join(paragraphs[:4]) + "\n\n" + evil + " Source: <b>evil</b>"},
    ]


def test_markup_in_titles_urls_sites_and_bodies_never_survives(tmp_path):
    records = tmp_path / "evil.jsonl"
    records.write_text("\n".join(json.dumps(r) for r in _evil_records()) + "\n", encoding="utf-8")
    with Store(tmp_path / "evil.duckdb") as store:
        report = ingest(store, [str(records)])
        assert report.added == 2 and report.edges  # linked: the report has a side by side of them
        pages = [render_report(load_report_data(store)), render_trace_html(trace(store, str(report.documents[1])))]
    for html in pages:
        page = Page(html)
        assert not page.unbalanced
        _offline(page, html)
        assert not page.named("img") and not page.named("b") and not page.named("svg", None)[3:]
        assert not any("javascript" in a["href"].lower() for a in page.named("a"))
        # the copy's URL is an https URL: a link, its quotes and brackets escaped inside the attribute
        assert 'href="https://evil.example/a?q=&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
        text = "".join(page.text)
        # the markup is there as text, for the reader to see
        assert '<script>alert("body")</script>' in text and "onerror=alert(1)" in text
        assert "<script>alert('t2')</script>" in text
        assert "<script" not in html.replace("&lt;script", "")


def test_mark_text_escapes_and_nests_overlapping_marks():
    text = "a <b>bold</b> & \"quoted\" end"
    spans = [Span(0, 12, "copied", "mark", "copied", 'copied "x"'), Span(5, 20, "change", "ins", "k-edit", "<t>"),
             Span(2, 8, "line", "span", "credit", "credit")]
    html = str(mark_text(text, spans))
    page = Page(html)
    assert not page.unbalanced and not page.stack
    assert "".join(page.text) == text  # every character once, in order, as text
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert 'title="copied &#34;x&#34;"' in html and 'title="&lt;t&gt;"' in html
    # "bol" (5–8) is inside all three: credit outermost, then the passage, then the insertion
    assert re.search(r'<span class="credit"[^>]*><mark class="copied"[^>]*><ins class="k-edit"[^>]*>bol</ins>', html)
    cut = str(mark_text("x" * 50, [], limit=10))
    assert cut.startswith("x" * 10 + "<") and "40 more characters not shown" in cut


@pytest.mark.parametrize("url, ok", [
    ("https://example.com/a?b=1", True), ("http://example.com", True), ("javascript:alert(1)", False),
    ("JavaScript:alert(1)", False), ("data:text/html,<script>", False), ("//example.com/x", False),
    ("https://exa mple.com", False), ("file:///etc/passwd", False), ("vbscript:x", False), ("", False), (None, False),
])
def test_only_http_and_https_urls_become_links(url, ok):
    assert http_url(url) == (url if ok else None)


def _luminance(colour: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_colours_have_enough_contrast():
    css = (PACKAGE / "templates" / "style.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{6})", css))
    white, panel = "#ffffff", var["panel"]
    # text (WCAG AA, 4.5:1) on the page, the panels, and every highlight it sits on
    for fg in (var["ink"], var["muted"], var["accent"], PALETTE["ink"], PALETTE["muted"]):
        for bg in (white, panel, var["copied"], var["ins"], var["del"]):
            assert contrast(fg, bg) >= 4.5, (fg, bg)
    # graphics (3:1): arrows, circles, bars, outlines of credit and furniture lines
    for fg in CREDIT_COLOURS + (PALETTE["node"], PALETTE["credited"], PALETTE["uncredited"], PALETTE["axis"],
                                var["credit"], var["furniture"]):
        assert contrast(fg, white) >= 3.0, fg
    badge = dict(re.findall(r"\.badge\.(yes|no) \{ color: (#[0-9a-f]{6})", css))
    assert all(contrast(c, panel) >= 4.5 for c in badge.values()) and len(badge) == 2


def test_report_and_trace_html_from_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    db = tmp_path / "c.duckdb"
    assert runner.invoke(app, ["ingest", str(CORPUS / "corpus.jsonl"), "--db", str(db), "-q"]).exit_code == 0
    result = runner.invoke(app, ["report", "--db", str(db), "--out", "r.html", "--max-pairs", "3", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["out"] == "r.html" and stats["pairs_shown"] == 3 and stats["pairs_total"] == 7
    assert stats["bytes"] == (tmp_path / "r.html").stat().st_size and stats["documents"] == 6
    result = runner.invoke(app, ["report", "--db", str(db), "--out", "missing/r.html"])
    assert result.exit_code == 2 and "missing" in result.output
    result = runner.invoke(app, ["report", "--db", str(tmp_path / "none.duckdb"), "--out", "r.html"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["trace", str(CORPUS / "newspile-repost.html"), "--db", str(db), "--html", "t.html"])
    assert result.exit_code == 0 and "wrote t.html" in result.output
    html = (tmp_path / "t.html").read_text(encoding="utf-8")
    page = Page(html)
    _offline(page, html)
    # the aggregator's two upstream hops and its shared source, each side by side
    assert len(page.named("details", "pair")) == 3
    assert page.named("li", "here")  # the traced document is marked in its lineage


def test_a_crowded_network_draws_the_most_active_sites_and_pairs_only():
    from provenance.htmlreport.charts import draw_network
    from provenance.store.reportdata import SiteLink

    # a hub copied by 70 sites (i copies each), and 70 pairs among the others with one copy each
    links = tuple(SiteLink("hub", f"s{i:02d}", i, i // 2, 0.5, 60.0) for i in range(1, 71))
    links += tuple(SiteLink(f"s{i:02d}", f"s{(i + 1) % 70 + 1:02d}", 1, 1, 0.5, 60.0) for i in range(1, 71))
    drawn = draw_network(tuple(sorted(links, key=lambda link: -link.copies)), {}, max_sites=10, max_links=5)
    names = {n.site for n in drawn.nodes}
    assert len(drawn.edges) == 5 and {e.copies for e in drawn.edges} == {70, 69, 68, 67, 66}
    assert names == {"hub", "s70", "s69", "s68", "s67", "s66"}
    assert drawn.left_out == 71 - len(names) and drawn.links_left_out == len(links) - 5
    for n in drawn.nodes:  # inside the picture, labels too
        assert 0 <= n.x <= drawn.width and 0 <= n.y <= drawn.height and 0 < n.label_x < drawn.width
    # colour follows the credited share, and a mostly uncredited pair is dashed
    half = next(e for e in drawn.edges if e.copies == 70)
    assert half.credited == 35 and not half.dashed
    assert draw_network((SiteLink("a", "b", 4, 1, 0.5, None),), {}, 10).edges[0].dashed


def test_an_empty_store_still_writes_a_report(store, tmp_path):
    from provenance.htmlreport import write_report

    stats = write_report(store, tmp_path / "empty.html")
    html = (tmp_path / "empty.html").read_text(encoding="utf-8")
    assert stats.documents == 0 and stats.pairs_shown == 0 and stats.sites_drawn == 0
    page = Page(html)
    assert not page.unbalanced and "No site copies another in this store" in html and "No links in this store" in html


def test_a_site_is_the_host_whatever_name_the_input_gives_else_the_file_name(tmp_path):
    records = [json.loads(line) for line in (CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    for r in records:
        r.pop("site", None)
    records[0]["url"] = "wire-story.txt"  # the wire's text, as a file
    records[1]["site"] = "The Callow Courier"
    path = tmp_path / "nosite.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        assert ingest(store, [str(path)]).added == 6
        data = load_report_data(store)
    pairs = {(link.source_site, link.copy_site) for link in data.site_links}
    # the record's display name does not split the outlet from its host (issue 11, item 6)
    assert ("wire-story.txt", "callowcourier.example") in pairs and ("wire-story.txt", "shippingledger.example") in pairs
    assert not any("The Callow Courier" in pair for pair in pairs)
    assert data.site_documents["wire-story.txt"] == 1 and data.site_documents["shippingledger.example"] == 1


def test_no_side_by_side_views_when_none_are_asked_for(corpus_store):
    html = render_report(load_report_data(corpus_store, ReportQuery(max_pairs=0)))
    assert not Page(html).named("details", "pair") and "--max-pairs 0" in html and "No links" not in html


def test_lineage_trees_put_each_copy_under_its_most_confident_source_and_stay_bounded():
    from provenance.htmlreport.views import MAX_FOREST_NODES, MAX_TREE_NODES, build_trees, forest_size
    from provenance.store.reportdata import TreeDocument, TreeEdge

    docs = {i: TreeDocument(i, f"site{i}", None, f"https://site{i}.example/", None) for i in range(1, 5)}
    edges = (TreeEdge(10, 1, 3, "copy", 0.7, False), TreeEdge(11, 2, 3, "copy", 0.9, True),
             TreeEdge(12, 1, 2, "copy", 0.95, True), TreeEdge(13, 3, 4, "excerpt", 0.8, False),
             TreeEdge(14, 4, 3, "copy", 0.6, False))  # a cycle 3 → 4 → 3, weaker the second way
    (root,) = build_trees(edges, docs, shown={11})
    assert root.doc.doc_id == 1 and [c.doc.doc_id for c in root.children] == [2]
    two = root.children[0]
    assert [c.doc.doc_id for c in two.children] == [3] and two.children[0].anchor == "pair-11"
    assert [c.doc.doc_id for c in two.children[0].children] == [4] and forest_size((root,)) == 4
    # two texts each said to copy the other: one of them becomes the root
    (top,) = build_trees((TreeEdge(20, 1, 2, "copy", 0.9, True), TreeEdge(21, 2, 1, "copy", 0.8, True)), docs, set())
    assert forest_size((top,)) == 2 and len(top.children) == 1
    # a wire story copied by thousands: each tree and the whole forest stay bounded
    wide = {i: TreeDocument(i, "s", None, "u", None) for i in range(5000)}
    fan = tuple(TreeEdge(i, (i // 1000) * 1000, i, "copy", 0.9, True) for i in range(5000) if i % 1000)
    forest = build_trees(fan, wide, set())
    assert all(forest_size((t,)) <= MAX_TREE_NODES for t in forest) and forest_size(forest) <= MAX_FOREST_NODES


def test_the_report_measures_lags_as_the_views_do(corpus_store):
    # corpus.jsonl: the aggregator gives a bare date; counted as fetched that day (11:00), it came
    # 3 h 20 min after the paper's 07:40 — the views' rule, not midnight (7 h 40 min before it)
    links = {(link.source_site, link.copy_site): link for link in load_report_data(corpus_store).site_links}
    _, rows = corpus_store.query("SELECT source_site, copy_site, median_lag_hours FROM site_pairs"
                                 " WHERE source_site <> copy_site")
    assert rows
    for source_site, copy_site, hours in rows:
        assert links[(source_site, copy_site)].median_lag_s == pytest.approx(hours * 3600)
    assert links[("callowcourier.example", "newspile.example")].median_lag_s == 3 * 3600 + 20 * 60
