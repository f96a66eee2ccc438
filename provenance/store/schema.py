"""The store's schema: versioned migrations, the integrity checks, and the column lists of bulk writes."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Migration", "MIGRATIONS", "REGISTER_FUNCTIONS", "SYNC_COPY_RELATIONS", "ANALYSIS_VIEWS", "SCHEMA_VERSION", "SCHEMA_VERSION_DDL", "COUNTED_TABLES", "INTEGRITY_CHECKS",
           "FINGERPRINT_SETTINGS_KEY"]


class Migration(NamedTuple):
    """One versioned schema change: applied once, in order, inside the opening transaction."""

    version: int
    description: str
    statements: tuple[str, ...]


#: A statement of a migration that registers the store's Python functions on the connection
#: (``page_key``) before the statements after it use them.
REGISTER_FUNCTIONS = "-- register the store's Python functions"

#: A statement of a migration that fills ``copy_relations`` from
#: :data:`provenance.models.LINEAGE_RELATIONS` (the store also keeps it equal on every read-write open).
SYNC_COPY_RELATIONS = "-- fill copy_relations from LINEAGE_RELATIONS"

#: A document's time in the analysis views (``{d}`` is the documents table's alias; lags and days
#: are measured on it): when it was published; a publication date without a time of day (midnight
#: UTC exactly, as a URL's /2026/03/14/ gives it) counts as the time the document was fetched or
#: first seen when that was the same day (it was out by then, and midnight would put it hours
#: before its own source); with no publication time, when it was fetched, else first seen.
DOCUMENT_TIME = ("CASE WHEN {d}.published_at IS NULL OR ({d}.published_at = date_trunc('day', {d}.published_at)"
                 " AND CAST(coalesce({d}.fetched_at, {d}.first_seen) AS DATE) = CAST({d}.published_at AS DATE))"
                 " THEN coalesce({d}.fetched_at, {d}.first_seen) ELSE {d}.published_at END")

#: The session variable the analysis views read: edges below this confidence are left out of them
#: (``provenance sql|export|graph --min-confidence P`` sets it; unset, every edge counts).
MIN_CONFIDENCE_VARIABLE = "min_confidence"
#: The views' filter of an edge ``{e}`` by that variable.
AT_MIN_CONFIDENCE = f"coalesce({{e}}.confidence, 0) >= coalesce(getvariable('{MIN_CONFIDENCE_VARIABLE}'), 0)"

#: Diff kinds that do not count as changing a copy: page furniture and credit lines.
UNCHANGING_DIFF_KINDS = ("furniture", "credit")

_COPY_EDGES_VIEW = f"""CREATE VIEW copy_edges AS
SELECT e.edge_id, e.relation, e.source_id, e.copy_id,
       s.site AS source_site, s.site_name AS source_site_name, s.title AS source_title, s.url AS source_url,
       s.published_at AS source_published_at, {DOCUMENT_TIME.format(d="s")} AS source_time,
       c.site AS copy_site, c.site_name AS copy_site_name, c.title AS copy_title, c.url AS copy_url,
       c.published_at AS copy_published_at, {DOCUMENT_TIME.format(d="c")} AS copy_time,
       e.containment, e.copy_containment, e.jaccard, e.confidence, e.direction_confidence,
       coalesce(e.credited, false) AS credited,
       {DOCUMENT_TIME.format(d="c")} - {DOCUMENT_TIME.format(d="s")} AS lag,
       epoch({DOCUMENT_TIME.format(d="c")}) - epoch({DOCUMENT_TIME.format(d="s")}) AS lag_seconds,
       coalesce(d.changed, false) AS changed, coalesce(d.editorial_ops, 0) AS editorial_ops
FROM edges e
JOIN copy_relations USING (relation)
JOIN documents s ON s.doc_id = e.source_id
JOIN documents c ON c.doc_id = e.copy_id
LEFT JOIN (SELECT edge_id,
                  bool_or(kind IS NULL OR kind NOT IN {UNCHANGING_DIFF_KINDS!r}) AS changed,
                  count(*) FILTER (WHERE kind = 'editorial') AS editorial_ops
           FROM diffs GROUP BY edge_id) d USING (edge_id)
