"""Hostile inputs for the pure stages (read → decode → extract → fingerprint), seeded and repeatable.

Shared by ``tests/test_fuzz.py`` (hypothesis, a few thousand inputs) and ``benchmarks/fuzz.py``
(a long multi-process campaign). Every generator takes a :class:`random.Random` and a ``scale``
(1.0 in the campaign: inputs up to the input size limit; smaller in CI) and returns a
:class:`FuzzInput`. :func:`exercise` runs one input through the stages and lets through only what
escapes them: the property is that nothing but :class:`~provenance.errors.InputError` ever does.

Kinds: ``mutation`` (a real page with bytes inserted, deleted, repeated, spliced, or hostile
snippets pasted in), ``structure`` (deep nesting of many tags including ``<div/>``, unclosed tags,
huge or many attributes, giant single lines, ``[`` runs and other Markdown, JSON-LD nesting,
comments/CDATA/script soup, formatting-element rebuilds, entities, bylines and credits),
``random`` (random bytes, random markup-alphabet bytes), ``codec`` (a charset name Python knows in
``<meta charset>`` or in the Content-Type) and ``jsonl`` (JSON Lines records whose fields hold
hostile values, read by :func:`provenance.inputs.read_inputs`).
"""

from __future__ import annotations

import codecs
import encodings
import encodings.aliases
import gzip
import json
import math
import pkgutil
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from provenance.errors import InputError
from provenance.extract import extract_metadata
from provenance.inputs import read_inputs
from provenance.models import RawDocument
from provenance.pipeline import prepare_document

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "harbour-strike"
BENCHMARK_PAGES = ROOT.parent / "shared" / "data" / "article-extraction-benchmark" / "html"

#: Bytes an input grows to at most at scale 1.0 (the default input size limit).
MAX_BYTES = 5_000_000
SENTENCE = "The harbour workers stayed out for a third day as talks with the port authority stalled again. "
PARAGRAPHS = "".join(f"<p>{SENTENCE * 3}</p>" for _ in range(3))

#: Every name Python can look a codec up by: aliases, their targets, and the encodings modules.
CODEC_NAMES = sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values())
                     | {module.name for module in pkgutil.iter_modules(encodings.__path__)}
                     | {"x-sjis", "windows-31j", "gb2312", "utf-16", "utf-32", "unicode-1-1-utf-7", ""})

TAGS = ["div", "ul", "ol", "li", "p", "span", "b", "i", "em", "strong", "font", "a", "nobr", "table", "tr", "td",
        "th", "tbody", "caption", "select", "option", "optgroup", "button", "form", "object", "applet", "marquee",
        "template", "h1", "h2", "dl", "dt", "dd", "blockquote", "section", "article", "main", "header", "nav",
        "x-custom", "svg", "g", "path", "math", "mi", "mtext", "annotation-xml", "foreignObject", "desc", "title",
        "script", "style", "textarea", "xmp", "iframe", "noscript", "noembed", "plaintext", "pre", "listing",
        "img", "br", "input", "link", "meta", "hr", "area", "col", "source", "frameset", "frame", "body", "html",
        "head", "image", "ruby", "rt", "rp", "time", "address", "center", "menu", "details", "summary", "figure"]
SNIPPETS = [
    "<", ">", "</", "/>", "<!--", "-->", "<![CDATA[", "]]>", "<script>", "</script>", "<style>", "<title>",
    "<textarea>", "<plaintext>", "<svg>", "</svg>", "<math>", "<table>", "<td>", "<tr>", "<b>", "</b>", "<p>",
    "<div/>", "<li>", "&", "&#", "&#x110000;", "&#0;", "&amp", "&nbsp", "\x00", "\r", "\x0c", "\ufeff", "\u202e",
    "\u2028", "\ud7ff", "\U0001F600", "\u0301" * 20, '"', "'", "=", "<meta charset=utf-16>",
    '<meta charset="base64">', "<meta http-equiv=content-type content='text/html; charset=hz'>",
    '<link rel=canonical href="http://[::1">', '<meta property="og:url" content="http://a\uff03b/">',
    '<script type="application/ld+json">{"@type":"NewsArticle","headline":' + "[" * 500,
    '<meta name="author" content="' + "redaktionsleiter " * 50 + '">', "[" * 100, "**" * 50, "# " * 50,
    "Source: ", "(With inputs from ", "ISLAMABAD (Reuters) - ", "As Reuters reported ", "By Jane Roe ",
    "<time datetime='9999-99-99T99:99'>", "<h1>" + "<span>" * 300, "\n\n", " " * 1000,
]


