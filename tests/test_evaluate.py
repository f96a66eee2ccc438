"""`provenance eval`: labelled pairs in, per-relation P/R/F1, direction accuracy and a confusion
table out; bad lines reported by number while the rest are evaluated."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from provenance.cli import app
from provenance.evaluate import LABELS, eval_report_to_dict, evaluate_pairs, render_eval

from conftest import ROOT
from textgen import article

SOURCE = article(1, paragraphs=6, words=60)  # ~360 words
OTHER = article(2, paragraphs=6, words=60)  # shares no 5-gram with SOURCE
HOST = article(3, paragraphs=4, words=60)


def _excerpt() -> str:
    """Two of the source's six paragraphs inside four paragraphs of other prose."""
    host = HOST.split("\n\n")
    src = SOURCE.split("\n\n")
    return "\n\n".join(host[:2] + src[2:4] + host[2:])


def _page(site: str, published: str, text: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in text.split("\n\n"))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{site} story</title>'
            f'<meta property="og:site_name" content="{site}">'
            f'<meta property="article:published_time" content="{published}">'
            f"</head><body><article><h1>{site} story</h1>\n{paragraphs}</article></body></html>")


@pytest.fixture
def docs(tmp_path):
    """Plain-text files (no dates) and dated HTML pages, in a folder beside the pairs file."""
    folder = tmp_path / "docs"
    folder.mkdir()
    files = {
        "source.txt": SOURCE,
        "copy.txt": SOURCE,  # the same text at another path: a copy
        "excerpt.txt": _excerpt(),
        "other.txt": OTHER,
        "early.html": _page("First Post", "2024-03-01T08:00:00Z", SOURCE),
        "late.html": _page("Second Post", "2024-03-01T12:00:00Z", SOURCE),
        "late-excerpt.html": _page("Third Post", "2024-03-02T09:00:00Z", _excerpt()),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _pairs(tmp_path, rows, name="pairs.jsonl") -> str:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _row(source, copy, label, upstream="unknown"):
    return {"source": source, "copy": copy, "label": label, "upstream": upstream}


def test_known_predictions_give_hand_computed_scores(tmp_path, docs):
    path = _pairs(tmp_path, [
        _row("docs/source.txt", "docs/copy.txt", "copy"),  # predicted copy: right
        _row("docs/source.txt", "docs/excerpt.txt", "excerpt"),  # predicted excerpt: right
        _row("docs/source.txt", "docs/other.txt", "none"),  # predicted none: right
        _row("docs/source.txt", "docs/excerpt.txt", "copy"),  # predicted excerpt: a copy missed
        _row("docs/copy.txt", "docs/source.txt", "none"),  # predicted copy: a false link
    ])
    report = evaluate_pairs(path)
    assert not report.errors
    assert [p.predicted_label for p in report.pairs] == ["copy", "excerpt", "none", "excerpt", "copy"]
    assert [p.line for p in report.pairs] == [1, 2, 3, 4, 5]

    copy, excerpt, rewrite = report.relations
    # copy: TP line 1, FP line 5, FN line 4
    assert (copy.true_positives, copy.false_positives, copy.false_negatives) == (1, 1, 1)
    assert copy.precision == 0.5 and copy.recall == 0.5 and copy.f1 == 0.5
    # excerpt: TP line 2, FP line 4
    assert (excerpt.precision, excerpt.recall) == (0.5, 1.0)
    assert excerpt.f1 == pytest.approx(2 / 3)
    # no gold or predicted rewrite: undefined, not zero
    assert rewrite.precision is None and rewrite.recall is None and rewrite.f1 is None
    # linked vs none: gold linked on lines 1, 2, 4; predicted linked on 1, 2, 4, 5
    linked = report.linked
    assert (linked.true_positives, linked.false_positives, linked.false_negatives) == (3, 1, 0)
    assert linked.precision == 0.75 and linked.recall == 1.0
    assert linked.f1 == pytest.approx(2 * 0.75 / 1.75)
    assert report.accuracy == 0.6

    table = {g: dict(zip(LABELS, row)) for g, row in zip(LABELS, report.confusion)}
    assert table["copy"] == {"copy": 1, "excerpt": 1, "rewrite": 0, "none": 0}
    assert table["excerpt"] == {"copy": 0, "excerpt": 1, "rewrite": 0, "none": 0}
    assert table["none"] == {"copy": 1, "excerpt": 0, "rewrite": 0, "none": 1}
    assert sum(map(sum, report.confusion)) == 5


def test_direction_from_publication_times(tmp_path, docs):
    path = _pairs(tmp_path, [
        _row("docs/early.html", "docs/late.html", "copy", "source"),  # right
        _row("docs/late.html", "docs/early.html", "copy", "copy"),  # the "copy" side is older: right
        _row("docs/late.html", "docs/early.html", "copy", "source"),  # gold says the later one: wrong
        _row("docs/early.html", "docs/late-excerpt.html", "excerpt", "source"),  # right
        _row("docs/source.txt", "docs/copy.txt", "copy", "source"),  # no dates: unknown
        _row("docs/early.html", "docs/other.txt", "none", "source"),  # not linked: not scored
    ])
    report = evaluate_pairs(path)
    assert not report.errors
    ups = [p.predicted_upstream for p in report.pairs]
    assert ups == ["source", "copy", "copy", "source", "unknown", None]
    assert [p.direction_correct for p in report.pairs] == [True, True, False, True, False, None]
    d = report.direction
    assert (d.pairs, d.correct, d.wrong, d.unknown) == (5, 3, 1, 1)
    assert d.accuracy == 0.6 and d.decided_accuracy == 0.75
    assert report.pairs[0].confidence >= 0.6
    assert any("published" in r for r in report.pairs[0].reasons)


def test_bad_lines_are_reported_by_number_and_the_rest_evaluated(tmp_path, docs):
    path = _pairs(tmp_path, [
        _row("docs/source.txt", "docs/copy.txt", "copy"),
        "{not json",
        {"source": "docs/source.txt", "label": "copy"},
        _row("docs/source.txt", "docs/copy.txt", "duplicate"),
        _row("docs/source.txt", "docs/copy.txt", "copy", "both"),
        _row("docs/source.txt", "docs/missing.txt", "copy"),
        "",  # blank lines are skipped, and still counted
        _row("docs/source.txt", 12345, "copy"),  # an id, but no store
        "[1, 2]",
        _row("docs/source.txt", "docs/other.txt", "none"),
        _row("docs/source.txt", "docs/source.txt", "copy"),
    ])
    report = evaluate_pairs(path)
    assert [p.line for p in report.pairs] == [1, 10]
    errors = {e.line: e.message for e in report.errors}
    assert sorted(errors) == [2, 3, 4, 5, 6, 8, 9, 11]
    assert "malformed JSON" in errors[2]
    assert "missing field copy" in errors[3]
    assert "label must be one of" in errors[4] and "duplicate" in errors[4]
    assert "upstream must be one of" in errors[5]
    assert "missing.txt" in errors[6] and "no such file" in errors[6]
    assert "needs a store" in errors[8]
    assert "not a JSON object" in errors[9]
    assert "same document" in errors[11]
    assert all("\n" not in m for m in errors.values())
    text = render_eval(report)
    assert "2 pairs evaluated, 8 bad lines" in text
    assert "error: line 6: " in text


def test_ids_and_urls_resolve_from_the_store(corpus_store, tmp_path):
    _, rows = corpus_store.query("SELECT site, doc_id, url FROM documents ORDER BY first_seen")
    ids = {site: doc_id for site, doc_id, _ in rows}
    urls = {site: url for site, _, url in rows}
    path = _pairs(tmp_path, [
        _row(ids["mpa-wire.example"], ids["shippingledger.example"], "excerpt", "source"),
        _row(str(ids["mpa-wire.example"]), str(ids["harbourtimes.example"]), "none"),
        _row(urls["mpa-wire.example"], urls["shippingledger.example"], "excerpt", "source"),
        _row(urls["mpa-wire.example"], 42, "copy"),  # no such id
    ])
    report = evaluate_pairs(path, store=corpus_store)
    assert [(p.line, p.predicted_label, p.predicted_upstream) for p in report.pairs] == [
        (1, "excerpt", "source"), (2, "none", None), (3, "excerpt", "source")]
    assert [e.line for e in report.errors] == [4] and "no document 42" in report.errors[0].message


def test_json_shape(tmp_path, docs):
    path = _pairs(tmp_path, [_row("docs/source.txt", "docs/copy.txt", "copy"),
                             _row("docs/source.txt", "docs/other.txt", "none"), "{bad"])
    data = eval_report_to_dict(evaluate_pairs(path))
    assert data["evaluated"] == 2 and data["bad_lines"] == 1 and data["accuracy"] == 1.0
    assert set(data["relations"]) == {"copy", "excerpt", "rewrite"}
    assert data["relations"]["copy"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "gold": 1, "predicted": 1,
                                         "true_positives": 1, "false_positives": 0, "false_negatives": 0}
    assert data["relations"]["rewrite"]["f1"] is None
    assert data["linked"]["precision"] == 1.0
    assert set(data["direction"]) == {"pairs", "correct", "wrong", "unknown", "accuracy", "decided_accuracy"}
    assert data["confusion"]["labels"] == list(LABELS)
    assert data["confusion"]["counts"]["copy"]["copy"] == 1 and data["confusion"]["counts"]["none"]["none"] == 1
    first = data["pairs"][0]
    assert first["line"] == 1 and first["gold_label"] == "copy" and first["predicted_label"] == "copy"
    assert first["relation"] == "copy" and first["label_correct"] is True and first["direction_correct"] is None
    assert data["errors"] == [{"line": 3, "message": data["errors"][0]["message"]}]
    json.dumps(data)


# --- the command --------------------------------------------------------------------------------

@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROVENANCE_DB", raising=False)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_cli_exit_codes_and_json(run, tmp_path, docs):
    good = _pairs(tmp_path, [_row("docs/source.txt", "docs/copy.txt", "copy"),
                             _row("docs/source.txt", "docs/other.txt", "none")], "good.jsonl")
    result = run("eval", good)
    assert result.exit_code == 0, result.output
    assert "precision" in result.stdout and "confusion" in result.stdout
    as_json = run("eval", good, "--json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["evaluated"] == 2

    bad = _pairs(tmp_path, [_row("docs/source.txt", "docs/copy.txt", "copy"), "{oops"], "bad.jsonl")
    result = run("eval", bad, "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["errors"][0]["line"] == 2

    only_bad = _pairs(tmp_path, ["{oops"], "only-bad.jsonl")
    assert run("eval", only_bad).exit_code == 2
    empty = _pairs(tmp_path, [""], "empty.jsonl")
    assert run("eval", empty).exit_code == 1

    missing = run("eval", "no-such-pairs.jsonl")
    assert missing.exit_code == 2 and "no-such-pairs.jsonl" in missing.stderr
    assert missing.stderr.count("\n") == 1 and "Traceback" not in missing.output
    assert not (tmp_path / "provenance.duckdb").exists()  # eval never creates a store


def test_cli_ids_with_db(run, tmp_path):
    from provenance.pipeline import ingest
    from provenance.store import Store

    from conftest import CORPUS

    db = tmp_path / "corpus.duckdb"
    with Store(db) as store:
        ingest(store, [str(CORPUS / "corpus.jsonl")])
        _, rows = store.query("SELECT site, doc_id FROM documents")
    ids = dict(rows)
    path = _pairs(tmp_path, [_row(ids["mpa-wire.example"], ids["shippingledger.example"], "excerpt", "source")])
    result = run("eval", path, "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pairs"][0]["predicted_label"] == "excerpt"


def test_the_documented_example_runs(run):
    result = run("eval", str(ROOT / "docs" / "eval-example.jsonl"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["evaluated"] == 5 and not data["errors"]
    assert data["linked"]["precision"] == 1.0 and data["linked"]["recall"] == 1.0
    assert [p["predicted_label"] for p in data["pairs"][:4]] == ["copy", "excerpt", "none", "none"]
    assert data["direction"]["correct"] == data["direction"]["pairs"]


def test_help_has_a_runnable_example(run):
    result = run("eval", "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and "provenance eval docs/eval-example.jsonl" in result.stdout
