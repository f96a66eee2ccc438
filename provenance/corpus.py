"""Corpus files: which sites a crawl visits, where it starts and what it may fetch.

A corpus file (``corpora/<name>.toml``, read with the standard library's tomllib) names sites
with a role (aggregator, publisher, wire), start URLs (home pages, feeds, sitemaps), include and
exclude regexes on URLs, a page budget per run and a delay between requests. Everything is checked
at load: an unknown key, a wrong type, an invalid regex or a delay below the minimum is one
:class:`InputError` naming the file, the site and the key. The format is described in
``docs/corpus-files.md``; defaults come from :class:`~provenance.settings.Settings`.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from provenance.errors import InputError
from provenance.settings import DEFAULT_SETTINGS, Settings
from provenance.urls import split_url

__all__ = ["Corpus", "SiteSpec", "ROLES", "load_corpus", "parse_corpus", "corpus_path"]

ROLES = ("aggregator", "publisher", "wire")
_TOP_KEYS = {"name", "description", "defaults", "sites"}
_DEFAULT_KEYS = {"page_budget", "delay_seconds"}
_SITE_KEYS = {"name", "role", "start", "include", "exclude", "page_budget", "delay_seconds", "notes"}
_MAX_BUDGET = 1_000_000


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """One site of a corpus. ``include``/``exclude`` are the regexes as written (searched anywhere
    in a URL); their compiled forms are kept alongside."""

    name: str
    role: Literal["aggregator", "publisher", "wire"]
    start: tuple[str, ...]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    page_budget: int = DEFAULT_SETTINGS.crawl_page_budget
    delay_seconds: float = DEFAULT_SETTINGS.crawl_host_delay_seconds
    notes: str = ""
    _include: tuple[re.Pattern, ...] = field(default=(), repr=False, compare=False)
    _exclude: tuple[re.Pattern, ...] = field(default=(), repr=False, compare=False)

    def wants(self, url: str) -> bool:
        """Whether ``url`` is in this site's crawl: it matches an include pattern (any URL when
        there are none) and no exclude pattern."""
        if self._include and not any(p.search(url) for p in self._include):
            return False
        return not any(p.search(url) for p in self._exclude)


@dataclass(frozen=True, slots=True)
class Corpus:
    """A corpus file's sites, in file order."""

    name: str
    description: str
    sites: tuple[SiteSpec, ...]

    def site(self, name: str) -> SiteSpec | None:
        """The site called ``name``, or None."""
        return next((s for s in self.sites if s.name == name), None)


def corpus_path(name_or_path: str | os.PathLike, directory: str | os.PathLike = "corpora") -> Path:
    """A path as given when it names a file or ends in .toml, else ``<directory>/<name>.toml``."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.is_file():
        return path
    return Path(directory) / f"{name_or_path}.toml"


def load_corpus(name_or_path: str | os.PathLike, *, directory: str | os.PathLike = "corpora",
                settings: Settings = DEFAULT_SETTINGS) -> Corpus:
    """Read and check a corpus file (a path, or a name looked up in ``directory``)."""
    path = corpus_path(name_or_path, directory)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such corpus file") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read the corpus file ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), "corpus file is not UTF-8") from None
    return parse_corpus(text, str(path), settings=settings)


def parse_corpus(text: str, origin: str, *, settings: Settings = DEFAULT_SETTINGS) -> Corpus:
    """Check the TOML text of a corpus file; ``origin`` names it in errors (and, by its stem,
    gives the corpus its name when the file has no ``name``)."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(origin, f"not valid TOML ({' '.join(str(exc).split())})") from None
    _no_unknown(table, _TOP_KEYS, origin, "")
    name = _typed(table, "name", str, origin, "", Path(origin).stem)
    description = _typed(table, "description", str, origin, "", "")
    defaults = _typed(table, "defaults", dict, origin, "", {})
    _no_unknown(defaults, _DEFAULT_KEYS, origin, "defaults.")
    budget = _budget(defaults, origin, "defaults.", settings.crawl_page_budget)
    delay = _delay(defaults, origin, "defaults.", settings.crawl_host_delay_seconds, settings)
    sites_value = table.get("sites")
    if not isinstance(sites_value, list) or not sites_value:
        raise InputError(origin, "'sites' must be a non-empty array of tables ([[sites]])")
    sites: list[SiteSpec] = []
    names: set[str] = set()
    for index, site in enumerate(sites_value):
        if not isinstance(site, dict):
            raise InputError(origin, f"sites[{index}] must be a table")
        spec = _site(site, index, origin, budget, delay, settings)
        if spec.name in names:
            raise InputError(origin, f"sites[{index}]: site name {spec.name!r} used twice")
        names.add(spec.name)
        sites.append(spec)
    return Corpus(name, description, tuple(sites))


