

def test_crawl_status_lines_without_a_terminal_come_at_most_every_few_seconds():
    import io

    from provenance.crawl import CrawlProgress
    from provenance.progress import CrawlDisplay

    stream = io.StringIO()
    with CrawlDisplay(stream) as display:
        display.update(CrawlProgress(3, 1, 1, 0, 0, "https://x.example/a"))
        display.update(CrawlProgress(4, 2, 2, 1, 0, "https://x.example/b"))  # within the interval: not shown
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 and "3 requests" in lines[0] and "1 documents and 0 links added" in lines[0]
    quiet = io.StringIO()
    with CrawlDisplay(quiet, enabled=False) as display:
        display.update(CrawlProgress(3, 1, 1, 0, 0))
    assert quiet.getvalue() == ""
