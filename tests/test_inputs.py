"""provenance.inputs on real files in tmp_path, stdin as BytesIO, and URLs through a Fetcher."""

from __future__ import annotations

import dataclasses
from collections import Counter
import io
import json
import os
import socket
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from provenance.errors import FetchError, InputError
from provenance.fetch import Fetcher
from provenance.inputs import DOCUMENT_SUFFIXES, read_inputs
from provenance.models import RawDocument
from provenance.settings import DEFAULT_SETTINGS

HTML = b"<html><body><p>A story.</p></body></html>"
TEXT = b"A story in plain text.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


def docs_and_errors(items: list[RawDocument | InputError]) -> tuple[list[RawDocument], list[InputError]]:
    docs = [item for item in items if isinstance(item, RawDocument)]
    errors = [item for item in items if isinstance(item, InputError)]
    assert len(docs) + len(errors) == len(items)
    return docs, errors


def only_error(items: list[RawDocument | InputError]) -> InputError:
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


# --- single files --------------------------------------------------------------------------------


def test_html_file(tmp_path: Path) -> None:
    path = tmp_path / "story.html"
    path.write_bytes(HTML)
    [doc] = read_inputs([str(path)])
    assert isinstance(doc, RawDocument)
    assert doc.content == HTML
    assert doc.url == path.resolve().as_uri()
    assert doc.origin == str(path)
    assert doc.content_type is None and doc.format_hint is None


def test_text_file_with_any_suffix_when_named_explicitly(tmp_path: Path) -> None:
    path = tmp_path / "story.php"
    path.write_bytes(TEXT)
    [doc] = read_inputs([str(path)])
    assert isinstance(doc, RawDocument) and doc.content == TEXT


def test_relative_path_keeps_origin_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_bytes(TEXT)
    monkeypatch.chdir(tmp_path)
    [doc] = read_inputs(["a.txt"])
    assert isinstance(doc, RawDocument)
    assert doc.origin == "a.txt"
    assert doc.url == (tmp_path / "a.txt").resolve().as_uri()


def test_missing_path() -> None:
    error = only_error(list(read_inputs(["/no/such/story.html"])))
    assert error.origin == "/no/such/story.html"
    assert error.reason == "no such file or directory"


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  ", b"\xef\xbb\xbf\n", "\ufeff  \n".encode("utf-16-le")])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.html"
    path.write_bytes(content)
    error = only_error(list(read_inputs([str(path)])))
    assert error.origin == str(path) and error.reason == "empty file"


@pytest.mark.parametrize("content", [PNG, bytes(range(1, 32)) * 20 + b"some text"])
def test_binary_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    error = only_error(list(read_inputs([str(path)])))
    assert error.reason == "binary file, not HTML or text"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe\x00\x00", "utf-32-le")],
)
def test_utf16_and_utf32_with_bom_are_text(tmp_path: Path, bom: bytes, codec: str) -> None:
    content = bom + "<p>Caf\u00e9 story</p>".encode(codec)
    assert b"\x00" in content
    path = tmp_path / "wide.html"
    path.write_bytes(content)
    [doc] = read_inputs([str(path)])
    assert isinstance(doc, RawDocument) and doc.content == content


def test_iso_2022_jp_escapes_are_text(tmp_path: Path) -> None:
    content = "ニュース記事の本文です。".encode("iso-2022-jp")
    path = tmp_path / "jp.txt"
    path.write_bytes(content)
    [doc] = read_inputs([str(path)])
    assert isinstance(doc, RawDocument)


def test_file_larger_than_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_bytes(b"x" * 1001)
    settings = dataclasses.replace(DEFAULT_SETTINGS, max_input_bytes=1000)
    error = only_error(list(read_inputs([str(path)], settings=settings)))
    assert error.reason == "file larger than 1000 bytes"
    path.write_bytes(b"x" * 1000)
    assert isinstance(next(read_inputs([str(path)], settings=settings)), RawDocument)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.html"
    path.write_bytes(HTML)
    path.chmod(0)
    try:
        error = only_error(list(read_inputs([str(path)])))
    finally:
        path.chmod(0o600)
    assert error.reason == "permission denied"


