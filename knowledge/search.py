"""BM25 search over the knowledge articles, within the predicted topic first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from rank_bm25 import BM25Okapi

from knowledge.analyzer import terms
from knowledge.articles import Article, load_articles


@dataclass(frozen=True)
class Hit:
    """An article and its BM25 score for a query."""

    article: Article
    score: float


class KnowledgeBase:
    """All articles, indexed once; ``rank`` answers queries."""

    def __init__(self, articles: Sequence[Article]) -> None:
        """Index ``articles`` (both languages of each article in one document)."""
        if not articles:
            raise ValueError("the knowledge base has no articles")
        self.articles = list(articles)
        self._by_id = {article.id: article for article in self.articles}
        self._index = BM25Okapi([terms(a.text_for_search()) or ["-"] for a in self.articles])

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

    def rank(self, query: str, topic: Optional[str] = None) -> list[Hit]:
        """Articles matching ``query``: those of ``topic`` first, then the rest.

        Within each group, best BM25 score first; articles that share no term with the
        query are left out, except that when nothing in ``topic`` matches, the topic's
        articles still come first in file order (its first article is its overview).
        """
        query_terms = terms(query)
        scores = self._index.get_scores(query_terms) if query_terms else [0.0] * len(
            self.articles
        )
        scored = zip(self.articles, scores, strict=True)
        hits = [Hit(article, float(score)) for article, score in scored]
        in_topic = [hit for hit in hits if hit.article.topic == topic]
        matching = [hit for hit in in_topic if hit.score > 0] or in_topic
        others = [hit for hit in hits if hit.article.topic != topic and hit.score > 0]
        by_score = sorted(matching, key=lambda h: -h.score)
        return by_score + sorted(others, key=lambda h: -h.score)

    def related(self, article: Article, hits: Sequence[Hit], limit: int = 3) -> list[Article]:
        """Articles to offer after ``article``.

        Its own topic first (those matching the query first), then other matching articles.
        """
        same_topic = [a for a in self.articles if a.topic == article.topic]
        candidates = [h.article for h in hits if h.article.topic == article.topic]
        candidates += same_topic + [hit.article for hit in hits]
        chosen: list[Article] = []
        for candidate in candidates:
            if candidate.id != article.id and candidate not in chosen:
                chosen.append(candidate)
        return chosen[:limit]
