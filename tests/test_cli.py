"""The command line through typer's runner: exit codes, JSON output, one-line errors, docs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from typer.testing import CliRunner

from provenance.cli import app, cli_docs

from conftest import CORPUS, ROOT, loopback_server

SEED = ROOT / "seeds" / "elrisala-pakistan-bangladesh.txt"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROVENANCE_DB", raising=False)
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(app, list(args), input=input)
    return invoke


def test_trace_on_a_fresh_directory_loads_the_bundled_corpus(run, tmp_path):
    result = run("trace", str(CORPUS / "newspile-repost.html"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "provenance.duckdb").exists()
    out = result.stdout
    assert "callowcourier.example" in out and "mpa-wire.example" in out
    assert "[furniture]" in out and "[credit]" in out


def test_trace_json_is_one_object_with_the_chain(run):
    result = run("trace", str(CORPUS / "newspile-repost.html"), "--json")
    data = json.loads(result.stdout)
    assert [h["source"]["site"] for h in data["upstream"]] == ["callowcourier.example", "mpa-wire.example"]
    assert data["upstream"][0]["diff"] and data["upstream"][0]["passages"]


def test_ids_in_json_output_survive_a_reader_with_53_bit_numbers(run):
    """jq and JavaScript read JSON numbers as doubles: an id past 2^53 must come as a string."""
    as_double = {"parse_int": float}
    run("ingest", str(CORPUS / "corpus.jsonl"), "-q")
    from provenance.store import Store
    with Store("provenance.duckdb", read_only=True) as store:
        stored = {int(i) for (i,) in store.query("SELECT doc_id FROM documents")[1]}
        edges = {int(i) for (i,) in store.query("SELECT edge_id FROM edges")[1]}
    assert any(abs(i) > 2**53 for i in stored)  # else this test proves nothing
    traced = json.loads(run("trace", str(CORPUS / "newspile-repost.html"), "--json").stdout, **as_double)
    hops = traced["upstream"] + traced["downstream"]
    assert hops and {int(h["edge_id"]) for h in hops} <= edges
    assert {int(h["source_id"]) for h in hops} | {int(h["copy_id"]) for h in hops} <= stored
    rows = json.loads(run("sql", "SELECT doc_id, source_id, 3 AS n FROM documents JOIN edges ON copy_id = doc_id",
                          "--json").stdout, **as_double)
    assert rows and {int(r["doc_id"]) for r in rows} <= stored and {r["n"] for r in rows} == {3.0}
    (story,) = json.loads(run("sql", "SELECT doc_ids, [list_max(doc_ids)] AS big FROM stories", "--json").stdout,
                          **as_double)
    assert {int(i) for i in story["doc_ids"]} <= stored and int(story["big"][0]) in stored


def test_trace_of_the_seed_exits_1_and_says_so(run):
    result = run("trace", str(SEED))
    assert result.exit_code == 1
    assert "No upstream copy" in result.stdout and "economictimes.indiatimes.com" in result.stdout


def test_missing_file_is_a_one_line_error_with_exit_2(run):
    result = run("trace", "no-such-file.html")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no-such-file.html" in result.stderr
    assert "Traceback" not in result.output


def test_ingest_reports_counts_and_errors(run, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "too short"}\n{broken\n', encoding="utf-8")
    result = run("ingest", str(CORPUS / "corpus.jsonl"), str(bad), "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["added"] == 6 and len(data["errors"]) == 2
    again = run("ingest", str(CORPUS / "corpus.jsonl"), "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["added"] == 0


def test_ingest_from_stdin(run):
    text = (CORPUS / "newspile-repost.html").read_text(encoding="utf-8")
    result = run("ingest", "-", "--json", input=text)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 1


def test_sql_formats_and_read_only(run):
    run("ingest", str(CORPUS / "corpus.jsonl"), "-q")
    table = run("sql", "SELECT relation, count(*) AS n FROM edges GROUP BY 1 ORDER BY 1")
    assert table.exit_code == 0 and "relation" in table.stdout and "copy" in table.stdout
    rows = json.loads(run("sql", "SELECT count(*) AS n FROM documents", "--json").stdout)
    assert rows == [{"n": 6}]
    csv_out = run("sql", "SELECT site FROM documents ORDER BY site LIMIT 1", "-f", "csv").stdout
    assert csv_out.splitlines()[0] == "site"
    refused = run("sql", "DELETE FROM documents")
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    empty = run("sql", "SELECT * FROM documents WHERE false")
    assert empty.exit_code == 1


def test_sql_without_a_store_is_a_clear_error(run):
    result = run("sql", "SELECT 1")
    assert result.exit_code == 2 and "provenance.duckdb" in result.stderr


def test_extract_shows_credit_and_furniture(run):
    result = run("extract", str(SEED), "--json")
    data = json.loads(result.stdout)
    assert any(c["host"] == "economictimes.indiatimes.com" for c in data["credits"])
    assert "Subscribe now" not in data["body"]


def test_every_command_has_help_with_an_example(run):
    for command in ("ingest", "trace", "extract", "sql", "export", "graph"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout and f"provenance {command}" in result.stdout


def test_docs_cli_md_is_up_to_date():
    path = ROOT / "docs" / "cli.md"
    assert path.read_text(encoding="utf-8") == cli_docs(), (
        "docs/cli.md is stale: regenerate with `python -m provenance.cli docs > docs/cli.md`")


def test_sql_cannot_read_files_or_reach_the_network(run, tmp_path):
    run("ingest", str(CORPUS / "corpus.jsonl"), "-q")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:hunter2\n")
    for sql in (f"SELECT * FROM read_csv('{secret}', header=false, sep=':')",
                f"SELECT * FROM read_text('{secret}')", f"SELECT * FROM glob('{tmp_path}/*')",
                f"SELECT * FROM '{secret}'", "SELECT * FROM read_text('http://127.0.0.1:9/')"):
        result = run("sql", sql)
        assert result.exit_code == 2, sql
        assert "hunter2" not in result.output and "secret.txt" not in result.stdout
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_check_reports_a_sound_store(run):
    run("ingest", str(CORPUS / "corpus.jsonl"), "-q")
    result = run("check", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] and len(data["checks"]) >= 9 and data["counts"]["documents"] == 6


@pytest.fixture
def busy_store(tmp_path):
    """The store held for writing by another process, as during a long ingest."""
    import subprocess
    import sys

    path = tmp_path / "provenance.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from provenance.store import Store; s = Store(sys.argv[1]);"
         " print('ready', flush=True); time.sleep(120)", str(path)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_a_busy_store_is_a_one_line_message_with_its_own_exit_code(run, busy_store):
    for args in (("sql", "SELECT 1"), ("trace", str(CORPUS / "newspile-repost.html")),
                 ("ingest", str(CORPUS / "corpus.jsonl")), ("check",)):
        result = run(*args, "--wait", "0")
        assert result.exit_code == 75, (args, result.output)
        assert result.stderr.count("\n") == 1 and "busy" in result.stderr and str(busy_store.pid) in result.stderr
        assert "Could not set lock" not in result.stderr
    waited = run("sql", "SELECT 1", "--wait", "0.5")
    assert waited.exit_code == 75
    first, second = waited.stderr.splitlines()
    assert "waiting for" in first and "0.5 s" in first and "busy" in second


def test_extract_needs_no_store_and_works_while_it_is_busy(run, busy_store):
    result = run("extract", str(SEED), "--json")
    assert result.exit_code == 0, result.output
    assert any(c["host"] == "economictimes.indiatimes.com" for c in json.loads(result.stdout)["credits"])


# --- URLs on internal addresses: refused unless --allow-private -------------------------------------

PAGES = {"/repost": CORPUS / "newspile-repost.html", "/gazette": ROOT / "docs" / "eval-example" / "gazette-original.html"}
REFUSAL = "refused: 127.0.0.1 is a loopback address (use --allow-private to fetch internal addresses)"


class PageHandler(BaseHTTPRequestHandler):
    paths: list[str] = []  # every request: a refused command must leave none

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        PageHandler.paths.append(self.path)
        body = PAGES[self.path].read_bytes() if self.path in PAGES else b"not found"
        self.send_response(200 if self.path in PAGES else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def page_server(monkeypatch) -> Iterator[str]:
    """Base URL of a real HTTP server on 127.0.0.1 serving PAGES (no proxy in between)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    PageHandler.paths.clear()
    with loopback_server(PageHandler) as base:
        yield base