def test_unreadable_path(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(TEXT)
    target = str(tmp_path / "a.txt" / "b.html")  # a file used as a directory
    error = only_error(list(read_inputs([target])))
    assert (error.origin, error.reason) == (target, "not a directory")


def test_empty_target() -> None:
    assert only_error(list(read_inputs([""]))).reason == "empty path"


# --- stdin ---------------------------------------------------------------------------------------


def test_stdin() -> None:
    [doc] = read_inputs(["-"], stdin=io.BytesIO(HTML))
    assert isinstance(doc, RawDocument)
    assert (doc.origin, doc.content) == ("stdin", HTML)
    assert doc.url.startswith("stdin:") and len(doc.url) > len("stdin:")


def test_empty_stdin() -> None:
    error = only_error(list(read_inputs(["-"], stdin=io.BytesIO(b"\n"))))
    assert (error.origin, error.reason) == ("stdin", "empty input")


def test_stdin_too_large() -> None:
    settings = dataclasses.replace(DEFAULT_SETTINGS, max_input_bytes=10)
    error = only_error(list(read_inputs(["-"], settings=settings, stdin=io.BytesIO(b"x" * 11))))
    assert error.reason == "input larger than 10 bytes"


# --- directories ---------------------------------------------------------------------------------


def test_directory_recursion_order_and_skips(tmp_path: Path) -> None:
    root = tmp_path / "site"
    files = {
        "b.html": HTML,
        "a.txt": TEXT,
        "README": TEXT,  # no suffix: eligible
        "sub/c.HTM": HTML,  # suffixes compare case-insensitively
        "sub/deeper/d.md": TEXT,
        "sub-z.text": TEXT,  # sorts after the sub/ directory's contents, by path components
        ".hidden.html": HTML,  # hidden file
        ".git/e.html": HTML,  # hidden directory
        "logo.png": PNG,  # other suffix: skipped, counted by suffix
        "sub/photo.PNG": PNG,
        "style.css": b"p { color: red }",
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    os.mkfifo(root / "sub" / "pipe.html")  # not a regular file: never opened (it could block)
    skipped: Counter[str] = Counter()
    items = list(read_inputs([str(root)], skipped_files=skipped))
    docs, errors = docs_and_errors(items)
    assert errors == []
    assert skipped == Counter({".png": 2, ".css": 1, "hidden name": 2, "not a regular file": 1})
    assert [Path(d.origin).relative_to(root).as_posix() for d in docs] == [
        "README", "a.txt", "b.html", "sub/c.HTM", "sub/deeper/d.md", "sub-z.text",
    ]
    assert all(d.url == Path(d.origin).resolve().as_uri() for d in docs)


def test_directory_reports_bad_files_and_keeps_going(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(b"")
    (tmp_path / "b.html").write_bytes(HTML)
    items = list(read_inputs([str(tmp_path)]))
    assert isinstance(items[0], InputError) and items[0].reason == "empty file"
    assert isinstance(items[1], RawDocument) and items[1].content == HTML
    assert len(items) == 2


@pytest.mark.parametrize("names", [[], ["logo.png", ".notes.txt"]])
def test_directory_without_inputs(tmp_path: Path, names: list[str]) -> None:
    for name in names:
        (tmp_path / name).write_bytes(PNG)
    error = only_error(list(read_inputs([str(tmp_path)])))
    assert error.origin == str(tmp_path)
    assert error.reason == "no HTML, text, JSON Lines or WARC files found"


def test_directory_with_jsonl(tmp_path: Path) -> None:
    (tmp_path / "batch.ndjson").write_text(json.dumps({"text": "one"}) + "\n" + json.dumps({"text": "two"}))
    docs, errors = docs_and_errors(list(read_inputs([str(tmp_path)])))
    assert errors == [] and [d.content for d in docs] == ["one", "two"]


def test_document_suffixes_constant() -> None:
    assert {".html", ".htm", ".xhtml", ".txt", ".text", ".md", ".markdown", ".jsonl", ".ndjson", ""} == DOCUMENT_SUFFIXES


# --- JSON Lines ----------------------------------------------------------------------------------


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"url": "https://a.example/1", "site": "A", "title": "One", "html": "<p>one</p>",
                    "published": "2024-03-01T10:00:00Z", "fetched": "2024-03-02T08:00:00+02:00"}),
        json.dumps({"text": "two", "published": "2024-03-01T10:00:00"}),  # naive → UTC; no url
        "",  # blank lines are skipped (but counted)
        "{not json",
        json.dumps({"url": "https://a.example/5", "title": "no body"}),
        json.dumps(["an", "array"]),
        json.dumps({"text": "seven", "html": "<p>seven</p>"}),  # both: html wins
        json.dumps({"text": "eight", "published": "yesterday"}),
        json.dumps({"text": 9}),
        json.dumps({"html": "", "text": "ten"}),  # empty html counts as absent
        json.dumps({"text": "eleven", "published": "2024-03-01"}),  # date only
    ]
    path = tmp_path / "file.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_inputs([str(path)]))
    assert [item.origin for item in items] == [f"{path}:{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11)]

    one, two = items[0], items[1]
    assert isinstance(one, RawDocument) and isinstance(two, RawDocument)
    assert (one.url, one.site, one.title, one.content, one.format_hint) == (
        "https://a.example/1", "A", "One", "<p>one</p>", "html")
    assert one.published == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert one.fetched == datetime(2024, 3, 2, 8, tzinfo=timezone(timedelta(hours=2)))
    assert two.url == f"{path.resolve().as_uri()}#L2"
    assert (two.content, two.format_hint) == ("two", "text")
    assert two.published == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert two.fetched is None

    bad_json, no_body, array = items[2], items[3], items[4]
    assert isinstance(bad_json, InputError) and bad_json.reason.startswith("malformed JSON: ")
    assert str(bad_json).startswith(f"{path}:4: malformed JSON")
    assert isinstance(no_body, InputError) and no_body.reason == "no 'text' or 'html' field"
    assert isinstance(array, InputError) and array.reason == "not a JSON object but an array"

    both = items[5]
    assert isinstance(both, RawDocument) and (both.content, both.format_hint) == ("<p>seven</p>", "html")

    bad_date, not_string = items[6], items[7]
    assert isinstance(bad_date, InputError) and bad_date.reason == "bad 'published' date: \"yesterday\""
    assert isinstance(not_string, InputError) and not_string.reason == "'text' is a number, not a string"

    ten, eleven = items[8], items[9]
    assert isinstance(ten, RawDocument) and (ten.content, ten.format_hint) == ("ten", "text")
    assert isinstance(eleven, RawDocument) and eleven.published == datetime(2024, 3, 1, tzinfo=UTC)


def test_jsonl_bom_crlf_and_no_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"text": "a"}\r\n{"text": "b"}')
    docs, errors = docs_and_errors(list(read_inputs([str(path)])))
    assert errors == [] and [d.content for d in docs] == ["a", "b"]


