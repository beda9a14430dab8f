"""The web pages in a real headless Chromium (Selenium) against ``nqikg serve`` (uvicorn) on a free port.

Searches, opens an entity page (evidence highlighted, the graph explorer),
expands the explorer by clicking nodes on its canvas and reads an edge's
evidence, lays out a 150+ node neighbourhood, reads an indicator chart's points
from the SVG and follows one to its sentence, opens the gap heat map and
follows a cell to its evidence, runs canned queries in YASGUI with JSON, CSV
and TSV results, and saves a screenshot of each step (to a temporary folder,
or to ``$NQIKG_SCREENSHOTS`` when set). The pages load their libraries from
this server only. Skipped only when Chromium or chromedriver is not installed.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip("chromium and chromedriver are not installed (apt install chromium chromium-driver)",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

SAMR = "国家市场监督管理总局"
WAIT = 20


@pytest.fixture(scope="module")
def server(corpus_server):
    return corpus_server


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ["NQIKG_SCREENSHOTS"]) if os.environ.get("NQIKG_SCREENSHOTS") \
        else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = Options()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", f"--user-data-dir={profile}", "--window-size=1366,1000", "--lang=zh-CN"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def screenshot(driver, folder: Path, name: str) -> Path:
    """A full-page screenshot (the window grown to the page height, up to 4000 px)."""
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 800)")
    driver.set_window_size(1366, min(height, 4000))
    path = folder / f"{name}.png"
    assert driver.save_screenshot(str(path)), path
    driver.set_window_size(1366, 1000)
    assert path.stat().st_size > 10_000
    print(f"screenshot {path}")
    return path


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def requested_elsewhere(driver, server: str) -> list[str]:
    """URLs the page fetched from anywhere but this server (scripts, styles, XHR, fetch)."""
    urls = driver.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    return [u for u in urls if not u.startswith((server + "/", "blob:", "data:"))]


def ready(driver, css: str):
    """The element once its script marked it ready (``data-state``), failing fast on an error state."""
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, css).get_attribute("data-state") in ("ready", "error"))
    element = driver.find_element(By.CSS_SELECTOR, css)
    assert element.get_attribute("data-state") == "ready", element.text[:500]
    return element


def node_count(explorer) -> int:
    return int(explorer.find_element(By.CSS_SELECTOR, ".node-count").get_attribute("data-node-count"))


def click_canvas(driver, explorer, point: list[float]) -> None:
    """A real mouse click at a rendered position (pixels from the top left) of the explorer's canvas."""
    canvas = explorer.find_element(By.CSS_SELECTOR, ".explorer-canvas")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    # offsets from the centre of the border box; Cytoscape's positions start inside the border
    left, top, width, height = driver.execute_script(
        "const c = arguments[0]; return [c.clientLeft, c.clientTop, c.offsetWidth, c.offsetHeight]", canvas)
    ActionChains(driver).move_to_element_with_offset(
        canvas, round(point[0] + left - width / 2), round(point[1] + top - height / 2)).click().perform()


# an extracted edge that Cytoscape finds at and around (4 px) its midpoint, away from every node
CLEAR_EDGE = """const cy = arguments[0].explorer.cy, r = cy.renderer(), d = 4 / cy.zoom();
    const clear = (e) => { const m = e.renderedMidpoint(), at = e.midpoint();
      return [[0, 0], [d, 0], [-d, 0], [0, d], [0, -d]].every(
          ([dx, dy]) => r.findNearestElement(at.x + dx, at.y + dy, true, false) === e) &&
        cy.nodes().every((x) => Math.hypot(x.renderedPosition().x - m.x, x.renderedPosition().y - m.y) > 25); };
    const e = cy.edges("[provenance = 'extracted']").filter((x) => !x.selected() && clear(x))[0];
    return e ? [e.id(), Object.values(e.renderedMidpoint())] : null;"""

