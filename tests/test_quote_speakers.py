"""Speakers are people or organisations: never a common noun or an
unresolved pronoun; a role resolves only to the person the article gives
it; on short texts and in the built seeds and sample."""

from __future__ import annotations

import pytest

from helpers import rows
from ingest.document.quotes import extract_quotes


def speakers(paragraphs: list[str]) -> list[tuple]:
    return [(q.text, q.speaker, q.speaker_resolved) for q in extract_quotes(paragraphs)]


# --- on short texts ------------------------------------------------------------------------

@pytest.mark.nlp
def test_a_common_noun_is_never_a_speaker():
    # "Water" opens a sentence; the article writes it in lower case too.
    assert speakers(["The sea wall broke as water rose.", "Water said: “This will happen again.”"]) == [
        ("This will happen again.", None, None)]
    assert speakers(["As water drains from the canal town, shopkeepers count the cost.",
                     "Water reached above the counter of the shop.",
                     "“They said fifty years,” she said."]) == [("They said fifty years,", None, None)]


@pytest.mark.nlp
def test_an_unresolved_pronoun_is_no_speaker():
    assert speakers(["The storm hit the town on Tuesday.", "“We had no time to do anything,” he said."]) == [
        ("We had no time to do anything,", None, None)]


@pytest.mark.nlp
def test_a_body_of_people_or_a_plural_stays_a_speaker():
    # "Police", "Officials": common nouns naming people, not "Water".
    found = speakers(["The police closed the road and officials met at noon.",
                      "Police said: “The road will stay closed tonight.”",
                      "Officials said: “The wall will be repaired by spring.”"])
    assert [s for _, s, _ in found] == ["Police", "Officials"]


@pytest.mark.nlp
def test_a_role_resolves_only_to_the_person_given_that_role():
    # Another named person is not the mayor: the role stays unresolved.
    assert speakers(["Rui Tavares Gonçalves, the civil-protection commander, said 230 firefighters were deployed.",
                     "“Nobody has died in Aveiro tonight,” the mayor said."]) == [
        ("Nobody has died in Aveiro tonight,", "the mayor", None)]
    # The role written before the name, or in apposition after it, even when
    # a nearer person is named.
    for first in ("Mayor Ana Reis toured the district with Rui Gonçalves.",
                  "Ana Reis, the mayor, toured the district with Rui Gonçalves.",
                  "The mayor, Ana Reis, toured the district with Rui Gonçalves."):
        assert speakers([first, "Mr Gonçalves counted the boats.", "“Nobody has died tonight,” the mayor said."]) == [
            ("Nobody has died tonight,", "the mayor", "Ana Reis")], first


# --- in the built seeds and sample ------------------------------------------------------------

@pytest.mark.shared
@pytest.mark.nlp
def test_no_common_noun_or_unresolved_pronoun_speaks_in_the_sample(site_db):
    said = rows(site_db, "select speaker, speaker_resolved from quotes")
    assert not [s for s in said if "Water" in s], said
    assert not [s for s in said if s[0] and s[0].lower() in ("he", "she", "him", "her") and s[1] is None]
    # Nor among the most quoted people the home page lists.
    names = {n for (n,) in rows(site_db, "select coalesce(e.name, q.speaker_resolved) from quotes q "
                                         "left join entities e on e.id = q.speaker_entity")}
    assert "Water" not in names and "Aveiro" not in names


@pytest.mark.shared
@pytest.mark.nlp
def test_the_mayors_statement_is_one_cluster_in_the_sample(site_db):
    # "... the mayor said" was given to another named person (the civil-protection
    # commander), which split the statement in two.
    clusters = rows(site_db, """select distinct m.cluster from quote_cluster_members m join quotes q on q.id = m.quote
                                where q.text like 'Nobody has died in Aveiro tonight%'""")
    assert len(clusters) == 1, clusters
    members = rows(site_db, """select s.path, q.speaker, q.speaker_resolved from quote_cluster_members m
        join quotes q on q.id = m.quote join articles a on a.id = q.article join sources s on s.id = a.source
        where m.cluster = ?""", [clusters[0][0]])
    assert {p.split("/")[-1].split("-")[0] for p, _, _ in members} >= {"harbour", "tidewatch", "meridian", "iberia"}
    assert {r for _, _, r in members} <= {"Helena Duarte Marques", None}
    assert rows(site_db, "select speaker from quote_clusters where id = ?", [clusters[0][0]]) == [
        ("Helena Duarte Marques",)]
    # A role the article gives no named person stays unresolved.
    assert not rows(site_db, """select 1 from quotes where lower(speaker) like 'the mayor%'
                                and speaker_resolved is not null and speaker_resolved != 'Helena Duarte Marques'""")


# --- a block quote without marks joins its statement's cluster -----------------------------

def test_a_block_that_starts_inside_another_version_joins_its_cluster():
    from ingest.corpus.quote_clusters import cluster_quotes, shared_runs

    versions = [
        ("a", "In essence, Moscow has dragged another state into this war, and to the fullest extent possible. "
              "And if this is not escalation, then what is the escalation that so many have been talking about?",
         "Outlet A", "2024-10-28", "Volodymyr Zelensky"),
        ("b", "Moscow has dragged another state into this war, and to the fullest extent possible. "
              "If this is not escalation, what is?", "Outlet B", "2024-10-28", "Volodymyr Zelenskiy"),
        # Another outlet's block quote: one sentence in common, then words of its own.
        ("c", "And if this is not escalation, then what is the escalation that many have been talking about? "
              "It is Putin who is taking steps that are expanding and prolonging this war. It is he who is pushing "
              "back the possibility of peace. And he wants the world to have more problems in Asia as well.",
         "Outlet C", "2024-10-29", "Volodymyr Zelensky"),
        # The same words said by someone else never join.
        ("d", "And if this is not escalation, then what is the escalation that many have been talking about? "
              "Nobody in Brussels can answer that.", "Outlet D", "2024-10-29", "Anneli Korhonen"),
    ]
    assert shared_runs([v[1] for v in versions], ["zelen", "zelen", "zelen", "korho"]) == [(0, 1), (0, 2)]
    clusters = cluster_quotes(versions)
    assert [set(c.members) for c in clusters] == [{"a", "b", "c"}]


@pytest.mark.shared
@pytest.mark.nlp
def test_seed_002s_unmarked_block_quote_joins_its_statements_cluster(site_db):
    block = rows(site_db, """select q.id, q.kind, q.speaker_resolved from quotes q join articles a on a.id = q.article
                             join sources s on s.id = a.source
                             where s.path like '%002_%' and q.text like 'And if this is not escalation%'""")
    assert len(block) == 1 and block[0][1:] == ("block", "Volodymyr Zelensky"), block
    clusters = rows(site_db, "select cluster from quote_cluster_members where quote = ?", [block[0][0]])
    assert len(clusters) == 1, clusters
    seeds = {path.split("/")[-1][:3] for (path,) in rows(site_db, """
        select s.path from quote_cluster_members m join articles a on a.id = m.article
        join sources s on s.id = a.source where m.cluster = ?""", [clusters[0][0]])}
    assert {"000", "001", "002", "004"} <= seeds, seeds