def test_jsonl_line_too_long_or_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    long_line = json.dumps({"text": "x" * 200})
    path.write_bytes(long_line.encode() + b"\n" + b'{"text": "caf\xe9"}\n' + b'{"text": "ok"}\n')
    settings = dataclasses.replace(DEFAULT_SETTINGS, max_input_bytes=100)
    items = list(read_inputs([str(path)], settings=settings))
    assert [i.origin for i in items] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert isinstance(items[0], InputError) and items[0].reason == "line larger than 100 bytes"
    assert isinstance(items[1], InputError) and items[1].reason.startswith("not UTF-8")
    assert isinstance(items[2], RawDocument) and items[2].content == "ok"


def test_jsonl_hostile_records_are_cleaned_or_refused_by_line(tmp_path: Path) -> None:
    # Written by hand: json.dumps would not write a lone surrogate escape the way attackers do.
    lines = [
        '{"text": "broken \\ud800 surrogate", "title": "T\\udfff", "site": "S\\ud800"}',
        '{"text": "a story", "url": "http://[::1"}',
        '{"text": "a story", "url": "https://a.example/\\ud800"}',
        '{"text": "a story", "url": "http://a\uff03b/"}',
        '{"text": "' + "[" * 10 + '", "published": "\\ud800"}',
        '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"text": "a story", "n": ' + "1" * 5000 + "}",
        '{"text": "nul \\u0000 kept", "url": "https://a.example/ok"}',
    ]
    path = tmp_path / "file.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_inputs([str(path)]))
    assert [item.origin for item in items] == [f"{path}:{n}" for n in range(1, 9)]
    cleaned = items[0]
    assert isinstance(cleaned, RawDocument)
    assert (cleaned.content, cleaned.title, cleaned.site) == ("broken \ufffd surrogate", "T\ufffd", "S\ufffd")
    for item, reason in zip(items[1:7], ["malformed 'url' (Invalid IPv6 URL)", "malformed 'url' (a lone surrogate)",
                                          "malformed 'url' (netloc", "bad 'published' date",
                                          "malformed JSON: nested too deeply", "malformed JSON: a number too long"]):
        assert isinstance(item, InputError) and item.reason.startswith(reason), item
        str(item).encode("utf-8")  # printable: no lone surrogate in the message
    assert isinstance(items[7], RawDocument) and items[7].content == "nul \x00 kept"


