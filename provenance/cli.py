"""The ``provenance`` command line: each command parses, calls one library function, renders.

Exit codes: 0 success, 1 nothing found where something was asked, 2 bad input or usage, 70 an
internal error (a bug), 75 the store is busy (another process holds it). Errors are one line on
standard error, never a traceback (unless PROVENANCE_DEBUG is set).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

from .errors import InputError, NotFoundError, ProvenanceError, QueryError, StoreBusyError
from .crawl import CrawlOptions
from .pipeline import (DB_ENV_VAR, check_store, crawl_store, export_store, extract_input, graph_store, ingest,
                       open_existing_store, open_store, query_store, reextract, trace)
from .progress import CrawlDisplay, IngestDisplay
from .workers import start_early
from .report import (article_to_dict, check_to_dict, crawl_to_dict, ingest_to_dict, render_article, render_check,
                     render_crawl, render_ingest, render_trace, row_to_json, trace_to_dict)
from .settings import DEFAULT_SETTINGS, Settings

__all__ = ["app", "main", "cli_docs"]

EXIT_OK, EXIT_NOT_FOUND, EXIT_BAD_INPUT = 0, 1, 2
#: A bug of ours (sysexits' EX_SOFTWARE); the store is held by another process, worth retrying
#: later (EX_TEMPFAIL).
EXIT_INTERNAL, EXIT_BUSY = 70, 75
#: Set to show the traceback of an internal error instead of its one-line message.
DEBUG_ENV_VAR = "PROVENANCE_DEBUG"

app = typer.Typer(
    name="provenance",
    help=(
        "Trace where a news article was copied from: the copied passages, who had it first, whether "
        "the source was credited, and what was changed — kept in a DuckDB lineage store you can query "
        "with SQL.\n\n"
        "\b\nExamples:\n"
        "  provenance trace corpora/harbour-strike/newspile-repost.html\n"
        "  provenance ingest ./pages/ feed.jsonl https://example.com/story\n"
        "  provenance sql \"SELECT relation, count(*) FROM edges GROUP BY 1\"\n\n"
        f"The store is ./provenance.duckdb unless --db or ${DB_ENV_VAR} says otherwise."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
)

def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"provenance {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", help="Print the version and exit.",
                                       callback=_print_version, is_eager=True)) -> None:
    """Trace where a news article was copied from."""


DbOption = typer.Option(None, "--db", help=f"Lineage store file (default: ${DB_ENV_VAR} or ./provenance.duckdb).",
                        envvar=DB_ENV_VAR, show_default=False)
JsonOption = typer.Option(False, "--json", help="Print one JSON object instead of text.")
AllowPrivateOption = typer.Option(
    False, "--allow-private",
    help="Also fetch URLs on private, loopback, link-local and other internal addresses (refused by default, "
         "also after redirects, so a URL cannot make provenance read internal services).")


WaitOption = typer.Option(
    30.0, "--wait", min=0, metavar="SECONDS",
    help="While another process writes the store (an ingest lets go of it between batches), wait this "
         "long for it before giving up with exit code 75.")


def _waiting(message: str) -> None:
    typer.echo(f"provenance: {message}", err=True)


def _settings(allow_private: bool) -> Settings:
    return dataclasses.replace(DEFAULT_SETTINGS, allow_private_addresses=True) if allow_private else DEFAULT_SETTINGS


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"provenance: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library errors into a one-line message and an exit code (the only place that does)."""
    try:
        yield
    except InputError as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    except NotFoundError as exc:
        raise _fail(str(exc), EXIT_NOT_FOUND) from None
    except StoreBusyError as exc:
        raise _fail(str(exc), EXIT_BUSY) from None
    except QueryError as exc:
        raise _fail(f"query failed: {exc}", EXIT_BAD_INPUT) from None
    except ProvenanceError as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        raise _fail("interrupted", 130) from None
    except Exception as exc:  # noqa: BLE001 - a bug: one line, not a traceback, unless debugging
        if os.environ.get(DEBUG_ENV_VAR):
            raise
        detail = " ".join(str(exc).split())[:300]
        raise _fail(f"internal error: {type(exc).__name__}: {detail} (set {DEBUG_ENV_VAR}=1 for the traceback;"
                    " please report it)", EXIT_INTERNAL) from None


