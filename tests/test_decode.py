"""Decoding bytes to text (BOM, Content-Type, <meta charset>, UTF-8, windows-1252) and HTML sniffing."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from provenance.decode import decode_bytes, looks_binary, looks_like_html
from provenance.errors import InputError

SEED = Path(__file__).resolve().parents[1] / "seeds" / "elrisala-pakistan-bangladesh.txt"


def test_windows_1252_page_declared_in_meta_charset():
    page = '<html><head><meta charset="windows-1252"><title>t</title></head><body><p>Café “quoted” – fine €5</p>'
    text, encoding = decode_bytes(page.encode("cp1252"))
    assert "Café “quoted” – fine €5" in text
    assert codecs.lookup(encoding).name == "cp1252"


def test_meta_http_equiv_charset_is_read():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">'
            "</head><body><p>Łódź i Gdańsk</p>")
    text, encoding = decode_bytes(page.encode("iso-8859-2"))
    assert "Łódź i Gdańsk" in text
    assert codecs.lookup(encoding).name == "iso8859-2"


def test_latin1_label_means_windows_1252():
    # Pages that say iso-8859-1 use 0x93/0x94 as curly quotes, as browsers assume.
    page = b'<meta charset="iso-8859-1"><p>\x93quoted\x94</p>'
    text, _ = decode_bytes(page)
    assert "“quoted”" in text


def test_utf16_with_bom_is_text_not_binary():
    data = codecs.BOM_UTF16_LE + "Hello, wörld\r\nsecond line".encode("utf-16-le")
    assert not looks_binary(data)
    text, encoding = decode_bytes(data)
    assert text == "Hello, wörld\nsecond line"
    assert encoding.startswith("utf-16")


def test_utf8_bom_is_dropped():
    text, encoding = decode_bytes(codecs.BOM_UTF8 + "naïve".encode())
    assert text == "naïve"
    assert encoding == "utf-8"


def test_invalid_utf8_never_raises_and_falls_back_to_windows_1252():
    data = "résumé".encode("utf-8") + b" broken \xff\xfe\x81 bytes and caf\xe9"
    text, encoding = decode_bytes(data)
    assert "caf" in text and "bytes" in text
    assert codecs.lookup(encoding).name == "cp1252"


def test_content_type_charset_wins_over_meta_and_detection():
    page = '<meta charset="utf-8"><p>Пример текста</p>'
    text, encoding = decode_bytes(page.encode("koi8-r"), "text/html; charset=KOI8-R")
    assert "Пример текста" in text
    assert codecs.lookup(encoding).name == "koi8-r"


def test_unknown_charset_name_falls_through_to_utf8():
    text, encoding = decode_bytes("ünïcode".encode(), "text/plain; charset=x-no-such-charset")
    assert text == "ünïcode"
    assert encoding == "utf-8"


def test_newlines_are_normalised():
    text, _ = decode_bytes(b"one\r\ntwo\rthree\n")
    assert text == "one\ntwo\nthree\n"


def test_binary_data_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert looks_binary(png)
    with pytest.raises(InputError) as caught:
        decode_bytes(png, origin="picture.png")
    assert caught.value.origin == "picture.png"


def test_control_heavy_data_is_binary_but_ordinary_text_is_not():
    assert looks_binary(bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 100 + b"text")
    assert not looks_binary("Plain text\twith tabs\nand lines.\f".encode())


@pytest.mark.parametrize(
    "text",
    [
        "<!DOCTYPE html><html><head><title>x</title></head><body><p>Hi</p></body></html>",
        "\n\n  <html lang='en'><body>hello</body></html>",
        "<p>First paragraph.</p>\n<p>Second paragraph.</p>\n<div>Third</div>",
        "<body><div class='x'>content</div></body>",
    ],
)
def test_html_is_detected_by_content(text):
    assert looks_like_html(text)


@pytest.mark.parametrize(
    "text",
    [
        "Just a plain article.\n\nIt talks about the <p> tag once, in passing.",
        "A markdown title\n\nSome *emphasis* and a [link](https://example.com).",
        "",
    ],
)
def test_plain_text_is_not_html(text):
    assert not looks_like_html(text)


def test_seed_is_plain_text():
    assert not looks_like_html(SEED.read_text(encoding="utf-8"))
