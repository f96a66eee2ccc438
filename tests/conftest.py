"""Shared test fixtures: project paths, the bundled corpus in a fresh store, real data in ../shared."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from provenance.pipeline import ingest
from provenance.store import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "harbour-strike"
SHARED_DATA = ROOT.parent / "shared" / "data"


def shared_path(name: str) -> Path:
    """A folder of ../shared/data, or skip the test with a clear message when it is absent."""
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(f"real evaluation data not found at {path} (../shared is absent in a fresh clone)")
    return path


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "test.duckdb") as s:
        yield s


@pytest.fixture
def corpus_store(tmp_path):
    """A store holding the bundled harbour-strike corpus, ingested in its file order."""
    with Store(tmp_path / "corpus.duckdb") as s:
        report = ingest(s, [str(CORPUS / "corpus.jsonl")])
        assert not report.errors and report.added == 6
        yield s


class QuietHandler(BaseHTTPRequestHandler):
    """A test server's request handler: no log lines in the test output, and a plain redirect."""

    def _redirect(self, location: str, status: int = 302) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """A store file holding the bundled corpus, ingested once through the CLI, for read-only tests."""
    from typer.testing import CliRunner

    from provenance.cli import app

    path = tmp_path_factory.mktemp("corpus-db") / "corpus.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(CORPUS / "corpus.jsonl"), "--db", str(path), "-q"])
    assert result.exit_code == 0, result.output
    return path


@contextmanager
def loopback_server(handler: type[BaseHTTPRequestHandler], address: str = "127.0.0.1") -> Iterator[str]:
    """A real HTTP server on ``address`` (a free port) in a thread; yields its base URL and stops it
    at the end (the network tests' one way of serving pages)."""
    httpd = ThreadingHTTPServer((address, 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{address}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
