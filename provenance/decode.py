"""Turn raw input bytes into text, and tell HTML from plain text by content.

Decoding order (first that applies wins): byte-order mark → ``charset=`` of the HTTP Content-Type →
``<meta charset>`` / ``<meta http-equiv="Content-Type" content="…charset=…">`` in the first bytes →
strict UTF-8 → windows-1252 with replacement characters. Unknown or unusable charset names fall
through to the next step; bad bytes never raise (only binary data does, as :class:`InputError`).
Newlines are normalised to ``\\n``.
"""

from __future__ import annotations

import codecs
import re

from provenance.errors import InputError

__all__ = ["looks_binary", "decode_bytes", "looks_like_html", "normalise_newlines"]

#: Bytes inspected to call data binary: enough for any text header, cheap for a 20 MB file.
BINARY_SNIFF_BYTES = 8192
#: Share of control bytes (other than tab, newline, carriage return, form feed, escape) above which
#: data is binary. Legacy text files carry a stray control byte now and then, never this many.
BINARY_CONTROL_SHARE = 0.10
#: Bytes searched for a ``<meta charset>``: the HTML standard asks for it within the first 1024
#: bytes; real pages put long <head> scripts first, so we look a little further.
META_SNIFF_BYTES = 4096
#: Characters inspected to call text HTML.
HTML_SNIFF_CHARS = 4096
#: Tags per 1000 characters from which an undeclared fragment counts as HTML markup.
HTML_TAG_DENSITY = 2.0
#: Block tags an HTML fragment that does not start with a tag needs to count as HTML.
MIN_FRAGMENT_TAGS = 4
#: The fallback for bytes that are not UTF-8: windows-1252 is the de-facto "latin-1" of the web
#: (the HTML standard maps iso-8859-1 and us-ascii labels to it) and decodes every byte.
FALLBACK_ENCODING = "windows-1252"

# Longest BOM first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control bytes that plain text legitimately contains.
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")
_CHARSET_IN_HEADER = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.I)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_HTML_MARKERS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>|<article[\s>]", re.I
)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|span|a|h[1-6]|ul|ol|li|table|tr|td|section|img)\b[^>]*>", re.I)


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` looks like a binary file (NUL bytes or many control bytes at its start).

    UTF-16/32 text with a BOM is full of NUL bytes yet is text, so a BOM means not binary.
    """
    head = data[:BINARY_SNIFF_BYTES]
    if not head or any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in _TEXT_CONTROLS)
    return controls / len(head) > BINARY_CONTROL_SHARE


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR (and the Unicode line/paragraph separators) become ``\\n``."""
    return (
        text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    )


def _codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    # Per the HTML standard these labels mean windows-1252 (pages declare latin-1 but use 0x80–0x9F).
    if label in {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii", "l1"}:
        label = FALLBACK_ENCODING
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page that declares UTF-16 in a meta tag but has no BOM is really ASCII-compatible.
    if name.startswith(("utf-16", "utf-32")):
        return None
    return name


def _meta_charset(data: bytes) -> str | None:
    head = data[:META_SNIFF_BYTES]
    for tag in _META_TAG.finditer(head):
        found = _META_CHARSET.search(tag.group(0))
        if found:
            codec = _codec_name(found.group(1).decode("ascii", "ignore"))
            if codec:
                return codec
    return None


def decode_bytes(data: bytes, content_type: str | None = None, *, origin: str = "") -> tuple[str, str]:
    """Decode ``data`` to text; return ``(text, encoding name)``.

    Raises :class:`InputError` only for binary data; undecodable bytes become U+FFFD.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return normalise_newlines(data[len(bom) :].decode(name, errors="replace")), name
    if looks_binary(data):
        raise InputError(origin, "binary data, not text")
    declared = None
    if content_type:
        found = _CHARSET_IN_HEADER.search(content_type)
        declared = _codec_name(found.group(1)) if found else None
    declared = declared or _meta_charset(data)
    if declared:
        try:
            return normalise_newlines(data.decode(declared)), declared
        except UnicodeDecodeError:
            # A wrong declaration is common (pages say latin-1 and send UTF-8): try UTF-8 strictly
            # before accepting replacement characters from the declared charset.
            try:
                return normalise_newlines(data.decode("utf-8")), "utf-8"
            except UnicodeDecodeError:
                return normalise_newlines(data.decode(declared, errors="replace")), declared
    try:
        return normalise_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        return normalise_newlines(data.decode(FALLBACK_ENCODING, errors="replace")), FALLBACK_ENCODING


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is HTML markup, judged by its content (not by a file suffix).

    A document marker (doctype, ``<html>``, ``<head>``, ``<body>``, ``<meta>``, ``<title>``) near the
    start decides; otherwise a fragment counts when block tags are dense (a plain text that mentions
    ``<p>`` once is still plain text).
    """
    head = text[:HTML_SNIFF_CHARS].lstrip("\ufeff \t\n")
    if _HTML_MARKERS.search(head):
        return True
    tags = len(_BLOCK_TAG.findall(head))
    if tags < 2:
        return False
    density = tags * 1000 / max(len(head), 1)
    return density >= HTML_TAG_DENSITY and (head.startswith("<") or tags >= MIN_FRAGMENT_TAGS)
