"""The site as a reader uses it, in a real browser (Chromium, headless).

One server on the seeds and the sample (the site's real data), one on a
hostile corpus. Every page visited must load with no console error, no
failed request to our server and no dialog; the main pages pass axe-core
with no serious or critical violation, fit a 375 px phone and are
screenshotted at both widths (into docs/screenshots/ with `make
screenshots`, else a temporary folder).
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from urllib.parse import quote

import pytest

from browser_helpers import (CHROMIUM_ARGS, DESKTOP, PHONE, SCREENSHOTS, Server, Watch, require_chromium,
                             serious_violations)
from helpers import STALL_WORD, build, rows, stalled_copy

pytestmark = [pytest.mark.browser, pytest.mark.shared, pytest.mark.nlp, pytest.mark.timeout(300)]


@pytest.fixture(scope="session")
async def browser():
    chromium = require_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture(scope="session")
def site(site_db, tmp_path_factory):
    require_chromium()
    server = Server(site_db, tmp_path_factory.mktemp("server") / "site.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def main_pages(site_db) -> dict[str, str]:
    """The main pages, on real seed data: the Independent's article, its
    story, its most-quoted speaker, a statement several outlets carried."""
    [(article, story)] = rows(site_db, "select id, story from articles where outlet = 'the-independent'")
    [(cluster,)] = rows(site_db, "select id from quote_clusters where text like '%preliminary data%'")
    [(entity,)] = rows(site_db, """select speaker_entity from quotes where article = ? and speaker_entity is not null
                                   group by speaker_entity order by count(*) desc limit 1""", [article])
    return {
        "home": "/",
        "search": "/press_atlas/search_everything?q=Zelensky",
        "article": f"/press_atlas/articles/{article}",
        "entity": f"/-/entities/{entity}",
        "story": f"/-/stories/{story}",
        "quote-cluster": f"/-/quote-clusters/{cluster}",
        "api": "/-/api",
        "articles": "/press_atlas/articles",
        "canned-query": "/press_atlas/who_said_it?q=North+Korean",
        "canned-query-wide": "/press_atlas/stories_with_most_outlets",
    }


class Tab:
    """A page in its own context, watched, with nothing leaving the site."""

    def __init__(self, browser, server, viewport=DESKTOP, **context_args):
        self.browser, self.server, self.viewport, self.context_args = browser, server, viewport, context_args

    async def __aenter__(self):
        self.context = await self.browser.new_context(viewport=self.viewport, **self.context_args)
        self.watch = Watch(self.server.origin)
        origin = self.server.origin
        await self.context.route(lambda url: not url.startswith(origin), self.watch.answer_outside)
        self.page = await self.context.new_page()
        self.watch.attach(self.page)
        return self

    async def goto(self, path: str):
        response = await self.page.goto(self.server.origin + path, wait_until="networkidle")
        assert response.status == 200, (path, response.status)
        return self.page

    async def __aexit__(self, *exc):
        await self.context.close()
        if exc[0] is None:
            self.watch.assert_clean()


async def screenshot(page, path, max_height: int = 2600) -> None:
    """The page from the top, as far down as max_height (the long lists
    below add nothing to a screenshot but megabytes)."""
    width, height = await page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollHeight]")
    await page.screenshot(path=path, full_page=True, quality=75,
                          clip={"x": 0, "y": 0, "width": width, "height": min(height, max_height)})


# Cells whose content runs over the next cell of their row (text printed
# over text): what a reader sees, whatever the page.
OVERLAPPING_CELLS = """() => [...document.querySelectorAll('tr')].flatMap(tr => {
    const cells = [...tr.children];
    return cells.slice(0, -1).filter((cell, i) => {
        const next = cells[i + 1].getBoundingClientRect();
        return [...cell.querySelectorAll('*')].some(el => {
            const r = el.getBoundingClientRect();
            return r.width && r.right > next.left + 1 && r.top < next.bottom && r.bottom > next.top;
        });
    }).map(cell => cell.textContent.trim().slice(0, 60));
}).slice(0, 5)"""


PAGES = ["home", "search", "article", "entity", "story", "quote-cluster", "api", "articles", "canned-query",
         "canned-query-wide"]


@pytest.mark.parametrize("name", PAGES)
async def test_main_page_accessible_on_desktop_and_phone(browser, site, main_pages, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with Tab(browser, site) as tab:
        page = await tab.goto(main_pages[name])
        violations = await serious_violations(page)
        assert not violations, "\n".join(violations)
        assert not await page.evaluate(OVERLAPPING_CELLS)
        await screenshot(page, SCREENSHOTS / f"{name}-desktop.jpg")
    async with Tab(browser, site, viewport=PHONE, is_mobile=True, has_touch=True) as tab:
        page = await tab.goto(main_pages[name])
        overflow = await page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                          && !el.closest('.table-wrapper, .matrix-scroll, .api-response, pre, .leaflet-container'))
            .map(el => el.tagName + '.' + el.className).slice(0, 5)""")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] and not overflow, (width, overflow)
        assert not await page.evaluate(OVERLAPPING_CELLS)
        violations = await serious_violations(page)
        assert not violations, "\n".join(violations)
        await screenshot(page, SCREENSHOTS / f"{name}-phone.jpg")