# rendered positions of an explorer's elements (Cytoscape draws on a canvas: the DOM has no node elements)
NODE_AT = "return Object.values(arguments[0].explorer.cy.getElementById(arguments[1]).renderedPosition())"
# the unexpanded node with most neighbours among those no other node is drawn close to (a click hits it alone)
CLEAR_NODE = """const cy = arguments[0].explorer.cy;
    const clear = (n) => cy.nodes().every((m) => m === n || Math.hypot(
        m.renderedPosition().x - n.renderedPosition().x, m.renderedPosition().y - n.renderedPosition().y) > 30);
    const n = cy.nodes().filter((x) => !x.hasClass('expanded') && clear(x))
                .sort((a, b) => b.data('degree') - a.data('degree'))[0];
    return n ? n.id() : null;"""


def test_search_then_entity_page(server, browser, shots):
    wait = WebDriverWait(browser, WAIT)
    browser.get(server + "/")
    box = wait.until(EC.element_to_be_clickable((By.ID, "q")))
    box.clear()
    box.send_keys("市场监管总局")
    box.send_keys(Keys.ENTER)
    wait.until(lambda d: any(a.text.strip() == SAMR for a in d.find_elements(By.CSS_SELECTOR, "#result-list a.result-link")))
    assert "q=" in browser.current_url          # the search is in the address, so it can be shared
    first = browser.find_elements(By.CSS_SELECTOR, "#result-list a.result-link")[0]
    assert first.text.strip() == SAMR
    screenshot(browser, shots, "1-search")

    first.click()
    wait.until(EC.presence_of_element_located((By.ID, "entity-label")))
    assert unquote(browser.current_url).endswith(f"/page/org/{SAMR}")
    assert browser.find_element(By.ID, "entity-label").text.startswith(SAMR)
    assert "State Administration for Market Regulation" in browser.page_source

    # evidence sentences, the entity's mentions highlighted at their offsets
    sentences = browser.find_elements(By.CSS_SELECTOR, "#evidence blockquote.sentence")
    assert len(sentences) >= 3
    marks = browser.find_elements(By.CSS_SELECTOR, "#evidence mark.focus")
    assert len(marks) >= len(sentences)
    for mark in marks:
        assert mark.text in (SAMR, "市场监管总局", "国家市场监管总局", "SAMR")
        start, end = int(mark.get_attribute("data-start")), int(mark.get_attribute("data-end"))
        assert end - start == len(mark.text)
        assert mark.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
    # the text before the mark is exactly `start` characters of the sentence
    js = """const m = arguments[0]; const q = m.closest('blockquote');
            const r = document.createRange(); r.setStart(q, 0); r.setEndBefore(m); return r.toString().length;"""
    for mark in marks[:5]:
        assert browser.execute_script(js, mark) == int(mark.get_attribute("data-start"))

    # the neighbourhood: the graph explorer around the entity, its nodes on a canvas
    explorer = ready(browser, ".explorer")
    assert explorer.get_attribute("data-centre") == f"org/{SAMR}"
    assert node_count(explorer) >= 2
    canvas = explorer.find_element(By.CSS_SELECTOR, ".explorer-canvas")
    assert canvas.size["width"] > 300 and canvas.size["height"] > 300
    screenshot(browser, shots, "2-entity")
    assert not console_errors(browser), console_errors(browser)

    # a click on a neighbour shows it in the panel, with a link to its own page
    neighbour = browser.execute_script(CLEAR_NODE, explorer)
    assert neighbour and neighbour != f"org/{SAMR}"
    click_canvas(browser, explorer, browser.execute_script(NODE_AT, explorer, neighbour))
    link = WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".explorer-panel a[href^='/page/']"))[0]
    assert unquote(link.get_attribute("href")).endswith("/page/" + neighbour)
    link.click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "h1")))
    assert unquote(browser.current_url).endswith("/page/" + neighbour)


