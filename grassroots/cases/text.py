"""Tokens and TF-IDF in plain Python (candidate sets are a few hundred texts)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

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
    """Load jieba's dictionary now (a web worker calls this at start)."""
    jieba.initialize()


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


def tfidf_vectors(docs: Sequence[Sequence[str]]) -> list[dict[str, float]]:
    n = len(docs)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(doc))
    vectors = []
    for doc in docs:
        tf = Counter(doc)
        vec = {t: (c / len(doc)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())