def _echo_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _stdin_binary():
    return sys.stdin.buffer if hasattr(sys.stdin, "buffer") else io.BytesIO(sys.stdin.read().encode())


@app.command("ingest")
def ingest_command(
    inputs: list[str] = typer.Argument(..., help="Files, directories (recursive), JSON Lines files, URLs, or - for stdin."),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines on stderr."),
    batch: int = typer.Option(DEFAULT_SETTINGS.commit_every_documents, "--batch", min=1, metavar="N",
                              help="Documents linked and committed together (an interrupted or killed "
                                   "ingest loses at most the batch in hand)."),
    allow_private: bool = AllowPrivateOption,
    wait: float = WaitOption,
) -> None:
    """Add documents to the lineage store and link each to what is already there.

    Ingesting the same input twice adds nothing (an input stored before is not even read again). A
    bad input is reported on one line and the rest is still added; the exit code is then 2. Shows
    a progress bar on a terminal, a status line every 10 s otherwise. Interrupted (Ctrl-C), it
    keeps every batch already committed and says so; running it again goes on from there.

    \b
    Examples:
      provenance ingest corpora/harbour-strike/corpus.jsonl
      provenance ingest ./crawl/ --db news.duckdb --json
      cat page.html | provenance ingest -
    """
    start_early()
    settings = dataclasses.replace(_settings(allow_private), commit_every_documents=batch)
    with _errors():
        store, notes = open_store(db, settings=settings, wait=wait, on_wait=_waiting)
        with store, IngestDisplay(enabled=not (quiet or as_json)) as display:
            report = ingest(store, inputs, settings=settings, stdin=_stdin_binary(), progress=display.update)
    if as_json:
        _echo_json(ingest_to_dict(report))
    else:
        typer.echo(render_ingest(report, errors_shown=display.errors_shown))
    if report.interrupted:
        raise _fail(f"interrupted: the {report.added} documents added so far are committed and kept; "
                    "run the same command again to go on (stored inputs are skipped)", 130)
    if report.errors:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("crawl")
def crawl_command(
    targets: list[str] = typer.Argument(..., help="Site home URLs, feed or sitemap URLs, or corpus files "
                                                  "(corpora/NAME.toml, or just NAME)."),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No status lines on stderr."),
    max_pages: Optional[int] = typer.Option(None, "--max-pages", min=1, metavar="N",
                                            help="Stop after fetching N article pages (each site also keeps its "
                                                 "own page budget)."),
    max_seconds: Optional[float] = typer.Option(None, "--max-seconds", min=1, metavar="S",
                                                help="Stop starting requests after S seconds (what was fetched is "
                                                     "still stored)."),
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE",
                                        help="Leave out feed and sitemap entries published before DATE "
                                             "(YYYY-MM-DD or an ISO time)."),
    warc: Optional[Path] = typer.Option(None, "--warc", metavar="DIR", help="Also write what was fetched as WARC "
                                                                            "files in DIR."),
    concurrency: int = typer.Option(DEFAULT_SETTINGS.crawl_concurrency, "--concurrency", min=1, metavar="N",
                                    help="Requests in flight at once across hosts (always one per host)."),
    contact: str = typer.Option(DEFAULT_SETTINGS.crawl_contact_url, "--contact", metavar="URL",
                                help="A URL where site owners learn who crawls them (sent in the User-Agent)."),
    allow_private: bool = AllowPrivateOption,
    wait: float = WaitOption,
) -> None:
    """Crawl sites politely into the store, linking new articles as they come.

    From a home URL it finds the site's robots.txt, sitemaps (news sitemaps and indexes), feeds
    and article-looking links; it obeys robots.txt and its Crawl-delay, asks one host at a time
    (at least 1 s apart), honours Retry-After, and backs off from failing hosts. Every fetch is
    recorded (SELECT * FROM fetches). A run can be stopped or killed at any time: the next run
    goes on without fetching again what it stored, and a page is fetched again only when it may
    have changed (asked with its ETag / Last-Modified). One crawl per store at a time.

    \b
    Examples:
      provenance crawl https://www.example-news.com/ --db news.duckdb
      provenance crawl south-asia-syndication --max-pages 500 --contact https://example.org/about-our-crawler
      provenance crawl https://example.com/news-sitemap.xml --since 2026-11-01 --json
    """
    settings = dataclasses.replace(_settings(allow_private), crawl_concurrency=concurrency)
    if contact:
        settings = dataclasses.replace(settings, crawl_contact_url=contact)
    with _errors():
        options = CrawlOptions(max_pages=max_pages, max_seconds=max_seconds, since=_parse_since(since),
                               warc_dir=warc)
        with CrawlDisplay(enabled=not (quiet or as_json)) as display:
            report = crawl_store(db, targets, settings=settings, options=options, progress=display.update,
                                 wait=wait, on_wait=_waiting)
    if as_json:
        _echo_json(crawl_to_dict(report))
    else:
        typer.echo(render_crawl(report))
    if report.status == "interrupted":
        raise _fail("interrupted: what was fetched and stored is kept; run the same command again to go on", 130)


