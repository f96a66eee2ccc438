"""provenance.warc: WARC files written by WarcWriter, made directly with FastWARC, and broken by
hand (truncated, corrupt, lying Content-Length), read back record by record; and `ingest` of one."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from fastwarc.stream_io import GzipWriter
from fastwarc.warc import WarcRecord, WarcRecordType

from provenance.cli import app
from provenance.errors import InputError
from provenance.inputs import count_inputs, read_inputs
from provenance.models import RawDocument
from provenance.settings import DEFAULT_SETTINGS
from provenance.warc import WarcWriter, is_warc, read_warc

WHEN = datetime(2024, 5, 1, 12, 30, 15, tzinfo=UTC)
WORDS = ("harbour strike dockworkers union port council minister talks wages cargo ships berth night "
         "shift crane operators ferry").split()


def story(n: int) -> bytes:
    """A page with an article of ~120 words, different for each ``n``."""
    words = [WORDS[(n * 7 + i * (n + 3)) % len(WORDS)] for i in range(120)]
    paras = "".join(f"<p>Story {n}: {' '.join(words[i:i + 40])}.</p>" for i in range(0, 120, 40))
    return f"<html><head><title>Story {n}</title></head><body><article>{paras}</article></body></html>".encode()


def split(items) -> tuple[list[RawDocument], list[InputError]]:
    items = list(items)
    docs = [i for i in items if isinstance(i, RawDocument)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert len(docs) + len(errors) == len(items)
    return docs, errors


# --- hand-made records (bytes exactly as we say) ----------------------------------------------------


def raw_record(url: str, block: bytes, *, kind: str = "response", ctype: str = "application/http; msgtype=response",
               length: int | None = None, n: int = 1) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>\r\n"
            f"WARC-Date: 2024-05-01T12:00:00Z\r\nWARC-Target-URI: {url}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(block) if length is None else length}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def http(body: bytes, extra: bytes = b"", status: bytes = b"200 OK", ctype: bytes = b"text/html") -> bytes:
    return b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\n" + extra + b"\r\n" + body


def ok(n: int) -> bytes:
    return raw_record(f"http://e.example/{n}", http(b"<p>page %d</p>" % n), n=n)


# --- writer ----------------------------------------------------------------------------------------


def test_written_pages_read_back_with_skips_counted(tmp_path: Path) -> None:
    with WarcWriter(tmp_path / "crawl") as writer:
        writer.write_response("https://news.example/a?x=1", 200,
                              {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
                              story(1), WHEN, {"User-Agent": "provenance-test"})
        writer.write_response("https://news.example/gone", 404, {"Content-Type": "text/html"}, b"<p>gone</p>", WHEN)
        writer.write_response("https://news.example/logo.png", 200, [("Content-Type", "image/png")], b"\x89PNG..", WHEN)
        writer.write_response("https://news.example/b", 200, [("Content-Type", "text/plain")], b"Plain story.", WHEN)
    [path] = writer.paths
    assert re.fullmatch(r"provenance-\d{14}-00000\.warc\.gz", path.name)
    skipped: Counter[str] = Counter()
    docs, errors = split(read_warc(path, skipped=skipped))
    assert errors == []
    assert [d.url for d in docs] == ["https://news.example/a?x=1", "https://news.example/b"]
    assert docs[0].content == story(1)  # stored decoded: Content-Encoding kept as X-Crawler-Content-Encoding
    assert docs[0].content_type == "text/html; charset=utf-8"
    assert docs[0].fetched == WHEN
    assert docs[1].content == b"Plain story." and docs[1].content_type == "text/plain"
    assert skipped == Counter({"request": 4, "warcinfo": 1, "HTTP 404": 1, "not HTML or text": 1})
    # the origin is the record's offset: the gzip member there inflates to that response record
    offset = int(docs[0].origin.rsplit("#", 1)[1])
    member = gzip.GzipFile(fileobj=_at(path, offset)).read(200)
    assert member.startswith(b"WARC/1.1\r\nWARC-Type: response\r\n")


def _at(path: Path, offset: int):
    handle = open(path, "rb")
    handle.seek(offset)
    return handle


def test_writer_rolls_files_and_each_starts_with_warcinfo(tmp_path: Path) -> None:
    settings = dataclasses.replace(DEFAULT_SETTINGS, warc_file_bytes=1)  # a new file after every page
    target = tmp_path / "night.warc.gz"
    with WarcWriter(target, settings=settings) as writer:
        for n in range(3):
            writer.write_response(f"https://news.example/{n}", 200, {"Content-Type": "text/html"}, story(n), WHEN)
    assert [p.name for p in writer.paths] == ["night.warc.gz", "night-00001.warc.gz", "night-00002.warc.gz"]
    for path in writer.paths:
        assert gzip.open(path).read(60).startswith(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n")
    docs, errors = split(read_inputs([str(tmp_path)]))  # found by the directory walk, in name order
    assert errors == [] and [d.content for d in docs] == [story(1), story(2), story(0)]  # "-" sorts before "."



def test_written_files_are_read_by_warcio_with_digests_checked(tmp_path: Path) -> None:
    warcio = pytest.importorskip("warcio.archiveiterator",
                                 reason="warcio is not installed: the round trip through the other WARC library is skipped")
    with WarcWriter(tmp_path) as writer:
        response_id = writer.write_response("https://news.example/a", 200, {"Content-Type": "text/html"}, story(5),
                                            WHEN, {"Accept": "text/html"})
    with open(writer.paths[0], "rb") as handle:
        records = [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read())
                   for r in warcio.ArchiveIterator(handle, check_digests="raise")]
    assert [kind for kind, *_ in records] == ["warcinfo", "request", "response"]
    (_, info, _, fields), (_, request, sent, _), (_, response, _, body) = records
    assert b"software: provenance/" in fields and info.protocol == "WARC/1.1"
    assert response.get_header("WARC-Record-ID") == response_id
    assert request.get_header("WARC-Concurrent-To") == response_id
    assert response.get_header("WARC-Payload-Digest") and response.get_header("WARC-Block-Digest")
    assert body == story(5)
    assert sent.get_header("Host") == "news.example" and sent.get_header("Accept") == "text/html"


# --- archives made by others -------------------------------------------------------------------------


def _fastwarc_record(kind: WarcRecordType, url: str, block: bytes, ctype: str) -> WarcRecord:
    record = WarcRecord()
    record.init_headers(kind)
    record.headers.set("WARC-Target-URI", url)
    record.headers.set("WARC-Date", "2024-05-01T12:00:00Z")
    record.headers.set("Content-Type", ctype)
    record.set_bytes_content(block)
    return record


def test_archive_made_with_the_library_yields_only_html_and_text_200s(tmp_path: Path) -> None:
    body = b"<html><p>a chunked and gzipped story body</p></html>"
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 9]), body[i:i + 9]) for i in range(0, len(body), 9)) + b"0\r\n\r\n"
    resp = "application/http; msgtype=response"
    records = [
        (WarcRecordType.warcinfo, "", b"software: someone else\r\n", "application/warc-fields"),
        (WarcRecordType.request, "http://o.example/1", b"GET /1 HTTP/1.1\r\nHost: o.example\r\n\r\n",
         "application/http; msgtype=request"),
        (WarcRecordType.response, "http://o.example/1", http(chunked, b"Transfer-Encoding: chunked\r\n"), resp),
        (WarcRecordType.metadata, "http://o.example/1", b"fetchTimeMs: 12\r\n", "application/warc-fields"),
        (WarcRecordType.response, "http://o.example/2", http(gzip.compress(body), b"Content-Encoding: gzip\r\n"), resp),
        (WarcRecordType.revisit, "http://o.example/1", http(b""), resp),
        (WarcRecordType.response, "http://o.example/logo", http(b"GIF89a...", ctype=b"image/gif"), resp),
        (WarcRecordType.response, "http://o.example/missing", http(b"<p>no</p>", status=b"404 Not Found"), resp),
        (WarcRecordType.response, "http://o.example/moved", http(b"", b"Location: /2\r\n", b"301 Moved"), resp),
        (WarcRecordType.response, "http://o.example/3",
         http(chunked, b"Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n")
         .replace(chunked, b"%x\r\n%s\r\n0\r\n\r\n" % (len(gzip.compress(body)), gzip.compress(body))), resp),
        (WarcRecordType.resource, "file:///notes.txt", b"Some notes in plain text.", "text/plain"),
    ]
    path = tmp_path / "others.warc.gz"
    with open(path, "wb") as handle:
        writer = GzipWriter(handle)
        for kind, url, block, ctype in records:
            _fastwarc_record(kind, url, block, ctype).write(writer)
            writer.finish()
        writer.close()
    skipped: Counter[str] = Counter()
    docs, errors = split(read_warc(path, skipped=skipped))
    assert errors == []
    assert [(d.url, d.content) for d in docs] == [
        ("http://o.example/1", body), ("http://o.example/2", body), ("http://o.example/3", body),
        ("file:///notes.txt", b"Some notes in plain text.")]
    assert docs[0].fetched == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert skipped == Counter({"warcinfo": 1, "request": 1, "metadata": 1, "revisit": 1, "not HTML or text": 1,
                               "HTTP 404": 1, "HTTP 301": 1})


def test_corrupt_middle_record_and_truncated_last_member(tmp_path: Path) -> None:
    bad = ok(2).replace(b"WARC/1.0", b"WXRC/9.Z")  # a damaged record header
    members = [gzip.compress(ok(1)), gzip.compress(bad), gzip.compress(ok(3)), gzip.compress(ok(4))[:-30]]
    offsets = [sum(len(m) for m in members[:i]) for i in range(len(members))]
    path = tmp_path / "broken.warc.gz"
    path.write_bytes(b"".join(members))
    docs, errors = split(read_warc(path))
    assert [d.content for d in docs] == [b"<p>page 1</p>", b"<p>page 3</p>"]
    assert [d.origin for d in docs] == [f"{path}#{offsets[0]}", f"{path}#{offsets[2]}"]
    assert [e.origin for e in errors] == [f"{path}#{offsets[1]}", f"{path}#{offsets[3]}"]
    assert "unreadable WARC record" in errors[0].reason
    assert errors[1].reason.startswith("truncated record")


def test_content_length_too_large_then_too_small_in_an_uncompressed_warc(tmp_path: Path) -> None:
    liar = raw_record("http://e.example/2", http(b"<p>page 2</p>"), length=100_000, n=2)
    short = raw_record("http://e.example/5", http(b"<p>page 5</p>"), length=20, n=5)
    parts = [ok(1), liar, ok(3), short, ok(6)]
    path = tmp_path / "plain.warc"
    path.write_bytes(b"".join(parts))
    docs, errors = split(read_warc(path))
    # the too-long record runs to the end of the file: refused as truncated, and the records it
    # swallowed are found again; the too-short one leaves data that is no record, named after it
    assert [d.url for d in docs] == ["http://e.example/1", "http://e.example/3", "http://e.example/6"]
    at = [sum(len(p) for p in parts[:i]) for i in range(len(parts))]
    assert [(e.origin, e.reason.split(":")[0]) for e in errors] == [
        (f"{path}#{at[1]}", "truncated record"), (f"{path}#{at[3]}", "unreadable data after this record")]


def test_a_first_member_cut_short_loses_only_that_record(tmp_path: Path) -> None:
    first = gzip.compress(ok(1))[:40]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(first + gzip.compress(ok(2)) + gzip.compress(ok(3)))
    docs, errors = split(read_warc(path))
    assert [d.url for d in docs] == ["http://e.example/2", "http://e.example/3"]
    assert [e.origin for e in errors] == [f"{path}#0"]


def test_oversize_body_refused_and_the_next_record_read(tmp_path: Path) -> None:
    settings = dataclasses.replace(DEFAULT_SETTINGS, max_input_bytes=1000)
    big = raw_record("http://e.example/big", http(b"<p>" + b"x" * 5000 + b"</p>"), n=9)
    bomb = raw_record("http://e.example/bomb", http(gzip.compress(b"<p>" + b"y" * 50_000), b"Content-Encoding: gzip\r\n"))
    path = tmp_path / "big.warc.gz"
    members = [gzip.compress(big), gzip.compress(bomb), gzip.compress(ok(2))]
    path.write_bytes(b"".join(members))
    docs, errors = split(read_warc(path, settings=settings))
    assert [d.url for d in docs] == ["http://e.example/2"]
    assert [(e.origin, e.reason) for e in errors] == [
        (f"{path}#0", "record body larger than 1000 bytes"),
        (f"{path}#{len(members[0])}", "decoded body larger than 1000 bytes")]


def test_empty_and_missing_warc(tmp_path: Path) -> None:
    (tmp_path / "empty.warc").write_bytes(b"")
    [error] = read_warc(tmp_path / "empty.warc")
    assert isinstance(error, InputError) and error.reason == "empty file"
    [error] = read_warc(tmp_path / "nope.warc.gz")
    assert isinstance(error, InputError) and "no such file" in error.reason


# --- read_inputs and the command line --------------------------------------------------------------


def test_read_inputs_knows_warc_by_name_or_by_its_first_bytes(tmp_path: Path) -> None:
    data = gzip.compress(ok(1)) + gzip.compress(ok(2))
    (tmp_path / "a.warc.gz").write_bytes(data)
    (tmp_path / "download").write_bytes(data)  # no suffix: found by its gzip member's WARC header
    (tmp_path / "plain.bin").write_bytes(ok(3))
    assert is_warc(tmp_path / "download") and is_warc(tmp_path / "plain.bin")
    assert not is_warc(tmp_path / "missing")
    skipped: Counter[str] = Counter()
    docs, errors = split(read_inputs([str(tmp_path / "a.warc.gz"), str(tmp_path / "download"),
                                      str(tmp_path / "plain.bin")], skipped=skipped))
    assert errors == [] and [d.url for d in docs] == ["http://e.example/1", "http://e.example/2"] * 2 + [
        "http://e.example/3"]
    assert docs[2].origin == f"{tmp_path / 'download'}#0"
    assert count_inputs([str(tmp_path / "a.warc.gz")]) is None  # records are not counted ahead


def test_cli_ingest_of_a_warc_stores_its_html_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROVENANCE_DB", raising=False)
    path = tmp_path / "crawl.warc.gz"
    with WarcWriter(path) as writer:
        for n in range(3):
            writer.write_response(f"https://news{n}.example/story", 200, {"Content-Type": "text/html"}, story(n), WHEN)
        writer.write_response("https://news0.example/gone", 404, {"Content-Type": "text/html"}, b"<p>no</p>", WHEN)
    db = tmp_path / "news.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == 3 and report["errors"] == []
    assert report["skipped"] == 1 + 4 + 1  # warcinfo, four requests, the 404
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT url, fetched_at FROM documents ORDER BY url").fetchall()
    assert [url for url, _ in rows] == [f"https://news{n}.example/story" for n in range(3)]
    assert all(fetched.replace(tzinfo=UTC) == WHEN for _, fetched in rows)
    text = CliRunner().invoke(app, ["ingest", str(path), "--db", str(db), "-q"])
    assert text.exit_code == 0 and "3 already stored" in text.stdout and "6 WARC records skipped" in text.stdout
