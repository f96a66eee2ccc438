from provenance.fingerprint import shingle_article
from provenance.match import align_texts, is_copy_evidence
from provenance.models import Article
from provenance.settings import Settings

from textgen import article, paragraph
import random


def _sh(text):
    return shingle_article(Article(url="file:///t.txt", text=text, format="text"))


def test_identical_texts_align_whole():
    text = article(1)
    al = align_texts(1, _sh(text), 2, _sh(text))
    assert al.jaccard == 1.0 and al.a_in_b == 1.0 and al.b_in_a == 1.0
    assert len(al.passages) == 1
    p = al.passages[0]
    assert (p.source_start, p.copy_start) == (0, 0)
    assert p.source_end == len(text.rstrip(".")) or p.source_end >= len(text) - 1
    assert is_copy_evidence(al)


def test_embedded_excerpt_is_found_at_its_offsets_and_containment_is_one_sided():
    source = article(2, paragraphs=8)
    paras = source.split("\n\n")
    excerpt = paras[3] + "\n\n" + paras[4]  # ~120 words
    before = article(3, paragraphs=4)
    host = before + "\n\n" + excerpt + "\n\n" + article(4, paragraphs=4)
    al = align_texts(1, _sh(source), 2, _sh(host))
    assert is_copy_evidence(al)
    assert len(al.passages) == 1
    p = al.passages[0]
    start_in_host = len(before) + 2
    start_in_source = source.index(excerpt)
    assert abs(p.copy_start - start_in_host) <= 1 and abs(p.copy_end - (start_in_host + len(excerpt) - 1)) <= 1
    assert abs(p.source_start - start_in_source) <= 1
    assert al.b_in_a < 0.3 and al.a_in_b < 0.35  # excerpt: small share both ways, whole-text Jaccard low
    assert al.jaccard < 0.2


def test_light_edits_keep_one_passage():
    source = article(5, paragraphs=5)
    words = source.split(" ")
    for i in range(20, len(words), 40):  # change one word in every 40
        words[i] = "altered"
    al = align_texts(1, _sh(source), 2, _sh(" ".join(words)))
    assert len(al.passages) == 1
    assert al.passages[0].words > 0.8 * len(source.split())


def test_shared_quotes_alone_are_not_copy_evidence():
    rng = random.Random(9)
    quote1 = "\u201c" + paragraph(rng, 25) + "\u201d"
    quote2 = "\u201c" + paragraph(rng, 22) + "\u201d"
    a = article(10, 3) + " The union leader said " + quote1 + "\n\n" + article(11, 2) + " She added " + quote2
    b = article(12, 2) + " He told the crowd " + quote1 + "\n\n" + article(13, 3) + " Officials said " + quote2
    al = align_texts(1, _sh(a), 2, _sh(b))
    assert al.passages  # the quotes do align...
    assert not is_copy_evidence(al)  # ...but sharing quotes is not copying


def test_shared_prose_of_the_same_length_is_copy_evidence():
    rng = random.Random(9)
    shared = paragraph(rng, 50)
    a = article(14, 3) + "\n\n" + shared
    b = shared + "\n\n" + article(15, 3)
    assert is_copy_evidence(align_texts(1, _sh(a), 2, _sh(b)))


def test_unrelated_texts_do_not_align():
    al = align_texts(1, _sh(article(16)), 2, _sh(article(17)))
    assert not al.passages and not is_copy_evidence(al)


def test_short_overlap_below_the_passage_minimum_is_dropped():
    rng = random.Random(3)
    common = paragraph(rng, 10)
    al = align_texts(1, _sh(article(18) + " " + common), 2, _sh(common + " " + article(19)), Settings())
    assert not al.passages


