"""The classified word-level diff of a copy against its source, on hand-built articles and passages
whose expected segments are known from how the copy was made."""

from __future__ import annotations

import random

import pytest

from provenance.diff import CONTEXT_MIN_WORDS, MAX_DIFF_WORDS, diff_copy
from provenance.models import Article, Credit, DiffOp, Furniture, Passage

from textgen import article, paragraph


def _art(text: str, url: str = "https://example.test/a", credits=(), furniture=()) -> Article:
    return Article(url=url, text=text, format="text", credits=tuple(credits), furniture=tuple(furniture))


def _paras(seed: int, n: int, words: int = 50) -> list[str]:
    rng = random.Random(seed)
    return [paragraph(rng, words) for _ in range(n)]


def _whole(source: str, copy: str, copy_start: int = 0) -> tuple[Passage, ...]:
    """One passage: all of ``source`` at ``copy_start`` in the copy."""
    return (Passage(0, len(source), copy_start, copy_start + len(source)),)


def _unique_words(n: int, stem: str = "xeno") -> str:
    """Words that textgen's vocabulary never produces."""
    return " ".join(f"{stem}{chr(97 + k % 26)}{k}" for k in range(n))


def test_no_passages_no_diff():
    text = article(1, 2)
    assert diff_copy(_art(text), _art(text, url="https://copy.test/"), ()) == ()


def test_identical_texts_give_no_ops():
    text = article(2, 4)
    ops = diff_copy(_art(text), _art(text, url="https://copy.test/"), _whole(text, text))
    assert ops == ()


def test_a_word_replaced_inside_is_one_replace_op_with_both_texts_and_offsets():
    p1, p2 = _paras(3, 2)
    source = f"{p1} The quokka ledger was signed.\n\n{p2}"
    copy = f"{p1} The platypus ledger was signed.\n\n{p2}"
    at = source.index("quokka")
    assert copy.index("platypus") == at
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"), (Passage(0, len(source), 0, len(copy)),))
    assert ops == (DiffOp("replace", at, at + len("quokka"), at, at + len("platypus"), "platypus", "editorial",
                          source_text="quokka"),)


def test_a_word_deleted_inside_is_an_editorial_delete():
    p1, p2 = _paras(4, 2)
    source = f"{p1} The quokka ledger was signed. {p2}"
    copy = f"{p1} The ledger was signed. {p2}"
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"), (Passage(0, len(source), 0, len(copy)),))
    at = source.index("quokka")
    assert len(ops) == 1
    op = ops[0]
    assert (op.op, op.kind, op.text) == ("delete", "editorial", "quokka")
    assert (op.source_start, op.source_end) == (at, at + len("quokka"))
    assert op.copy_start == op.copy_end
    # the copy position is between the neighbouring words "The" and "ledger"
    assert copy.index("The ledger") + len("The") <= op.copy_start <= copy.index("ledger was signed")


def test_a_sentence_inserted_in_the_middle_is_an_editorial_insert():
    p1, p2 = _paras(5, 2)
    inserted = "Zebras zigzag across xylophones."
    source = f"{p1} {p2}"
    copy = f"{p1} {inserted} {p2}"
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"), (Passage(0, len(source), 0, len(copy)),))
    assert len(ops) == 1
    op = ops[0]
    at = len(p1) + 1
    assert (op.op, op.kind) == ("insert", "editorial")
    # word-level: from the first inserted word to the last one (the full stop is punctuation)
    assert (op.copy_start, op.copy_end) == (at, at + len(inserted) - 1)
    assert op.text == "Zebras zigzag across xylophones"
    assert op.source_start == op.source_end
    assert len(p1) - 1 <= op.source_start <= len(p1) + 1  # between p1's last word and p2's first


@pytest.mark.parametrize("words, kind", [(CONTEXT_MIN_WORDS - 1, "editorial"), (CONTEXT_MIN_WORDS, "context")])
def test_a_long_insertion_inside_the_region_is_context(words, kind):
    p1, p2 = _paras(6, 2)
    inserted = _unique_words(words)
    source = f"{p1}\n\n{p2}"
    copy = f"{p1}\n\n{inserted}\n\n{p2}"
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"), (Passage(0, len(source), 0, len(copy)),))
    at = len(p1) + 2
    assert [(o.op, o.kind, o.copy_start, o.copy_end, o.text) for o in ops] == [
        ("insert", kind, at, at + len(inserted), inserted)]