def test_product_page(server, browser, shots):
    browser.get(server + "/page/product/" + quote("工业母机"))
    WebDriverWait(browser, WAIT).until(EC.presence_of_element_located((By.ID, "entity-label")))
    assert browser.find_element(By.ID, "entity-label").text.startswith("工业母机")
    assert "卡脖子产品" in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "mark.focus")
    assert node_count(ready(browser, ".explorer")) >= 2
    screenshot(browser, shots, "3-product")


def test_gap_heat_map(server, browser, shots):
    wait = WebDriverWait(browser, WAIT)
    browser.get(server + "/gaps")
    table = wait.until(EC.presence_of_element_located((By.ID, "heatmap")))
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) >= 10
    headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th.pillar-col")]
    assert [h.split("\n")[0] for h in headers] == ["计量", "标准", "检验检测", "认证认可"]
    products = [r.get_attribute("data-product") for r in rows]
    assert "工业母机" in products
    cells = table.find_elements(By.CSS_SELECTOR, "a.cell")
    assert len(cells) == 4 * len(rows)
    empty_colour = next(c for c in cells if c.get_attribute("data-count") == "0").value_of_css_property("background-color")
    filled = [c for c in cells if c.get_attribute("data-count") != "0"]
    assert filled, "no product has NQI evidence"
    for c in filled:
        assert c.value_of_css_property("background-color") != empty_colour
    screenshot(browser, shots, "4-gaps")

    # a cell links to its evidence: the product's section opens at that pillar
    cell = max(filled, key=lambda c: int(c.get_attribute("data-count")))
    count = int(cell.get_attribute("data-count"))
    anchor = cell.get_attribute("href").split("#", 1)[1]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    cell.click()
    target = wait.until(EC.visibility_of_element_located((By.ID, anchor)))
    assert "active" in target.get_attribute("class")
    assert browser.execute_script("return arguments[0].closest('details').open", target)
    assert len(target.find_elements(By.CSS_SELECTOR, "li.evidence")) == count
    assert target.find_elements(By.CSS_SELECTOR, "mark.focus")
    screenshot(browser, shots, "5-gap-evidence")
    assert not console_errors(browser), console_errors(browser)


