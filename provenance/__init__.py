"""provenance — trace where a news article was copied from.

For any article: where it was copied from, how much, who had it first, whether the source was
credited and what was changed, kept in a DuckDB lineage store for SQL. The pipeline runs one way:
fetch → extract → fingerprint → match → lineage → store → report; each stage is a function here.

    >>> from provenance import open_store, trace
    >>> store, _ = open_store("news.duckdb", load_bundled=True)   # doctest: +SKIP
    >>> result = trace(store, "corpora/harbour-strike/newspile-repost.html")   # doctest: +SKIP
"""

from .errors import (BlockedAddressError, ExtractionError, FetchError, InputError, NotFoundError, ProvenanceError,
                     QueryError, StoreError)
from .models import (Alignment, Article, Credit, DiffOp, Edge, Fingerprint, Furniture, Passage, RawDocument,
                     StoredDocument)
from .pipeline import IngestReport, TraceResult, extract_input, ingest, open_store, prepare_document, trace
from .settings import DEFAULT_SETTINGS, Settings

__version__ = "0.1.0"

__all__ = [
    "Alignment", "Article", "Credit", "DiffOp", "Edge", "Fingerprint", "Furniture", "Passage", "RawDocument",
    "StoredDocument", "Settings", "DEFAULT_SETTINGS",
    "ProvenanceError", "InputError", "FetchError", "BlockedAddressError", "ExtractionError", "StoreError",
    "QueryError", "NotFoundError",
    "IngestReport", "TraceResult", "open_store", "ingest", "trace", "extract_input", "prepare_document",
    "__version__",
]