def test_furniture_and_credit_lines_after_the_copied_text_are_classified():
    source = "\n\n".join(_paras(7, 3))
    furniture_line = "For more: Example Daily website and for social networking, follow us on Facebook"
    credit_line = "Source of information and images “harbourwire”"
    copy = f"{source}\n\n{furniture_line}\n\n{credit_line}"
    f_at = copy.index(furniture_line)
    c_at = copy.index(credit_line)
    copy_art = _art(
        copy, url="https://copy.test/",
        furniture=[Furniture(f_at, f_at + len(furniture_line), "share/subscribe line")],
        credits=[Credit(credit_line, "harbourwire", "harbourwire.example", "source_line", c_at,
                        c_at + len(credit_line))],
    )
    ops = diff_copy(_art(source), copy_art, _whole(source, copy))
    end = len(source)
    assert ops == (
        DiffOp("insert", end, end, f_at, f_at + len(furniture_line), furniture_line, "furniture"),
        DiffOp("insert", end, end, c_at, c_at + len(credit_line), credit_line, "credit"),
    )


def test_consecutive_furniture_lines_are_one_op_and_unmarked_lines_are_context():
    source = "\n\n".join(_paras(8, 2))
    own = "Our reporter adds that the ferry timetable changed twice."
    copy = f"{source}\n\nRelated Articles\nLeave a Reply\n\n{own}"
    r_at = copy.index("Related Articles")
    l_at = copy.index("Leave a Reply")
    furniture = [Furniture(r_at, r_at + len("Related Articles"), "related-articles heading"),
                 Furniture(l_at, l_at + len("Leave a Reply"), "comments prompt")]
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/", furniture=furniture), _whole(source, copy))
    assert [(o.op, o.kind, o.text) for o in ops] == [
        ("insert", "furniture", "Related Articles\nLeave a Reply"),
        ("insert", "context", own),
    ]
    assert (ops[0].copy_start, ops[0].copy_end) == (r_at, l_at + len("Leave a Reply"))


def test_a_credit_without_text_offsets_does_not_classify_anything():
    source = "\n\n".join(_paras(9, 2))
    own = "Our reporter adds that the ferry timetable changed twice."
    copy = f"{source}\n\n{own}"
    canonical = Credit("https://wire.example/x", "wire.example", "wire.example", "canonical", -1, -1)
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/", credits=[canonical]), _whole(source, copy))
    assert [(o.op, o.kind, o.text) for o in ops] == [("insert", "context", own)]


def test_a_copy_of_the_first_half_shows_the_rest_as_truncation():
    p1, p2, p3, p4 = _paras(10, 4)
    source = "\n\n".join([p1, p2, p3, p4])
    copy = "\n\n".join([p1, p2])
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"), _whole(copy, copy))
    rest_at = len(copy) + 2
    assert ops == (DiffOp("delete", rest_at, len(source), len(copy), len(copy), f"{p3}\n\n{p4}", "truncation"),)
    assert source[rest_at:] == f"{p3}\n\n{p4}"


def test_a_copy_of_the_second_half_shows_the_start_as_truncation():
    p1, p2, p3 = _paras(11, 3)
    source = "\n\n".join([p1, p2, p3])
    copy = "\n\n".join([p2, p3])
    start = len(p1) + 2
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"),
                    (Passage(start, len(source), 0, len(copy)),))
    assert ops == (DiffOp("delete", 0, len(p1), 0, 0, p1, "truncation"),)


def test_text_before_the_copied_region_is_context():
    source = "\n\n".join(_paras(12, 3))
    intro = "Families in the harbourside districts woke to car horns on Saturday."
    copy = f"{intro}\n\n{source}"
    at = len(intro) + 2
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"), _whole(source, copy, copy_start=at))
    assert ops == (DiffOp("insert", 0, 0, 0, len(intro), intro, "context"),)


def test_an_excerpt_inside_a_longer_text_has_context_on_both_sides_and_truncation_of_the_source():
    p1, p2, p3 = _paras(13, 3)
    source = "\n\n".join([p1, p2, p3])
    before = "As the agency reported on Saturday:"
    after = "Analysts doubt the terminal will pay for itself within a decade."
    copy = f"{before}\n\n{p2}\n\n{after}"
    s_at, c_at = source.index(p2), copy.index(p2)
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"),
                    (Passage(s_at, s_at + len(p2), c_at, c_at + len(p2)),))
    assert [(o.op, o.kind, o.text) for o in ops] == [
        ("delete", "truncation", p1),
        ("insert", "context", before),
        ("insert", "context", after),
        ("delete", "truncation", p3),
    ]