WHERE {AT_MIN_CONFIDENCE.format(e="e")}"""

_SITE_PAIRS_VIEW = """CREATE VIEW site_pairs AS
SELECT source_site, copy_site,
       count(*) AS edges,
       count(DISTINCT copy_id) AS copies,
       avg(credited::INTEGER) AS credited_share,
       quantile_cont(lag_seconds, 0.5) / 3600 AS median_lag_hours,
       quantile_cont(lag_seconds, 0.9) / 3600 AS p90_lag_hours,
       avg(containment) AS mean_containment,
       avg(changed::INTEGER) AS changed_share
FROM copy_edges
GROUP BY source_site, copy_site"""

#: The deepest chain the ``lineage`` view follows (a guard: chains are short, cycles are cut anyway).
LINEAGE_VIEW_MAX_DEPTH = 64

_LINEAGE_VIEW = f"""CREATE VIEW lineage AS
WITH RECURSIVE up(doc_id, ancestor_id, depth, edge_id, relation, path_ids) AS (
    SELECT e.copy_id, e.source_id, 1, e.edge_id, e.relation, [e.copy_id, e.source_id]
    FROM edges e JOIN copy_relations USING (relation)
    WHERE {AT_MIN_CONFIDENCE.format(e="e")}
    UNION ALL
    SELECT u.doc_id, e.source_id, u.depth + 1, e.edge_id, e.relation, list_append(u.path_ids, e.source_id)
    FROM up u
    JOIN edges e ON e.copy_id = u.ancestor_id
    JOIN copy_relations r ON r.relation = e.relation
    WHERE NOT list_contains(u.path_ids, e.source_id) AND u.depth < {LINEAGE_VIEW_MAX_DEPTH}
      AND {AT_MIN_CONFIDENCE.format(e="e")}
)
SELECT doc_id, ancestor_id, depth, path_ids[-2] AS via_id, edge_id, relation, path_ids FROM up"""

# Connected components by label propagation: each document keeps the least id it has heard of
# (USING KEY: one row per document, replaced when a smaller label arrives), so a story costs its
# edges times its diameter, not the square of its size as a reachability closure would.
_STORIES_VIEW = f"""CREATE VIEW stories AS
WITH RECURSIVE links(a, b) AS (
    SELECT source_id, copy_id FROM edges e JOIN copy_relations USING (relation) WHERE {AT_MIN_CONFIDENCE.format(e="e")}
    UNION
    SELECT copy_id, source_id FROM edges e JOIN copy_relations USING (relation) WHERE {AT_MIN_CONFIDENCE.format(e="e")}
),
members(doc_id, story_id) USING KEY (doc_id) AS (
    SELECT a, least(a, min(b)) FROM links GROUP BY a
    UNION
    SELECT l.a, min(m.story_id)
    FROM members m
    JOIN links l ON l.b = m.doc_id
    JOIN recurring.members known ON known.doc_id = l.a
    GROUP BY l.a
    HAVING min(m.story_id) < min(known.story_id)
)
SELECT m.story_id,
       count(*) AS documents,
       count(DISTINCT d.site) AS sites,
       list(DISTINCT d.site ORDER BY d.site) FILTER (WHERE d.site IS NOT NULL) AS site_list,
       arg_min(d.doc_id, ({DOCUMENT_TIME.format(d="d")}, d.doc_id)) AS first_doc_id,
       arg_min(d.site, ({DOCUMENT_TIME.format(d="d")}, d.doc_id)) AS first_site,
       arg_min(d.title, ({DOCUMENT_TIME.format(d="d")}, d.doc_id)) AS first_title,
       min({DOCUMENT_TIME.format(d="d")}) AS first_time,
       max({DOCUMENT_TIME.format(d="d")}) AS last_time,
       max({DOCUMENT_TIME.format(d="d")}) - min({DOCUMENT_TIME.format(d="d")}) AS time_span,
       list(d.doc_id ORDER BY {DOCUMENT_TIME.format(d="d")}, d.doc_id) AS doc_ids
FROM members m JOIN documents d ON d.doc_id = m.doc_id
GROUP BY m.story_id"""

_DAILY_COPYING_VIEW = f"""CREATE VIEW daily_copying AS
WITH published AS (
    SELECT CAST({DOCUMENT_TIME.format(d="d")} AS DATE) AS day, d.site, count(*) AS documents
    FROM documents d GROUP BY ALL
), copied AS (
    SELECT CAST(copy_time AS DATE) AS day, copy_site AS site,
           count(DISTINCT copy_id) AS copies,
           count(DISTINCT copy_id) FILTER (WHERE credited) AS credited_copies
    FROM copy_edges GROUP BY ALL
)
SELECT coalesce(p.day, c.day) AS day, coalesce(p.site, c.site) AS site,
       coalesce(p.documents, 0) AS documents, coalesce(c.copies, 0) AS copies,
       coalesce(c.credited_copies, 0) AS credited_copies
