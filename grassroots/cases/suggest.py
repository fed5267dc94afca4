"""Similar open cases on filing, and a category suggestion from the text.

Similar: open cases of the same village filed within SIMILAR_WINDOW_DAYS,
ranked by `text.similarity` (TF-IDF cosine over the words and character
bigrams of the texts read in the town's vocabulary: the synonym list and the
town's place names; IDF over the candidates plus the new text), kept at or
above SIMILAR_THRESHOLD. Measured on the labelled complaints in
`cases/tests/data/` (docs/BENCHMARKS.md, "Similar-case detection").

Category: multinomial naive Bayes with Laplace smoothing, trained on the town's
closed cases (closure resolved/partly/explained); below MIN_TRAINING closed cases
the category whose keywords occur most in the text wins; with no hit, "other".
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet, Sum

from grassroots.cases.models import OPEN_STATUSES, Case, Category, Closure, Status
from grassroots.cases.text import Lexicon, similarity, tokens, town_lexicon
from grassroots.core import clock
from grassroots.core.memo import Memo
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place

SIMILAR_WINDOW_DAYS = 30
# Chosen on cases/tests/data/similar_labelled.json (best F1 of 0.10–0.40 in steps of 0.05).
SIMILAR_THRESHOLD = 0.2
SIMILAR_LIMIT = 5
MIN_TRAINING = 30
TRAINING_LIMIT = 2000  # the most recent closed cases are enough to learn from
FALLBACK_CODE = "other"


@dataclass(frozen=True)
class Similar:
    case: Case
    score: float


def similar_open_cases(
    text: str,
    *,
    place: Place,
    exclude: int | None = None,
    now: dt.datetime | None = None,
    base: QuerySet | None = None,
) -> list[Similar]:
    """`base` narrows the candidates (e.g. to what the filer may see)."""
    now = now or clock.now()
    town_path = place.town_path()
    village = (
        place.path[: len(town_path) + Place.steplen]
        if len(place.path) > len(town_path)
        else place.path
    )
    qs = (
        (base if base is not None else Case.objects.all())
        .filter(
            status__in=OPEN_STATUSES,
            place_path__startswith=village,
            submitted_at__gte=now - dt.timedelta(days=SIMILAR_WINDOW_DAYS),
        )
        .select_related("category")
    )
    if exclude:
        qs = qs.exclude(pk=exclude)
    candidates = list(qs.order_by("-submitted_at")[:300])
    if not candidates or not (text or "").strip():
        return []
    scores = similarity(text, [c.text for c in candidates], place_lexicon(town_path))
    scored = [
        Similar(case=c, score=round(score, 3)) for c, score in zip(candidates, scores, strict=True)
    ]
    scored = [s for s in scored if s.score >= SIMILAR_THRESHOLD]
    scored.sort(key=lambda s: -s.score)
    return scored[:SIMILAR_LIMIT]


# The town's vocabulary with its place names, per town path: the names change
# rarely, so a process reads them once per PLACE_WORDS_TTL (at once after a
# change it made itself: the memo watches Place, see apps.py).
PLACE_WORDS_TTL = 300.0
PLACE_WORDS: Memo[str, Lexicon] = Memo("case place words", ttl=PLACE_WORDS_TTL, maxsize=64)
_VILLAGE_LEVEL = (
    Place.Kind.TOWN,
    Place.Kind.SUBDISTRICT,
    Place.Kind.VILLAGE,
    Place.Kind.COMMUNITY,
)


def place_lexicon(town_path: str) -> Lexicon:
    """`town_lexicon()` with the names of the town's places (one query per TTL)."""
    return PLACE_WORDS.get(town_path, _load_place_lexicon) or town_lexicon()


def _load_place_lexicon(town_path: str) -> Lexicon:
    rows = (
        unscoped(Place, why=Unscoped.SYSTEM)
        .filter(path__startswith=town_path)
        .values_list("kind", "name")
    )
    villages, groups = [], []
    for kind, name in rows:
        (villages if kind in _VILLAGE_LEVEL else groups).append(name)
    return town_lexicon().with_places(villages, groups)


def _fallback(text: str, categories: list[Category]) -> Category:
    toks = set(tokens(text))
    best: tuple[int, bool, Category] | None = None
    for cat in categories:
        words = [w.strip() for w in cat.keywords.split(",") if w.strip()]
        hits = sum(1 for w in words if w in text or w in toks)
        # On a tie the more specific (child) category wins.
        key = (hits, cat.parent_id is not None)
        if hits and (best is None or key > best[:2]):
            best = (hits, cat.parent_id is not None, cat)
    if best:
        return best[2]
    by_code = {c.code: c for c in categories}
    return by_code.get(FALLBACK_CODE) or categories[-1]


@dataclass(frozen=True)
class _Model:
    rows: int
    prior: dict[int, int]
    words: dict[int, Counter[str]]
    totals: dict[int, int]
    vocab: int


# Trained models per town, kept while the training set is unchanged: filing a
# case then costs one aggregate query instead of re-tokenising up to
# TRAINING_LIMIT closed cases. Keyed by a fingerprint of the training rows.
_MODELS: dict[int | None, tuple[Any, _Model]] = {}


def _model(training: QuerySet, key: int | None) -> _Model | None:
    fingerprint = training.aggregate(
        n=Count("id"), last=Max("id"), cats=Sum("category_id"), at=Max("closed_at")
    )
    if (fingerprint["n"] or 0) < MIN_TRAINING:
        return None
    cached = _MODELS.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    rows = list(training.order_by("-closed_at").values_list("category_id", "text")[:TRAINING_LIMIT])
    prior: Counter[int] = Counter()
    words: dict[int, Counter[str]] = defaultdict(Counter)
    vocab: set[str] = set()
    for cat_id, body in rows:
        prior[cat_id] += 1
        toks = tokens(body)
        words[cat_id].update(toks)
        vocab.update(toks)
    model = _Model(
        rows=len(rows),
        prior=dict(prior),
        words=dict(words),
        totals={c: sum(w.values()) for c, w in words.items()},
        vocab=len(vocab) + 1,
    )
    if len(_MODELS) > 64:
        _MODELS.clear()
    _MODELS[key] = (fingerprint, model)
    return model


def suggest_category(text: str, *, town: Place | None = None) -> Category:
    categories = list(Category.objects.filter(active=True))
    if not categories:
        raise Category.DoesNotExist("no case categories configured")
    training = Case.objects.filter(
        status=Status.CLOSED,
        closure__in=[Closure.RESOLVED, Closure.PARTLY, Closure.EXPLAINED],
    )
    if town is not None:
        training = training.filter(town=town)
    model = _model(training, getattr(town, "pk", None))
    if model is None:
        return _fallback(text, categories)
    query = tokens(text)
    if not query:
        return _fallback(text, categories)
    best_id, best_score = None, -math.inf
    for cat_id, count in model.prior.items():
        words = model.words.get(cat_id, Counter())
        denominator = model.totals.get(cat_id, 0) + model.vocab
        score = math.log(count / model.rows)
        for tok in query:
            score += math.log((words[tok] + 1) / denominator)
        if score > best_score:
            best_id, best_score = cat_id, score
    by_id = {c.pk: c for c in categories}
    return by_id.get(best_id) or _fallback(text, categories)
