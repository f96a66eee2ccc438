"""Turn command-line targets (paths, directories, URLs, ``-``, JSON Lines files) into raw documents.

:func:`read_inputs` yields, in order, one :class:`~provenance.models.RawDocument` per document or
one :class:`~provenance.errors.InputError` per bad input. Errors are *yielded*, not raised, so one
bad file or URL in a batch never loses the rest; the caller decides how to report them.

Bytes are not decoded here (except JSON Lines, which is UTF-8 by definition): decoding and the
HTML-versus-text decision belong to later stages. This module only refuses inputs that are
clearly not documents: missing, unreadable, empty, too large, or binary.

A JSON Lines record is cleaned or refused as that line's error (``file.jsonl:12``), never passed on
half-valid: a lone surrogate (JSON's ``"\\ud800"``, which no later stage can encode) in ``text``,
``html``, ``title`` or ``site`` becomes U+FFFD, as undecodable bytes do; a ``url`` that urllib
refuses (``http://[::1``) or that holds a lone surrogate refuses the record, because the URL is the
document's identity and every later stage splits it; NUL characters are kept (they store and
tokenise as any other character). File names that are not UTF-8 are shown with ``\\xNN`` escapes.

A WARC file (``.warc``, ``.warc.gz``, or WARC by its first bytes) is read record by record by
:func:`provenance.warc.read_warc`, streamed like JSON Lines; records that are not documents are
counted in the caller's ``skipped`` counter.
"""

from __future__ import annotations

import hashlib

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from .errors import InputError
from .extract.metadata.dates import publication_problem
from .fetch import Fetcher, is_url
from .models import RawDocument
from .settings import DEFAULT_SETTINGS, Settings
from .text import replace_surrogates
from .urls import url_problem
from .warc import WARC_SUFFIXES, is_warc, read_warc

__all__ = ["read_inputs", "count_inputs", "STDIN_TARGET", "DOCUMENT_SUFFIXES", "JSONL_SUFFIXES"]

#: The target that means "read standard input", as in most Unix tools.
STDIN_TARGET = "-"

#: Suffixes that make a file a JSON Lines batch (one document per line) rather than one document.
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})

#: Files picked up when walking a directory (compared lower-case). ``""`` admits suffix-less
#: files (saved pages are often named after the URL slug). Anything else (images, archives,
#: stylesheets) is skipped without an error (a directory of saved pages always has such
#: siblings), counted by suffix in the ingest summary.
#: Files named explicitly on the command line are read whatever their suffix.
DOCUMENT_SUFFIXES = frozenset(
    {".html", ".htm", ".xhtml", ".txt", ".text", ".md", ".markdown", ""} | JSONL_SUFFIXES
)

#: How much of the start of an input the binary check looks at: enough to see past a header,
#: small enough to be free.
BINARY_SAMPLE_BYTES = 8192

#: Share of control characters above which a sample is binary. Real text has almost none besides
#: tab/newline/CR/FF; compressed or image data has ~12 % of bytes in that range.
MAX_CONTROL_SHARE = 0.10

#: C0 controls that real text contains: tab, LF, VT, FF, CR, and ESC (ISO-2022-JP escapes).
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
_CONTROL_BYTES = (frozenset(range(0x20)) - _TEXT_CONTROLS) | {0x7F}  # C0 controls and DEL

#: Byte order marks of encodings whose text is full of NUL bytes, so a BOM means "text" even
#: though the NUL test would say binary. UTF-32 first: its LE BOM starts with UTF-16 LE's.
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_UTF8_BOM = b"\xef\xbb\xbf"

#: Record fields that hold a date, parsed as ISO 8601.
_DATE_FIELDS = ("published", "fetched")
#: Optional record fields that must be strings when present.
_STRING_FIELDS = ("url", "site", "title")


def read_inputs(
    targets: Sequence[str],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    stdin: BinaryIO | None = None,
    fetcher: Fetcher | None = None,
    skipped: Counter[str] | None = None,
    skipped_files: Counter[str] | None = None,
) -> Iterator[RawDocument | InputError]:
    """Yield a :class:`RawDocument` per document, or an :class:`InputError` per bad input, in order.

    Each target is ``-`` (standard input, or ``stdin`` if given: one document), an http(s) URL
    (fetched with ``fetcher``, or with a :class:`Fetcher` created on first use and closed at the
    end), a directory (its document files, recursively, sorted by path, hidden names skipped),
    a ``.jsonl``/``.ndjson`` file (one document per record), a WARC file (one document per HTML
    or text response; the records skipped are counted by reason in ``skipped``), or any other
    file (one document). The files a directory walk passes over are counted by reason in
    ``skipped_files`` (see :data:`SKIP_HIDDEN`, :data:`SKIP_NOT_REGULAR`, :func:`skip_reason`).
    """
    own_fetcher: Fetcher | None = None
    try:
        for target in targets:
            if target == STDIN_TARGET:
                yield _read_stdin(stdin, settings)
            elif is_url(target):
                if fetcher is None:
                    fetcher = own_fetcher = Fetcher(settings)
                try:
                    yield fetcher.fetch(target)
                except InputError as exc:  # FetchError is an InputError
                    yield exc
            elif not target:
                yield InputError('""', "empty path")
            elif os.path.isdir(target):
                yield from _read_directory(Path(target), target, settings, skipped, skipped_files)
            else:
                yield from _read_file(Path(target), target, settings, skipped)
    finally:
        if own_fetcher is not None:
            own_fetcher.close()