def run_in_yasgui(browser) -> list:
    """Click the query button of the open YASGUI tab; the result table's rows once drawn."""
    app = browser.find_element(By.ID, "sparql-app")
    browser.execute_script("arguments[0].dataset.state = 'waiting'", app)
    button = next(b for b in browser.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton") if b.is_displayed())
    button.click()
    WebDriverWait(browser, WAIT).until(lambda d: app.get_attribute("data-state") in ("done", "error"))
    assert app.get_attribute("data-state") == "done", browser.find_element(By.ID, "status").text
    return browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table.dataTable tbody tr")


def test_sparql_page_runs_canned_queries_in_yasgui(server, browser, shots):
    wait = WebDriverWait(browser, WAIT)
    browser.get(server + "/query")
    tabs = wait.until(lambda d: [a for a in d.find_elements(By.CSS_SELECTOR, "#yasgui .tabsList .tab a")
                                 if a.text.split()] or None)
    names = [a.text.split()[0] for a in tabs]
    assert {"gaps", "bottleneck_coverage", "indicator_observations"} <= set(names), names
    tabs[names.index("gaps")].click()
    app = browser.find_element(By.ID, "sparql-app")
    assert "nqi:BottleneckProduct" in browser.execute_script("return arguments[0].yasgui.getTab().getQuery()", app)

    rows = run_in_yasgui(browser)                       # JSON results (the default)
    heads = [th.text.strip() for th in browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr thead th")]
    assert heads[1:3] == ["product", "pillar"], heads
    assert len(rows) >= 10
    assert "json" in browser.find_element(By.ID, "status").text
    expected = int(browser.find_element(By.ID, "status").text.split()[0])
    assert expected >= len(rows)
    links = browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr tbody td a[href*='/id/product/']")
    assert links
    screenshot(browser, shots, "6-sparql")
    assert not console_errors(browser), console_errors(browser)

    # the same query with CSV and TSV results: the same rows, read from the table (CSV and TSV carry no term
    # types, so an IRI is plain text there and a prefixed link in JSON)
    first_iri = """const td = arguments[0].querySelector('td:nth-child(2)'); const a = td.querySelector('a');
                   return a ? a.getAttribute('href') : td.textContent.trim();"""
    first = browser.execute_script(first_iri, rows[0])
    assert first.startswith("http") and "/id/product/" in first
    for media, name in (("text/csv", "csv"), ("text/tab-separated-values", "tsv")):
        Select(browser.find_element(By.ID, "result-format")).select_by_value(media)
        rows = run_in_yasgui(browser)
        status = browser.find_element(By.ID, "status").text
        assert f"{expected} 行" in status and name in status, status
        assert browser.execute_script(first_iri, rows[0]) == first
    Select(browser.find_element(By.ID, "result-format")).select_by_value("application/sparql-results+json")
    run_in_yasgui(browser)

    # a numeric result (the first tab's example counts claims per product) as a chart of the results
    browser.find_elements(By.CSS_SELECTOR, "#yasgui .tabsList .tab a")[0].click()
    rows = run_in_yasgui(browser)
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr .select_chart").click()
    bars = WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr-chart svg path[d*='Z']"))
    assert len(bars) >= len(rows)
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr-chart svg text")]
    assert "工业母机" in labels, labels
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr .select_table").click()

    assert not requested_elsewhere(browser, server)

    # an instance IRI in the table opens its page on this server
    link = browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr tbody td a[href*='/id/product/']")[0]
    target = link.get_attribute("href").split("/id/", 1)[1]
    link.click()
    wait.until(EC.presence_of_element_located((By.ID, "entity-label")))
    assert browser.current_url == server + "/page/" + target
    assert not console_errors(browser), console_errors(browser)


def test_sparql_page_keeps_the_endpoint_read_only(server, browser):
    browser.get(server + "/query")
    app = WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.ID, "sparql-app"))
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton"))
    browser.execute_script("arguments[0].yasgui.addTab(true, {name: 'update', yasqe: {value: "
                           "'PREFIX nqi: <https://w3id.org/nqikg/ontology#> INSERT DATA { nqi:a nqi:b nqi:c }'}})", app)
    button = next(b for b in browser.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton") if b.is_displayed())
    button.click()
    WebDriverWait(browser, WAIT).until(lambda d: app.get_attribute("data-state") in ("done", "error"))
    assert app.get_attribute("data-state") == "error"
    assert "read-only" in browser.find_element(By.ID, "status").text
    assert "read-only" in browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr").text
    browser.execute_script("arguments[0].yasgui.getTab().close()", app)
    errors = console_errors(browser)                     # the browser logs the refused request, nothing else
    assert errors and all("/sparql" in e and "403" in e for e in errors), errors


def test_explorer_expands_on_click_and_shows_edge_evidence(server, browser, shots):
    browser.get(server + "/explore?id=" + quote("product/工业母机"))
    explorer = ready(browser, ".explorer")
    before = node_count(explorer)
    assert before >= 4
    screenshot(browser, shots, "7-explorer")
    # a neighbour with much to add, clicked where it is drawn on the canvas
    target = browser.execute_script(CLEAR_NODE, explorer)
    assert target
    click_canvas(browser, explorer, browser.execute_script(NODE_AT, explorer, target))
    WebDriverWait(browser, WAIT).until(lambda d: node_count(explorer) > before)
    explorer = ready(browser, ".explorer")
    after = node_count(explorer)
    print(f"explorer nodes before {before}, after expanding {target}: {after}")
    assert after > before
    assert browser.execute_script("return arguments[0].explorer.cy.getElementById(arguments[1]).hasClass('expanded')",
                                  explorer, target)
    screenshot(browser, shots, "8-explorer-expanded")

    # a click on an extracted edge shows its sentences, the document and the offsets (edges cross: the click
    # is retried on another edge when Cytoscape picked a different element there)
    for _ in range(5):
        explorer = ready(browser, ".explorer")
        edge = browser.execute_script(CLEAR_EDGE, explorer)
        assert edge, "no extracted edge clear of the nodes"
        click_canvas(browser, explorer, edge[1])
        if browser.execute_script("return arguments[0].explorer.cy.$(':selected').map((e) => e.id())",
                                  explorer) == [edge[0]]:
            break
    else:
        pytest.fail("no click selected the edge under it")
    items = WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".explorer-panel .edge-evidence li.evidence"))
    source, prop, target_id = edge[0].split("|")
    ends = browser.execute_script("const cy = arguments[0].explorer.cy; return [arguments[1], arguments[2]]"
                                  ".map((i) => cy.getElementById(i).data('label'))", explorer, source, target_id)
    title = browser.find_element(By.CSS_SELECTOR, ".explorer-panel .edge-title").text
    assert title.startswith(ends[0]) and title.endswith(ends[1]), (title, ends)
    assert prop in browser.find_element(By.CSS_SELECTOR, ".explorer-panel").text
    for item in items:
        assert item.find_elements(By.CSS_SELECTOR, "blockquote.sentence mark.focus")
        assert item.find_elements(By.CSS_SELECTOR, "a[href^='/page/doc/']")
        assert "原文偏移 source offsets" in item.text
    screenshot(browser, shots, "9-explorer-edge")

    # filters: hiding co-mentions hides those edges, and the nodes only they reached
    browser.find_element(By.CSS_SELECTOR, ".explorer-filters summary").click()
    visible = int(explorer.find_element(By.CSS_SELECTOR, ".node-count").get_attribute("data-visible-count"))
    explorer.find_element(By.CSS_SELECTOR, ".filter-relation input[value='co-mention']").click()
    assert browser.execute_script("""return arguments[0].explorer.cy.edges("[provenance = 'co-mention']")
                                     .every((e) => e.hasClass('filtered'))""", explorer)
    hidden = int(explorer.find_element(By.CSS_SELECTOR, ".node-count").get_attribute("data-visible-count"))
    assert hidden < visible
    explorer.find_element(By.CSS_SELECTOR, ".filter-type input[value='Industry']").click()
    assert browser.execute_script("""return arguments[0].explorer.cy.nodes("[type = 'Industry']")
                                     .every((n) => n.hasClass('filtered'))""", explorer)
    assert not console_errors(browser), console_errors(browser)
    assert not requested_elsewhere(browser, server)


