"""Everything under ../shared builds: no document crashes the run or is lost."""

from __future__ import annotations

import pytest

from helpers import expected_documents, rows, shared_path

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.mark.timeout(1800)  # 14,601 documents, and the corpus-level linking over 14,000 articles
def test_every_shared_file_is_an_article_or_an_error(shared_corpus_db):
    # The volume test: without the NLP stage (conftest.EARLY_BUILDS);
    # test_nlp_on_real_articles covers that stage. Built in the background
    # from the start of the session.
    corpus = shared_path("corpus")
    bench = shared_path("bench")
    db = shared_corpus_db
    expected = expected_documents(corpus) | expected_documents(bench)
    outcome = dict(rows(db, """
        select s.path,
          case when exists (select 1 from articles a where a.source = s.id) then 'article'
               when exists (select 1 from ingest_errors e where e.source = s.id) then 'error'
               else 'lost' end
        from sources s
    """))
    assert set(outcome) == expected
    assert "lost" not in outcome.values()
    # No parser blew up: errors are only the documents that hold no article.
    crashes = rows(db, "select path, message from ingest_errors where stage not in ('parse', 'extract', 'dedupe') "
                       "or message like '%failed%'")
    assert crashes == []
    # The benchmark pages with a body all became articles.
    for folder in ("aeb/html", "aeb/text", "giveme5w1h/articles", "polnear/data/dev/text"):
        missing = rows(db, "select s.path from sources s left join articles a on a.source = s.id "
                           "where s.path like ? and a.id is null", (f"bench/{folder}/%",))
        assert missing == [], folder
    assert rows(db, "select count(*) from articles where source in "
                    "(select id from sources where path like 'bench/allsides%')")[0][0] > 11_900


@pytest.mark.nlp
def test_nlp_on_real_articles(real_articles_db):
    """The whole pipeline, NLP included, on 383 + 84 real articles (built
    in the background from the start of the session: conftest.py)."""
    db = real_articles_db
    assert rows(db, "select count(*) from articles")[0][0] == 383 + 84
    assert rows(db, "select count(*) from ingest_errors")[0][0] == 0
    # Names were found in nearly every English article, and resolved.
    english, with_names = rows(db, """select count(*), sum(exists(select 1 from mentions m where m.article = a.id))
                                      from articles a where a.language = 'en'""")[0]
    assert with_names >= 0.95 * english
    people = dict(rows(db, "select name, article_count from entities where type = 'person'"))
    assert people.get("Donald Trump", 0) >= 20
    assert rows(db, "select count(*) from entities where type = 'place' and latitude is not null")[0][0] > 100