def count_inputs(targets: Sequence[str]) -> int | None:
    """How many inputs ``targets`` hold, counted cheaply (lines of JSON Lines files, eligible
    files of directories, one per other target), for progress; None when a target cannot be
    counted (an unreadable path: reading it will say why; a WARC file, whose records would have
    to be read)."""
    total = 0
    try:
        for target in targets:
            if target == STDIN_TARGET or is_url(target) or not target:
                total += 1
            elif os.path.isdir(target):
                for path in _walk(Path(target), Counter()):
                    total += _count_file(path) if isinstance(path, Path) else 1
            else:
                total += _count_file(Path(target))
    except (OSError, _Uncounted):
        return None
    return total


class _Uncounted(Exception):
    """A target whose inputs cannot be counted cheaply."""


def _count_file(path: Path) -> int:
    if path.name.lower().endswith(WARC_SUFFIXES):
        raise _Uncounted(path)
    if path.suffix.lower() not in JSONL_SUFFIXES:
        return 1
    lines = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            lines += chunk.count(b"\n")
    return max(1, lines)


# --- standard input ------------------------------------------------------------------------------


def _read_stdin(stdin: BinaryIO | None, settings: Settings) -> RawDocument | InputError:
    """All of standard input as one document."""
    if stdin is None:
        if sys.stdin is None:  # e.g. a GUI or daemon process
            return InputError("stdin", "no standard input")
        stdin = sys.stdin.buffer
    limit = settings.max_input_bytes
    try:
        data = stdin.read(limit + 1)
    except OSError as exc:
        return InputError("stdin", _os_reason(exc))
    if len(data) > limit:
        return InputError("stdin", f"input larger than {limit} bytes")
    problem = _content_problem(data, "input")
    if problem:
        return InputError("stdin", problem)
    # each text read from stdin is its own page: name it by its bytes, so two different texts are
    # never taken for versions of one page
    digest = hashlib.blake2b(data, digest_size=8).hexdigest()
    return RawDocument(url=f"stdin:{digest}", content=data, origin="stdin")


# --- directories ---------------------------------------------------------------------------------


def _read_directory(root: Path, target: str, settings: Settings, skipped: Counter[str] | None,
                    skipped_files: Counter[str] | None = None) -> Iterator[RawDocument | InputError]:
    """The documents of every eligible file below ``root``.

    If the walk yields nothing at all (no document and no error), one error says so. A directory
    whose files were all refused does not get that extra error: each file's own error says more.
    """
    produced = False
    for path in _walk(root, skipped_files if skipped_files is not None else Counter()):
        if isinstance(path, InputError):
            produced = True
            yield path
            continue
        produced = produced or path.name.lower().endswith(WARC_SUFFIXES)  # its records may all be skipped
        for item in _read_file(path, str(path), settings, skipped):
            produced = True
            yield item
    if not produced:
        yield InputError(_printable(target), "no HTML, text, JSON Lines or WARC files found")


#: Why a directory walk passes over an entry (``skipped_files``): a hidden name (``.git``, ``.DS_Store``;
#: a hidden directory counts once), or not a regular file (a FIFO, socket or broken link). Any other
#: file is skipped by its suffix: :func:`skip_reason`.
SKIP_HIDDEN, SKIP_NOT_REGULAR = "hidden name", "not a regular file"


def skip_reason(path: Path) -> str:
    """Why a file of this name is passed over in a directory: its suffix (".png", ".pdf") is not one
    of :data:`DOCUMENT_SUFFIXES` or a WARC's."""
    return path.suffix.lower()


