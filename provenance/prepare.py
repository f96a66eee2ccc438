"""The pure stages of one document: extract, then fingerprint. No store, no network.

This is what worker processes run (:mod:`provenance.workers`): a raw input in, a
:class:`PreparedDocument` (or the :class:`~provenance.errors.InputError` that refuses it) out.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from .errors import InputError
from .extract import extract_article
from .fingerprint import Shingled, fingerprint_article, shingle_article
from .furniture import learned_furniture, line_signatures
from .models import Fingerprint, RawDocument, StoredDocument, document_id
from .settings import DEFAULT_SETTINGS, Settings
from .text import remember_tokens

__all__ = ["PreparedDocument", "Job", "KnownInput", "input_key", "prepare_document", "prepared_or_error",
           "with_learned_furniture"]


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A document through extraction and fingerprinting, ready to match."""

    document: StoredDocument
    shingled: Shingled
    fingerprint: Fingerprint
    origin: str = ""  # the input it came from, for messages (a path, URL or file.jsonl:12)
    input_key: int | None = None  # see input_key(): how a rerun recognises the input unread


@dataclass(frozen=True, slots=True)
class Job:
    """One input for a worker: the raw input, when it was read (its first-seen time if it carries
    none, stamped in input order whichever worker extracts it) and its :func:`input_key`."""

    raw: RawDocument
    seen: datetime | None = None
    key: int | None = None


@dataclass(frozen=True, slots=True)
class KnownInput:
    """An input stored before (same :func:`input_key`): nothing to extract."""

    origin: str
    doc_id: int
    key: int


def input_key(raw: RawDocument) -> int:
    """A 64-bit hash of everything extraction reads from an input (its URL, bytes, content type
    and declared fields), so an input stored before is recognised before it is extracted."""
    digest = hashlib.blake2b(digest_size=8)
    fields = (raw.url, raw.content_type, raw.format_hint, raw.site, raw.title,
              raw.published.isoformat() if raw.published else None)
    for value in fields:
        digest.update((value if value is not None else "\x00").encode("utf-8", "surrogatepass") + b"\x1f")
    content = raw.content
    digest.update(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return int.from_bytes(digest.digest(), "little")


def prepare_document(raw: RawDocument, settings: Settings = DEFAULT_SETTINGS, *,
                     seen: datetime | None = None) -> PreparedDocument:
    """Extract and fingerprint one input (pure: no store)."""
    article = extract_article(raw, settings)
    shingled = shingle_article(article, settings)
    fp = fingerprint_article(shingled, settings)
    fp = dataclasses.replace(fp, line_signatures=tuple(sig for _, _, sig in line_signatures(article.text)))
    doc = StoredDocument(
        doc_id=document_id(article.url, fp.content_hash),
        article=article,
        content_hash=fp.content_hash,
        first_seen=raw.fetched or seen or datetime.now(timezone.utc),
    )
    return PreparedDocument(doc, shingled, fp, raw.origin)


def prepared_or_error(item: Job | RawDocument | InputError | KnownInput,
                      settings: Settings = DEFAULT_SETTINGS) -> PreparedDocument | InputError | KnownInput:
    """The stage a worker runs: :func:`prepare_document`, passing a reader's error or a known
    input through."""
    if isinstance(item, (InputError, KnownInput)):
        return item
    if isinstance(item, Job):
        prepared = prepare_document(item.raw, settings, seen=item.seen)
        return prepared if item.key is None else dataclasses.replace(prepared, input_key=item.key)
    return prepare_document(item, settings)


def with_learned_furniture(prepared: PreparedDocument, recurring: Mapping[int, int],
                           settings: Settings = DEFAULT_SETTINGS) -> PreparedDocument:
    """Mark the lines of this document that its site repeats on other pages (``recurring``: line
    signature → pages, learned from the store) as furniture, and fingerprint again without them.
    The document's identity (content hash, id) does not change: it is what was extracted,
    whatever the store has learned since."""
    article = prepared.document.article
    if not article.furniture_site or not recurring:
        return prepared
    extra = learned_furniture(article.text, recurring, article.site_name or article.furniture_site, article.furniture, article.credits)
    if not extra:
        return prepared
    article = dataclasses.replace(article, furniture=tuple(sorted(article.furniture + extra,
                                                                  key=lambda f: f.start)))
    remember_tokens(article.text, prepared.shingled.tokens)  # the same text: no need to tokenise again
    shingled = shingle_article(article, settings)
    fp = dataclasses.replace(fingerprint_article(shingled, settings), content_hash=prepared.fingerprint.content_hash,
                             line_signatures=prepared.fingerprint.line_signatures)
    return dataclasses.replace(prepared, document=dataclasses.replace(prepared.document, article=article),
                               shingled=shingled, fingerprint=fp)