def test_trace_refuses_a_loopback_url_unless_allowed(run, page_server):
    url = f"{page_server}/repost"
    refused = run("trace", url)
    assert refused.exit_code == 2
    assert refused.stderr == f"provenance: {url}: {REFUSAL}\n"  # one line, no traceback
    assert "Traceback" not in refused.output and refused.stdout == ""
    assert PageHandler.paths == []
    allowed = run("trace", url, "--allow-private")
    assert allowed.exit_code == 0, allowed.output
    assert "callowcourier.example" in allowed.stdout and "mpa-wire.example" in allowed.stdout
    assert PageHandler.paths == ["/repost"]


@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_ingest_and_extract_refuse_a_loopback_url_unless_allowed(run, page_server, command):
    url = f"{page_server}/repost"
    refused = run(command, url)
    assert refused.exit_code == 2
    assert f"{url}: {REFUSAL}" in refused.output and "Traceback" not in refused.output
    assert PageHandler.paths == []
    allowed = run(command, url, "--allow-private")
    assert allowed.exit_code == 0, allowed.output
    assert PageHandler.paths == ["/repost"]


def test_eval_refuses_a_loopback_url_unless_allowed(run, page_server, tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    copy = ROOT / "docs" / "eval-example" / "aggregator-repost.html"
    pairs.write_text(json.dumps({"source": f"{page_server}/gazette", "copy": str(copy), "label": "copy",
                                 "upstream": "source"}) + "\n", encoding="utf-8")
    refused = run("eval", str(pairs), "--json")
    assert refused.exit_code == 2
    assert REFUSAL in json.dumps(json.loads(refused.stdout)["errors"]) and "Traceback" not in refused.output
    assert PageHandler.paths == []
    allowed = run("eval", str(pairs), "--json", "--allow-private")
    assert allowed.exit_code == 0, allowed.output
    assert PageHandler.paths == ["/gazette"]


def test_trace_of_a_stored_url_or_id_uses_the_store_without_fetching(run, tmp_path):
    run("ingest", str(CORPUS / "corpus.jsonl"), "-q")
    db = tmp_path / "provenance.duckdb"
    before = (db.stat().st_size, db.stat().st_mtime_ns)
    # no network here: a fetch would fail, so an answer means the store was used
    result = run("trace", "http://newspile.example/2026/03/14/dockworkers-strike-port-callow", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [h["source"]["site"] for h in data["upstream"]] == ["callowcourier.example", "mpa-wire.example"]
    assert "traced as stored" in result.stderr + json.dumps(data["notes"])
    doc_id = data["document"]["doc_id"]
    by_id = run("trace", str(doc_id), "--json")
    assert by_id.exit_code == 0 and json.loads(by_id.stdout)["upstream"] == data["upstream"]
    assert (db.stat().st_size, db.stat().st_mtime_ns) == before  # traced read-only
    missing = run("trace", "12345")
    assert missing.exit_code == 1 and "no document 12345" in missing.stderr
    refreshed = run("trace", "http://newspile.example/2026/03/14/dockworkers-strike-port-callow", "--refresh")
    assert refreshed.exit_code == 2  # fetched again: example hosts do not resolve here


def test_ingest_shows_progress_and_each_error_once_and_an_interruption_keeps_what_it_says(tmp_path):
    import signal
    import subprocess
    import sys

    from textgen import article

    records = tmp_path / "many.jsonl"
    records.write_text("".join(json.dumps({"url": f"https://p.example/{i}", "text": article(5000 + i, 3, 40)}) + "\n"
                               for i in range(400)), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    cmd = [sys.executable, "-m", "provenance.cli", "ingest", str(records), str(tmp_path / "missing.html"),
           "--db", str(db)]
    done = subprocess.run(cmd[:4] + [str(CORPUS / "corpus.jsonl"), str(tmp_path / "missing.html"), "--db", str(db)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 2
    assert done.stderr.count("missing.html") == 1 and done.stdout.count("missing.html") == 0
    assert "ingest: " in done.stderr and "(shown above)" in done.stdout
    # interrupted in the middle: what it says it kept is in the store
    proc = subprocess.Popen(cmd + ["--batch", "40"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    for line in proc.stderr:  # the first batch is committed
        if line.startswith("ingest: "):
            break
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out, err)
    kept = int(err.split("interrupted: the ")[1].split(" documents")[0])
    assert "committed and kept" in err and "Traceback" not in err and 0 < kept < 400
    from provenance.store import Store
    with Store(db, read_only=True) as store:
        assert store.counts()["documents"] == 6 + kept


def test_trace_min_confidence_hides_weaker_links_and_says_how_many(run):
    full = json.loads(run("trace", str(CORPUS / "newspile-repost.html"), "--json").stdout)
    confidences = sorted(h["edge"]["confidence"] if "edge" in h else h["confidence"] for h in full["upstream"])
    assert confidences, full
    cut = confidences[0] + 1e-6  # just above the weakest upstream link
    result = run("trace", str(CORPUS / "newspile-repost.html"), "--min-confidence", str(cut))
    shown = json.loads(run("trace", str(CORPUS / "newspile-repost.html"), "--json", "--min-confidence",
                           str(cut)).stdout)
    assert len(shown["upstream"]) < len(full["upstream"])
    assert all((h["edge"]["confidence"] if "edge" in h else h["confidence"]) >= cut for h in shown["upstream"])
    assert "hidden" in result.output


def test_trace_never_adds_the_example_to_a_store_the_user_names(run, tmp_path, monkeypatch):
    page = str(CORPUS / "newspile-repost.html")
    missing = run("trace", page, "--db", "mine.duckdb")
    assert missing.exit_code == 2 and "no store at mine.duckdb" in missing.stderr
    assert not (tmp_path / "mine.duckdb").exists()
    saved = run("trace", page, "--db", "mine.duckdb", "--save", "--json")  # creates it, with this page only
    assert saved.exit_code == 1 and json.loads(saved.stdout)["stored_as"]
    monkeypatch.setenv("PROVENANCE_DB", "env.duckdb")
    run("ingest", page, "-q")
    assert run("trace", page).exit_code == 1
    from provenance.store import Store
    for name in ("mine.duckdb", "env.duckdb"):
        with Store(tmp_path / name, read_only=True) as store:
            assert store.counts()["documents"] == 1, name
    assert not (tmp_path / "provenance.duckdb").exists()


def test_ingest_of_a_directory_counts_the_files_it_skipped_by_reason(run, tmp_path):
    pages = tmp_path / "pages"
    (pages / "img").mkdir(parents=True)
    (pages / "story.html").write_bytes((CORPUS / "newspile-repost.html").read_bytes())
    for name in ("img/a.png", "img/b.png", "report.pdf", "data.csv", ".DS_Store"):
        (pages / name).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    text = run("ingest", str(pages), "--db", "t.duckdb")
    assert text.exit_code == 0, text.output
    assert ("5 files in directories skipped (2 .png, 1 .csv, 1 .pdf: not HTML, text, JSON Lines or WARC;"
            " 1 hidden name)") in text.stdout
    data = json.loads(run("ingest", str(pages), "--db", "t.duckdb", "--json").stdout)
    assert data["skipped_files"] == {".png": 2, ".csv": 1, ".pdf": 1, "hidden name": 1} and data["unchanged"] == 1