def test_a_repeated_phrase_does_not_split_or_bend_the_alignment():
    rng = random.Random(5)
    phrase = " according to the health ministry "
    text = (paragraph(rng, 60) + phrase + paragraph(rng, 60) + phrase + paragraph(rng, 60) + phrase
            + paragraph(rng, 20))
    al = align_texts(1, _sh(text), 2, _sh(text))
    assert len(al.passages) == 1
    p = al.passages[0]
    assert (p.source_start, p.copy_start) == (0, 0) and p.source_end == p.copy_end


def test_a_short_brief_copied_almost_whole_is_evidence_though_shorter_than_the_minimum():
    rng = random.Random(21)
    brief = paragraph(rng, 24)
    copy = brief + " " + paragraph(rng, 8)
    al = align_texts(1, _sh(brief), 2, _sh(copy))
    assert 15 <= al.evidence_words < Settings().min_evidence_words
    assert is_copy_evidence(al)
    other = paragraph(random.Random(22), 24)
    assert not is_copy_evidence(align_texts(1, _sh(brief), 2, _sh(other)))


def test_words_that_repeat_in_the_source_are_aligned_to_one_place_only():
    # The source states its key paragraph twice (a summary box, then the body); the copy took the
    # body. The repeat must not come back as a second passage over the same copied words.
    rng = random.Random(11)
    key = paragraph(rng, 45)
    source = paragraph(rng, 80) + "\n\n" + key + "\n\n" + paragraph(rng, 80) + "\n\n" + paragraph(rng, 60) + \
        "\n\n" + key + "\n\n" + paragraph(rng, 60)
    body_start = source.index(source.split("\n\n")[3])
    copy = source[body_start:]
    al = align_texts(1, _sh(source), 2, _sh(copy))
    assert len(al.passages) == 1, al.passages
    p = al.passages[0]
    assert p.source_start == body_start and p.copy_start == 0


_BOND_TEMPLATE = (
    "LONDON, {day} - {issuer} is issuing a {amount} mln dlr eurobond due {due} paying {coupon} pct and "
    "priced at {price} pct, lead manager {manager} said. The non-callable bond is available in "
    "denominations of {denomination} dlrs and will be listed in Luxembourg. The selling concession is "
    "{concession} pct, while management and underwriting combined pays {fees} pct. The payment date is {due}."
)
_HARBOUR_BOND = dict(day="March 3", issuer="Harbour Authority Finance", amount="150", due="April 15, 1994",
                     coupon="7-1/4", price="101-1/8", manager="Northgate Securities", denomination="5,000",
                     concession="1-1/4", fees="5/8")
_RAILWAY_BOND = dict(day="June 9", issuer="Eastern Railway Holdings", amount="80", due="July 30, 1992",
                     coupon="8-1/2", price="100-3/4", manager="Saltmarsh Capital", denomination="10,000",
                     concession="1-3/8", fees="3/4")


def test_two_announcements_filled_in_from_one_template_are_not_a_copy():
    a, b = _BOND_TEMPLATE.format(**_HARBOUR_BOND), _BOND_TEMPLATE.format(**_RAILWAY_BOND)
    al = align_texts(1, _sh(a), 2, _sh(b))
    assert al.passages  # the template's wording does align ...
    assert min(al.a_figures, al.b_figures) >= 3 and al.shared_figures == 0
    assert not is_copy_evidence(al)  # ... but the figures say these are two announcements


def test_a_copy_that_corrects_one_figure_is_still_a_copy():
    a = _BOND_TEMPLATE.format(**_HARBOUR_BOND)
    b = _BOND_TEMPLATE.format(**(_HARBOUR_BOND | {"price": "101-3/8"}))  # a correction of the price
    al = align_texts(1, _sh(a), 2, _sh(b))
    assert al.shared_figures >= al.a_figures - 1 >= 6
    assert is_copy_evidence(al)


_BULLETIN = ("Bangladesh reported {deaths} more dengue deaths in 24 hours till Tuesday morning, raising this "
             "year's death toll from the mosquito-borne disease to {toll}. During this period, {patients} more "
             "patients were hospitalised with the viral fever as cases keep rising, according to the "
             "Directorate General of Health Services. {extra}")