def _walk(directory: Path, skipped: Counter[str]) -> Iterator[Path | InputError]:
    """Regular files below ``directory`` with an eligible suffix, in path order; the entries passed
    over are counted by reason in ``skipped``.

    Visiting entries sorted by name and descending into each directory in place gives the same
    order as sorting all paths (component by component); a stack of listings does it without
    recursion, however deep the tree. Hidden names (``.git``, ``.DS_Store``) are skipped, symlinked
    directories are not followed (no loops), and non-regular files (FIFOs, sockets, broken links)
    are skipped because reading them could block or fail. An unreadable directory is an error.
    """
    listings: list[_Listing] = []
    listing = _listing(directory)
    if isinstance(listing, InputError):
        yield listing
        return
    listings.append(listing)
    skipped[SKIP_HIDDEN] += listing.hidden
    while listings:
        found = next(listings[-1], None)
        if found is None:
            listings.pop()
            continue
        path, entry = found
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()  # follows a symlink to a regular file
        except OSError as exc:
            yield InputError(_printable(str(path)), _os_reason(exc))
            continue
        if is_dir:
            listing = _listing(path)
            if isinstance(listing, InputError):
                yield listing
            else:
                listings.append(listing)
                skipped[SKIP_HIDDEN] += listing.hidden
        elif not is_file:
            skipped[SKIP_NOT_REGULAR] += 1
        elif path.suffix.lower() in DOCUMENT_SUFFIXES or path.name.lower().endswith(WARC_SUFFIXES):
            yield path
        else:
            skipped[skip_reason(path)] += 1


class _Listing:
    """The visible entries of a directory, sorted by name (with their paths), and how many hidden
    ones were left out."""

    def __init__(self, directory: Path, entries: list[os.DirEntry]) -> None:
        visible = [(directory / entry.name, entry) for entry in entries if not entry.name.startswith(".")]
        self.hidden = len(entries) - len(visible)
        self._entries = iter(visible)

    def __iter__(self) -> _Listing:
        return self

    def __next__(self) -> tuple[Path, os.DirEntry]:
        return next(self._entries)


def _listing(directory: Path) -> _Listing | InputError:
    """The visible entries of ``directory`` sorted by name (with their paths), or why it cannot be read."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        return InputError(_printable(str(directory)), _os_reason(exc))
    return _Listing(directory, entries)


# --- files ---------------------------------------------------------------------------------------


def _read_file(path: Path, origin: str, settings: Settings,
               skipped: Counter[str] | None = None) -> Iterator[RawDocument | InputError]:
    """One file: a JSON Lines batch by suffix, a WARC by suffix or first bytes, otherwise one
    document of raw bytes."""
    origin = _printable(origin)
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _read_jsonl(path, origin, settings)
        return
    if is_warc(path):
        yield from read_warc(path, settings=settings, origin=origin, skipped=skipped)
        return
    limit = settings.max_input_bytes
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > limit:  # don't read 1 GB to refuse it
                yield InputError(origin, f"file larger than {limit} bytes")
                return
            data = handle.read(limit + 1)  # FIFOs and /proc files report size 0
    except OSError as exc:
        yield InputError(origin, _os_reason(exc))
        return
    if len(data) > limit:
        yield InputError(origin, f"file larger than {limit} bytes")
        return
    problem = _content_problem(data, "file")
    if problem:
        yield InputError(origin, problem)
        return
    yield RawDocument(url=path.resolve().as_uri(), content=data, origin=origin)


def _read_jsonl(path: Path, origin: str, settings: Settings) -> Iterator[RawDocument | InputError]:
    """One document per non-blank line of a JSON Lines file; a bad line is an error for that line.

    The file is streamed (it is a batch, so the size limit applies per line, not to the file).
    """
    limit = settings.max_input_bytes
    file_uri = path.resolve().as_uri()
    try:
        with open(path, "rb") as handle:
            head = handle.read(BINARY_SAMPLE_BYTES)
            if _is_binary(head):
                yield InputError(origin, "binary file, not HTML or text")
                return
            handle.seek(0)
            records = 0
            lineno = 0
            while True:
                raw = handle.readline(limit + 1)
                if not raw:
                    break
                lineno += 1
                where = f"{origin}:{lineno}"
                if len(raw) > limit and not raw.endswith(b"\n"):
                    _skip_rest_of_line(handle)
                    yield InputError(where, f"line larger than {limit} bytes")
                    continue
                if lineno == 1 and raw.startswith(_UTF8_BOM):
                    raw = raw[len(_UTF8_BOM):]
                if not raw.strip():
                    continue
                records += 1
                yield _parse_record(raw, where, f"{file_uri}#L{lineno}")
    except OSError as exc:
        yield InputError(origin, _os_reason(exc))
        return
    if records == 0:
        yield InputError(origin, "empty file")


def _skip_rest_of_line(handle: BinaryIO) -> None:
    """Read past the end of an over-long line without holding it in memory."""
    while True:
        chunk = handle.readline(1 << 16)
        if not chunk or chunk.endswith(b"\n"):
            return


def _parse_record(raw: bytes, where: str, default_url: str) -> RawDocument | InputError:
    """One JSON Lines record → a document (or the reason it is not one)."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputError(where, f"not UTF-8 (byte {exc.start + 1})")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(where, f"malformed JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:  # json parses recursively: arrays or objects nested ~1000 deep
        return InputError(where, "malformed JSON: nested too deeply")
    except ValueError:  # int() refuses numbers of more than sys.get_int_max_str_digits() digits
        return InputError(where, "malformed JSON: a number too long to read")
    if not isinstance(record, dict):
        return InputError(where, f"not a JSON object but {_json_type(record)}")

    # html wins over text; null or "" counts as absent so a record may carry an empty html field.
    for field, hint in (("html", "html"), ("text", "text")):
        content = record.get(field)
        if content is None or content == "":
            continue
        if not isinstance(content, str):
            return InputError(where, f"'{field}' is {_json_type(content)}, not a string")
        break
    else:
        return InputError(where, "no 'text' or 'html' field")
    # A "\ud800" escape decodes to a lone surrogate, which no later stage can encode: in text it
    # becomes U+FFFD, as undecodable bytes do. Only JSON escapes make them (raw holds valid UTF-8).
    escaped = b"\\u" in raw
    if escaped:
        content = replace_surrogates(content)

    strings: dict[str, str | None] = {}
    for field in _STRING_FIELDS:
        value = record.get(field)
        if value is not None and not isinstance(value, str):
            return InputError(where, f"'{field}' is {_json_type(value)}, not a string")
        strings[field] = (replace_surrogates(value) if escaped and value else value) or None  # "" = missing
    url = record.get("url")
    if url:
        # The URL is the document's identity and every later stage splits it: a URL urllib refuses
        # ("http://[::1") or one with a lone surrogate is refused, not stored as an opaque string.
        problem = "a lone surrogate" if strings["url"] != url else url_problem(url)
        if problem:
            return InputError(where, f"malformed 'url' ({problem}): {_shown(url)}")

    dates: dict[str, datetime | None] = {}
    for field in _DATE_FIELDS:
        try:
            dates[field] = _parse_date(record.get(field))
        except ValueError:
            return InputError(where, f"bad '{field}' date: {_shown(record.get(field))}")
    problem = publication_problem(dates["published"]) if dates["published"] is not None else None
    if problem:  # the rule pages' dates follow: a record is refused rather than dated wrongly
        return InputError(where, f"'published' {_shown(record.get('published'))} is not a publication time "
                                 f"({problem}); leave it out when the time is unknown")

    return RawDocument(
        url=strings["url"] or default_url,
        content=content,
        origin=where,
        format_hint=hint,
        site=strings["site"],
        title=strings["title"],
        published=dates["published"],
        fetched=dates["fetched"],
    )