async def test_search_result_to_article_cut_blocks_map_and_entity(browser, site, site_db):
    async with Tab(browser, site) as tab:
        page = await tab.goto("/")
        await page.fill("#q", "Kovalenko")
        async with page.expect_navigation():
            await page.press("#q", "Enter")
        assert "/press_atlas/search_everything?q=Kovalenko" in page.url
        groups = await page.locator("section.result-group h2").all_inner_texts()
        assert [g.split(" (")[0] for g in groups] == ["Names", "Articles", "Quotes", "Paragraphs"]
        first = page.locator("#results-article a.result-title").first
        title = await first.inner_text()
        async with page.expect_navigation():
            await first.click()
        await page.wait_for_load_state("networkidle")
        assert await page.locator("h1#article-title").inner_text() == title
        article_id = page.url.rsplit("/", 1)[-1]

        # What was cut is hidden until the reader asks for it.
        cut = page.locator("details.cut-blocks .cut-list li").first
        assert not await cut.is_visible()
        await page.locator("details.cut-blocks summary").click()
        assert await cut.is_visible()
        assert await page.locator("details.cut-blocks").get_attribute("open") is not None

        # One marker per place with coordinates, drawn by Leaflet from our own server.
        places = rows(site_db, """select count(distinct e.id) from mentions m join entities e on e.id = m.entity
                                  where m.article = ? and e.type = 'place' and e.latitude is not null""", [article_id])
        await page.wait_for_selector("#article-map .leaflet-marker-icon")
        assert await page.locator("#article-map .leaflet-marker-icon").count() == places[0][0] > 0
        scripts = await page.evaluate("[...document.scripts].map(s => s.src).filter(Boolean)")
        assert any("leaflet" in s for s in scripts) and all(s.startswith(site.origin) for s in scripts)

        # A name in the body leads to its page.
        mention = page.locator(".article-body a.mention-person").first
        name = (await mention.get_attribute("title")).rsplit(" (", 1)[0]
        async with page.expect_navigation():
            await mention.click()
        assert await page.locator("h1").inner_text() == name
        assert "/-/entities/person" in page.url


async def test_cluster_map_of_places_comes_from_our_server(browser, site):
    """datasette-cluster-map on the places table: its Leaflet and marker
    clusters are the plugins' bundled copies, served by this site."""
    for path in ("/press_atlas/entities?type=place&latitude__notblank=1", "/press_atlas/who_appears_with?x=Zelenskiy"):
        async with Tab(browser, site) as tab:
            page = await tab.goto(path)
            await page.wait_for_selector(".leaflet-container .leaflet-marker-icon")
            assert await page.locator(".leaflet-container .leaflet-marker-icon").count() >= 1
            loaded = await page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
            scripts = [u for u in loaded if u.split("?")[0].endswith(".js")]
            assert any("leaflet" in u for u in scripts) and any("markercluster" in u for u in scripts)
            assert all(u.startswith(site.origin) for u in scripts), scripts
            assert tab.watch.outside and all("tile.openstreetmap.org/" in u for u in tab.watch.outside)


async def test_search_as_you_type(browser, site):
    async with Tab(browser, site) as tab:
        page = await tab.goto("/press_atlas/search_everything")
        await page.evaluate("window.sameDocument = true")
        await page.locator("#search-q").press_sequentially("Kovalen", delay=60)
        await page.wait_for_selector("#results-entity")
        assert await page.evaluate("window.sameDocument")  # results came in place, no page load
        marks = await page.locator("#search-results mark").all_inner_texts()
        assert marks and all(m.lower().startswith("kovalen") for m in marks)
        assert page.url.endswith("?q=Kovalen")
        assert "result" in await page.locator("#search-status").inner_text()


