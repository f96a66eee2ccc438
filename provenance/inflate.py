"""Decompress HTTP bodies (and gzip files) within a size and a ratio budget.

A decompression bomb is a few kilobytes on the wire that inflate to gigabytes. :class:`Inflater`
decodes a ``Content-Encoding`` chunk by chunk and never produces more than the bytes it may still
keep (``zlib``'s ``max_length``), so a bomb is refused after at most ``max_bytes`` of output, and
usually far sooner: once the output passes :data:`RATIO_FLOOR_BYTES`, a body expanding more than
``max_ratio`` times its compressed size is refused on the spot. Only gzip and deflate are
decoded (what :mod:`provenance.fetch` advertises in ``Accept-Encoding``); anything else (br,
zstd, compress) is refused undecoded, so no unbounded decoder ever runs. Pure stdlib, no I/O.
"""

from __future__ import annotations

import zlib

from .errors import InputError

__all__ = ["Inflater", "SUPPORTED_ENCODINGS", "RATIO_FLOOR_BYTES", "gunzip"]

#: Content-Encoding values decoded here ("identity" and none mean the bytes as they are).
SUPPORTED_ENCODINGS = ("gzip", "x-gzip", "deflate")
#: The ratio test starts once this much has been decoded: a small body that compresses well
#: (a page of repeated markup) costs nothing to keep, whatever its ratio.
RATIO_FLOOR_BYTES = 1 << 20
#: Output produced per decompress call: the most a single step holds beyond the budget.
_STEP_BYTES = 1 << 16


class Inflater:
    """Incremental decoder of one ``Content-Encoding`` with a budget.

    ``feed(raw)`` returns the decoded bytes of a compressed chunk, ``finish()`` the rest;
    both raise :class:`InputError` (``origin`` and a one-line reason) when the output would pass
    ``max_bytes``, or expand more than ``max_ratio`` times the compressed input past
    :data:`RATIO_FLOOR_BYTES`, or the data is not what the encoding says. ``encoding`` ``None``,
    ``""`` or ``"identity"`` passes bytes through, still within ``max_bytes``.
    """

    __slots__ = ("encoding", "max_bytes", "max_ratio", "origin", "decoded", "consumed", "_d", "_pending",
                 "_wbits")

    def __init__(self, encoding: str | None, *, max_bytes: int, max_ratio: float, origin: str = "") -> None:
        name = (encoding or "identity").strip().lower()
        if name not in ("identity", *SUPPORTED_ENCODINGS):
            raise InputError(origin, f"content encoding {name} not supported")
        self.encoding = name
        self.max_bytes = max_bytes
        self.max_ratio = max_ratio
        self.origin = origin
        self.decoded = 0  # bytes produced so far
        self.consumed = 0  # compressed bytes fed so far
        self._pending = b""  # deflate: bytes held until the header tells zlib from raw deflate
        self._wbits = 31 if name in ("gzip", "x-gzip") else None
        self._d = zlib.decompressobj(31) if self._wbits else None

    def feed(self, raw: bytes) -> bytes:
        """The decoded bytes of ``raw``, the next chunk of the body as it came off the wire."""
        self.consumed += len(raw)
        if self.encoding == "identity":
            self._count(len(raw))
            return raw
        if self._d is None:  # deflate: RFC 9110 says zlib-wrapped, some servers send raw deflate
            self._pending += raw
            if len(self._pending) < 2:
                return b""
            first, second = self._pending[0], self._pending[1]
            self._wbits = 15 if first & 0x0F == 8 and (first << 8 | second) % 31 == 0 else -15
            self._d = zlib.decompressobj(self._wbits)
            raw, self._pending = self._pending, b""
        return self._inflate(raw)

    def finish(self) -> bytes:
        """The decoded rest, once the body has ended; refuses a compressed stream cut short."""
        if self.encoding == "identity":
            return b""
        if self._d is None:  # a deflate body of fewer than 2 bytes
            if self._pending:
                raise InputError(self.origin, "could not decode the response body: deflate data cut short")
            return b""
        tail = self._inflate(b"")
        if not self._d.eof:
            raise InputError(self.origin, f"could not decode the response body: {self.encoding} data cut short")
        return tail

    def _inflate(self, data: bytes) -> bytes:
        out: list[bytes] = []
        assert self._d is not None
        while True:
            room = self.max_bytes - self.decoded + 1  # one byte more than allowed proves "too large"
            try:
                piece = self._d.decompress(data, min(room, _STEP_BYTES))
            except zlib.error as exc:
                raise InputError(self.origin, f"could not decode the response body: {exc}") from None
            self._count(len(piece))
            out.append(piece)
            data = self._d.unconsumed_tail
            if self._d.eof and self._d.unused_data and self._wbits == 31:
                data = self._d.unused_data  # a further gzip member (concatenated .gz files)
                self._d = zlib.decompressobj(31)
                continue
            if not data and not piece:
                break
            if not data and len(piece) < min(room, _STEP_BYTES):
                break  # everything fed is decoded; more output needs more input
        return b"".join(out)

    def _count(self, produced: int) -> None:
        self.decoded += produced
        if self.decoded > self.max_bytes:
            where = "" if self.encoding == "identity" else " decompressed"
            raise InputError(self.origin, f"larger than {self.max_bytes} bytes{where}")
        if (self.encoding != "identity" and self.decoded > RATIO_FLOOR_BYTES
                and self.decoded > self.max_ratio * max(self.consumed - len(self._unconsumed()), 1)):
            raise InputError(self.origin, f"compressed more than {self.max_ratio:g}:1 (a decompression bomb)")

    def _unconsumed(self) -> bytes:
        return self._d.unconsumed_tail if self._d is not None else b""


def gunzip(data: bytes, *, max_bytes: int, max_ratio: float, origin: str = "") -> bytes:
    """``data`` (a gzip file, e.g. a ``sitemap.xml.gz`` served as application/gzip) decompressed
    within the same budget as a body: :class:`InputError` past ``max_bytes`` or ``max_ratio``."""
    inflater = Inflater("gzip", max_bytes=max_bytes, max_ratio=max_ratio, origin=origin)
    chunks = [inflater.feed(data[start : start + _STEP_BYTES]) for start in range(0, len(data), _STEP_BYTES)]
    chunks.append(inflater.finish())
    return b"".join(chunks)