def _site(site: dict, index: int, origin: str, budget: int, delay: float, settings: Settings) -> SiteSpec:
    where = f"sites[{index}]"
    name = site.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(origin, f"{where}: 'name' must be a non-empty string")
    where = f"sites[{index}] ({name})"
    _no_unknown(site, _SITE_KEYS, origin, f"{where}: ")
    role = site.get("role")
    if role not in ROLES:
        raise InputError(origin, f"{where}: 'role' must be one of {', '.join(ROLES)}, not {role!r}")
    start = _strings(site, "start", origin, where)
    if not start:
        raise InputError(origin, f"{where}: 'start' must list at least one URL")
    for url in start:
        parts = split_url(url)
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(origin, f"{where}: start URL {url[:100]!r} is not an http(s) URL")
    include = _strings(site, "include", origin, where)
    exclude = _strings(site, "exclude", origin, where)
    return SiteSpec(
        name=name, role=role, start=start, include=include, exclude=exclude,
        page_budget=_budget(site, origin, f"{where}: ", budget),
        delay_seconds=_delay(site, origin, f"{where}: ", delay, settings),
        notes=_typed(site, "notes", str, origin, f"{where}: ", ""),
        _include=tuple(_compiled(p, origin, where, "include") for p in include),
        _exclude=tuple(_compiled(p, origin, where, "exclude") for p in exclude))


def _no_unknown(table: dict, known: set[str], origin: str, where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise InputError(origin, f"{where}unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")


def _typed(table: dict, key: str, kind: type, origin: str, where: str, default):
    value = table.get(key, default)
    if not isinstance(value, kind):
        raise InputError(origin, f"{where}{key!r} must be a {_KIND_NAMES[kind]}, not {type(value).__name__}")
    return value


_KIND_NAMES = {str: "string", dict: "table", list: "array"}


def _strings(site: dict, key: str, origin: str, where: str) -> tuple[str, ...]:
    value = site.get(key, [])
    if isinstance(value, str):  # a single URL or pattern written without brackets
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(origin, f"{where}: {key!r} must be an array of non-empty strings")
    return tuple(v.strip() for v in value)


def _budget(table: dict, origin: str, where: str, default: int) -> int:
    value = table.get("page_budget", default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_BUDGET:
        raise InputError(origin, f"{where}'page_budget' must be an integer from 1 to {_MAX_BUDGET:,}, not {value!r}")
    return value


def _delay(table: dict, origin: str, where: str, default: float, settings: Settings) -> float:
    value = table.get("delay_seconds", default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(origin, f"{where}'delay_seconds' must be a number of seconds, not {value!r}")
    if value < settings.crawl_min_delay_seconds:
        raise InputError(origin, f"{where}'delay_seconds' {value} is below the minimum of "
                                 f"{settings.crawl_min_delay_seconds} s between requests to one site")
    return float(value)


def _compiled(pattern: str, origin: str, where: str, key: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise InputError(origin, f"{where}: {key} pattern {pattern[:100]!r} is not a valid regex ({exc})") from None