@pytest.fixture(scope="module")
def stalled_site(site_db, tmp_path_factory):
    """The site, at its own time limit, on a copy of its database where a
    search for STALL_WORD can never finish (helpers.stalled_copy)."""
    require_chromium()
    folder = tmp_path_factory.mktemp("stalled")
    server = Server(stalled_copy(site_db, folder), folder / "stalled.log")
    yield server
    server.stop()


async def test_live_search_says_when_it_cannot_answer(browser, stalled_site):
    """Results never stay on screen for words they do not answer: a search
    that runs out of time shows the server's message, a failed request
    says so, and a search that works shows its results again."""
    async with Tab(browser, stalled_site) as tab:
        page = await tab.goto("/press_atlas/search_everything?q=Kovalenko")
        assert await page.locator("#results-entity").count() == 1
        # Filled in at once: the one search sent is for the whole word.
        await page.locator("#search-q").fill(STALL_WORD)
        await page.wait_for_selector("#search-results .message-error")
        message = await page.locator("#search-results").inner_text()
        assert "took too long" in message and "Kovalenko" not in message
        assert "took too long" in await page.locator("#search-status").inner_text()
        assert await page.locator("section.result-group").count() == 0

        await page.locator("#search-q").fill("")
        await page.locator("#search-q").press_sequentially("Kovalen", delay=40)
        await page.wait_for_selector("#results-entity")

        await page.route("**/search_everything?q=*", lambda route: route.abort())
        await page.locator("#search-q").press_sequentially("ko", delay=40)
        await page.wait_for_selector("#search-results .message-error")
        assert "could not be run" in await page.locator("#search-results").inner_text()
        assert await page.locator("section.result-group").count() == 0
        # The two failures were expected: nothing else may have gone wrong.
        tab.watch.errors = [e for e in tab.watch.errors if "search_everything?q=" not in e
                            and "Failed to load resource" not in e]


async def test_keyboard_only(browser, site, main_pages):
    async with Tab(browser, site) as tab:
        page = await tab.goto("/")
        # Tab from the top of the page reaches the search box, and Enter searches.
        for _ in range(40):
            await page.keyboard.press("Tab")
            if await page.evaluate("document.activeElement.id") == "q":
                break
        else:
            pytest.fail("the search box cannot be reached with Tab")
        await page.keyboard.type("sea wall")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert await page.locator("section.result-group").count() >= 2
        # On the article page, Tab reaches "show what was cut", Enter opens it,
        # and the focused element is visibly outlined.
        await tab.goto(main_pages["article"])
        for _ in range(400):
            await page.keyboard.press("Tab")
            if await page.evaluate("!!document.activeElement.closest('details.cut-blocks > summary')"):
                break
        else:
            pytest.fail("the cut blocks cannot be reached with Tab")
        outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
        await page.keyboard.press("Enter")
        assert await page.locator("details.cut-blocks").get_attribute("open") is not None


async def test_download_csv(browser, site, main_pages, tmp_path):
    async with Tab(browser, site, accept_downloads=True) as tab:
        page = await tab.goto(main_pages["article"])
        async with page.expect_download() as info:
            await page.locator(".article-links a", has_text="CSV").click()
        download = await info.value
        path = tmp_path / download.suggested_filename
        await download.save_as(path)
        [row] = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
        assert row["id"] == main_pages["article"].rsplit("/", 1)[-1]
        assert row["outlet_label"] == "The Independent" and row["body_text"]
        await tab.goto("/press_atlas/search_everything?q=Kovalenko")
        async with page.expect_download() as info:
            await page.locator(".export-links a", has_text="CSV").click()
        path = tmp_path / "search.csv"
        await (await info.value).save_as(path)
        results = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
        assert {r["type"] for r in results} == {"entity", "article", "quote", "paragraph"}


