"""The knowledge base of a folder, reloaded when an article file changes.

Both the action server and the web service hold one: an article edited in the console is
used for the next question without a restart. Checking costs one ``stat`` per file.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Optional

from knowledge.articles import ArticleError, articles_dir, load_articles
from knowledge.search import KnowledgeBase

logger = logging.getLogger(__name__)
Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(directory: Path) -> Fingerprint:
    """Name, modification time and size of every article file under ``directory``.

    Read with ``os.scandir`` and one ``stat`` per file: it runs before every answer.
    """
    found = []
    for topic in os.scandir(directory):
        if topic.is_dir():
            for entry in os.scandir(topic.path):
                if entry.name.endswith(".md") and entry.is_file():
                    status = entry.stat()
                    found.append((entry.path, status.st_mtime_ns, status.st_size))
    return tuple(sorted(found))


class LiveKnowledgeBase:
    """Hands out the current ``KnowledgeBase``, re-indexing after a change on disk.

    A change that does not load (a file broken by hand) is logged and the last good
    knowledge base stays in use.
    """

    def __init__(self, directory: Optional[Path] = None) -> None:
        """Load the articles of ``directory`` (default: ``articles_dir()``) once."""
        self.directory = directory or articles_dir()
        self._lock = threading.Lock()
        self._fingerprint = fingerprint(self.directory)
        self._knowledge_base = KnowledgeBase(load_articles(self.directory))

    def current(self) -> KnowledgeBase:
        """The knowledge base as the files are now."""
        seen = fingerprint(self.directory)
        with self._lock:
            if seen != self._fingerprint:
                self._fingerprint = seen
                try:
                    self._knowledge_base = KnowledgeBase(load_articles(self.directory))
                except ArticleError:
                    logger.exception("knowledge articles changed but do not load; "
                                     "keeping the previous version")
            return self._knowledge_base
