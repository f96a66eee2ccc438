import numpy as np
from datasketch import MinHash

from provenance.fingerprint import (WINDOW_BAND_OFFSET, estimate_jaccard, fingerprint_article,
                                    shingle_article, window_minhashes)
from provenance.models import Article, Credit, Furniture
from provenance.settings import Settings

from textgen import article


def _article(text, **kw):
    return Article(url="file:///t.txt", text=text, format="text", **kw)


def test_window_minhashes_equal_datasketch_per_window():
    sh = shingle_article(_article(article(1, 3)))
    width, starts = 26, [0, 15, 30]
    fast = window_minhashes(sh.shingles, starts, width, 32, 7)
    for row, start in enumerate(starts):
        m = MinHash(num_perm=32, seed=7, hashfunc=int, scheme="affine32")
        m.update_batch([int(x) for x in (sh.shingles[start:start + width] & np.uint64(0xFFFFFFFF))])
        assert np.array_equal(fast[row], m.hashvalues)


def test_same_text_same_fingerprint_and_different_text_differs():
    a = fingerprint_article(shingle_article(_article(article(2))))
    b = fingerprint_article(shingle_article(_article(article(2))))
    c = fingerprint_article(shingle_article(_article(article(3))))
    assert a.content_hash == b.content_hash and a.band_keys == b.band_keys
    assert a.content_hash != c.content_hash
    assert estimate_jaccard(a.signature, c.signature) < 0.1


def test_case_and_punctuation_do_not_change_the_content_hash():
    text = article(4)
    noisy = text.upper().replace(".", " !")
    a = fingerprint_article(shingle_article(_article(text)))
    b = fingerprint_article(shingle_article(_article(noisy)))
    assert a.content_hash == b.content_hash


def test_furniture_and_credit_lines_are_left_out_of_the_fingerprint():
    body = article(5)
    extra = "\n\nSubscribe now to keep reading and get access to the full archive.\n\nSource: Example Wire"
    text = body + extra
    furn_start = text.index("Subscribe")
    cred_start = text.index("Source:")
    wrapped = _article(text, furniture=(Furniture(furn_start, furn_start + 66, "subscribe"),),
                       credits=(Credit("Source: Example Wire", "Example Wire", None, "source_line", cred_start, len(text)),))
    assert fingerprint_article(shingle_article(wrapped)).content_hash == \
        fingerprint_article(shingle_article(_article(body))).content_hash


def test_an_excerpt_shares_window_keys_with_its_source():
    source = article(6, paragraphs=8)
    excerpt_par = source.split("\n\n")[4]
    host = article(7, paragraphs=3) + "\n\n" + excerpt_par + "\n\n" + article(8, paragraphs=3)
    ks = set(fingerprint_article(shingle_article(_article(source))).band_keys)
    kh = set(fingerprint_article(shingle_article(_article(host))).band_keys)
    shared = ks & kh
    assert shared and all(band >= WINDOW_BAND_OFFSET for band, _ in shared)
    unrelated = set(fingerprint_article(shingle_article(_article(article(9)))).band_keys)
    assert not (ks & unrelated)


def test_cjk_text_is_tokenised_by_character():
    text = "港口工人今天开始罢工，抗议自动化计划。工会领导人表示，罢工将持续四十八小时。" * 3
    sh = shingle_article(_article(text), Settings())
    assert sh.n == Settings().shingle_chars
    assert len(sh.content) > 40