def _parse_since(value: str | None):
    from datetime import UTC, datetime

    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError("--since", f"not a date or ISO time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@app.command("reextract")
def reextract_command(
    out: Path = typer.Option(..., "--out", metavar="NEW.duckdb", help="The new store to build (must not exist)."),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines on stderr."),
    wait: float = WaitOption,
) -> None:
    """Rebuild a store from the pages its crawls kept, with today's extractor, fetching nothing.

    Every page body a crawl fetched is kept (compressed) in the store; after the extractor
    improves, this replays them in the order they were fetched into a new store, links them
    afresh, and copies the crawl state over so crawling goes on from the new store. Documents
    ingested from files have no kept page: ingest those files into the new store again.

    \b
    Examples:
      provenance reextract --db news.duckdb --out news-2026-12.duckdb
    """
    start_early()
    with _errors():
        with IngestDisplay(enabled=not (quiet or as_json)) as display:
            report = reextract(db, out, progress=display.update, wait=wait, on_wait=_waiting)
    summary = (f"replayed {report.pages} kept pages into {out}: {report.ingest.added} documents, "
               f"{len(report.ingest.edges)} links, {len(report.ingest.errors)} refused; crawl state copied "
               f"({', '.join(f'{n} {t}' for t, n in report.copied.items())})"
               + (f"; {report.left_out} documents had no kept page (ingested from files): ingest them again"
                  if report.left_out else ""))
    if as_json:
        _echo_json({"pages": report.pages, "left_out": report.left_out, "copied": report.copied,
                    **ingest_to_dict(report.ingest)})
    else:
        typer.echo(summary)
    if report.ingest.errors:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("trace")
def trace_command(
    target: str = typer.Argument(..., help="An HTML or text file, a URL, or - for stdin."),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
    save: bool = typer.Option(False, "--save", help="Also add the document to the store."),
    refresh: bool = typer.Option(False, "--refresh", help="Fetch a URL the store holds again instead of "
                                 "tracing the stored document."),
    min_confidence: float = typer.Option(0.0, "--min-confidence", min=0.0, max=1.0, metavar="P",
                                         help="Hide links (and the chains past them) below this confidence; "
                                              "they stay in the store."),
    html: Optional[Path] = typer.Option(None, "--html", metavar="OUT.html",
                                        help="Also write the lineage and a side-by-side view of each link as one "
                                             "self-contained HTML page."),
    allow_private: bool = AllowPrivateOption,
    wait: float = WaitOption,
) -> None:
    """Show where a document was copied from, and who copied it.

    The upstream chain (e.g. aggregator ← paper ← wire), each hop with its relation, similarity,
    containment, confidence (the link's, and its direction's where they differ) and reasons, credit
    lines, the copied passages and the diff; then the known downstream copies. The document is
    compared with the store without being added (unless --save); a URL the store holds, or a
    document id, is traced as stored, with no fetch (works offline and on a read-only store file).
    Without --db (or $PROVENANCE_DB), a ./provenance.duckdb that does not exist yet is created
    with the bundled example corpus, so the example works on a fresh clone; a store you name is
    never given the example (it must exist, unless --save creates it). Exits 1 when nothing is
    linked to the document.

    \b
    Examples:
      provenance trace corpora/harbour-strike/newspile-repost.html
      provenance trace seeds/elrisala-pakistan-bangladesh.txt --json
      provenance trace https://example.com/story --save
      provenance trace 4711093580322153011
      provenance trace corpora/harbour-strike/newspile-repost.html --html trace.html
    """
    start_early()
    settings = _settings(allow_private)
    with _errors():
        store, notes = open_store(db, load_bundled=db is None, settings=settings, read_only=not save, wait=wait,
                                  on_wait=_waiting)
        with store:
            result = trace(store, target, settings=settings, stdin=_stdin_binary(), save=save, refresh=refresh,
                           min_confidence=min_confidence)
        if html is not None:
            from .htmlreport import write_trace_html

            write_trace_html(result, html)
            notes.append(f"wrote {html}")
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    if as_json:
        _echo_json(trace_to_dict(result))
    else:
        typer.echo(render_trace(result))
    if not (result.upstream or result.downstream or result.related):
        raise typer.Exit(EXIT_NOT_FOUND)


@app.command("extract")
def extract_command(
    target: str = typer.Argument(..., help="An HTML or text file, a URL, or - for stdin."),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
    no_body: bool = typer.Option(False, "--no-body", help="Metadata, credits and furniture only."),
    allow_private: bool = AllowPrivateOption,
    wait: float = typer.Option(0.0, "--wait", min=0, metavar="SECONDS",
                               help="Wait this long for a store another process is writing (by default "
                                    "extract goes on at once without the lines learned from the store)."),
) -> None:
    """Show what the extractor sees: metadata, credit lines, page furniture and the body.

    Each furniture line says why it was marked; when a store exists, lines that the page's site
    repeats on other stored pages are marked too ("recurs on N pages of SITE").

    \b
    Examples:
      provenance extract seeds/elrisala-pakistan-bangladesh.txt
      provenance extract page.html --json
    """
    start_early()
    settings = _settings(allow_private)
    notes: list[str] = []
    with _errors():
        try:
            store = open_existing_store(db, settings=settings, wait=wait, on_wait=_waiting)
        except StoreBusyError as exc:  # extraction needs no store: go on without learned furniture
            store = None
            notes.append(f"{exc}; lines learned from its other pages are not marked")
        try:
            article = extract_input(target, settings=settings, stdin=_stdin_binary(), store=store)
        finally:
            if store is not None:
                store.close()
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    if as_json:
        _echo_json(article_to_dict(article, with_text=not no_body))
    else:
        typer.echo(render_article(article, show_body=not no_body))


#: ``--min-confidence`` of the commands that read the analysis views.
ViewsMinConfidenceOption = typer.Option(
    0.0, "--min-confidence", min=0.0, max=1.0, metavar="P",
    help="Leave links below this confidence out of the analysis views (copy_edges, site_pairs, lineage, "
         "stories, daily_copying); the tables keep every link.")


@app.command("sql")
def sql_command(
    query: str = typer.Argument(..., help="One read-only SQL query (SELECT, WITH, DESCRIBE, SHOW …), or a .sql "
                                          "file holding one."),
    db: Optional[Path] = DbOption,
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV (a header line, then the rows)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array of objects (ids as strings)."),
    parquet: Optional[Path] = typer.Option(None, "--parquet", metavar="FILE",
                                           help="Write the result to FILE as Parquet instead of printing it."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json (--csv and --json say the same)."),
    min_confidence: float = ViewsMinConfidenceOption,
    wait: float = WaitOption,
) -> None:
    """Run a read-only SQL query on the lineage store.

    Tables: documents, edges, passages, diffs, credits, furniture, bands, site_lines, rejects
    (inputs that could not be stored, with the stage and reason). Views (docs/views.md):
    copy_edges, site_pairs, lineage, stories, daily_copying; recipes in docs/cookbook.md. Exits 1
    when the query returns no rows. The query sees the store and nothing else: one statement, no
    writes, no files, no network, no extensions (read_csv, glob, read_text … are refused); only
    provenance itself writes the --parquet file.

    \b
    Examples:
      provenance sql "SELECT site, count(*) FROM documents GROUP BY site"
      provenance sql "FROM site_pairs ORDER BY copies DESC" --csv
      provenance sql docs/top-copiers.sql --json
      provenance sql "FROM copy_edges" --parquet copy_edges.parquet
      provenance sql "FROM site_pairs ORDER BY copies DESC" --min-confidence 0.7
    """
    chosen = [name for name, on in (("csv", as_csv), ("json", as_json)) if on]
    if len(chosen) > 1 or (parquet is not None and chosen):
        raise _fail("choose one output: --csv, --json or --parquet", EXIT_BAD_INPUT)
    fmt = chosen[0] if chosen else fmt.lower()
    if fmt not in ("table", "csv", "json"):
        raise _fail(f"--format must be table, csv or json, not {fmt!r}", EXIT_BAD_INPUT)
    with _errors():
        result = query_store(db, query, parquet=parquet, min_confidence=min_confidence, wait=wait, on_wait=_waiting)
    if result.parquet is not None:
        typer.echo(f"wrote {result.written} row{'s' if result.written != 1 else ''} "
                   f"({len(result.columns)} columns) to {result.parquet}")
        if not result.written:
            raise typer.Exit(EXIT_NOT_FOUND)
        return
    typer.echo(_render_rows(list(result.columns), result.rows, fmt))
    if not result.rows:
        raise typer.Exit(EXIT_NOT_FOUND)


@app.command("export")
def export_command(
    directory: Path = typer.Argument(..., metavar="DIR", help="Directory to write NAME.parquet files into "
                                                             "(created if needed; files of the same names "
                                                             "are replaced)."),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
    min_confidence: float = ViewsMinConfidenceOption,
    wait: float = WaitOption,
) -> None:
    """Write every table and view of the store as Parquet, for pandas, polars, Spark or DuckDB.

    One file per table and view (documents.parquet, edges.parquet, …, copy_edges.parquet,
    site_pairs.parquet, stories.parquet …), written a batch at a time (a large store never sits
    in memory whole), read-only. INTERVAL columns (lag, time_span) are written as seconds.

    \b
    Examples:
      provenance export out/
      provenance export out/ --db news.duckdb --json
      python -c "import pandas; print(pandas.read_parquet('out/site_pairs.parquet'))"
    """
    with _errors():
        report = export_store(db, directory, min_confidence=min_confidence, wait=wait, on_wait=_waiting)
    if as_json:
        _echo_json({"directory": str(report.directory),
                    "files": [{"name": name, "path": str(path), "rows": rows} for name, path, rows in report.files]})
        return
    width = max((len(name) for name, _, _ in report.files), default=0)
    for name, path, rows in report.files:
        typer.echo(f"{name.ljust(width)}  {rows:>9,} rows  {path}")
    typer.echo(f"wrote {len(report.files)} tables and views to {report.directory}")


@app.command("graph")
def graph_command(
    out: Path = typer.Option(..., "--out", metavar="FILE", help="The file to write: .graphml or .gexf "
                                                                "(the suffix chooses the format)."),
    documents: bool = typer.Option(False, "--documents", help="The document lineage graph (documents joined "
                                                              "by copy-like edges) instead of the site network."),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
    min_confidence: float = ViewsMinConfidenceOption,
    wait: float = WaitOption,
) -> None:
    """Write who copies whom as a graph file for Gephi, Cytoscape or networkx.

    The site network: a node per site (label: its name, else its host; documents), an edge from
    each source site to each site copying it (weight: copies; edges, credited_share,
    changed_share, median_lag_hours, p90_lag_hours, mean_containment), as the site_pairs view
    has them. With --documents: a node per document linked by a copy-like edge (label, site,
    title, url, published_at, story_id) and an edge from each source to its copy (relation,
    containment, confidence, credited, lag_hours, changed). Ids are strings.

    \b
    Examples:
      provenance graph --out sites.gexf
      provenance graph --out lineage.graphml --documents --db news.duckdb
    """
    with _errors():
        report = graph_store(db, out, documents=documents, min_confidence=min_confidence, wait=wait, on_wait=_waiting)
    if as_json:
        _echo_json({"path": str(report.path), "format": report.format, "graph": report.kind,
                    "nodes": report.nodes, "edges": report.edges})
    else:
        typer.echo(f"wrote the {'document lineage graph' if documents else 'site network'} to {report.path} "
                   f"({report.format}): {report.nodes} nodes, {report.edges} edges")
    if not report.edges:
        raise typer.Exit(EXIT_NOT_FOUND)


@app.command("report")
def report_command(
    out: Path = typer.Option(..., "--out", "-o", metavar="REPORT.html", help="The HTML file to write."),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
    min_confidence: float = typer.Option(0.0, "--min-confidence", min=0.0, max=1.0, metavar="P",
                                         help="Leave out links below this confidence everywhere in the report."),
    max_pairs: int = typer.Option(50, "--max-pairs", min=0, metavar="N",
                                  help="Side-by-side views of the N most confident links (copies first), to keep "
                                       "the file light on a big store."),
    max_sites: int = typer.Option(40, "--max-sites", min=1, metavar="N",
                                  help="Sites drawn in the network at most (those in the most copies)."),
    title: str = typer.Option("Copying report", "--title", help="The page's title."),
    wait: float = WaitOption,
) -> None:
    """Write one self-contained HTML report of the store: who copies whom, and how.

    Summary figures; the network of sites (an arrow from source to copier, its width the copies,
    its colour the share credited); tables of the top copiers and sources; copying over time and
    the lag from source to copy; lineage trees; and side-by-side views of source and copy with
    the copied passages, the diff (insertions, deletions, changes), page furniture and credit
    lines marked. The file loads nothing from the network (inline CSS and SVG, no script) and
    reads well on a phone and a laptop. Read-only.

    \b
    Examples:
      provenance report --out report.html
      provenance report --db news.duckdb --out report.html --min-confidence 0.8 --max-pairs 100
    """
    from .htmlreport import ReportQuery, write_report

    with _errors():
        store, _ = open_store(db, read_only=True, wait=wait, on_wait=_waiting)
        with store:
            stats = write_report(store, out, ReportQuery(min_confidence=min_confidence, max_pairs=max_pairs,
                                                         max_sites=max_sites), title=title)
    if as_json:
        _echo_json({"out": str(stats.path), **{k: v for k, v in dataclasses.asdict(stats).items() if k != "path"}})
    else:
        typer.echo(f"wrote {stats.path} ({stats.bytes / 1024:.0f} KiB): {stats.documents} documents, {stats.links} links "
                   f"({stats.copies} copies), {stats.sites_drawn} sites in the network, {stats.pairs_shown} of "
                   f"{stats.pairs_total} links side by side")


@app.command("check")
def check_command(
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
    wait: float = WaitOption,
) -> None:
    """Check the store's integrity: every edge joins stored documents, passages and diffs belong
    to edges and lie inside both texts, every document has its index keys, the schema is complete.

    Read-only. Exits 1 when a check fails. A store left by an interrupted or killed ingest passes:
    documents are committed in whole groups, and rerunning the ingest adds what was lost.

    \b
    Examples:
      provenance check
      provenance check --db news.duckdb --json
    """
    with _errors():
        report = check_store(db, wait=wait, on_wait=_waiting)
    if as_json:
        _echo_json(check_to_dict(report))
    else:
        typer.echo(render_check(report))
    if not report.ok:
        raise typer.Exit(EXIT_NOT_FOUND)


@app.command("eval")
def eval_command(
    pairs: Path = typer.Argument(..., help="A JSON Lines file of labelled pairs, one per line.",
                                 show_default=False),
    db: Optional[Path] = DbOption,
    as_json: bool = JsonOption,
    allow_private: bool = AllowPrivateOption,
    wait: float = WaitOption,
) -> None:
    """Measure linking on your own labelled pairs: precision, recall, F1 and direction.

    Prints precision, recall and F1 per relation and for "linked" (any reuse vs none), direction
    accuracy and a confusion table of gold x predicted labels.

    Each line: {"source": PATH|URL|id, "copy": PATH|URL|id, "label": "copy|excerpt|rewrite|none",
    "upstream": "source|copy|unknown"} ("upstream" may be left out: unknown). Relative paths are
    read from the pairs file's folder; a document id (or a URL already ingested) is taken from the
    store, if there is one. Each pair is compared on its own, as lineage judges two texts with no
    other context: version and shares_source count as copy. Direction accuracy is over the linked
    pairs whose upstream is known; an undecided direction counts as wrong. A bad line is reported
    with its number and the rest are still evaluated; the exit code is then 2 (1 when no pair
    could be evaluated).

    \b
    Examples:
      provenance eval docs/eval-example.jsonl
      provenance eval my-pairs.jsonl --db news.duckdb --json
    """
    from .evaluate import eval_report_to_dict, evaluate_pairs, render_eval

    settings = _settings(allow_private)
    with _errors():
        store = open_existing_store(db, settings=settings, wait=wait, on_wait=_waiting)
        try:
            report = evaluate_pairs(pairs, store=store, settings=settings)
        finally:
            if store is not None:
                store.close()
    if as_json:
        _echo_json(eval_report_to_dict(report))
    else:
        typer.echo(render_eval(report))
    if report.errors:
        raise typer.Exit(EXIT_BAD_INPUT)
    if not report.pairs:
        raise typer.Exit(EXIT_NOT_FOUND)


def _render_rows(columns: list[str], rows: list[tuple], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([row_to_json(columns, r) for r in rows], ensure_ascii=False, indent=2, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    cells = [[_cell(v) for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


#: Longest cell shown in table output (CSV and JSON are never cut).
MAX_CELL_CHARS = 60


def _cell(value: object) -> str:
    text = "NULL" if value is None else " ".join(str(value).split())
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def cli_docs(width: int = 100) -> str:
    """docs/cli.md, generated from the commands' --help (a test fails when the file is stale)."""
    root = typer.main.get_command(app)
    parts = ["# Command line reference", "",
             "Generated from `provenance --help`; do not edit by hand "
             "(regenerate with `python -m provenance.cli docs > docs/cli.md`).", ""]

    def help_of(cmd, name: str, parent: typer.Context | None) -> str:
        ctx = typer.Context(cmd, info_name=name, parent=parent, terminal_width=width, max_content_width=width)
        return cmd.get_help(ctx)

    parts += ["## provenance", "", "```text", help_of(root, "provenance", None), "```", ""]
    root_ctx = typer.Context(root, info_name="provenance", terminal_width=width, max_content_width=width)
    for name in sorted(root.commands):  # type: ignore[attr-defined]
        parts += [f"## provenance {name}", "", "```text",
                  help_of(root.commands[name], name, root_ctx), "```", ""]  # type: ignore[attr-defined]
    return "\n".join(parts)


def main() -> None:
    app()


if __name__ == "__main__":
    if sys.argv[1:2] == ["docs"]:
        sys.stdout.write(cli_docs())
    else:
        main()