_DAY_ONE = _BULLETIN.format(deaths="four", toll="74", patients="677", extra=(
    "Of the new patients, most were admitted in the capital, where hospitals opened extra wards for the season."))
_DAY_TWO = _BULLETIN.format(deaths="six", toll="272", patients="1,108", extra=(
    "The health authorities urged residents to destroy larval breeding sites around their homes after the rains."))


def test_two_days_of_one_bulletin_are_not_a_copy():
    # A daily bulletin repeats its sentences with new figures (UNB's dengue bulletins, real-news s15):
    # two of its three figures changed, so the shared wording is the template.
    al = align_texts(1, _sh(_DAY_ONE), 2, _sh(_DAY_TWO))
    assert al.evidence_words >= 30  # 41 aligned words of the template's prose
    assert (al.a_figures, al.b_figures, al.shared_figures) == (3, 3, 1)
    assert not is_copy_evidence(al)


def test_one_bulletin_run_by_two_outlets_or_corrected_once_is_still_a_copy():
    assert is_copy_evidence(align_texts(1, _sh(_DAY_ONE), 2, _sh(_DAY_ONE.replace("capital", "capital city"))))
    corrected = align_texts(1, _sh(_DAY_ONE), 2, _sh(_DAY_ONE.replace("677", "679")))
    assert corrected.shared_figures == 2 and is_copy_evidence(corrected)


_NAVY_STATEMENT = ("the Navy conducted an analysis of acoustic data and detected an anomaly consistent with an "
                   "implosion or explosion in the general vicinity of where the submersible was operating when "
                   "communications were lost")


def test_two_reports_sharing_names_phrases_and_one_statement_are_not_a_rewrite():
    # Independent reports of one event share its names and stock phrases all over their texts, and
    # one quoted statement: enough shared informative 3-grams for a revision, but the only dense
    # passage is the quotation (real-news s06: two such pairs were linked as rewrites).
    a = ("Rescue teams searching the North Atlantic for the missing Titan submersible said on Thursday that "
         "debris had been located near the wreck of the Titanic. A senior official at the United States Coast "
         "Guard told reporters in Boston that remotely operated vehicles had found the tail cone of the vessel. "
         f'A Navy official said "{_NAVY_STATEMENT}". The official asked not to be named. '
         "Relatives of the five passengers were informed before the announcement, the Coast Guard said, and "
         "OceanGate Expeditions later confirmed that all five people aboard were believed to have died. "
         "The company described them as true explorers who shared a distinct spirit of adventure. "
         "Rear Admiral John Mauger said the search would continue on the seabed for several days. The Titan "
         "submersible lost contact with its support ship Polar Prince about an hour and forty-five minutes "
         "into the dive.")
    b = ("The United States Coast Guard ended its search on Thursday after remotely operated vehicles found "
         "pieces of the Titan submersible on the seabed of the North Atlantic, roughly sixteen hundred feet from "
         "the bow of the Titanic. Officials in Boston said the debris was consistent with a catastrophic loss of "
         f'the pressure chamber. According to a senior Navy official, "{_NAVY_STATEMENT}". That information was '
         "shared with the commanders leading the search at once. OceanGate Expeditions, which operated the "
         "vessel, said the five passengers had sadly been lost, and the families of the five people aboard were "
         "informed privately. Rear Admiral John Mauger of the United States Coast Guard said the tail cone was "
         "found near the wreck of the Titanic. The vessel lost contact with its support ship Polar Prince on "
         "Sunday morning, during the dive.")
    al = align_texts(1, _sh(a), 2, _sh(b))
    settings = Settings()
    assert al.rewrite_share >= settings.rewrite_min_coverage and al.rewrite_words >= settings.min_evidence_words
    assert al.prose_words < settings.min_rewrite_prose_words  # the statement, quoted, and names
    assert not is_copy_evidence(al)