def test_explorer_layout_stays_readable_at_150_nodes(server, browser, shots):
    browser.get(server + "/explore?depth=3&id=" + quote(f"org/{SAMR}"))
    explorer = ready(browser, ".explorer")
    n = node_count(explorer)
    print(f"explorer nodes at depth 3 around {SAMR}: {n}")
    assert n >= 150
    # node discs do not pile up: few pairs overlap, and every node is inside the canvas
    overlapping, outside = browser.execute_script(
        """const cy = arguments[0].explorer.cy; const nodes = cy.nodes().not('.filtered');
           const boxes = nodes.map((x) => x.renderedBoundingBox({includeLabels: false}));
           let overlap = 0;
           for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
             const a = boxes[i], b = boxes[j];
             if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) overlap++; }
           const w = cy.width(), h = cy.height();
           const out = nodes.filter((x) => { const p = x.renderedPosition(); return p.x < 0 || p.y < 0 || p.x > w || p.y > h; });
           return [overlap, out.length];""", explorer)
    assert outside == 0
    assert overlapping <= n // 20, overlapping          # a random placement overlaps hundreds of pairs
    screenshot(browser, shots, "10-explorer-150")


def test_indicator_chart_points_link_to_evidence(server, browser, shots):
    browser.get(server + "/page/indicator/" + quote("制造业质量竞争力指数"))
    chart = ready(browser, ".indicator-chart")
    points, targets = int(chart.get_attribute("data-point-count")), int(chart.get_attribute("data-target-count"))
    # ECharts' SVG renderer: each point is a path placed by a matrix transform; a target is a diamond
    symbols = chart.find_elements(By.CSS_SELECTOR, ".chart-canvas svg path[transform^='matrix(']")
    diamonds = [s for s in symbols if s.get_attribute("d") == "M0 -1L1 0L0 1L-1 0Z"]
    print(f"chart points {len(symbols)}, targets {len(diamonds)}")
    assert len(symbols) == points >= 2
    assert len(diamonds) == targets >= 1
    listed = chart.find_elements(By.CSS_SELECTOR, ".chart-points li.chart-point")
    assert len(listed) == points
    assert len([li for li in listed if li.get_attribute("data-kind") == "target"]) == targets
    assert all(li.find_elements(By.CSS_SELECTOR, "a.point-evidence[href^='/page/doc/']") for li in listed)
    screenshot(browser, shots, "11-indicator-chart")
    assert not console_errors(browser), console_errors(browser)
    assert not requested_elsewhere(browser, server)

    # a click on a target point opens the sentence that states it
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", diamonds[0])
    ActionChains(browser).move_to_element(diamonds[0]).click().perform()
    WebDriverWait(browser, WAIT).until(lambda d: "/s/" in unquote(d.current_url))
    text = browser.find_element(By.CSS_SELECTOR, "blockquote.sentence").text
    assert "制造业质量竞争力指数" in text


