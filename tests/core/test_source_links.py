"""Source links that back claims: a bare home page backs none, unless the article marks it as
the service itself (an online application system): the knowledge gate counts, lists and, with
--strict-sources, refuses the others."""

from pathlib import Path

from knowledge.articles import parse_article
from knowledge.check import bare_home_pages, check, main

ARTICLE = """---
id: work_permit-x
topic: work_permit
reviewed: 2026-11-01
sources:
  - {title: Department of Employment, url: 'https://www.doe.go.th/'}
  - {title: e-WorkPermit system, url: 'https://eworkpermit.doe.go.th/', entry_point: true}
  - {title: Fees, url: 'https://www.doe.go.th/prd/alien/service/param/site/152/cat/82'}
  - {title: Search, url: 'https://www.doe.go.th/?q=fees'}
title: {en: Work permits, th: ใบอนุญาตทำงาน}
answer: {en: Apply online., th: ยื่นออนไลน์}
---
## English

Details.

## ภาษาไทย

รายละเอียด
"""


def test_only_an_unmarked_home_page_is_a_bare_source():
    article = parse_article(ARTICLE, Path("work_permit-x.md"))
    assert article.sources[1].entry_point and not article.sources[0].entry_point
    assert bare_home_pages(article) == ["https://www.doe.go.th/"]


def test_the_gate_counts_home_pages_and_refuses_them_when_strict(capsys):
    found = check().home_pages
    links = sum(len(urls) for urls in found.values())
    main([])
    assert f"{links} of " in capsys.readouterr().out
    assert main(["--strict-sources"]) == (1 if found else 0)
    refused = capsys.readouterr().out.count("home page as a source: https://")
    assert refused == len(found)
