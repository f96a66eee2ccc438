"""Tokenising with offsets, quotation spans, token masks and the stable token / n-gram hashes."""

from __future__ import annotations

import random
import time
import unicodedata
import zlib

import numpy as np
import pytest

from provenance.text import ngram_hashes, quoted_spans, span_mask, token_hashes, tokenize

from textgen import article, paragraph


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).casefold()


def _assert_offsets_map_back(text: str) -> None:
    toks = tokenize(text)
    assert len(toks.starts) == len(toks.ends) == len(toks.words)
    for word, start, end in zip(toks.words, toks.starts, toks.ends):
        assert 0 <= start < end <= len(text)
        assert _norm(text[start:end]) == word


# --- tokenize ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("The Harbour Council, in 2025, said: NO.", ("the", "harbour", "council", "in", "2025", "said", "no")),
    ("Café owners in Zürich and São Paulo protested.", ("café", "owners", "in", "zürich", "and", "são", "paulo",
                                                       "protested")),
    ("The ﬁnance ministry paid １２３ crowns to ＡＢＣ.", ("the", "finance", "ministry", "paid", "123", "crowns",
                                                   "to", "abc")),
    ("STRASSE und Straße", ("strasse", "und", "strasse")),
    ("東京都", ("東", "京", "都")),
    ("東京はTower 2025年", ("東", "京", "は", "tower", "2025", "年")),
    ("", ()),
    ("... -- !!", ()),
], ids=["ascii", "accented", "nfkc-compat", "sharp-s", "cjk", "mixed", "empty", "punctuation"])
def test_tokenize_words_and_offsets_map_back_to_the_text(text, words):
    toks = tokenize(text)
    assert toks.words == words
    assert len(toks) == len(words)
    _assert_offsets_map_back(text)


def test_offsets_are_positions_in_the_original_not_the_normalised_text():
    # "ﬁ" is one character that NFKC turns into two: offsets after it must not shift
    text = "ﬁx the ﬁne"
    toks = tokenize(text)
    assert toks.words == ("fix", "the", "fine")
    assert list(toks.starts) == [0, 3, 7]
    assert list(toks.ends) == [2, 6, 10]
    # full-width digits keep their own (one-character-each) positions
    text = "paid １２３ now"
    toks = tokenize(text)
    assert toks.words == ("paid", "123", "now")
    assert (int(toks.starts[1]), int(toks.ends[1])) == (5, 8)


def test_tokenize_offsets_on_long_mixed_text():
    rng = random.Random(5)
    pieces = [paragraph(rng, 30), "Ｐａｋｉｓｔａｎ’s ﬂeet — 北京 and ソウル «Écoute» ２０２５", paragraph(rng, 20)]
    text = "\n\n".join(pieces)
    _assert_offsets_map_back(text)
    toks = tokenize(text)
    assert "pakistan" in toks.words and "fleet" in toks.words and "écoute" in toks.words
    assert {"北", "京", "ソ", "ウ", "ル", "2025"} <= set(toks.words)


def test_ascii_prose_tokens_are_its_lowercased_words():
    text = article(3, paragraphs=3, words=40)
    expected = tuple(text.lower().replace(".", " ").split())
    toks = tokenize(text)
    assert toks.words == expected
    assert not toks.unspaced


def test_unspaced_flag_is_set_for_mostly_cjk_text_only():
    assert tokenize("港口工人罢工四十八小时").unspaced
    assert not tokenize("The port of 北京 was closed").unspaced
    assert not tokenize("").unspaced


def test_canonically_equivalent_nfd_text_gives_the_same_tokens():
    nfc = "café résumé"
    nfd = unicodedata.normalize("NFD", nfc)
    assert tokenize(nfd).words == tokenize(nfc).words == ("café", "résumé")


@pytest.mark.parametrize("text, words", [
    ("বাংলাদেশ ও পাকিস্তান", ("বাংলাদেশ", "ও", "পাকিস্তান")),
    ("भारत और पाकिस्तान", ("भारत", "और", "पाकिस्तान")),
], ids=["bengali", "hindi"])
def test_indic_words_are_whole_tokens(text, words):
    toks = tokenize(text)
    assert toks.words == words
    assert not toks.unspaced


