"""What an HTML page says about itself: title, dates, authors, site, language.

* :mod:`~provenance.extract.metadata.page` — :class:`PageMetadata` and the order of its sources;
* :mod:`~provenance.extract.metadata.title` — the headline;
* :mod:`~provenance.extract.metadata.dates` — dates written in strings (ISO, RFC 2822, "5. Mai 2023", URLs);
* :mod:`~provenance.extract.metadata.published` — the page's publication date among them;
* :mod:`~provenance.extract.metadata.authors` — the author names;
* :mod:`~provenance.extract.metadata.site` — the page's host and canonical URL, the site's names as words.

Each is imported by its own name: this package imports none of them itself, because
:mod:`provenance.extract.htmlscan` needs :mod:`~provenance.extract.metadata.dates` while the others need the scan.
"""

__all__: list[str] = []
