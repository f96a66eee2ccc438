"""The report in a real browser: headless Chromium opens the file written for the bundled corpus,
takes a screenshot, and the pixels show the network and a side-by-side view; the console stays
silent. Skipped when no Chromium is installed (.ci/run installs Debian's ``chromium``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from provenance.htmlreport import write_report
from provenance.htmlreport.charts import CREDIT_COLOURS, PALETTE

from pngread import read_png

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM = next((path for path in map(shutil.which, BROWSERS) if path), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (apt-get install chromium; "
                                                          f"looked for {', '.join(BROWSERS)})")
#: Chromium logs what the page's console says as "INFO:CONSOLE(line)] message" with these flags.
CONSOLE = re.compile(r":CONSOLE(?:\(\d+\)|:\d+)?\]\s*(.*)")
WIDTH, HEIGHT = 1280, 6000


def screenshot(page: Path, out: Path, profile: Path, width: int = WIDTH, height: int = HEIGHT) -> list[str]:
    """Open ``page`` in headless Chromium, write a ``width`` x ``height`` screenshot to ``out``;
    returns the console messages. Nothing in the run reaches the network: the page is a local
    file, and Chromium's own background traffic (updates, metrics, sync) is switched off."""
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
         "--metrics-recording-only", "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}",
         f"--window-size={width},{height}", f"--screenshot={out}", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=180)
    assert out.exists(), f"no screenshot (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return [m.group(1) for m in map(CONSOLE.search, proc.stderr.splitlines()) if m]


def near(image: np.ndarray, colour: str, tolerance: int = 12) -> np.ndarray:
    """A mask of the pixels within ``tolerance`` (per channel) of ``colour``."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    return (np.abs(image.astype(np.int16) - rgb) <= tolerance).all(axis=2)


def test_the_console_check_catches_a_page_that_breaks_the_rules(tmp_path):
    """The check below can fail: a page that loads an image and runs a script under the report's
    policy makes Chromium say so on the console (nothing is fetched: the policy blocks it first)."""
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html><head><meta http-equiv="Content-Security-Policy" '
                    'content="default-src \'none\'"></head><body><p>x</p><img src="https://127.0.0.1:9/x.png">'
                    '<script>console.error("boom")</script></body></html>', encoding="utf-8")
    messages = screenshot(page, tmp_path / "bad.png", tmp_path / "profile", 400, 300)
    assert any("Content Security Policy" in m for m in messages), messages


def test_the_report_renders_its_network_and_a_side_by_side_view_without_console_errors(corpus_store, tmp_path):
    out = tmp_path / "report.html"
    write_report(corpus_store, out)
    png = tmp_path / "report.png"
    messages = screenshot(out, png, tmp_path / "profile")
    assert messages == [], messages
    image = read_png(png)
    assert image.shape == (HEIGHT, WIDTH, 3)
    white = (image >= 250).all(axis=2)
    assert white.mean() < 0.97, "the page is (nearly) blank"
    colours = len(np.unique(image.reshape(-1, 3)[::7], axis=0))
    assert colours > 200, f"only {colours} colours: nothing much was drawn"
    # the network: arrows in the credited and the uncredited colours, site circles, in the top
    # part of the page (the charts further down share some colours)
    rows = np.nonzero(near(image, PALETTE["node"]).any(axis=1))[0]
    assert len(rows), "no site circle drawn"
    top = image[: 1400]
    credited, uncredited = near(top, CREDIT_COLOURS[-1]).sum(), near(top, CREDIT_COLOURS[0]).sum()
    assert credited > 2000 and uncredited > 500, (credited, uncredited)
    assert near(top, PALETTE["node"]).sum() > 1500
    # the first side-by-side view is open: its two texts are highlighted as copied (#fff0a8) over
    # large areas, with the copy's own opening marked as added (#d9f2df) and deletions (#fbe0dc)
    copied, added, cut = near(image, "#fff0a8", 4), near(image, "#d9f2df", 4), near(image, "#fbe0dc", 4)
    assert copied.sum() > 40_000, copied.sum()
    assert added.sum() > 3_000 and cut.sum() > 500, (added.sum(), cut.sum())
    # side by side: copied highlight on both halves of the page at the same height
    ys = np.nonzero(copied[:, : WIDTH // 2].sum(axis=1) > 100)[0]
    assert len(ys) and (copied[ys, WIDTH // 2:].sum(axis=1) > 100).any(), "the two texts are not side by side"