# --- quoted_spans --------------------------------------------------------------------------------

def _span_of(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


@pytest.mark.parametrize("text, quotes", [
    ("He said “yes” and then “no, never” to the council.", ["“yes”", "“no, never”"]),
    ('The minister said "we will talk" on Friday.', ['"we will talk"']),
    ("Il a dit «nous négocierons» hier.", ["«nous négocierons»"]),
    ("Er sagte „wir verhandeln“ gestern.", ["„wir verhandeln“"]),
    ("She said ‘the terminal will stay open for every single shift’ firmly.",
     ["‘the terminal will stay open for every single shift’"]),
    ("Pakistan’s minister said “we will talk” in Dhaka.", ["“we will talk”"]),
    ("Pakistan’s and India’s ministers met at the border on Friday.", []),
    ("An opening mark “with no end at all.", []),
    ("A closing mark” with no start.", []),
], ids=["curly", "straight", "guillemets", "low-high", "single-long", "apostrophe-then-quote", "apostrophes-only",
        "unclosed", "unopened"])
def test_quoted_spans(text, quotes):
    assert quoted_spans(text) == [_span_of(text, q) for q in quotes]


def test_a_quote_does_not_cross_a_paragraph_break():
    text = "He said “the strike\n\nwill go on” and left."
    assert quoted_spans(text) == []


def test_an_unclosed_quote_in_one_paragraph_does_not_swallow_the_next_paragraphs_quote():
    text = "He began “an unfinished thought.\n\nLater she said “we are done” to reporters."
    assert quoted_spans(text) == [_span_of(text, "“we are done”")]


def test_an_overlong_quotation_is_not_masked():
    rng = random.Random(1)
    long_quote = "“" + paragraph(rng, 150) + "”"
    assert len(long_quote) > 600
    text = "He said " + long_quote + " and left."
    assert quoted_spans(text) == []


@pytest.mark.parametrize("text, quote", [
    ("‘It’s a long quotation that goes on for more than forty characters,’ he said.",
     "‘It’s a long quotation that goes on for more than forty characters,’"),
    ("‘We will continue to strengthen our ties with Pakistan’s neighbours,’ he said.",
     "‘We will continue to strengthen our ties with Pakistan’s neighbours,’"),
], ids=["apostrophe-near-start-drops-quote", "apostrophe-far-in-cuts-quote"])
def test_an_apostrophe_inside_a_single_quoted_quotation_does_not_close_it(text, quote):
    assert quoted_spans(text) == [_span_of(text, quote)]


# --- span_mask -----------------------------------------------------------------------------------

def test_span_mask_marks_the_tokens_wholly_inside_the_spans():
    text = "alpha beta gamma delta epsilon zeta"
    toks = tokenize(text)
    beta_gamma = (text.index("beta"), text.index("gamma") + len("gamma"))
    zeta = (text.index("zeta"), len(text))
    mask = span_mask(toks, [beta_gamma, zeta])
    assert mask.dtype == bool
    assert mask.tolist() == [False, True, True, False, False, True]


def test_span_mask_leaves_out_tokens_the_span_only_partly_covers():
    text = "alpha beta gamma delta"
    toks = tokenize(text)
    # from the middle of "alpha" to the middle of "gamma": only "beta" is wholly inside
    mask = span_mask(toks, [(2, text.index("gamma") + 2)])
    assert mask.tolist() == [False, True, False, False]


def test_span_mask_with_quoted_spans_masks_the_quoted_words():
    text = "The union said “we will not move” and the port said nothing."
    toks = tokenize(text)
    mask = span_mask(toks, quoted_spans(text))
    assert [w for w, m in zip(toks.words, mask) if m] == ["we", "will", "not", "move"]


def test_span_mask_ignores_empty_and_reversed_spans_and_handles_no_tokens():
    toks = tokenize("alpha beta gamma")
    assert not span_mask(toks, [(6, 6), (10, 3)]).any()
    assert not span_mask(toks, []).any()
    assert span_mask(tokenize(""), [(0, 5)]).tolist() == []


# --- hashes --------------------------------------------------------------------------------------

def _crc_pair(word: str) -> int:
    b = word.encode("utf-8")
    return (zlib.crc32(b) << 32) | zlib.crc32(b, 0x9E3779B9)


def test_token_hashes_are_the_documented_crc32_pair():
    words = ["harbour", "strike", "東", "café", "harbour", ""]
    hashes = token_hashes(words)
    assert hashes.dtype == np.uint64
    assert [int(h) for h in hashes] == [_crc_pair(w) for w in words]
    # stable across calls (no per-process salt) and equal for equal words
    assert np.array_equal(token_hashes(words), hashes)
    assert hashes[0] == hashes[4]
    assert len(set(int(h) for h in hashes)) == 5


def test_token_hashes_of_nothing_is_empty():
    assert len(token_hashes([])) == 0


_M64 = (1 << 64) - 1


def _splitmix_finaliser(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _M64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _M64
    x ^= x >> 31
    return x


def _ngram_by_hand(hashes: list[int], n: int) -> list[int]:
    out = []
    for i in range(len(hashes) - n + 1):
        acc = 0
        for k in range(n):
            acc = (acc * 0x100000001B3 + hashes[i + k]) & _M64
        out.append(_splitmix_finaliser(acc))
    return out


def test_ngram_hashes_equal_a_plain_python_computation():
    words = "the harbour council said the harbour council would meet".split()
    hashes = token_hashes(words)
    for n in (1, 3, 5):
        got = ngram_hashes(hashes, n)
        assert got.dtype == np.uint64
        assert [int(h) for h in got] == _ngram_by_hand([_crc_pair(w) for w in words], n)


def test_same_ngram_at_two_positions_hashes_equal_and_different_ngrams_differ():
    words = "the harbour council said the harbour council would meet".split()
    got = ngram_hashes(token_hashes(words), 3)
    assert len(got) == len(words) - 3 + 1
    # "the harbour council" at positions 0 and 4
    assert got[0] == got[4]
    others = [int(h) for i, h in enumerate(got) if i not in (0, 4)]
    assert len(set(others)) == len(others) and int(got[0]) not in others
    # order matters: a permutation of the same words is a different n-gram
    a = ngram_hashes(token_hashes(["harbour", "council", "said"]), 3)
    b = ngram_hashes(token_hashes(["council", "harbour", "said"]), 3)
    assert a[0] != b[0]


def test_ngram_hashes_of_fewer_tokens_than_n_is_empty():
    hashes = token_hashes(["one", "two"])
    assert len(ngram_hashes(hashes, 3)) == 0
    assert ngram_hashes(hashes, 3).dtype == np.uint64
    assert len(ngram_hashes(token_hashes([]), 1)) == 0
    assert len(ngram_hashes(hashes, 2)) == 1


def test_quoted_spans_are_found_in_linear_time_in_a_text_dense_with_marks():
    # Each opening mark walked up to 600 characters of marks after it: 26 s for a fuzzed 790 KB page.
    text = "“" * 100_000 + " “a quote” and ‘another’ one"
    started = time.process_time()
    spans = quoted_spans(text)
    assert time.process_time() - started < 1.0
    found = [text[a:b] for a, b in spans]
    assert found[-2].endswith("“““ “a quote”") and found[-1] == "‘another’"  # the first “ within 600 characters


def test_quoted_spans_match_the_first_closing_mark_within_reach():
    text = "He said “one” then „zwei“ and ‘it’s’ done; “unclosed " + "x" * 700 + "” far away"
    assert [text[a:b] for a, b in quoted_spans(text)] == ["“one”", "„zwei“", "‘it’s’"]


def test_names_are_capitalised_words_inside_a_sentence():
    from provenance.text import name_mask
    text = 'The Coast Guard said. "Rescue teams found debris," said Rear Admiral John Mauger of the USCG on Thursday.'
    tokens = tokenize(text)
    named = {w for w, is_name in zip(tokens.words, name_mask(text, tokens)) if is_name}
    # sentence openers ("The", "Rescue") are not names; titles, names, acronyms and days are
    assert named == {"coast", "guard", "rear", "admiral", "john", "mauger", "uscg", "thursday"}