def test_a_lone_full_stop_or_punctuation_at_the_edges_is_no_op():
    source = "\n\n".join(_paras(14, 2))
    assert source.endswith(".")
    copy = f"{source}\n\n***\n\n—"
    last_word_end = len(source) - 1  # passages end at a word's end, before the full stop
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"),
                    (Passage(0, last_word_end, 0, last_word_end),))
    assert ops == ()


def test_trailing_truncation_does_not_take_the_copied_sentences_full_stop():
    p1, p2 = _paras(15, 2)
    source = f"{p1}\n\n{p2}"
    copy = p1
    end = len(p1) - 1  # like the matcher's passages: up to the end of the last copied word
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"), (Passage(0, end, 0, end),))
    assert [(o.op, o.kind, o.source_start, o.source_end, o.text) for o in ops] == [
        ("delete", "truncation", len(p1) + 2, len(source), p2)]


def test_trailing_insert_does_not_take_the_copied_sentences_full_stop():
    source = "\n\n".join(_paras(16, 2))
    own = "Reporting by our harbour desk."
    copy = f"{source} {own}"
    end = len(source) - 1
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"), (Passage(0, end, 0, end),))
    at = len(source) + 1
    assert [(o.op, o.kind, o.copy_start, o.copy_end, o.text) for o in ops] == [
        ("insert", "context", at, len(copy), own)]


def test_a_region_longer_than_max_diff_words_is_diffed_passage_by_passage():
    paras = _paras(17, 2 * (MAX_DIFF_WORDS // 100) + 2, words=50)
    half = len(paras) // 2
    first, second = "\n\n".join(paras[:half]), "\n\n".join(paras[half:])
    assert len(first.split()) + len(second.split()) > MAX_DIFF_WORDS
    source = f"{first}\n\nThe quokka ledger. {second}"
    copy = f"{first}\n\nThe platypus ledger. {second}"
    # two passages: the first half, and the second half with the edited sentence at its start
    split = len(first) + 2
    passages = (Passage(0, len(first), 0, len(first)), Passage(split, len(source), split, len(copy)))
    ops = diff_copy(_art(source), _art(copy, url="https://copy.test/"), passages)
    at = source.index("quokka")
    assert ops == (DiffOp("replace", at, at + len("quokka"), at, at + len("platypus"), "platypus", "editorial",
                          source_text="quokka"),)


def test_a_long_copy_with_scattered_edits_finds_every_edit():
    # 40,000+ words with 300 one-word edits (one word-level pass over such a region is quadratic:
    # minutes; sentence-then-word diffing takes well under a second — this test would crawl)
    src = article(11, paragraphs=700, words=60)
    words = src.split(" ")
    positions = sorted(random.Random(3).sample(range(len(words)), 300))
    for i in positions:
        words[i] = "edited"
    cpy = " ".join(words)
    s, c = Article(url="s", text=src, format="text"), Article(url="c", text=cpy, format="text")
    ops = diff_copy(s, c, (Passage(0, len(src) - 1, 0, len(cpy) - 1),))
    replaced = [o for o in ops if o.op == "replace"]
    assert all(o.text.startswith("edited") or "edited" in o.text for o in replaced)
    assert sum(o.text.split().count("edited") for o in replaced) >= 290


def test_the_sources_own_furniture_is_not_called_truncation():
    src = ("Alpha beta gamma delta epsilon zeta eta theta iota kappa.\n\n"
           "Share this article\n\nFollow us on Twitter")
    cpy = "Alpha beta gamma delta epsilon zeta eta theta iota kappa."
    share = src.index("Share this article")
    source = Article(url="s", text=src, format="text",
                     furniture=(Furniture(share, share + 18, "share"), Furniture(share + 20, len(src), "follow")))
    ops = diff_copy(source, Article(url="c", text=cpy, format="text"), (Passage(0, 56, 0, 56),))
    assert [(o.op, o.kind) for o in ops] == [("delete", "furniture")]