def _shown(value: Any) -> str:
    """A JSON value as a message shows it: short, and printable (no lone surrogate)."""
    return replace_surrogates(json.dumps(value, ensure_ascii=False)[:60])


def _parse_date(value: Any) -> datetime | None:
    """ISO 8601 (a trailing ``Z`` allowed) → an aware datetime; naive means UTC. Raises ValueError."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _json_type(value: Any) -> str:
    """A JSON type name for messages: 'a number', 'an array' …"""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    return "a string"


# --- content checks ------------------------------------------------------------------------------


def _content_problem(data: bytes, noun: str) -> str | None:
    """Why ``data`` is not a document (empty, or binary), or None if it may be one."""
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            if not data[len(bom):].decode(codec, errors="replace").strip():
                return f"empty {noun}"
            return None  # UTF-16/32 text: NULs are expected
    if not data.removeprefix(_UTF8_BOM).strip():
        return f"empty {noun}"
    if _is_binary(data):
        return f"binary {noun}, not HTML or text"
    return None


def _is_binary(data: bytes) -> bool:
    """NUL bytes, or more than 10 % control characters, in the first 8 KB (a UTF-16/32 BOM is text).

    A private, deliberately tiny check; decoding proper is a later stage's job.
    """
    if data.startswith(tuple(bom for bom, _ in _WIDE_BOMS)):
        return False
    sample = data[:BINARY_SAMPLE_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    return controls > MAX_CONTROL_SHARE * len(sample)


def _printable(name: str) -> str:
    """A path as messages show it. Bytes of a file name that are not UTF-8 reach Python as lone
    surrogates, which cannot be printed or stored: they are shown as ``\\xNN``."""
    if name.isascii():
        return name
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no file system byte stands for
        return replace_surrogates(name)


def _os_reason(exc: OSError) -> str:
    """A short reason for an OS error: 'no such file or directory', 'permission denied' …"""
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc) or type(exc).__name__).lower()
