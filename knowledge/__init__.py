"""Curated bilingual knowledge base: article files, their loader and BM25 search."""

from knowledge.articles import Article, Source, load_articles
from knowledge.search import Hit, KnowledgeBase

__all__ = ["Article", "Hit", "KnowledgeBase", "Source", "load_articles"]
