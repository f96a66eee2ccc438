"""The repost simulator (issue 4, items 5 and 6) and the bars it measures, on real Reuters-21578 texts.

The simulator's own behaviour is checked first (deterministic, ground truth consistent with the
texts it writes, re-encoded pages decodable, conditions as declared). Then one simulated corpus is
ingested with the real pipeline in a shuffled order (sources do not always arrive before their
copies, so the store's ingest order gives direction no help) and the issue's bars are asserted.
``python benchmarks/simulate.py`` prints the full table, in both ingest orders and larger.

A bar the current pipeline misses is marked ``xfail(strict=True)`` with the measured figure: the
bar is never lowered, and the mark must go when the pipeline meets it.
"""

from __future__ import annotations

import html
import re

import pytest

import simulator as S
from conftest import shared_path
from provenance.pipeline import ingest, prepare_document
from provenance.inputs import read_inputs

#: Source stories in the test corpus (the benchmark uses more). 15 per transformation, 30 embeds.
N_SOURCES = 140
SEED = 4
#: Reuters files read (1,000 stories each): enough distinct stories for the sources, the hosts of
#: embedded excerpts, the negatives' prose and the earnings briefs.
MAX_FILES = 8

# The bars.
MIN_RECALL_KEEPS_HALF = 0.98
MIN_PRECISION = 0.99
MIN_RECALL_EMBED_80 = 0.90
MIN_DIRECTION_TIMES = 0.95
MIN_DIRECTION_CONTENT = 0.80

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def stories():
    return S.read_reuters(shared_path("reuters21578"), max_files=MAX_FILES)


@pytest.fixture(scope="module")
def sim(stories):
    return S.simulate(None, n_sources=N_SOURCES, seed=SEED, stories=stories, n_independent=12, n_earnings=24,
                      n_results=8)


@pytest.fixture(scope="module")
def measured(sim, tmp_path_factory):
    from provenance.store import Store
    tmp = tmp_path_factory.mktemp("simulated")
    targets, urls = sim.write(tmp / "in", order="shuffled")
    with Store(tmp / "sim.duckdb") as store:
        report = ingest(store, targets)
        assert not report.errors, report.errors[:3]
        ids = S.stored_ids(store, urls)
        assert len(ids) == len(sim.docs)
        result = S.measure(store, sim, ids, order="shuffled")
    print("\n" + S.format_table(result))
    return result


# --- the simulator itself ----------------------------------------------------------------------------

def test_simulation_is_deterministic(stories):
    a = S.simulate(None, n_sources=28, seed=9, stories=stories, n_independent=2, n_earnings=4, n_results=2)
    b = S.simulate(None, n_sources=28, seed=9, stories=stories, n_independent=2, n_earnings=4, n_results=2)
    assert a.docs == b.docs and a.families == b.families and a.negatives == b.negatives
    c = S.simulate(None, n_sources=28, seed=10, stories=stories, n_independent=2, n_earnings=4, n_results=2)
    assert c.docs != a.docs


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def test_ground_truth_matches_what_the_copies_carry(sim, stories):
    by_id = {s.newid: s for s in stories}
    kinds = {f.kind for f in sim.families}
    assert kinds == set(S.KINDS)
    for f in sim.families:
        source, copy = sim.docs[f.source], sim.docs[f.copy]
        story = by_id[int(f.source.split("-")[1])]
        assert story.words >= S.MIN_SOURCE_WORDS and source.text == story.text
        page = _norm(html.unescape(copy.html))
        kept = [p for p in story.paragraphs if _norm(p) in page]
        if f.kind in ("full", "credit_bottom", "credit_top", "headline", "reencode_cp1252", "reencode_latin1",
                      "reorder"):
            assert len(kept) == len(story.paragraphs) and f.kept_share == 1.0, f
        if f.kind in S.KEEPS_HALF:
            assert f.kept_share >= 0.5, f
        if f.kind == "truncate_ge50":
            assert 0.5 <= f.kept_share < 1.0 and kept == list(story.paragraphs[:len(kept)])
        if f.kind == "truncate_lt50":
            assert f.kept_share < 0.5 and f.copied_words >= 60
        if f.kind == "embed":
            assert 2 <= len(kept) <= 4 and f.copied_words >= S.MIN_EMBED_WORDS
        if f.kind == "word_swap" and " said " in story.text:
            assert "stated" in copy.html
        if f.kind == "headline":
            assert copy.title != story.title.title()
        body = html.unescape(copy.html.split("entry-content")[1].split("Related Articles")[0])
        assert any(c in body for c in ("Source: Reuters", "inputs from Reuters", "information and images")) \
            == f.credited, f
        for line in ("Follow us on", "Related Articles", "Subscribe now"):
            assert line in copy.html or f.kind.startswith("reencode"), (f, line)
        if f.condition == "times":
            assert source.published < copy.published
        else:
            assert source.published is None and copy.published is None and "published_time" not in copy.html


