"""The web pages in a real headless Chromium (Selenium) against ``nqikg serve`` (uvicorn) on a free port.

Searches, opens an entity page (evidence highlighted, neighbourhood SVG),
opens the gap heat map and follows a cell to its evidence, runs a canned query
on the SPARQL page, and saves a screenshot of each step (to a temporary folder,
or to ``$NQIKG_SCREENSHOTS`` when set). Skipped only when Chromium or
chromedriver is not installed.
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
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
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

    # the neighbourhood picture: an SVG with nodes, labelled edges, links to neighbours
    svg = browser.find_element(By.CSS_SELECTOR, "svg.neighbourhood")
    assert svg.size["width"] > 300 and svg.size["height"] > 200
    assert len(svg.find_elements(By.CSS_SELECTOR, "circle")) >= 2
    assert svg.find_elements(By.CSS_SELECTOR, "g.edge-label text")
    assert svg.find_elements(By.CSS_SELECTOR, "a.node")
    screenshot(browser, shots, "2-entity")
    assert not console_errors(browser), console_errors(browser)

    # a neighbour in the picture opens its own page
    href = browser.execute_script("return arguments[0].getAttribute('href')",
                                  svg.find_elements(By.CSS_SELECTOR, "a.node")[0])
    assert href.startswith("/page/")
    browser.get(server + href)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "h1")))
    assert "/page/" in browser.current_url


def test_product_page(server, browser, shots):
    browser.get(server + "/page/product/" + quote("工业母机"))
    WebDriverWait(browser, WAIT).until(EC.presence_of_element_located((By.ID, "entity-label")))
    assert browser.find_element(By.ID, "entity-label").text.startswith("工业母机")
    assert "卡脖子产品" in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "mark.focus")
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.neighbourhood circle")) >= 2
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


def test_sparql_page(server, browser, shots):
    wait = WebDriverWait(browser, WAIT)
    browser.get(server + "/query")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#examples option")) > 2)
    names = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#examples option")]
    assert "gaps" in names
    Select(browser.find_element(By.ID, "examples")).select_by_value("gaps")
    assert "BottleneckProduct" in browser.find_element(By.ID, "query").get_attribute("value")
    browser.find_element(By.ID, "run").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sparql-results tbody tr")
               or d.find_elements(By.CSS_SELECTOR, "#results-box pre.error"))
    errors = browser.find_elements(By.CSS_SELECTOR, "#results-box pre.error")
    assert not errors, errors[0].text
    heads = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#sparql-results thead th")]
    assert heads[:2] == ["?product", "?pillar"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#sparql-results tbody tr")) >= 10
    links = browser.find_elements(By.CSS_SELECTOR, "#sparql-results tbody a")
    assert links and "/page/" in links[0].get_attribute("href")
    assert "行" in browser.find_element(By.ID, "status").text
    screenshot(browser, shots, "6-sparql")
    assert not console_errors(browser), console_errors(browser)
