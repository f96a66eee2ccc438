"""Reading Reuters-21578 in place (``../shared/data/reuters21578``): its stories with their date,
title, dateline, paragraphs and topics, for the repost simulator and the Reuters benchmarks."""

from __future__ import annotations

import gzip
import html
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["Story", "read_reuters", "words", "with_dateline", "WORD"]

WORD = re.compile(r"\w+")


def words(text: str) -> int:
    return len(WORD.findall(text))


@dataclass(frozen=True)
class Story:
    newid: int
    date: datetime
    title: str
    dateline: str
    paragraphs: tuple[str, ...]
    topics: tuple[str, ...]

    @property
    def words(self) -> int:
        return sum(words(p) for p in self.paragraphs)

    @property
    def text(self) -> str:
        return with_dateline(self.dateline, list(self.paragraphs))


_REUTERS = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_TAG = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("DATE", "TITLE", "DATELINE", "BODY", "TOPICS")}
_D = re.compile(r"<D>(.*?)</D>")


def _tag(name: str, block: str) -> str:
    m = _TAG[name].search(block)
    return m.group(1) if m else ""


def _paragraphs(body: str) -> list[str]:
    body = html.unescape(body).replace("\x03", "").replace("\x02", "")
    body = re.sub(r"\s*\bREUTER\s*$|\s*\bReuter\s*$", "", body.rstrip())
    paras = re.split(r"\n(?= {2,}\S)|\n\s*\n", body)
    out = []
    for p in paras:
        p = " ".join(p.split())
        if p:
            out.append(p)
    return out


def read_reuters(data_dir: Path, max_files: int | None = None) -> list[Story]:
    """Every story of the collection (or of its first ``max_files`` files, 1,000 stories each)
    that has a body, in NEWID order."""
    stories = []
    for path in sorted(Path(data_dir).glob("reut2-*.sgm.gz"))[:max_files]:
        raw = gzip.decompress(path.read_bytes()).decode("latin-1")
        for m in _REUTERS.finditer(raw):
            attrs, block = m.groups()
            newid = int(re.search(r'NEWID="(\d+)"', attrs).group(1))
            body = _tag("BODY", block)
            if not body:
                continue
            date_text = _tag("DATE", block).strip()
            try:
                date = datetime.strptime(date_text.split(".")[0], "%d-%b-%Y %H:%M:%S").replace(tzinfo=timezone.utc)
            except ValueError:
                continue
            title = " ".join(html.unescape(_tag("TITLE", block)).split())
            dateline = " ".join(html.unescape(_tag("DATELINE", block)).split()).rstrip(" -")
            stories.append(Story(newid, date, title, dateline, tuple(_paragraphs(body)),
                                 tuple(_D.findall(_tag("TOPICS", block)))))
    stories.sort(key=lambda s: s.newid)
    return stories


def with_dateline(dateline: str, paragraphs: list[str]) -> str:
    if dateline and paragraphs:
        paragraphs = [f"{dateline} - {paragraphs[0]}"] + list(paragraphs[1:])
    return "\n\n".join(paragraphs)