def test_re_encoded_pages_declare_their_charset_and_decode(sim, tmp_path):
    fams = [f for f in sim.families if f.kind.startswith("reencode")][:4]
    targets, _ = S.Simulation({k: sim.docs[k] for f in fams for k in (f.copy,)}, [], [], SEED).write(tmp_path)
    assert len(targets) == len(fams)
    for target, f in zip(targets, fams):
        data = open(target, "rb").read()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        charset = sim.docs[f.copy].charset
        assert charset.encode() in data
        raw = next(iter(read_inputs([target])))
        article = prepare_document(raw).document.article
        site = next(x for x in S.SITES if x.name == sim.docs[f.copy].site)
        assert site.follow in article.text  # "… les dernières nouvelles", "Síguenos …"
        assert "\ufffd" not in article.text
        assert article.site_name == site.name  # "Le Fil Économique" / "Noticias Rápidas"
        if charset == "windows-1252" and article.text.startswith(sim.docs[f.source].text.split(" - ")[0]):
            assert "\u2013" in article.text  # the dateline's dash, typeset


def _visible_body(page: str) -> str:
    """The article body of a simulated page as a reader sees it, without the site's furniture."""
    body = page.split('class="entry-content">')[1].split("Related Articles")[0]
    body = re.sub(r'<p class="follow">.*?</p>', " ", body)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_negatives_share_names_numbers_and_a_short_quote_but_no_prose(sim):
    pairs = [p for p in sim.negatives if p.kind == "independent"]
    assert pairs
    for p in pairs:
        a, b = (_visible_body(sim.docs[k].html) for k in (p.a, p.b))
        quote_a = re.findall("\u201c([^\u201d]+)\u201d", a)
        assert quote_a and quote_a[0] in b and len(quote_a[0].split()) <= S.MAX_QUOTE_WORDS

        # apart from the quote, the names and the numbers, no run of 6 words in common
        def grams(t: str) -> set[tuple[str, ...]]:
            w = [x for x in re.findall(r"\w+", t.replace(quote_a[0], " ").lower()) if not x.isdigit()]
            return {tuple(w[i:i + 6]) for i in range(len(w) - 5)}
        assert not grams(a) & grams(b)
    assert len(sim.negative_groups["earnings"]) >= 20
    assert len(sim.negative_groups["results"]) >= 5


# --- the bars (issue 4, items 5 and 6) ---------------------------------------------------------------

def test_copies_keeping_half_of_the_source_are_found_with_precision(measured):
    r = measured.keeps_half
    assert r.n >= 100
    assert r.recall >= MIN_RECALL_KEEPS_HALF, [(f.copy, why) for f, why in measured.misses]


def test_links_between_simulated_documents_are_precise(measured):
    assert measured.precision >= MIN_PRECISION, measured.false_edges


def test_embedded_excerpts_of_80_words_are_found(measured):
    r = measured.embed_80
    assert r.n >= 20
    assert r.recall >= MIN_RECALL_EMBED_80


def test_direction_with_publication_times(measured):
    r = measured.by_condition["times"]
    assert r.found >= 50
    assert r.direction >= MIN_DIRECTION_TIMES


def test_direction_from_credits_and_content_alone(measured):
    r = measured.by_condition["content"]
    assert r.found >= 50
    assert r.direction >= MIN_DIRECTION_CONTENT


def test_independent_reports_of_one_event_are_not_linked(measured):
    assert measured.negatives_pairs["independent"] >= 10
    assert measured.negatives_linked.get("independent", 0) == 0


def test_reports_of_different_events_written_from_one_template_are_not_linked(measured):
    assert measured.negatives_pairs["templated"] >= 100
    assert measured.negatives_linked.get("templated", 0) == 0


def test_templated_earnings_briefs_of_different_companies_are_not_linked(measured):
    assert measured.negatives_pairs["earnings"] >= 190
    assert measured.negatives_linked.get("earnings", 0) == 0


def test_sports_results_tables_are_not_linked(measured):
    assert measured.negatives_pairs["results"] >= 10
    assert measured.negatives_linked.get("results", 0) == 0


def test_no_negative_is_linked_to_anything(measured):
    assert measured.negatives_linked.get("any edge touching a negative", 0) == 0