@dataclass(frozen=True)
class FuzzInput:
    """One generated input: a raw document, or the bytes of a JSON Lines file."""

    kind: str
    label: str
    raw: RawDocument | None = None
    jsonl: bytes | None = None

    @property
    def size(self) -> int:
        if self.jsonl is not None:
            return len(self.jsonl)
        content = self.raw.content
        return len(content) if isinstance(content, bytes) else len(content.encode("utf-8", "surrogatepass"))

    def data(self) -> bytes:
        """The input as bytes, to save as a reproducer."""
        if self.jsonl is not None:
            return self.jsonl
        content = self.raw.content
        return content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")


def document(kind: str, label: str, content: bytes | str, **kwargs) -> FuzzInput:
    return FuzzInput(kind, label, RawDocument(url=kwargs.pop("url", "https://fuzz.example/2024/05/01/story"),
                                              content=content, origin=f"fuzz:{label}", **kwargs))


# ---- the real pages mutated ----------------------------------------------------------------------

_seed_pages: list[bytes] | None = None


def seed_pages(with_benchmark: bool = True) -> list[bytes]:
    """The bundled corpus's pages (always), and the shared benchmark's 181 pages when present."""
    global _seed_pages
    if _seed_pages is None:
        pages = [path.read_bytes() for path in sorted(CORPUS.glob("*.html"))]
        for line in (CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            pages.append((record.get("html") or record.get("text") or "").encode("utf-8"))
        if with_benchmark and BENCHMARK_PAGES.is_dir():
            pages += [gzip.decompress(path.read_bytes()) for path in sorted(BENCHMARK_PAGES.glob("*.html.gz"))]
        _seed_pages = [page for page in pages if page]
    return _seed_pages


def mutation(rng: random.Random, scale: float = 1.0) -> FuzzInput:
    pages = seed_pages()
    data = bytearray(rng.choice(pages))
    steps = []
    for _ in range(rng.randint(1, 8)):
        step = rng.choice(["insert", "delete", "repeat", "splice", "snippet", "flip", "truncate", "case", "strip"])
        steps.append(step)
        at = rng.randrange(len(data) + 1)
        if step == "insert":
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        elif step == "delete" and data:
            del data[at:at + rng.randint(1, max(1, len(data) // 4))]
        elif step == "repeat" and data:
            chunk = bytes(data[at:at + rng.randint(1, 2000)])
            times = int(rng.randint(2, 2000) * scale) + 2
            data[at:at] = chunk * min(times, max(2, int(MAX_BYTES * scale) // max(1, len(chunk))))
        elif step == "splice":
            other = rng.choice(pages)
            start = rng.randrange(len(other) + 1)
            data[at:at] = other[start:start + rng.randint(1, 50_000)]
        elif step == "snippet":
            snippet = rng.choice(SNIPPETS).encode("utf-8", "surrogatepass")
            data[at:at] = snippet * rng.choice([1, 1, 2, 10, int(1000 * scale) + 1])
        elif step == "flip" and data:
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif step == "truncate":
            del data[at:]
        elif step == "case":
            data[at:at + 5000] = bytes(data[at:at + 5000]).swapcase()
        elif step == "strip":
            data = bytearray(bytes(data).replace(rng.choice([b"<", b">", b"/", b"\n", b'"', b"="]), b""))
    content = bytes(data[: int(MAX_BYTES * max(scale, 0.2))])
    content_type = rng.choice([None, None, "text/html", "text/html; charset=utf-8", "text/html; charset=x-broken"])
    return document("mutation", "+".join(steps), content, content_type=content_type)


# ---- structural extremes -------------------------------------------------------------------------


def _count(rng: random.Random, scale: float, largest: int = 200_000) -> int:
    """A repeat count, log-uniform from 1 to ``largest`` × scale: small and huge equally often."""
    return int(10 ** rng.uniform(0, math.log10(max(2.0, largest * scale))))


def _attributes(rng: random.Random) -> str:
    return rng.choice(["", "", " class=x", " id=a b=c", f' id="{rng.randrange(10**6)}"', " a=b/", " x='\">'",
                      ' style="display:none"', " hidden", ' itemprop="articleBody"', ' role="navigation"'])


def nesting(rng: random.Random, scale: float) -> str:
    tag, other = rng.choice(TAGS), rng.choice(TAGS)
    n = _count(rng, scale)
    attrs = _attributes(rng)
    pattern = rng.choice([
        f"<{tag}{attrs}>" * n,
        f"<{tag}{attrs}/>" * n,
        f"<{tag}{attrs}>" * n + f"</{tag}>" * n,
        f"<{tag}{attrs}></{other}>" * n,
        f"<{tag}{attrs}><{other}>" * n,
        f"<{tag}><{other}></{tag}></{other}>" * n,
        f"<{tag}>x<{other}>y" * n,
        f"<svg><{tag}{attrs}/>" * n,
        f"<math><{tag}>" * n,
    ])
    return f"<html><body>{PARAGRAPHS}{pattern}</body></html>"


def soup(rng: random.Random, scale: float) -> str:
    parts = []
    for _ in range(_count(rng, scale, 100_000)):
        tag = rng.choice(TAGS)
        parts.append(rng.choice([f"<{tag}>", f"</{tag}>", f"<{tag}{_attributes(rng)}>", f"<{tag}/>", "text ", " "]))
    return f"<html><body>{PARAGRAPHS}{''.join(parts)}"


def formatting_rebuilds(rng: random.Random, scale: float) -> str:
    tag = rng.choice(["b", "i", "font", "nobr", "a", "s", "u", "em"])
    entries = _count(rng, scale, 3000)
    paragraphs = _count(rng, scale, 30_000)
    opening = "".join(f"<{tag} id={i}>" if rng.random() < 0.8 else f"<{tag}>" for i in range(entries))
    closer = rng.choice(["</p>", "</div>", "</td>", "</table>", ""])
    point = rng.choice(["<p>x</p>", "<p>x", "<div>x</div>", "<table>x</table>", "<td>x", "<li>x", " x "])
    return f"<html><body>{PARAGRAPHS}<p>{opening}{closer}{point * paragraphs}"


def attributes(rng: random.Random, scale: float) -> str:
    if rng.random() < 0.5:
        value = rng.choice(["a", "<", ">", '"', "x y", "\\u0041", "&amp;"]) * _count(rng, scale, 2_000_000)
        quote = rng.choice(['"', "'", ""])
        close = rng.choice([quote, ""])
        tag = f"<div data-x={quote}{value}{close}>"
    else:
        tag = "<div" + "".join(f" a{i}=v{i}" for i in range(_count(rng, scale, 100_000))) + ">"
    return f"<html><body>{tag}{PARAGRAPHS}</div></body></html>"


def long_line(rng: random.Random, scale: float) -> str:
    atom = rng.choice(["word ", "a", "aaaa bbb ", "[", "](", "[a](", "**a ", "__", "# a", " #", "> ", "* ", "\t",
                       "(", "((", "“", "„quoted“ ", "'", "cookies,", "Source: ", "via A ", "As Reuters reported ",
                       "(PTI) ", "ISLAMABAD (Reuters) - ", "By Jane Roe ", "Ab", "é1Ab", "中文字", "ไทย", "\u0301",
                       "1.1.2020 ", "12/12/2020 ", "March 3, 2020 ", "http://x.y/", "@", "-1", "\x00", "\u200b",
                       "   ", ".", "…", "|", "&#", "\U0001F600"])
    text = atom * max(1, _count(rng, scale, 1_000_000) // len(atom))
    if rng.random() < 0.5:
        return text  # plain text (or Markdown)
    return f"<html><body>{PARAGRAPHS}<p>{text}</p></body></html>"


def json_ld(rng: random.Random, scale: float) -> str:
    n = _count(rng, scale, 200_000)
    body = rng.choice([
        "[" * n + "]" * n,
        '{"@graph":' * n + "1" + "}" * n,
        '{"@type":"NewsArticle","author":' + "[" * min(n, 990) + '"x"' + "]" * min(n, 990) + "}",
        '{"@type":' + "[" * min(n, 990) + '"NewsArticle"' + "]" * min(n, 990) + "}",
        '{"@type":"NewsArticle","author":[' + ",".join('"a"' for _ in range(n)) + "]}",
        '{"@type":"NewsArticle","datePublished":' + "1" * min(n, 100_000) + "}",
        '{"@id":{},"@type":{"a":[]},"author":{"@id":[1]},"headline":{"@value":[]}}',
        '{"@type":"NewsArticle","headline":"' + "x" * n + '"',
        "<!--" + '{"a":1,}' * n,
    ])
    return f'<html><head><script type="application/ld+json">{body}</script></head><body>{PARAGRAPHS}</body></html>'


def raw_text_soup(rng: random.Random, scale: float) -> str:
    atoms = ["<!--", "-->", "--!>", "<!-->", "<![CDATA[", "]]>", "<script>", "</script>", "<script", "<style>",
             "</style>", "<textarea>", "<title>", "</title>", "<xmp>", "<iframe>", "<noscript>", "<plaintext>",
             "<!DOCTYPE html>", "<?xml ?>", "</ >", "<>", "<", "x", "<div>"]
    parts = [rng.choice(atoms) for _ in range(_count(rng, scale, 100_000))]
    return f"<html><body>{PARAGRAPHS}{''.join(parts)}"


def metadata(rng: random.Random, scale: float) -> str:
    n = _count(rng, scale, 5000)
    value = rng.choice(["x" * 100_000, "2024-13-45", "9999-12-31T25:61:61+99:99", "http://[::1", "javascript:x",
                        "\ud7ff", "By " + "Jane Roe, " * 1000, " " * 50_000 + "!", "a" * 100 + "1",
                        "redaktionsleiter " * 2000, "2024-03-05T10:30:00Z"])
    value = value.replace('"', "&quot;")
    tags = [rng.choice(['<meta name="author" content="{}">', '<meta property="article:published_time" content="{}">',
                        '<link rel="canonical" href="{}">', '<meta property="og:url" content="{}">',
                        '<time datetime="{}">t</time>', '<meta name="syndication-source" content="{}">',
                        '<span class="byline">{}</span>', '<h1>{}</h1>', '<meta property="og:title" content="{}">']
                       ).format(value) for _ in range(min(n, 200))]
    return f"<html><head>{''.join(tags)}</head><body>{''.join(tags)}{PARAGRAPHS}</body></html>"


def encodings_mix(rng: random.Random, scale: float) -> bytes:
    text = (SENTENCE + "Café crème “quoted” – 中文 ") * max(1, int(200 * scale))
    codec = rng.choice(["utf-16", "utf-16-le", "utf-32", "cp1252", "shift_jis", "euc-kr", "gb18030", "koi8-r", "utf-8"])
    data = text.encode(codec, errors="replace")
    prefix = rng.choice([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE, b"\xff\xfe\x00"])
    if rng.random() < 0.5:
        data = b"<html><head><meta charset=" + rng.choice(CODEC_NAMES).encode() + b"></head><body><p>" + data
    return prefix + data[: int(MAX_BYTES * scale) + 100]


STRUCTURES = [nesting, soup, formatting_rebuilds, attributes, long_line, json_ld, raw_text_soup, metadata]


def structure(rng: random.Random, scale: float = 1.0) -> FuzzInput:
    generator = rng.choice(STRUCTURES + [encodings_mix])
    content = generator(rng, scale)
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass") if rng.random() < 0.8 else content
    if isinstance(content, bytes):
        content = content[: int(MAX_BYTES * max(scale, 0.2))]
    return document("structure", generator.__name__, content, format_hint=rng.choice([None, None, "html", "text"]))


# ---- random bytes --------------------------------------------------------------------------------


def random_bytes(rng: random.Random, scale: float = 1.0) -> FuzzInput:
    size = int(10 ** rng.uniform(0, 5.5) * scale) + 1
    if rng.random() < 0.5:
        data = rng.randbytes(size)
    else:
        alphabet = b"<>/=\"' \n\tabcdivpspanlitr!-[]{}&#;:\\\xc3\xa9\xe2\x80\x9c\x00"
        data = bytes(rng.choice(alphabet) for _ in range(min(size, 200_000)))
    return document("random", f"{len(data)} bytes", data, content_type=rng.choice([None, "text/html", "text/plain"]))


# ---- every codec name ----------------------------------------------------------------------------


def codec_input(name: str, where: str) -> FuzzInput:
    body = "<p>Café “quoted” – Пример 中文 \\u0041 +AD- ~{ " + SENTENCE * 3 + "</p>"
    data = body.encode("cp1252", errors="replace") + body.encode("utf-8")
    if where == "meta":
        return document("codec", f"meta {name}", f'<html><head><meta charset="{name}"></head><body>'.encode() + data)
    return document("codec", f"content-type {name}", b"<html><body>" + data,
                    content_type=f"text/html; charset={name}")


def codec(rng: random.Random, scale: float = 1.0) -> FuzzInput:
    return codec_input(rng.choice(CODEC_NAMES), rng.choice(["meta", "content-type"]))


# ---- JSON Lines records --------------------------------------------------------------------------

_HOSTILE_STRINGS = [
    '"\\ud800"', '"\\udfff tail"', '"\\ud83d\\ude00 ok"', '"http://[::1"', '"https://[abc]/x"', '"http://a\uff03b/"',
    '"https://ok.example/a"', '"\\u0000"', '""', '"   "', '"javascript:alert(1)"', '"file:///etc/passwd"',
    '"2024-03-01T10:00:00Z"', '"2024-13-45"', '"yesterday"', '"\\ud800-01-01"', "1" * 5000, "1e999", "NaN",
    "-Infinity", "null", "true", "[]", "{}", "[" * 2000 + "]" * 2000, '"' + "x" * 100_000 + '"',
    '"<html><body><p>' + SENTENCE * 5 + '</p>"', '"' + (SENTENCE * 5).replace(" ", "\\n") + '"',
]


def jsonl(rng: random.Random, scale: float = 1.0) -> FuzzInput:
    """A JSON Lines file of 1-20 records built by hand (json.dumps never writes a lone surrogate)."""
    lines = []
    for _ in range(rng.randint(1, 20)):
        fields = []
        for field in ("text", "html", "url", "title", "site", "published", "fetched"):
            if rng.random() < 0.6:
                value = rng.choice(_HOSTILE_STRINGS)
                if field in ("text", "html") and rng.random() < 0.5:
                    value = json.dumps(SENTENCE * 5 + rng.choice(["\ud800", "\x00", "\u202e", ""]) + SENTENCE,
                                       ensure_ascii=rng.random() < 0.5)
                fields.append(f'"{field}": {value}')
        line = "{" + ", ".join(fields) + "}"
        lines.append(rng.choice([line, line, line, line[: rng.randrange(len(line) + 1)], "[1,2]", "", "\ufeff" + line]))
    data = "\n".join(lines).encode("utf-8", "surrogatepass")  # a few lines hold raw surrogates: not UTF-8
    return FuzzInput("jsonl", f"{len(lines)} records", jsonl=data)


GENERATORS = {"mutation": mutation, "structure": structure, "random": random_bytes, "codec": codec, "jsonl": jsonl}


# ---- running one input ---------------------------------------------------------------------------


def _check_clean(prepared) -> None:
    """A prepared document holds no string the later stages cannot encode (a lone surrogate)."""
    article = prepared.document.article
    for value in (article.url, article.text, article.title, article.site, article.canonical_url, *article.authors,
                  *(credit.phrase for credit in article.credits), *(credit.outlet for credit in article.credits)):
        if value is not None:
            value.encode("utf-8")


def exercise(item: FuzzInput) -> int:
    """Run ``item`` through read → decode → extract → fingerprint. Returns the number of documents
    prepared; InputError is an answer, anything else escapes (that is the finding)."""
    if item.jsonl is not None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "batch.jsonl"
            path.write_bytes(item.jsonl)
            raws = []
            for read in read_inputs([str(path)]):
                if isinstance(read, InputError):
                    str(read).encode("utf-8")  # the message names its line and is printable
                else:
                    raws.append(read)
    else:
        raws = [item.raw]
    prepared = 0
    for raw in raws:
        try:
            _check_clean(prepare_document(raw))
            prepared += 1
        except InputError as exc:
            str(exc).encode("utf-8")
        if item.kind in ("mutation", "structure") and isinstance(raw.content, bytes):
            try:
                extract_metadata(raw)
            except InputError:
                pass
    return prepared
