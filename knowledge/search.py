"""BM25 search over the knowledge articles, within the predicted topic first.

Each article is indexed as three fields, both languages in each: the head (titles and
keywords), the short answer and the details. An article's score is the weighted sum of its
BM25 scores per field, so a question that matches an article's title and keywords is not
outweighed by a long body that mentions the same words in passing. The weights were chosen
on the first question per article and language of the retrieval question file and checked
on the second (docs/benchmarks.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Optional, Sequence

from rank_bm25 import BM25Okapi

from knowledge.analyzer import terms
from knowledge.articles import LANGUAGES, Article, load_articles
from knowledge.passages import PassageIndex


@dataclass(frozen=True)
class Hit:
    """An article and its BM25 score for a query."""

    article: Article
    score: float


FIELD_WEIGHTS = {"head": 4.0, "answer": 1.0, "details": 0.5}
# A follow-up's context: articles of the context article's topic (or in its related list)
# get the first bonus, the context article itself both. On the weighted scale above an
# elliptical follow-up ("and the fee?", "can they pay my bail?") scores 0-25 on its own, a
# self-contained question 40-120, which the context then cannot overturn.
CONTEXT_TOPIC_BONUS = 15.0
CONTEXT_ARTICLE_BONUS = 10.0


def field_text(article: Article, name: str) -> str:
    """The text of one indexed field of ``article``, both languages."""
    parts: list[str] = []
    for language in LANGUAGES:
        if name == "head":
            parts += [article.title[language], " ".join(article.keywords[language])]
        else:
            parts.append(getattr(article, name)[language])
    return "\n".join(parts)


class KnowledgeBase:
    """All articles, indexed once; ``rank`` answers queries."""

    def __init__(self, articles: Sequence[Article]) -> None:
        """Index ``articles``: one BM25 index per field."""
        if not articles:
            raise ValueError("the knowledge base has no articles")
        self.articles = list(articles)
        self._by_id = {article.id: article for article in self.articles}
        self._indexes = {
            name: BM25Okapi([terms(field_text(a, name)) or ["-"] for a in self.articles])
            for name in FIELD_WEIGHTS
        }
        self._remembered_scores = lru_cache(maxsize=256)(self._scores)

    @classmethod
    def load(cls) -> KnowledgeBase:
        """The knowledge base from ``knowledge/articles``."""
        return cls(load_articles())

    def get(self, article_id: str) -> Optional[Article]:
        """The article with this id, if any."""
        return self._by_id.get(article_id)

    def topics(self) -> set[str]:
        """Topics that have at least one article."""
        return {article.topic for article in self.articles}

    @cached_property
    def passages(self) -> PassageIndex:
        """Every article's passages, indexed on first use."""
        return PassageIndex(self.articles)

    def scores(self, query: str) -> tuple[float, ...]:
        """Each article's weighted BM25 score for ``query``, in article order.

        Remembered for recent queries: one question is ranked within its topic, across all
        articles and in its context, and each needs the same scores.
        """
        return self._remembered_scores(query)

    def score(self, query: str, article: Article) -> float:
        """``article``'s weighted BM25 score for ``query``."""
        return self.scores(query)[self.articles.index(article)]

    def _scores(self, query: str) -> tuple[float, ...]:
        query_terms = terms(query)
        scores = [0.0] * len(self.articles)
        if query_terms:
            for name, weight in FIELD_WEIGHTS.items():
                field_scores = self._indexes[name].get_scores(query_terms)
                scores = [total + weight * float(field_score)
                          for total, field_score in zip(scores, field_scores, strict=True)]
        return tuple(scores)

    def rank(self, query: str, topic: Optional[str] = None) -> list[Hit]:
        """Articles matching ``query``: those of ``topic`` first, then the rest.

        Within each group, best BM25 score first; articles that share no term with the
        query are left out, except that when nothing in ``topic`` matches, the topic's
        articles still come first in file order (its first article is its overview).
        """
        scored = zip(self.articles, self.scores(query), strict=True)
        hits = [Hit(article, float(score)) for article, score in scored]
        in_topic = [hit for hit in hits if hit.article.topic == topic]
        matching = [hit for hit in in_topic if hit.score > 0] or in_topic
        others = [hit for hit in hits if hit.article.topic != topic and hit.score > 0]
        by_score = sorted(matching, key=lambda h: -h.score)
        return by_score + sorted(others, key=lambda h: -h.score)

    def rank_in_context(self, query: str, context: Article) -> list[Hit]:
        """Articles for a follow-up ``query`` asked right after ``context`` was shown.

        Each article's own score, plus ``CONTEXT_TOPIC_BONUS`` when it shares the context
        article's topic or is one of its related articles, plus ``CONTEXT_ARTICLE_BONUS``
        for the context article itself; best first. With no words of its own ("how
        much?") the question stays with the context article; a subject that another
        article of the topic is about ("and for my wife?") moves there.
        """
        near = {context.id, *context.related}
        hits = []
        for article, own in zip(self.articles, self.scores(query), strict=True):
            bonus = CONTEXT_TOPIC_BONUS if article.topic == context.topic or article.id in near \
                else 0.0
            bonus += CONTEXT_ARTICLE_BONUS if article.id == context.id else 0.0
            if own + bonus > 0:
                hits.append(Hit(article, own + bonus))
        return sorted(hits, key=lambda hit: -hit.score)

    def related(self, article: Article, hits: Sequence[Hit], limit: int = 3) -> list[Article]:
        """Articles to offer after ``article``.

        The article's own ``related`` list first, then its topic (those matching the query
        first), then other matching articles.
        """
        same_topic = [a for a in self.articles if a.topic == article.topic]
        candidates = [self._by_id[i] for i in article.related if i in self._by_id]
        candidates += [h.article for h in hits if h.article.topic == article.topic]
        candidates += same_topic + [hit.article for hit in hits]
        chosen: list[Article] = []
        for candidate in candidates:
            if candidate.id != article.id and candidate not in chosen:
                chosen.append(candidate)
        return chosen[:limit]
