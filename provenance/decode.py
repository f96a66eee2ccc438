"""Turn raw input bytes into text, and tell HTML from plain text by content.

Decoding order (first that applies wins):

1. a byte-order mark (UTF-8, UTF-16, UTF-32);
2. 7-bit input is ASCII (or ISO-2022-JP when declared so or when it has its escapes);
3. UTF-8 — valid, or mostly valid with U+FFFD for a few bad bytes (:data:`UTF8_VALID_SHARE`),
   even against a declared legacy charset (servers often declare latin-1 for UTF-8 pages);
4. the ``charset=`` of the HTTP Content-Type, else the ``<meta charset>`` / ``<meta
   http-equiv="Content-Type" content="…charset=…">`` in the first bytes — unless the declaration
   is a lie (leaves many bytes undecodable, or decodes to implausible text where detection finds
   plausible text);
5. detection (:func:`detect_encoding`): a short list of legacy codecs each decodes a sample, and
   the most plausible text wins — stdlib only, measured in ``tests/test_decode.py``.

Unknown or unusable charset names (anything but an ASCII-compatible text encoding: base64, zlib,
UTF-7, EBCDIC …) fall through to the next step as if absent; bad bytes never raise (only
binary data does, as :class:`InputError`). Time is bounded: detection reads a 64 KB sample, then
one codec decodes the whole input. Newlines are normalised to ``\\n``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import warnings
from collections import Counter
from functools import lru_cache

from provenance.errors import InputError

__all__ = ["looks_binary", "decode_bytes", "detect_encoding", "looks_like_html", "normalise_newlines"]

#: Bytes inspected to call data binary: enough for any text header, cheap for a 20 MB file.
BINARY_SNIFF_BYTES = 8192
#: Share of control bytes (other than tab, newline, carriage return, form feed, escape) above which
#: data is binary. Legacy text files carry a stray control byte now and then, never this many.
BINARY_CONTROL_SHARE = 0.10
#: Bytes searched for a ``<meta charset>``: the HTML standard asks for it within the first 1024
#: bytes; real pages put long <head> scripts first, so we look a little further.
META_SNIFF_BYTES = 4096
#: Characters inspected to call text HTML.
HTML_SNIFF_CHARS = 4096
#: Tags per 1000 characters from which an undeclared fragment counts as HTML markup.
HTML_TAG_DENSITY = 2.0
#: Block tags an HTML fragment that does not start with a tag needs to count as HTML.
MIN_FRAGMENT_TAGS = 4
#: The fallback for bytes that are not UTF-8: windows-1252 is the de-facto "latin-1" of the web
#: (the HTML standard maps iso-8859-1 and us-ascii labels to it) and decodes every byte.
FALLBACK_ENCODING = "windows-1252"

# Longest BOM first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control bytes that plain text legitimately contains.
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b >= 32 or b in _TEXT_CONTROLS)
_CHARSET_IN_HEADER = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.I)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_FIRST_NON_ASCII = re.compile(rb"[\x80-\xff]")
_HTML_MARKERS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>|<article[\s>]", re.I
)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|span|a|h[1-6]|ul|ol|li|table|tr|td|section|img)\b[^>]*>", re.I)


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` looks like a binary file (NUL bytes or many control bytes at its start).

    UTF-16/32 text with a BOM is full of NUL bytes yet is text, so a BOM means not binary.
    """
    head = data[:BINARY_SNIFF_BYTES]
    if not head or any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if b"\x00" in head:
        return True
    # The control bytes that are not text controls, counted in C: delete every other byte.
    controls = len(head.translate(None, _NOT_CONTROL_BYTES))
    return controls / len(head) > BINARY_CONTROL_SHARE


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR (and the Unicode line/paragraph separators) become ``\\n``."""
    if "\r" in text:  # each replace copies the text: only the ones that change something
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text:
        text = text.replace("\u2028", "\n")
    if "\u2029" in text:
        text = text.replace("\u2029", "\n\n")
    return text


# WHATWG labels Python does not know, and labels whose Python codec is narrower than what pages
# labelled so really contain (the HTML standard decodes gb2312/gbk as gb18030, iso-8859-9 as
# windows-1254, tis-620 as windows-874).
_LABEL_ALIASES = {
    "x-sjis": "cp932", "windows-31j": "cp932", "ms_kanji": "cp932", "x-gbk": "gb18030",
    "gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-euc-jp": "euc_jp",
    "iso-8859-8-i": "iso8859_8", "x-mac-roman": "mac_roman", "macintosh": "mac_roman",
    "windows-874": "cp874", "tis-620": "cp874", "iso-8859-11": "cp874", "x-cp1250": "cp1250",
    "x-cp1251": "cp1251", "iso-8859-9": "cp1254", "latin5": "cp1254", "x-mac-cyrillic": "mac_cyrillic",
}
# A declared or detected codec, then wider codecs tried in turn when its strict decode fails
# (vendor extensions: NEC/IBM rows of cp932, UHC syllables of cp949, HKSCS of big5hkscs).
_WIDER = {
    "shift_jis": ("cp932",),
    "euc_kr": ("cp949",),
    "big5": ("cp950", "big5hkscs"),
    "cp950": ("big5hkscs",),
    "euc_jp": ("euc_jis_2004",),
    "koi8-r": ("koi8-u",),
    "iso8859-7": ("cp1253",),
}

#: A text with invalid UTF-8 is still UTF-8 (decoded with U+FFFD for the bad bytes) when at least
#: this share of its non-ASCII characters decode as valid UTF-8. Legacy-encoded text is never
#: mostly valid UTF-8 by accident (measured on the test corpus: 0 % for the single-byte charsets,
#: 5 % for KOI8-U, 15–31 % for Shift_JIS, EUC-JP, GB18030, Big5 and EUC-KR prose), so a few bad
#: bytes in a UTF-8 page do not turn the whole page into windows-1252 mojibake.
UTF8_VALID_SHARE = 0.9
#: A declared charset that leaves more than this share of the non-ASCII characters undecodable is
#: wrong (a few bad bytes in a correctly declared page are kept as U+FFFD).
DECLARED_MAX_BAD_SHARE = 0.01
#: A declared charset is doubted when its decoding scores below this plausibility (correct
#: decodings of prose score 0.8–1.0), and overridden when detection finds a decoding better by
#: :data:`DECLARED_OVERRIDE_MARGIN` in a sample with at least :data:`DECLARED_OVERRIDE_MIN_CHARS`
#: non-ASCII characters. Declarations are right far more often than detection, hence the margins.
DECLARED_DOUBT_SCORE = 0.3
DECLARED_OVERRIDE_MARGIN = 0.5
DECLARED_OVERRIDE_MIN_CHARS = 20
#: Bytes of the input that charset detection decodes and scores (from a little before the first
#: non-ASCII byte). The chosen codec then decodes the whole input.
DETECT_SAMPLE_BYTES = 65536
#: Characters (of words with non-ASCII characters) scored per candidate codec: enough for a stable
#: verdict, cheap to score.
DETECT_SCORE_CHARS = 8000
# Why not charset-normalizer (httpx's former choice), measured by benchmarks/charset.py (3.5.3,
# gold: each page's own non-ASCII words; results/charset.md): real shared pages as stored,
# 334/342 right here vs 333/342 (1.5 vs 2.3 ms a page); the same pages re-encoded in their
# legacy charset with no declaration, 312/334 vs 233/334 (16 vs 9 ms: detection costs more
# here); header lies (UTF-8 served as iso-8859-1, windows-1252 served as utf-8) and undeclared
# windows-1251 / KOI8-R, 528/537 vs 514/537 (and 45/537 for httpx's "header, else detect");
# tests/test_decode.py's prose in 17 legacy charsets, 17/17 vs 14/17 (it misreads Greek
# cp1253, Turkish cp1254, French cp1252). Not adopted: less accurate on every set.
#: Candidate codecs for undeclared, non-UTF-8 bytes, in order of preference on equal scores.
DETECT_CANDIDATES = (
    "cp1252", "cp1254", "cp1250", "iso8859_2", "cp1257", "cp1251", "koi8_r", "koi8_u", "cp1253",
    "iso8859_7", "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr",
)

# ---- plausibility model for detection --------------------------------------------------------------
# Characters of running text, most frequent first (hand-picked from the well-known frequency
# lists; they need only be right in bulk). A correct decoding is mostly made of them; a wrong one
# lands on them only by chance.
_FREQUENT_HANZI_SIMPLIFIED = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出也得里后自会家可下而过天去能对小多然于"
    "心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方"
    "期它头经长儿回位分爱老因很给名法间知世什两次使身者被高已亲其进此话常与活正感见明问力理点文几定"
    "本公特做外孩相西果走将月十实向声车全信重三机工物气每并别真打太新比才便再书部水像眼等体却加电主"
    "界门利海受听表德少代员许先口由死安写性马光白或住难望教命花结乐色更东神记处让母父应直字场平报友"
    "关放至张认接告入笑内军候民岁往何度山觉路带万男边风解叫任金快原吃变通师立象数四失满战远格士音目"
    "条病始达深完今提求清王化空业思切怎非找片钱吗语元喜离飞科言流欢约各即指合反题必该论交终林请医晚"
    "制球决传画保读运及则房早院量苦火品近产答星精视五连司管类未朋台夜青北队观形红百令周识步希亚术市"
    "半热送兴造谈容极随收首根讲整式取照办强石华计似足双转米称客南领节站黑统断城故历选包紧争另建维绝"
    "系示持千史准联基买志静社算义确需单治幸念举共毛句息功官待究跟易游程号居考突皮费价图具刚永商礼细"
    "专黄块味改据般引食存众注笔某备习校务土微试料调广显查密议底列参八除设线温虽京初养香际致阳纸验助"
    "够严证饭支春集研普导展获艺六察群段急区器店害草排背止组州朝板角况育质河续推境标充围案护冷著剧船"
    "险依值帮汉慢低玩资击速顾团堂兵七园牛旅街劳型陈鱼异宝权简态级票杀律胜份汽右洋范职属左录党继章智"
    "叶卖坚肉救修松临担戏善卫药敢村差短云规油旧适架投弹铁府压超负杂采毕九状乱景席童派素农练按犯征技"
    "增判欧层付项武革良委营退宣银势奖宫康供优课降夏困健模守财禁副顺江秋划授升编典含盛济端招释介"
)
_FREQUENT_HANZI_TRADITIONAL = (
    "這們來為國說時會過對學麼發當沒樣種開總從無現動頭經長兒愛給間兩親進話與見問點幾實聲車機氣別書電"
    "門聽員許寫馬難結樂東記處讓應場報關張認軍歲覺帶邊風誤萬葉錢嗎語喜離飛計論終請醫製決傳畫讀運則夠"
    "產視連類隊觀紅識術亞熱興談極隨講華計雙轉稱領節統斷歷選緊爭維絕係繫單義確需幣舉務調顯議參設線"
    "雖養際紙驗嚴證飯導藝區標圍護劇險幫漢低資擊顧團園陳魚異寶權簡態級殺勝職屬錄黨繼葉賣堅臨擔戲衛藥"
    "規舊適彈鐵壓雜採畢狀亂農練徵層項營銀勢獎宮課財順編濟釋將總體實現裡後麼還樣頭愛氣處廣與從經間"
    "灣台灣們這個國語產業際經濟發展學術網路資訊電腦係統務機構會議記錄報導"
)
_FREQUENT_KANJI = (
    "日一国人年大十二本中長出三同時政事自行社見月分議後前民生連五発間対上部東者党地合市業内相方四定"
    "今回新場金員九入選立開手米力学問高代明実円関決子動京全目表戦経通外最言氏現理調体化田当八六約主"
    "題下首意法不来作性的要用制治度務強気小七成期公持野協取都和統以機平総加山思家話世受区領多県続進"
    "正安設保改数記院女初北午指権心界支第産結百派点教報済書府活原先共得解名交資予川向際査勝面委告軍"
    "文反元重近千考判認画海参売利組知案道信策集在件団別物側任引使求所次水半品昨論計死官増係感特情投"
    "示変打男基私各始島直両朝革価式確村提運終挙果西勢減台広容必応演電歳住争談能無再位置企真流格有疑"
    "口過局少放税検藤町常校料沢裁状工建語球営空職証土与急止送援供可役構木割聞身費付施切由説転食比難"
    "防補車優夫研収断井何南石足違消境神番規術護展態導鮮備宅害配副算視条幹独警宮究育席輸訪楽起万着乗"
    "店述残想線率病農州武声質念待試族象銀域助労例衛然早張映限親額監環験追審商葉義伝働形景落欧担好退"
    "準賞訴辺造英被株頭技低毎医復仕去姿味負児私達思言葉朝晩春夏秋冬雨雪花色空海森駅東京都道府県町"
)
_FREQUENT_HANGUL = (
    "이다는의에을하가고한로서지기리사를도일대수자시정어아인나있그것들해적전부게주동국상여우으요장제보"
    "라만내관성과와면소화위원경신구공중비생문조할된되않없때같년또모물개세업계통마결발방법연오유실학행"
    "회후거데드등러려르른많말며무미배분살새선설습심안았야약양역영용운울음입잘저점좋진차처체초최출치터"
    "트파표함합했현형호히니까겠던란렇럼봐싶알었였왔월즘짜채친크토편품필우리말글씨처럼더욱함께바람"
)
_FREQUENT_CYRILLIC = "оеаинтсрвлкмдпуяыьгзбчйжшю"  # Russian letters by frequency, lowercase only
_FREQUENT_GREEK = "αοετινσηκρπμλυςάέίόήωύγδφχθβζξψώϊ"  # lowercase only
# Typographic punctuation that real text uses; other non-ASCII symbols count against a decoding.
_GOOD_PUNCTUATION = (
    "\u00a0“”‘’„‚–—…«»•·°€£¥§©®™¿¡×"  # Western
    "、。「」『』（）《》〈〉【】，：；！？・～ー〜·“”…—　"  # CJK
)
_KANA = "".join(chr(c) for c in range(0x3041, 0x3097)) + "".join(chr(c) for c in range(0x30A1, 0x30FB))
_FREQUENT = frozenset(_FREQUENT_HANGUL + _FREQUENT_CYRILLIC + _FREQUENT_GREEK + _KANA)
_FREQUENT_HANZI = frozenset(_FREQUENT_HANZI_SIMPLIFIED + _FREQUENT_HANZI_TRADITIONAL)
_FREQUENT_KANJI_SET = frozenset(_FREQUENT_KANJI)
_KANA_SET = frozenset(_KANA)
#: Share of kana among the non-ASCII characters from which a text is Japanese: its ideographs are
#: then scored against the frequent kanji, not the frequent hanzi (EUC-JP read as GB18030 keeps
#: its kana, which the two share, but turns its kanji into random hanzi).
JAPANESE_KANA_SHARE = 0.05


# Non-ASCII Latin letters each language writes (lowercase). A decoding's Latin letters are scored
# against the one language that covers most of them: French in windows-1250 reads "trčs", "ŕ",
# which no single language has; Turkish in windows-1252 reads "ð ý þ" next to "ç ü".
_LATIN_LANGUAGES = (
    "àâæçéèêëîïôœùûüÿ",  # French
    "äöüßé",  # German
    "áéíñóúü",  # Spanish
    "àçéèíïòóúü",  # Catalan
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíîòóù",  # Italian
    "áéèëïóöüê",  # Dutch
    "åäöé",  # Swedish, Finnish
    "æøåéó",  # Danish, Norwegian
    "áðéíóúýþæö",  # Icelandic (see _RARE_LANGUAGE_WEIGHT)
    "çğıöşüâî",  # Turkish
    "ąćęłńóśźż",  # Polish
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "áéíóöőúüű",  # Hungarian
    "ăâîșțşţ",  # Romanian
    "čćđšž",  # Croatian, Slovene, Bosnian
    "ąčęėįšųūž",  # Lithuanian
    "āčēģīķļņšūž",  # Latvian
    "äõöüšž",  # Estonian
    "çë",  # Albanian
)
_LATIN_LANGUAGE_SETS = tuple(frozenset(letters) for letters in _LATIN_LANGUAGES)
#: Icelandic is the one language of windows-1252 that uses ð, ý, þ — the bytes of Turkish ğ, ı, ş.
#: A short Turkish text fits Icelandic as well as Turkish; the far more common language wins.
_RARE_LANGUAGE_WEIGHT = {_LATIN_LANGUAGES.index("áðéíóúýþæö"): 0.9}
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
# A word with a non-ASCII letter in it, tried only from a word's first letter (from every letter of a
# long ASCII word it was quadratic).
_WORD_WITH_NON_ASCII = re.compile(r"(?<![^\W\d_])[^\W\d_]*[^\x00-\x7f\W\d_][^\W\d_]*")
# A non-ASCII Latin letter between two others: real Latin-script text has ASCII letters around
# its accents ("Ïðèìåð" is Russian read as windows-1252).
_LATIN_CLUSTER = re.compile(r"(?<=[\u00c0-\u024f])[\u00c0-\u024f](?=[\u00c0-\u024f])")
# Letters of two alphabets touching inside a word ("Cafй" is French read as windows-1251).
_LATIN, _GREEK, _CYRILLIC = "A-Za-z\u00c0-\u024f", "\u0370-\u03ff", "\u0400-\u04ff"
_SCRIPT_MIX = re.compile(
    f"[{_LATIN}][{_GREEK}{_CYRILLIC}]|[{_GREEK}{_CYRILLIC}][{_LATIN}]"
    f"|[{_GREEK}][{_CYRILLIC}]|[{_CYRILLIC}][{_GREEK}]"
)


def _char_weight(char: str) -> float:
    """How plausible one non-ASCII character is in running text (Latin letters are scored apart)."""
    if char in _FREQUENT:
        return 1.0
    if char in _GOOD_PUNCTUATION:
        return 0.5
    category = unicodedata.category(char)
    if category in ("Cc", "Co", "Cn", "Cs") or char == "\ufffd":
        return -5.0
    if category[0] == "L":
        name = unicodedata.name(char, "")
        if name.startswith(("CYRILLIC", "GREEK", "HANGUL SYLLABLE")):
            return 0.3
        if name.startswith("CJK UNIFIED IDEOGRAPH") and 0x4E00 <= ord(char) <= 0x9FFF:
            return 0.2  # a real ideograph, not known as a frequent one (see _plausibility)
        return -1.0  # letters of other scripts, rare CJK extensions, compatibility forms
    if category in ("Zs", "Mn", "Nd"):
        return 0.0
    return -1.0  # symbols, superscripts, fractions, box drawing …


_WEIGHTS: dict[str, float] = {}


def _is_latin_letter(char: str) -> bool:
    return "\u00c0" <= char <= "\u024f" and char not in "×÷"


def _plausibility(text: str) -> float:
    """Mean plausibility of the non-ASCII characters of ``text`` (about -5 … 1; higher is better)."""
    counts = Counter(_ASCII_RUNS.sub("", text))
    total = sum(counts.values())
    if not total:
        return 0.0
    latin = {char: n for char, n in counts.items() if _is_latin_letter(char)}
    score = 0.0
    if latin:
        lowered: Counter[str] = Counter()
        for char, n in latin.items():
            lowered["ı" if char == "İ" else char.lower()[0]] += n
        covered = max(
            _RARE_LANGUAGE_WEIGHT.get(index, 1.0) * sum(n for char, n in lowered.items() if char in language)
            for index, language in enumerate(_LATIN_LANGUAGE_SETS)
        )
        # Letters of the best-covering language weigh 1, the others -0.5.
        score += covered - 0.5 * (sum(latin.values()) - covered)
    kana = sum(n for char, n in counts.items() if char in _KANA_SET)
    frequent_ideographs = _FREQUENT_KANJI_SET if kana >= JAPANESE_KANA_SHARE * total else _FREQUENT_HANZI
    for char, n in counts.items():
        if char in latin:
            continue
        if char in frequent_ideographs:
            score += n
            continue
        weight = _WEIGHTS.get(char)
        if weight is None:
            weight = _WEIGHTS[char] = _char_weight(char)
        score += weight * n
    score -= 1.5 * len(_LATIN_CLUSTER.findall(text))
    score -= 2.0 * len(_SCRIPT_MIX.findall(text))
    for word in _WORD_WITH_NON_ASCII.findall(text):
        # Mixed case inside a word ("пРИМЕР": KOI8-R read as windows-1251) — not "McDonald"-like
        # ASCII words, which this pattern never sees, nor all-capital words.
        if not word.isupper() and word[1:] != word[1:].lower():
            score -= 1.5 * (len(word) - len(word.encode("ascii", "ignore")))
    return score / total


def _codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    # Per the HTML standard these labels mean windows-1252 (pages declare latin-1 but use 0x80–0x9F).
    if label in {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii", "l1"}:
        label = FALLBACK_ENCODING
    label = _LABEL_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page that declares UTF-16 in a meta tag but has no BOM is really ASCII-compatible.
    if name.startswith(("utf-16", "utf-32")) or not _is_page_charset(name):
        return None
    return name


# Bytes every charset a page can declare decodes to themselves: the page's own markup (the <meta>
# naming the charset included) is ASCII. Escapes that codecs such as unicode_escape, utf-7 and hz
# interpret are in it on purpose.
_ASCII_PROBE = bytes(range(0x20, 0x7F)) + b"\t\n\r\\u0041\\x41+AD-~{"


@lru_cache(maxsize=None)
def _is_page_charset(name: str) -> bool:
    """Whether the Python codec ``name`` can decode a web page: a text encoding (not base64, zlib,
    rot13 …) that is ASCII-compatible (not EBCDIC, UTF-7, unicode_escape …) and replaces bad bytes
    instead of raising (not idna, punycode, undefined): 87 of Python 3.11's codecs."""
    if not getattr(codecs.lookup(name), "_is_text_encoding", True):
        return False
    try:
        with warnings.catch_warnings():  # unicode_escape warns of the escapes it does not know
            warnings.simplefilter("ignore")
            decoded = codecs.getincrementaldecoder(name)("replace").decode(_ASCII_PROBE + b"\x80\xfe\xff", final=True)
    except (UnicodeError, ValueError, TypeError):
        return False
    return decoded.startswith(_ASCII_PROBE.decode("ascii"))


