"""Charset decoding measured: provenance.decode against charset-normalizer (httpx's former choice).

A decoding is right when the gold text's words with non-ASCII characters appear in it (after
HTML entities are resolved): at least 90 % of them, on pages whose gold has at least 3 such words.
The gold is independent of both decoders: the benchmarks' own labels (article-extraction-benchmark
articleBody, metadata-evaldata title and "with" snippets), or the text we encoded ourselves.

Sets:
  real      the shared pages as stored (declared or not, as found on the web), no HTTP header;
  undeclared the same pages decoded right (by the gold), their charset declarations removed and
            re-encoded in the legacy charset of their language where every character fits
            (windows-1252 / -1250 / -1251 / iso-8859-7 / shift_jis …);
  faults    header lies: UTF-8 bytes served as iso-8859-1, windows-1252 bytes served as utf-8,
            windows-1251 and KOI8-R pages with no declaration (the loopback fault cases);
  samples   tests/test_decode.py's prose in 17 legacy charsets, undeclared.

Run: PYTHONPATH=. python benchmarks/charset.py
"""

from __future__ import annotations

import gzip
import html
import json
import re
import sys
import time
from pathlib import Path

import charset_normalizer

from provenance.decode import decode_bytes

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
_META = re.compile(rb"<meta[^>]*charset[^>]*>", re.I)
_XML_DECL = re.compile(rb"<\?xml[^>]*encoding[^>]*\?>", re.I)


def ours(data: bytes, content_type: str | None) -> str:
    return decode_bytes(data, content_type)[0]


def cn_bytes(data: bytes, content_type: str | None) -> str:
    """charset-normalizer alone on the bytes (it finds <meta charset> itself: preemptive_behaviour)."""
    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", "replace")


def httpx_style(data: bytes, content_type: str | None) -> str:
    """What httpx < 0.28 did with response.text: the header's charset, else charset-normalizer."""
    found = re.search(r"charset=([\w.:-]+)", content_type or "", re.I)
    if found:
        try:
            return data.decode(found.group(1), "replace")
        except LookupError:
            pass
    return cn_bytes(data, content_type)


DECODERS = {"decode.py": ours, "charset-normalizer": cn_bytes, "header, else charset-normalizer": httpx_style}


def non_ascii_words(text: str) -> list[str]:
    return [w.strip(".,;:!?()\"'«»„“”‘’") for w in text.split() if not w.isascii()]


def right(decoded: str, gold_words: list[str]) -> bool:
    text = html.unescape(decoded)
    return sum(w in text for w in gold_words) >= 0.9 * len(gold_words)


def real_pages() -> list[tuple[str, bytes, list[str]]]:
    pages = []
    truth = json.loads((SHARED / "article-extraction-benchmark" / "ground-truth.json").read_text())
    for key, item in truth.items():
        path = SHARED / "article-extraction-benchmark" / "html" / f"{key}.html.gz"
        words = non_ascii_words(item["articleBody"])
        if path.exists() and len(words) >= 3:
            pages.append((f"aeb/{key}", gzip.decompress(path.read_bytes()), words[:400]))
    evaldata = json.loads((SHARED / "metadata-evaldata" / "evaldata.json").read_text())
    for url, item in evaldata.items():
        path = SHARED / "metadata-evaldata" / "html" / f"{item['file']}.gz"
        if not path.exists():
            path = SHARED / "metadata-evaldata" / "html" / item["file"]
        words = non_ascii_words(" ".join([item.get("title") or "", *item.get("with", [])]))
        if path.exists() and len(words) >= 3:
            data = path.read_bytes()
            pages.append((f"meta/{item['file']}", gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data, words))
    return pages


LEGACY_BY_SCRIPT = ("cp1252", "cp1250", "cp1251", "iso8859_7", "cp1254", "shift_jis", "gb18030", "big5", "euc_kr")


def undeclared(pages: list[tuple[str, bytes, list[str]]]) -> list[tuple[str, bytes, list[str]]]:
    """Pages decode.py gets right, re-encoded in a legacy charset with no declaration left."""
    out = []
    for name, data, words in pages:
        text = ours(data, None)
        if not right(text, words):
            continue
        for charset in LEGACY_BY_SCRIPT:
            try:
                encoded = text.encode(charset)
            except UnicodeEncodeError:
                continue
            encoded = _XML_DECL.sub(b"", _META.sub(b"", encoded))
            out.append((f"{name}@{charset}", encoded, words))
            break
    return out


def faults(pages: list[tuple[str, bytes, list[str]]]) -> list[tuple[str, bytes, str | None, list[str]]]:
    from tests.test_decode import SAMPLES  # our own prose, 190+ characters each

    cases = []
    for name, data, words in pages:
        text = ours(data, None)
        if not right(text, words):
            continue
        bare = _META.sub(b"", text.encode("utf-8"))
        cases.append((f"{name} utf-8 as iso-8859-1", bare, "text/html; charset=iso-8859-1", words))
        try:
            legacy = _META.sub(b"", text.encode("cp1252"))
        except UnicodeEncodeError:
            continue
        cases.append((f"{name} cp1252 as utf-8", legacy, "text/html; charset=utf-8", words))
    for language in ("russian", "russian_2"):
        page = f"<html><head><title>t</title></head><body><p>{SAMPLES[language]}</p></body></html>"
        for charset in ("cp1251", "koi8_r"):
            cases.append((f"{language} {charset} undeclared", page.encode(charset), "text/html",
                          non_ascii_words(SAMPLES[language])))
    return cases


def samples() -> list[tuple[str, bytes, list[str]]]:
    from tests.test_decode import LEGACY_CASES, SAMPLES

    out = []
    for language, charset in LEGACY_CASES:
        text = SAMPLES[language]
        words = non_ascii_words(text) or list(text[:40])
        out.append((f"{language}@{charset}", text.encode(charset), words))
    return out


def measure(label: str, cases: list[tuple[str, bytes, str | None, list[str]]]) -> None:
    print(f"\n{label}: {len(cases)} cases")
    for decoder_name, decoder in DECODERS.items():
        ok, wrong, started = 0, [], time.perf_counter()
        for name, data, content_type, words in cases:
            if right(decoder(data, content_type), words):
                ok += 1
            else:
                wrong.append(name)
        elapsed = time.perf_counter() - started
        print(f"  {decoder_name:34s} {ok:4d}/{len(cases)} right  {1000 * elapsed / max(len(cases), 1):7.2f} ms/case"
              f"  wrong: {wrong[:6]}{' …' if len(wrong) > 6 else ''}")


def main() -> int:
    if not SHARED.exists():
        print("no ../shared/data: nothing to measure")
        return 0
    print(f"charset-normalizer {charset_normalizer.__version__}")
    pages = real_pages()
    measure("real pages as stored (no HTTP header)", [(n, d, None, w) for n, d, w in pages])
    measure("the same, re-encoded in a legacy charset, undeclared",
            [(n, d, None, w) for n, d, w in undeclared(pages)])
    measure("header lies and undeclared Cyrillic (loopback fault cases)", faults(pages))
    measure("tests/test_decode.py prose, 17 legacy charsets, undeclared", [(n, d, None, w) for n, d, w in samples()])
    return 0


if __name__ == "__main__":
    sys.exit(main())
