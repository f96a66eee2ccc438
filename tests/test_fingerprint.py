import numpy as np
from datasketch import MinHash

from provenance.fingerprint import (PASSAGE_BAND, PHRASE_BAND, estimate_jaccard, fingerprint_article,
                                    shingle_article, winnow)
from provenance.models import Article, Credit, Furniture
from provenance.settings import Settings

from textgen import article


def _article(text, **kw):
    return Article(url="file:///t.txt", text=text, format="text", **kw)


def test_winnowing_keeps_a_shared_key_for_every_shared_run_of_a_window():
    rng = np.random.default_rng(3)
    window = 12
    for trial in range(200):
        a = rng.integers(0, 2**63, size=300, dtype=np.uint64)
        b = rng.integers(0, 2**63, size=300, dtype=np.uint64)
        start, length = int(rng.integers(0, 300 - 40)), int(rng.integers(window, 40))
        b[50:50 + length] = a[start:start + length]  # a shared run of at least one window
        assert set(winnow(a, window).tolist()) & set(winnow(b, window).tolist()), trial
    keys = winnow(a, window)
    assert len(keys) < 2.5 * len(a) / (window + 1)  # about 2 / (w + 1) of the hashes are kept
    assert list(winnow(np.array([5, 3, 9], dtype=np.uint64), window)) == [3]
    assert len(winnow(np.zeros(0, dtype=np.uint64), window)) == 0


def test_signature_equals_datasketch():
    sh = shingle_article(_article(article(1, 3)))
    fp = fingerprint_article(sh)
    m = MinHash(num_perm=128, seed=1, hashfunc=int, scheme="affine32")
    m.update_batch([int(x) for x in np.unique(sh.shingles & np.uint64(0xFFFFFFFF))])
    assert np.frombuffer(fp.signature, dtype="<u4").tolist() == m.hashvalues.tolist()


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


def test_an_excerpt_shares_passage_keys_with_its_source():
    source = article(6, paragraphs=8)
    excerpt_par = source.split("\n\n")[4]
    host = article(7, paragraphs=3) + "\n\n" + excerpt_par + "\n\n" + article(8, paragraphs=3)
    ks = set(fingerprint_article(shingle_article(_article(source))).band_keys)
    kh = set(fingerprint_article(shingle_article(_article(host))).band_keys)
    shared = ks & kh
    assert sum(band == PASSAGE_BAND for band, _ in shared) >= 2  # enough to be a candidate
    assert all(band in (PASSAGE_BAND, PHRASE_BAND) for band, _ in shared)
    unrelated = set(fingerprint_article(shingle_article(_article(article(9)))).band_keys)
    assert not (ks & unrelated)


def test_cjk_text_is_tokenised_by_character():
    text = "港口工人今天开始罢工，抗议自动化计划。工会领导人表示，罢工将持续四十八小时。" * 3
    sh = shingle_article(_article(text), Settings())
    assert sh.n == Settings().shingle_chars
    assert len(sh.content) > 40