def test_file_names_that_are_not_utf8_give_printable_origins(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path / "batch")
    os.mkdir(folder)
    with open(os.path.join(folder, b"caf\xe9.txt"), "wb") as handle:
        handle.write(TEXT)
    with open(os.path.join(folder, b"bin\xff.html"), "wb") as handle:
        handle.write(PNG)
    refused, read = list(read_inputs([str(tmp_path / "batch")]))  # in name order: bin… first
    assert isinstance(refused, InputError) and isinstance(read, RawDocument)
    assert refused.origin.endswith("bin\\xff.html") and read.origin.endswith("caf\\xe9.txt")
    str(refused).encode("utf-8")
    read.origin.encode("utf-8")


@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_empty_jsonl(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)
    assert only_error(list(read_inputs([str(path)]))).reason == "empty file"


def test_binary_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(PNG * 10)
    assert only_error(list(read_inputs([str(path)]))).reason == "binary file, not HTML or text"


# --- URLs and batches ----------------------------------------------------------------------------


def test_urls_use_the_given_fetcher_and_errors_are_yielded(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/missing":
            return httpx.Response(404)
        return httpx.Response(200, content=HTML, headers={"Content-Type": "text/html"})

    (tmp_path / "a.txt").write_bytes(TEXT)
    targets = ["https://news.invalid/ok", "https://news.invalid/missing", str(tmp_path / "a.txt")]
    with Fetcher(transport=httpx.MockTransport(handler)) as fetcher:
        items = list(read_inputs(targets, fetcher=fetcher))
        fetcher.fetch("https://news.invalid/ok")  # still open: a given fetcher is the caller's to close
    assert isinstance(items[0], RawDocument) and items[0].content_type == "text/html"
    assert isinstance(items[1], FetchError) and items[1].reason == "HTTP 404 Not Found"
    assert isinstance(items[2], RawDocument) and items[2].content == TEXT


def test_url_without_fetcher_creates_one(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on: no internet involved
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (tmp_path / "a.txt").write_bytes(TEXT)
    allow_loopback = dataclasses.replace(DEFAULT_SETTINGS, allow_private_addresses=True)
    items = list(read_inputs([f"http://127.0.0.1:{port}/", str(tmp_path / "a.txt")], settings=allow_loopback))
    assert isinstance(items[0], FetchError) and items[0].reason.startswith("connection failed")
    assert isinstance(items[1], RawDocument)


def test_batch_order_is_kept_and_one_bad_input_loses_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(HTML)
    (tmp_path / "bin.txt").write_bytes(PNG)
    targets = [str(tmp_path / "a.html"), "missing.html", "-", str(tmp_path / "bin.txt"), str(tmp_path / "a.html")]
    items = list(read_inputs(targets, stdin=io.BytesIO(TEXT)))
    assert [type(i).__name__ for i in items] == ["RawDocument", "InputError", "RawDocument", "InputError", "RawDocument"]
    assert items[2].origin == "stdin"


def test_a_directory_tree_deeper_than_the_recursion_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The walk recursed once per level (sys.getrecursionlimit() is 1000). Made level by level:
    # pathlib's own mkdir(parents=True) recurses too.
    monkeypatch.chdir(tmp_path)
    for _ in range(1100):
        os.mkdir("d")
        os.chdir("d")
    Path("story.txt").write_bytes(TEXT)
    (tmp_path / "a.txt").write_bytes(TEXT)
    (tmp_path / "z.txt").write_bytes(TEXT)
    try:
        docs, errors = docs_and_errors(list(read_inputs([str(tmp_path)])))
        assert errors == []
        assert [Path(doc.origin).name for doc in docs] == ["a.txt", "story.txt", "z.txt"]
    finally:
        _remove_chain_of_d(tmp_path)


def _remove_chain_of_d(top: Path) -> None:
    """Remove top/d/d/…/d level by level: pytest's own clean-up of old temporary folders
    (shutil.rmtree, recursive in Python 3.11) raised RecursionError on it in a later run."""
    os.chdir(top)
    depth = 0
    while os.path.isdir("d"):
        os.chdir("d")
        depth += 1
    for name in os.listdir("."):
        os.remove(name)
    for _ in range(depth):
        os.chdir("..")
        os.rmdir("d")
