"""Tokens and TF-IDF in plain Python (candidate sets are a few hundred texts)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import jieba

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise

STOPWORDS = frozenset(
    [
        "的",
        "了",
        "在",
        "是",
        "我",
        "有",
        "和",
        "就",
        "不",
        "人",
        "都",
        "一",
        "一个",
        "上",
        "也",
        "很",
        "到",
        "说",
        "要",
        "去",
        "你",
        "会",
        "着",
        "没有",
        "看",
        "好",
        "自己",
        "这",
        "那",
        "他",
        "她",
        "们",
        "我们",
        "家",
        "里",
        "请",
        "帮",
        "帮忙",
        "问题",
        "反映",
        "希望",
        "能",
        "能否",
        "一下",
        "现在",
        "已经",
        "还",
        "又",
        "啊",
        "吧",
        "呢",
    ]
)
_WORD = re.compile(r"[\w]+", re.UNICODE)


def warm() -> None:
    """Load jieba's dictionary and the synonym list now (a web worker calls this at start)."""
    jieba.initialize()
    town_lexicon()


@lru_cache(maxsize=2048)
def tokens(text: str) -> tuple[str, ...]:
    out = []
    for tok in jieba.lcut(text or ""):
        tok = tok.strip().lower()
        if not tok or tok in STOPWORDS or not _WORD.fullmatch(tok):
            continue
        if len(tok) == 1 and not tok.isdigit():
            continue  # single characters carry little meaning in Chinese requests
        out.append(tok)
    return tuple(out)


def tfidf_vectors(docs: Sequence[Sequence[str]], background: int = 0) -> list[dict[str, float]]:
    """Unit TF-IDF vectors; a feature's weight is `FEATURE_WEIGHTS` by its kind (1 for words)."""
    n = len(docs)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(doc))
    vectors = []
    for doc in docs:
        tf = Counter(doc)
        size = len(doc) or 1
        vec = {
            t: _weight(t) * (c / size) * (math.log((1 + n + background) / (1 + df[t])) + 1)
            for t, c in tf.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


# ------------------------------------------------------- similar-case features
#
# A complaint is compared on its words and on its characters: the text is first
# rewritten in the town's vocabulary (`Lexicon`: each variant as its canonical
# word, the village's own name removed since candidates are of one village),
# then segmented by jieba (the canonical words and the town's place names are in
# its dictionary), and the character bigrams of each run of Chinese are added,
# so a word jieba splits differently in two texts still matches in part.
# Two complaints that each name a spot in the village (a group, 村口, 桥头…)
# but no spot in common are about different places: their score is scaled by
# SPOT_CONFLICT.

BIGRAM = "~"  # prefix of a character-bigram feature (a word never starts with it)
BIGRAM_WEIGHT = 0.5
SPOT_CONFLICT = 0.5
BACKGROUND = 30
PLACE_SUFFIXES = ("社区", "村", "镇", "乡", "街道")
SPOT_MARK = "@"  # in the synonym list, marks a canonical word naming a spot
# Characters that join words rather than name things: a bigram holding one says little.
FUNCTION_CHARS = frozenset("的了在是我有和就都也很着吧呢啊那这个把被又还没让给")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def _weight(feature: str) -> float:
    return BIGRAM_WEIGHT if feature.startswith(BIGRAM) else 1.0


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per town and vocabulary
class Lexicon:
    """The town's vocabulary: variant → canonical word, the spots, the names to drop."""

    canonical: dict[str, str]
    spots: frozenset[str] = frozenset()
    drop: frozenset[str] = frozenset()

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        words = sorted({*self.canonical, *self.drop}, key=lambda w: (-len(w), w))
        return re.compile("|".join(map(re.escape, words))) if words else None

    def rewrite(self, text: str) -> str:
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda m: f" {self.canonical.get(m.group(0), '')} ", text)

    def with_places(self, villages: Iterable[str], groups: Iterable[str] = ()) -> Lexicon:
        """This vocabulary for one town: its village-level names dropped, its groups as spots.

        "上杉市村" also drops "上杉市", but a stem that is a word of its own
        ("路口" of 路口社区, "明月" of 明月小学) is kept. jieba learns every name.
        """
        names = {n for n in villages if len(n) >= 2}
        groups = {g for g in groups if len(g) >= 2}
        stems = {
            n[: -len(s)]
            for n in names
            for s in PLACE_SUFFIXES
            if n.endswith(s) and len(n) - len(s) >= 2
        }
        jieba.initialize()
        # add_word leaves every prefix of a word in FREQ at 0: only a real word counts.
        drop = names | {s for s in stems if not jieba.dt.FREQ.get(s)}
        add_words(names | groups)
        return Lexicon(self.canonical, self.spots | groups, self.drop | drop)


def read_synonyms(lines: Iterable[str]) -> tuple[dict[str, str], frozenset[str]]:
    """`canonical variant variant…` per line (# comments): variant → canonical, and the spots.

    A canonical word written with a leading SPOT_MARK names a spot in a village.
    """
    out: dict[str, str] = {}
    spots: set[str] = set()
    for line in lines:
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if words[0].startswith(SPOT_MARK):
            words[0] = words[0][len(SPOT_MARK) :]
            spots.add(words[0])
        for word in words:
            out.setdefault(word, words[0])
    return out, frozenset(spots)


SYNONYMS = Path(__file__).parent / "data" / "synonyms.txt"


@lru_cache(maxsize=1)
def town_lexicon() -> Lexicon:
    """The synonym list shipped with the app (`cases/data/synonyms.txt`), read once."""
    with SYNONYMS.open(encoding="utf-8") as f:
        canonical, spots = read_synonyms(f)
    add_words(set(canonical.values()))
    return Lexicon(canonical, spots)


_ADDED: set[str] = set()


def add_words(words: Iterable[str]) -> None:
    """Teach jieba words it should keep whole (idempotent; clears the token caches)."""
    new = {w for w in words if w and w not in _ADDED}
    if not new:
        return
    for word in sorted(new):
        jieba.add_word(word, freq=100_000)
    _ADDED.update(new)
    features.cache_clear()
    tokens.cache_clear()


@lru_cache(maxsize=4096)
def features(text: str, lexicon: Lexicon) -> tuple[str, ...]:
    """Words and character bigrams of `text` read in `lexicon` (see above)."""
    rewritten = lexicon.rewrite((text or "").lower())
    out = list(tokens(rewritten))
    for run in _CJK_RUN.findall(rewritten):
        out.extend(
            BIGRAM + run[i : i + 2]
            for i in range(len(run) - 1)
            if run[i] not in FUNCTION_CHARS and run[i + 1] not in FUNCTION_CHARS
        )
    return tuple(out)


def similarity(query: str, texts: Sequence[str], lexicon: Lexicon) -> list[float]:
    """The score of `query` with each of `texts`, IDF taken over all of them."""
    docs = [features(query, lexicon), *(features(t, lexicon) for t in texts)]
    if not docs[0]:
        return [0.0] * len(texts)
    vectors = tfidf_vectors(docs, BACKGROUND)
    spots = [lexicon.spots.intersection(doc) for doc in docs]
    return [
        cosine(vectors[0], v) * (SPOT_CONFLICT if spots[0] and s and not spots[0] & s else 1.0)
        for v, s in zip(vectors[1:], spots[1:], strict=True)
    ]