FROM published p FULL JOIN copied c ON p.day = c.day AND p.site IS NOT DISTINCT FROM c.site"""

#: The analysis views (migration 13), in dependency order: what ``docs/views.md`` documents.
ANALYSIS_VIEWS: tuple[str, ...] = ("copy_edges", "site_pairs", "lineage", "stories", "daily_copying")

#: The schema history. Append new migrations; never edit an applied one.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial schema: documents, bands, edges, passages, diffs, credits, furniture, meta",
        (
            """CREATE TABLE documents (
                doc_id BIGINT PRIMARY KEY,
                url VARCHAR NOT NULL,
                canonical_url VARCHAR,
                site VARCHAR,
                title VARCHAR,
                published_at TIMESTAMP,
                first_seen TIMESTAMP NOT NULL,
                fetched_at TIMESTAMP,
                text VARCHAR NOT NULL,
                content_hash VARCHAR NOT NULL,
                format VARCHAR,
                authors VARCHAR[],
                num_tokens INTEGER,
                num_shingles INTEGER,
                signature BLOB,
                ingested_at TIMESTAMP NOT NULL
            )""",
            "CREATE INDEX documents_content_hash ON documents (content_hash)",
            "CREATE INDEX documents_url ON documents (url)",
            "CREATE INDEX documents_canonical_url ON documents (canonical_url)",
            "CREATE TABLE bands (doc_id BIGINT, band SMALLINT, key UBIGINT)",
            "CREATE INDEX bands_key ON bands (key)",
            """CREATE TABLE edges (
                edge_id BIGINT PRIMARY KEY,
                source_id BIGINT,
                copy_id BIGINT,
                relation VARCHAR,
                jaccard DOUBLE,
                containment DOUBLE,
                copy_containment DOUBLE,
                confidence DOUBLE,
                reasons VARCHAR[],
                credited BOOLEAN,
                via_id BIGINT,
                created_at TIMESTAMP
            )""",
            "CREATE INDEX edges_source_id ON edges (source_id)",
            "CREATE INDEX edges_copy_id ON edges (copy_id)",
            """CREATE TABLE passages (
                edge_id BIGINT,
                passage_no INTEGER,
                source_start INTEGER,
                source_end INTEGER,
                copy_start INTEGER,
                copy_end INTEGER,
                words INTEGER
            )""",
            "CREATE INDEX passages_edge_id ON passages (edge_id)",
            """CREATE TABLE diffs (
                edge_id BIGINT,
                op_no INTEGER,
                op VARCHAR,
                source_start INTEGER,
                source_end INTEGER,
                copy_start INTEGER,
                copy_end INTEGER,
                text VARCHAR,
                kind VARCHAR,
                source_text VARCHAR
            )""",
            "CREATE INDEX diffs_edge_id ON diffs (edge_id)",
            """CREATE TABLE credits (
                doc_id BIGINT,
                phrase VARCHAR,
                outlet VARCHAR,
                host VARCHAR,
                kind VARCHAR,
                start INTEGER,
                "end" INTEGER
            )""",
            "CREATE INDEX credits_doc_id ON credits (doc_id)",
            'CREATE TABLE furniture (doc_id BIGINT, start INTEGER, "end" INTEGER, reason VARCHAR)',
            "CREATE INDEX furniture_doc_id ON furniture (doc_id)",
            "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        ),
    ),
    Migration(
        2,
        "site_lines: short lines per site and page, to learn each site's furniture",
        (
            "CREATE TABLE site_lines (site VARCHAR, page VARCHAR, line_hash BIGINT)",
            "CREATE INDEX site_lines_site ON site_lines (site)",
        ),
    ),
    Migration(
        3,
        "url_key, canonical_key: normalised page URLs, so versions are found whatever the URL's spelling",
        (
            # scheme, "www.", a trailing slash and a fragment do not make another page
            "CREATE MACRO page_key(u) AS CASE WHEN regexp_matches(u, '^https?://', 'i') THEN"
            " regexp_replace(regexp_replace(regexp_replace(lower(u), '#.*$', ''),"
            " '^https?://(www\\.)?', ''), '/+(\\?|$)', '\\1') ELSE u END",
            "ALTER TABLE documents ADD COLUMN url_key VARCHAR",
            "ALTER TABLE documents ADD COLUMN canonical_key VARCHAR",
            "UPDATE documents SET url_key = page_key(url), canonical_key = page_key(canonical_url)",
            "CREATE INDEX documents_url_key ON documents (url_key)",
            "CREATE INDEX documents_canonical_key ON documents (canonical_key)",
        ),
    ),
    Migration(
        4,
        "edges.direction_confidence: confidence in the direction alone; confidence becomes the link's",
        (
            "ALTER TABLE edges ADD COLUMN direction_confidence DOUBLE",
            # until now an edge's confidence was its direction's
            "UPDATE edges SET direction_confidence = confidence",
        ),
    ),
    Migration(
        5,
        "rejects: inputs that could not be stored (bad input, fetch or extraction failure, over budget,"
        " internal error), with the stage and reason",
        (
            """CREATE TABLE rejects (
                origin VARCHAR NOT NULL,
                stage VARCHAR NOT NULL,
                reason VARCHAR NOT NULL,
                first_seen TIMESTAMP NOT NULL,
                last_seen TIMESTAMP NOT NULL,
                attempts INTEGER NOT NULL,
                PRIMARY KEY (origin, stage, reason)
            )""",
        ),
    ),
    Migration(
        6,
        "page_key() is provenance.pages.page_key (one rule for the store and lineage: the path's case"
        " is kept, the host's is not); url_key and canonical_key recomputed with it",
        (
            "DROP MACRO IF EXISTS page_key",
            REGISTER_FUNCTIONS,
            "UPDATE documents SET url_key = page_key(url), canonical_key = page_key(canonical_url)",
        ),
    ),
    Migration(
        7,
        "inputs: a hash of each input stored (URL, bytes, declared fields) with its document, so a"
        " rerun skips known inputs before extracting them",
        ("CREATE TABLE inputs (input_key UBIGINT NOT NULL, doc_id BIGINT NOT NULL)",),
    ),
    Migration(
        8,
        "drop the indexes on documents.url and canonical_url: pages are looked up by url_key and"
        " canonical_key, and each ART index costs tens of bytes per document",
        ("DROP INDEX IF EXISTS documents_url", "DROP INDEX IF EXISTS documents_canonical_url"),
    ),
    Migration(
        9,
        "band keys are looked up in the key index beside the store (sorted arrays, 16 bytes a key):"
        " the ART index on bands.key (~38 bytes a key) is dropped",
        ("DROP INDEX IF EXISTS bands_key",),
    ),
    Migration(
        10,
        "crawling: the frontier (every URL a crawl found, with its validators and schedule), every"
        " fetch, the raw pages fetched (compressed, by content hash) and a summary row per crawl run",
        (
            """CREATE TABLE frontier (
                url VARCHAR PRIMARY KEY,
                host VARCHAR NOT NULL,
                kind VARCHAR NOT NULL,
                site VARCHAR,
                depth INTEGER NOT NULL,
                discovered_from VARCHAR,
                discovered_at TIMESTAMP NOT NULL,
                lastmod TIMESTAMP,
                published_at TIMESTAMP,
                next_fetch_at TIMESTAMP NOT NULL,
                last_fetch_at TIMESTAMP,
                last_status INTEGER,
                final_url VARCHAR,
                etag VARCHAR,
                last_modified VARCHAR,
                content_hash VARCHAR,
                failures INTEGER NOT NULL DEFAULT 0,
                pending BOOLEAN NOT NULL DEFAULT false
            )""",
            """CREATE TABLE fetches (
                run_id BIGINT,
                url VARCHAR NOT NULL,
                final_url VARCHAR,
                status INTEGER,
                fetched_at TIMESTAMP NOT NULL,
                etag VARCHAR,
                last_modified VARCHAR,
                content_hash VARCHAR,
                bytes BIGINT NOT NULL,
                error VARCHAR
            )""",
            """CREATE TABLE raw_pages (
                content_hash VARCHAR PRIMARY KEY,
                content_type VARCHAR,
                codec VARCHAR NOT NULL,
                bytes BIGINT NOT NULL,
                body BLOB NOT NULL
            )""",
            """CREATE TABLE crawl_runs (
                run_id BIGINT PRIMARY KEY,
                started_at TIMESTAMP NOT NULL,
                ended_at TIMESTAMP,
                targets VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                requests INTEGER NOT NULL DEFAULT 0,
                not_modified INTEGER NOT NULL DEFAULT 0,
                errors INTEGER NOT NULL DEFAULT 0,
                new_documents INTEGER NOT NULL DEFAULT 0,
                new_versions INTEGER NOT NULL DEFAULT 0,
                new_edges INTEGER NOT NULL DEFAULT 0
            )""",
        ),
    ),
    Migration(
        11,
        "documents.published_offset: the UTC offset (minutes) the page gave with its publication time,"
        " so its own calendar day is kept beside the UTC time",
        ("ALTER TABLE documents ADD COLUMN published_offset SMALLINT",),
    ),
    Migration(
        12,
        "documents.site is always the normalised host (lower case, no www.; NULL when the input had no"
        " web host) and documents.site_name the display name it held before, where it held one;"
        " site_lines are keyed by the same site",
        (
            "ALTER TABLE documents ADD COLUMN site_name VARCHAR",
            REGISTER_FUNCTIONS,
            # page_site(NULL, NULL, x) is x as a normalised host, or NULL when x is a display name
            "UPDATE documents SET site_name = CASE WHEN page_site(NULL, NULL, site) IS NULL THEN site END,"
            " site = page_site(url, canonical_url, site)",
            "UPDATE site_lines SET site = d.site_key FROM (SELECT coalesce(canonical_url, url) AS page,"
            " min(coalesce(site, site_name)) AS site_key FROM documents GROUP BY 1) d"
            " WHERE d.page = site_lines.page AND d.site_key IS NOT NULL",
        ),
    ),
    Migration(
        13,
        "analysis views: copy_edges, site_pairs, lineage, stories, daily_copying (docs/views.md), over"
        " copy_relations (the copy-like relations, kept equal to provenance.models.LINEAGE_RELATIONS)",
        (
            "CREATE TABLE copy_relations (relation VARCHAR PRIMARY KEY)",
            SYNC_COPY_RELATIONS,
            _COPY_EDGES_VIEW,
            _SITE_PAIRS_VIEW,
            _LINEAGE_VIEW,
            _STORIES_VIEW,
            _DAILY_COPYING_VIEW,
        ),
    ),
)

#: The schema version this code writes and reads (the last migration's).
SCHEMA_VERSION: int = MIGRATIONS[-1].version

#: Tables reported by :meth:`Store.counts`, in this order.
COUNTED_TABLES: tuple[str, ...] = (
    "documents", "bands", "edges", "passages", "diffs", "credits", "furniture", "site_lines", "rejects", "inputs",
    "frontier", "fetches", "raw_pages", "crawl_runs",
)

#: What must hold of a sound store: (what is checked, a query counting the rows that break it).
INTEGRITY_CHECKS: tuple[tuple[str, str], ...] = (
    ("the fingerprint settings are recorded",
     "SELECT 1 - count(*) FROM meta WHERE key = 'fingerprint_settings'"),
    ("document ids are unique", "SELECT count(*) - count(DISTINCT doc_id) FROM documents"),
    ("edges join stored documents, never a document to itself",
     "SELECT count(*) FROM edges e WHERE e.source_id = e.copy_id"
     " OR NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = e.source_id)"
     " OR NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = e.copy_id)"),
    ("edges have a known relation and a confidence in [0, 1]",
     "SELECT count(*) FROM edges WHERE relation NOT IN ('copy', 'excerpt', 'rewrite', 'shares_source', 'version')"
     " OR confidence IS NULL OR confidence < 0 OR confidence > 1"),
    ("passages and diffs belong to stored edges",
     "SELECT (SELECT count(*) FROM passages p WHERE NOT EXISTS (SELECT 1 FROM edges e WHERE e.edge_id = p.edge_id))"
     " + (SELECT count(*) FROM diffs d WHERE NOT EXISTS (SELECT 1 FROM edges e WHERE e.edge_id = d.edge_id))"),
    ("passages lie inside both texts",
     "SELECT count(*) FROM passages p JOIN edges e USING (edge_id)"
     " JOIN documents s ON s.doc_id = e.source_id JOIN documents c ON c.doc_id = e.copy_id"
     " WHERE p.source_start < 0 OR p.source_end > length(s.text) OR p.source_start > p.source_end"
     " OR p.copy_start < 0 OR p.copy_end > length(c.text) OR p.copy_start > p.copy_end"),
    ("credits, furniture and band keys belong to stored documents",
     "SELECT (SELECT count(*) FROM credits x WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = x.doc_id))"
     " + (SELECT count(*) FROM furniture x WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = x.doc_id))"
     " + (SELECT count(*) FROM bands x WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = x.doc_id))"),
    ("furniture and credit spans lie inside their text",
     "SELECT (SELECT count(*) FROM furniture f JOIN documents d USING (doc_id)"
     "        WHERE f.start < 0 OR f.\"end\" > length(d.text) OR f.start > f.\"end\")"
     " + (SELECT count(*) FROM credits c JOIN documents d USING (doc_id)"
     "    WHERE c.start >= 0 AND (c.\"end\" > length(d.text) OR c.start > c.\"end\"))"),
    ("known inputs name stored documents",
     "SELECT count(*) FROM inputs i WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = i.doc_id)"),
    ("every stored document has band keys",
     "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM bands b WHERE b.doc_id = d.doc_id)"),
    ("pages fetched and not yet ingested have their raw body kept",
     "SELECT count(*) FROM frontier f WHERE f.pending"
     " AND NOT EXISTS (SELECT 1 FROM raw_pages r WHERE r.content_hash = f.content_hash)"),
)

#: The ``meta`` key holding the JSON of :meth:`Settings.fingerprint_key`.
FINGERPRINT_SETTINGS_KEY = "fingerprint_settings"

SCHEMA_VERSION_DDL = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
)"""

