"""Everything under ../shared builds: no document crashes the run or is lost."""

from __future__ import annotations

from conftest import build, expected_documents, rows, shared_path


def test_every_shared_file_is_an_article_or_an_error(tmp_path):
    corpus = shared_path("corpus")
    bench = shared_path("bench")
    db = build(tmp_path, corpus, bench, args=("--workers", "2"))
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