def test_entity_page_charts_domestic_beside_international(server, browser, shots):
    browser.get(server + "/page/product/" + quote("数控机床"))
    charts = WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".indicator-chart"))
    assert "indicator/平均故障间隔时间" in [c.get_attribute("data-indicator") for c in charts]
    chart = ready(browser, ".indicator-chart[data-indicator='indicator/平均故障间隔时间']")
    scopes = {li.get_attribute("data-scope"): li.get_attribute("data-value")
              for li in chart.find_elements(By.CSS_SELECTOR, ".chart-points li.chart-point")}
    assert scopes == {"domestic": "900", "international": "5000"}
    assert len(chart.find_elements(By.CSS_SELECTOR, ".chart-canvas svg path[transform^='matrix(']")) == 2
    screenshot(browser, shots, "12-product-charts")
    assert not console_errors(browser), console_errors(browser)


def test_sparql_editor_completes_the_projects_prefixes_and_terms(server, browser):
    browser.get(server + "/query")
    app = WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.ID, "sparql-app"))
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton"))

    def hints(text: str, line: int) -> list[str]:
        """Type ``text`` at the start of ``line`` of a fresh tab's editor and ask for completion (Ctrl+Space)."""
        browser.execute_script("""const y = arguments[0].yasgui.getTab().getYasqe();
            y.replaceRange(arguments[1] + '\\n', {line: arguments[2], ch: 0});
            y.setCursor({line: arguments[2], ch: arguments[1].length}); y.focus();""", app, text, line)
        ActionChains(browser).key_down(Keys.CONTROL).send_keys(Keys.SPACE).key_up(Keys.CONTROL).perform()
        return [h.text for h in WebDriverWait(browser, WAIT).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li"))]

    browser.execute_script("arguments[0].yasgui.addTab(true, {name: 'completion'})", app)
    # a class in the example's WHERE clause (its last line but one closes it), then a prefix on top
    body = browser.execute_script("return arguments[0].yasgui.getTab().getYasqe().lineCount()", app) - 2
    assert {"nqi:BottleneckProduct", "nqi:BottleneckClaim"} <= set(hints("?x a nqi:Bottl", body))
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    assert "nqi: <https://w3id.org/nqikg/ontology#>" in hints("PREFIX n", 0)
    assert not requested_elsewhere(browser, server)     # completion comes from the page, not prefix.cc or LOV
    browser.execute_script("arguments[0].yasgui.getTab().close()", app)
    assert not console_errors(browser), console_errors(browser)
