"""Every query of docs/cookbook.md, run through ``provenance sql`` against a store built from the
bundled corpus: it must run, and return rows or none as the comment under it says."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from provenance.cli import app

from conftest import ROOT

COOKBOOK = ROOT / "docs" / "cookbook.md"
_RECIPE = re.compile(r"^## (?P<title>.+?)\n(?P<body>.*?)(?=^## |\Z)", re.S | re.M)
_SQL = re.compile(r"```sql\n(?P<sql>.*?)```\n<!-- expect: (?P<expect>rows|empty) -->", re.S)


def recipes() -> list[tuple[str, str, str]]:
    """(title, query, expectation) for every recipe; a recipe with no checked query is an error."""
    found = []
    for match in _RECIPE.finditer(COOKBOOK.read_text(encoding="utf-8")):
        queries = list(_SQL.finditer(match["body"]))
        assert "```sql" not in match["body"] or len(queries) == match["body"].count("```sql"), (
            f"{match['title']}: every ```sql block needs an <!-- expect: rows|empty --> line under it")
        found += [(match["title"], q["sql"], q["expect"]) for q in queries]
    return found


def test_the_cookbook_has_at_least_ten_checked_questions():
    assert len(recipes()) >= 10
    assert len({title for title, _, _ in recipes()}) == len(recipes())


@pytest.fixture
def db(corpus_db):
    return corpus_db


@pytest.mark.parametrize("title,sql,expect", recipes(), ids=[t.split(".")[0] for t, _, _ in recipes()])
def test_each_cookbook_query_runs_on_the_bundled_corpus(db, title, sql, expect):
    result = CliRunner().invoke(app, ["sql", sql, "--db", str(db), "--json"])
    assert result.exit_code in (0, 1), f"{title}: {result.output}"
    rows = json.loads(result.stdout)
    if expect == "rows":
        assert rows and result.exit_code == 0, f"{title}: no rows on the bundled corpus"
    else:
        assert rows == [] and result.exit_code == 1, f"{title}: rows where the cookbook says none"
