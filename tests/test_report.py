"""The report stage on real pipeline output: the trace of the bundled corpus's aggregator repost,
the seed article, and ingest summaries."""

from __future__ import annotations

import json

import pytest

from provenance.pipeline import extract_input, ingest, trace
from provenance.report import (article_to_dict, ingest_to_dict, render_article, render_ingest, render_trace,
                               trace_to_dict)
from provenance.store import Store

from conftest import CORPUS, ROOT
from textgen import article

SEED = ROOT / "seeds" / "elrisala-pakistan-bangladesh.txt"
REPOST = CORPUS / "newspile-repost.html"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The bundled corpus in a store (as conftest's ``corpus_store``, once for this module), with the
    ingest report, the trace of the aggregator repost and the trace of the seed."""
    with Store(tmp_path_factory.mktemp("report") / "corpus.duckdb") as s:
        report = ingest(s, [str(CORPUS / "corpus.jsonl")])
        assert not report.errors and report.added == 6
        yield {"store": s, "ingest": report, "repost": trace(s, str(REPOST)), "seed": trace(s, str(SEED))}


@pytest.fixture(scope="module")
def seed_article():
    return extract_input(str(SEED))


def _words(text: str, n: int = 5) -> list[str]:
    return text.split()[:n]


# --- trace: JSON ---------------------------------------------------------------------------------

def test_trace_dict_round_trips_through_json(corpus):
    d = trace_to_dict(corpus["repost"])
    assert json.loads(json.dumps(d)) == d
    assert d["found"] is True
    assert d["document"]["site"] == "newspile.example"
    assert "text" in d["document"] and "body" in d["document"]


def test_trace_dict_upstream_chain_is_the_corpus_readme_chain(corpus):
    d = trace_to_dict(corpus["repost"])
    chain = [(h["source"]["site"], h["copy"]["site"], h["relation"], h["depth"]) for h in d["upstream"]]
    assert chain[:2] == [("callowcourier.example", "newspile.example", "copy", 1),
                         ("mpa-wire.example", "callowcourier.example", "copy", 2)]
    for h in d["upstream"]:
        assert h["source_id"] == h["source"]["doc_id"] and h["copy_id"] == h["copy"]["doc_id"]
        assert "text" not in h["source"]  # hop documents are metadata only
    related = {h["source"]["site"] for h in d["shares_source"]} | {h["copy"]["site"] for h in d["shares_source"]}
    assert "shippingledger.example" in related
    assert d["downstream"] == []


def test_trace_dict_passage_offsets_index_the_same_words_in_source_and_copy(corpus):
    result = corpus["repost"]
    d = trace_to_dict(result)
    assert d["upstream"]
    for hop, hop_dict in zip(result.upstream, d["upstream"]):
        assert hop_dict["passages"]
        for p in hop_dict["passages"]:
            src = hop.source.article.text[p["source_start"]:p["source_end"]]
            cpy = hop.copy.article.text[p["copy_start"]:p["copy_end"]]
            assert len(_words(src)) == 5
            assert _words(src) == _words(cpy)
            assert p["words"] >= 5


def test_trace_dict_diff_segments_quote_the_text_at_their_offsets(corpus):
    result = corpus["repost"]
    d = trace_to_dict(result)
    for hop, hop_dict in zip(result.upstream, d["upstream"]):
        src_text, copy_text = hop.source.article.text, hop.copy.article.text
        for op in hop_dict["diff"]:
            if op["op"] == "delete":
                assert op["text"] == src_text[op["source_start"]:op["source_end"]]
            else:
                assert op["text"] == copy_text[op["copy_start"]:op["copy_end"]]
            if op["op"] == "replace":
                assert op["source_text"] == src_text[op["source_start"]:op["source_end"]]
            else:
                assert "source_text" not in op
    # the paper's two edits of the wire (corpus README: "1.2 billion" → "1.2bn", "said" → "told reporters that")
    paper_edits = {(op["source_text"], op["text"]) for op in d["upstream"][1]["diff"] if op["op"] == "replace"}
    assert any("billion" in s and "bn" in t for s, t in paper_edits)
    assert any(t.startswith("told reporters") for s, t in paper_edits)


# --- trace: text ---------------------------------------------------------------------------------

def test_render_trace_names_the_chain_credit_and_diff(corpus):
    out = render_trace(corpus["repost"])
    upstream = out[out.index("Upstream"):out.index("Downstream")]
    for site in ("callowcourier.example", "mpa-wire.example"):
        assert site in upstream
    assert upstream.index("callowcourier.example") < upstream.index("mpa-wire.example")
    assert "credit: yes — newspile.example credits callowcourier.example" in upstream
    assert "credit: yes — callowcourier.example credits mpa-wire.example" in upstream
    assert "Source of information and images" in out  # the aggregator's credit line
    assert "(With inputs from MPA)" in upstream  # the paper's credit, shown in its diff
    assert "[truncation]" in upstream and "[furniture]" in upstream and "[credit]" in upstream
    assert "told reporters that" in upstream
    assert "None in the corpus." in out[out.index("Downstream"):]
    assert "shippingledger.example" in out[out.index("Shares a source"):]


def test_render_trace_without_upstream_names_the_credited_host(corpus):
    result = corpus["seed"]
    assert not result.upstream
    out = render_trace(result)
    assert "No upstream copy of this text is in the corpus." in out
    assert "It credits economictimes.indiatimes.com" in out
    assert "credit lines:" in out and "economictimes.indiatimes" in out
    assert "page furniture" in out


# --- article -------------------------------------------------------------------------------------

def test_render_article_lists_credit_host_and_furniture_lines(seed_article):
    out = render_article(seed_article)
    credits = out[out.index("credits:"):out.index("furniture:")]
    assert "economictimes.indiatimes.com" in credits
    assert "[source_line]" in credits
    furniture = out[out.index("furniture:"):out.index("body:")]
    for line in ("Related Articles", "Leave a Reply", "Back to top button", "Continue reading"):
        assert line in furniture
    body = out[out.index("body:"):]
    assert "Islamabad sought to step up its ties with Dhaka" in body
    assert "Back to top button" not in body and "Leave a Reply" not in body
    assert "format:     text" in out


def test_render_article_without_body(seed_article):
    out = render_article(seed_article, show_body=False)
    assert "body:" not in out and "Islamabad sought" not in out
    assert "economictimes.indiatimes.com" in out


def test_article_dict_furniture_text_is_the_marked_lines(seed_article):
    d = article_to_dict(seed_article)
    assert json.loads(json.dumps(d)) == d
    texts = [f["text"] for f in d["furniture"]]
    for line in ("Related Articles", "Leave a Reply", "Back to top button"):
        assert line in texts
    assert {c["host"] for c in d["credits"]} == {"economictimes.indiatimes.com"}
    assert "Back to top button" not in d["body"] and "Back to top button" in d["text"]
    assert "text" not in article_to_dict(seed_article, with_text=False)


# --- ingest --------------------------------------------------------------------------------------

def test_ingest_report_of_one_good_and_one_bad_input(store, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(article(21, paragraphs=4), encoding="utf-8")
    missing = tmp_path / "missing.txt"
    report = ingest(store, [str(good), str(missing)])

    d = ingest_to_dict(report)
    assert json.loads(json.dumps(d)) == d
    assert d["added"] == 1 and d["unchanged"] == 0
    assert [e["input"] for e in d["errors"]] == [str(missing)]
    assert d["errors"][0]["reason"]
    assert d["links"] == []
    assert len(d["documents"]) == 1 and store.has_document(int(d["documents"][0]))

    out = render_ingest(report)
    lines = out.splitlines()
    assert lines[0] == "added 1 documents, 0 already stored, 1 errors, 0 new links"
    assert len(lines) == 2 and lines[1].startswith(f"error: {missing}")
    assert "links:" not in out

    again = ingest(store, [str(good)])
    assert ingest_to_dict(again)["unchanged"] == 1 and ingest_to_dict(again)["added"] == 0
    assert render_ingest(again) == "added 0 documents, 1 already stored, 0 errors, 0 new links"


def test_ingest_report_of_the_corpus_counts_its_links_by_relation(corpus):
    report = corpus["ingest"]
    d = ingest_to_dict(report)
    assert d["added"] == 6 and not d["errors"] and len(d["documents"]) == 6
    relations = [link["relation"] for link in d["links"]]
    # corpus README: two copies, one excerpt, one version (plus shares_source links)
    assert relations.count("copy") == 2 and relations.count("excerpt") == 1 and relations.count("version") == 1
    assert all("passages" not in link and "diff" not in link for link in d["links"])
    out = render_ingest(report)
    assert out.startswith(f"added 6 documents, 0 already stored, 0 errors, {len(d['links'])} new links")
    links_line = out.splitlines()[1]
    assert links_line.startswith("links: ")
    assert "2 copy" in links_line and "1 excerpt" in links_line and "1 version" in links_line