HOSTILE = ('<script>alert("script")</script> <img src=x onerror=alert("onerror")> '
           '<a href="javascript:alert(\'link\')">click here</a> <svg onload=alert("svg")>')


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    require_chromium()
    folder = tmp_path_factory.mktemp("hostile")
    corpus = folder / "feed"
    corpus.mkdir()
    records = [{"url": "javascript:alert('url')" if n == 0 else f"https://o{n}.example/flood",
                "outlet": f"Outlet {n} {HOSTILE}", "published": f"2025-10-1{n}",
                "title": f"Aveiro flood report {n} {HOSTILE}", "author": HOSTILE,
                "text": f"\u201cThe sea wall failed us and someone will answer for it {HOSTILE},\u201d "
                        f"Helena Marques said in Lisbon on Tuesday.\n\n"
                        f"The mayor of Aveiro, Ricardo Pinto, toured the flooded streets. {HOSTILE}\n\n"
                        f"\u201cThe harbour will be rebuilt before the winter storms,\u201d Ricardo Pinto said.\n\n"
                        f"[A link](javascript:alert('markdown')) and ![an image](x onerror=alert('img'))"}
               for n in range(3)]
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    db = build(folder, corpus)
    # The build escapes text that looks like Markdown or HTML; a stored body
    # must be safe whatever it holds, so each also gets the raw payload.
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update articles set body_markdown = body_markdown || '\n\n' || ?", [HOSTILE])
        # Names as hostile as the text (a name comes from the text, so the
        # build cannot make one like this: it is given one).
        conn.execute("update entities set name = name || ' ' || ?", [HOSTILE])
        conn.execute("update quote_clusters set speaker = speaker || ' ' || ?", [HOSTILE])
        conn.execute("insert into entities_fts(entities_fts) values ('rebuild')")
    conn.close()
    server = Server(db, folder / "hostile.log")
    yield server, db
    server.stop()


async def test_hostile_article_runs_nothing(browser, hostile):
    server, db = hostile
    stored = rows(db, "select id, body_markdown from articles")
    assert all("<script>" in m and "onerror=" in m and "javascript:" in m for _, m in stored)
    assert rows(db, "select count(*) from quotes")[0][0] >= 3
    assert rows(db, "select count(*) from outlets where name like '%<script>%'")[0][0] == 3
    assert rows(db, "select count(*) from articles where url like 'javascript:%'")[0][0] == 1
    stories = rows(db, "select id from stories")
    clusters = rows(db, "select id from quote_clusters")
    assert stories and clusters
    paths = [f"/press_atlas/articles/{a}" for a, _ in stored]
    paths += ["/", "/-/api", "/press_atlas/search_everything?q=alert", "/press_atlas/search_everything?q=Marques",
              "/press_atlas/articles", "/press_atlas/outlets", "/press_atlas/entities",
              *[f"/-/entities/{quote(e, safe='')}" for (e,) in rows(db, "select id from entities")],
              *[f"/-/stories/{s}" for (s,) in stories], *[f"/-/quote-clusters/{c}" for (c,) in clusters]]
    async with Tab(browser, server) as tab:
        await tab.page.add_init_script("window.__ran = []; for (const f of ['alert', 'confirm', 'prompt']) "
                                       "{ const o = window[f]; window[f] = (m) => { window.__ran.push(String(m)); "
                                       "return o.call(window, m); }; }")
        for path in paths:
            page = await tab.goto(path)
            # Let any timer or late event handler fire.
            await page.wait_for_timeout(200)
            assert await page.evaluate("window.__ran") == [], path
            active = await page.evaluate("""() => {
                const found = [];
                for (const el of document.querySelectorAll('*')) {
                    for (const attr of el.attributes) {
                        // Datasette's own pages have a handler or two; none may carry a payload.
                        if (attr.name.startsWith('on') && /alert/.test(attr.value)) found.push(el.tagName + ' ' + attr.name);
                        if (/^\\s*javascript:/i.test(attr.value)) found.push(el.tagName + ' ' + attr.name);
                    }
                    // Data for the maps is JSON, never run, with every < escaped so it cannot end its block.
                    const data = el.tagName === 'SCRIPT' && el.type === 'application/json';
                    if (data && /</.test(el.textContent)) found.push('data: ' + el.textContent);
                    if (el.tagName === 'SCRIPT' && !data && /alert/.test(el.textContent)) {
                        found.push('script: ' + el.textContent);
                    }
                }
                return found.concat([...document.querySelectorAll('img[src="x"], svg[onload]')].map(e => e.outerHTML));
            }""")
            assert active == [], (path, active)
        # The payload is on the article page, as words a reader can see.
        page = await tab.goto(paths[0])
        body = await page.locator(".article-body").inner_text()
        assert '<script>alert("script")</script>' in body
        assert await page.locator(".article-body mark.quote").count() >= 1
    assert not tab.watch.dialogs
    assert all(re.search(r"tile\.openstreetmap\.org", u) for u in tab.watch.outside)