def _meta_charset(data: bytes) -> str | None:
    head = data[:META_SNIFF_BYTES]
    for tag in _META_TAG.finditer(head):
        found = _META_CHARSET.search(tag.group(0))
        if found:
            codec = _codec_name(found.group(1).decode("ascii", "ignore"))
            if codec:
                return codec
    return None


def _utf8(data: bytes) -> str | None:
    """``data`` as UTF-8 when it is UTF-8: valid, or with at least :data:`UTF8_VALID_SHARE` of its
    non-ASCII sequences valid (the bad bytes become U+FFFD). None when it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:  # valid but cut inside its last character (a body truncated at a byte limit)
        text, consumed = codecs.utf_8_decode(data, "strict", False)
        if len(data) - consumed < 4:
            return text + "\ufffd"
    except UnicodeDecodeError:
        pass
    # Judge the detection sample first: a legacy page fails there, without decoding all of it.
    sample = _detection_sample(data)
    partial = len(sample) < len(data)
    if partial and not _mostly_utf8(codecs.getincrementaldecoder("utf-8")("replace").decode(sample), sample):
        return None
    text = data.decode("utf-8", errors="replace")
    return text if _mostly_utf8(text, data) else None


def _mostly_utf8(text: str, data: bytes) -> bool:
    """Whether ``text``, ``data`` decoded as UTF-8 with U+FFFD for bad bytes, is mostly valid."""
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= UTF8_VALID_SHARE * (good + bad)


def _detection_sample(data: bytes) -> bytes:
    """:data:`DETECT_SAMPLE_BYTES` of ``data`` from a little before its first non-ASCII byte.

    Everything before that byte is ASCII, so any start before it is a character boundary in every
    ASCII-compatible codec.
    """
    first = _FIRST_NON_ASCII.search(data)
    start = max(0, first.start() - 256) if first else 0
    return data[start : start + DETECT_SAMPLE_BYTES]


def _decode_strict_or_replace(data: bytes, codec: str, *, final: bool = True) -> tuple[str, str]:
    """Decode with ``codec`` or the first of its wider relatives that decodes ``data`` strictly;
    failing all, with the widest and U+FFFD for the bad bytes. Returns ``(text, codec used)``."""
    family = (codec, *_WIDER.get(codecs.lookup(codec).name, ()))
    for name in family:
        try:
            return codecs.getincrementaldecoder(name)("strict").decode(data, final=final), name
        except UnicodeDecodeError:
            continue
    return codecs.getincrementaldecoder(family[-1])("replace").decode(data, final=final), family[-1]


def detect_encoding(data: bytes) -> str:
    """The most plausible legacy codec for ``data`` (not UTF-8, no charset declared).

    Each of :data:`DETECT_CANDIDATES` decodes a sample of the input; the decoding whose non-ASCII
    characters are most plausible wins (see :func:`_plausibility`): frequent characters of one
    script, letters of one Latin-script language, no control characters, replacement characters
    or stray symbols, no mixed-case words or words mixing alphabets. Equal scores go to the earlier
    candidate, so plain Western text stays windows-1252 and Turkish beats Romanian.
    """
    if _FIRST_NON_ASCII.search(data) is None:
        return "ascii"
    return _ranked(_detection_sample(data))[0]


def _ranked(sample: bytes) -> tuple[str, float]:
    """The best candidate codec for ``sample`` and its plausibility score."""
    best, best_score = FALLBACK_ENCODING, float("-inf")
    for candidate in DETECT_CANDIDATES:
        score, name = _sample_score(sample, candidate)
        if score > best_score:
            best, best_score = name, score
    return best, best_score


def _sample_score(sample: bytes, codec: str) -> tuple[float, str]:
    """Plausibility of ``sample`` decoded with ``codec`` (or a wider relative), and that codec."""
    text, name = _decode_strict_or_replace(sample, codec, final=len(sample) < DETECT_SAMPLE_BYTES)
    return _plausibility(_non_ascii_words(text)), name


def _declared(data: bytes, declared: str) -> tuple[str, str] | None:
    """``data`` decoded with its declared charset (or a wider relative), or None when the
    declaration is a lie: more than :data:`DECLARED_MAX_BAD_SHARE` of the non-ASCII characters
    undecodable, or a decoding far less plausible than the one detection finds (a page declaring
    Shift_JIS whose bytes are EUC-JP decodes without error into half-width katakana soup)."""
    sample = _detection_sample(data)
    score, name = _sample_score(sample, declared)
    if score < DECLARED_DOUBT_SCORE:
        sample_text = sample.decode(name, errors="replace")
        non_ascii = len(sample_text) - len(sample_text.encode("ascii", "ignore"))
        if non_ascii >= DECLARED_OVERRIDE_MIN_CHARS and _ranked(sample)[1] >= score + DECLARED_OVERRIDE_MARGIN:
            return None
    text, name = _decode_strict_or_replace(data, name)
    bad = text.count("\ufffd")
    if bad and bad > DECLARED_MAX_BAD_SHARE * (len(text) - len(text.encode("ascii", "ignore"))):
        return None
    return text, name


def _non_ascii_words(text: str) -> str:
    """The whitespace-separated words of ``text`` that hold non-ASCII characters, up to about
    :data:`DETECT_SCORE_CHARS` characters: all that scoring looks at, and far less than a
    mostly-ASCII page (markup, scripts) to scan."""
    words, length = [], 0
    for word in text.split():
        if not word.isascii():
            words.append(word)
            length += len(word)
            if length >= DETECT_SCORE_CHARS:
                break
    return " ".join(words)


def decode_bytes(data: bytes, content_type: str | None = None, *, origin: str = "") -> tuple[str, str]:
    """Decode ``data`` to text; return ``(text, encoding name)``.

    Order: a byte-order mark wins; else the charset of the HTTP ``Content-Type``, else that of a
    ``<meta>`` tag — unless the bytes are valid UTF-8 with non-ASCII text in them (servers and
    templates often declare latin-1 for UTF-8 pages; legacy text is never valid UTF-8 by chance).
    A declared charset that does not decode the bytes (strictly, or through a wider relative such
    as cp932 for Shift_JIS) is a lie and is ignored. Then UTF-8 — also when it holds a few bad
    bytes (see :data:`UTF8_VALID_SHARE`) — and last :func:`detect_encoding`.

    Raises :class:`InputError` only for binary data; undecodable bytes become U+FFFD.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return normalise_newlines(data[len(bom) :].decode(name, errors="replace")), name
    if looks_binary(data):
        raise InputError(origin, "binary data, not text")
    ascii_only = _FIRST_NON_ASCII.search(data) is None
    declared = None
    if content_type:
        found = _CHARSET_IN_HEADER.search(content_type)
        declared = _codec_name(found.group(1)) if found else None
    declared = declared or _meta_charset(data)
    if ascii_only:
        # 7-bit: ASCII, unless declared or recognised as ISO-2022 (escape sequences switch sets).
        stateful = (declared,) if declared else ()
        if b"\x1b$" in data:
            stateful += ("iso2022_jp_2",)
        for name in stateful:
            try:
                return normalise_newlines(data.decode(name)), name
            except UnicodeDecodeError:
                continue
        return normalise_newlines(data.decode("ascii")), "utf-8"
    # UTF-8 before a declared legacy charset: servers and templates often declare latin-1 for
    # UTF-8 pages, while legacy text is never (mostly) valid UTF-8 by chance.
    text = _utf8(data)
    if text is not None:
        return normalise_newlines(text), "utf-8"
    if declared and declared != "utf-8":
        found = _declared(data, declared)
        if found is not None:
            return normalise_newlines(found[0]), found[1]
    codec = detect_encoding(data)
    text, codec = _decode_strict_or_replace(data, codec)
    return normalise_newlines(text), codec


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is HTML markup, judged by its content (not by a file suffix).

    A document marker (doctype, ``<html>``, ``<head>``, ``<body>``, ``<meta>``, ``<title>``) near the
    start decides; otherwise a fragment counts when block tags are dense (a plain text that mentions
    ``<p>`` once is still plain text).
    """
    head = text[:HTML_SNIFF_CHARS].lstrip("\ufeff \t\n")
    if _HTML_MARKERS.search(head):
        return True
    tags = len(_BLOCK_TAG.findall(head))
    if tags < 2:
        return False
    density = tags * 1000 / max(len(head), 1)
    return density >= HTML_TAG_DENSITY and (head.startswith("<") or tags >= MIN_FRAGMENT_TAGS)