DOCUMENT_COLUMNS = (
    "doc_id", "url", "canonical_url", "site", "title", "published_at", "first_seen",
    "fetched_at", "text", "content_hash", "format", "authors", "num_tokens", "num_shingles",
    "signature", "ingested_at", "published_offset", "site_name",
)
DOCUMENT_READ_COLUMNS = (
    "doc_id", "url", "canonical_url", "site", "title", "published_at", "first_seen",
    "fetched_at", "text", "content_hash", "format", "authors", "published_offset", "site_name",
)
CREDIT_COLUMNS = (
    ("doc_id", "BIGINT"), ("phrase", "VARCHAR"), ("outlet", "VARCHAR"), ("host", "VARCHAR"),
    ("kind", "VARCHAR"), ("start", "INTEGER"), ('"end"', "INTEGER"),
)
SITE_LINE_COLUMNS = (("site", "VARCHAR"), ("page", "VARCHAR"), ("line_hash", "BIGINT"))
FURNITURE_COLUMNS = (
    ("doc_id", "BIGINT"), ("start", "INTEGER"), ('"end"', "INTEGER"), ("reason", "VARCHAR"),
)
EDGE_COLUMNS = (
    ("edge_id", "BIGINT"), ("source_id", "BIGINT"), ("copy_id", "BIGINT"),
    ("relation", "VARCHAR"), ("jaccard", "DOUBLE"), ("containment", "DOUBLE"),
    ("copy_containment", "DOUBLE"), ("confidence", "DOUBLE"), ("reasons", "VARCHAR[]"),
    ("credited", "BOOLEAN"), ("via_id", "BIGINT"), ("created_at", "TIMESTAMP"),
    ("direction_confidence", "DOUBLE"),
)
PASSAGE_COLUMNS = (
    ("edge_id", "BIGINT"), ("passage_no", "INTEGER"), ("source_start", "INTEGER"),
    ("source_end", "INTEGER"), ("copy_start", "INTEGER"), ("copy_end", "INTEGER"),
    ("words", "INTEGER"),
)
DIFF_COLUMNS = (
    ("edge_id", "BIGINT"), ("op_no", "INTEGER"), ("op", "VARCHAR"), ("source_start", "INTEGER"),
    ("source_end", "INTEGER"), ("copy_start", "INTEGER"), ("copy_end", "INTEGER"),
    ("text", "VARCHAR"), ("kind", "VARCHAR"), ("source_text", "VARCHAR"),
)
