"""`llmkit demo` in a real browser: headless Chromium (driven by Playwright) types into the page, clicks, and reads
the answers of the classification, question-answering and generation tabs; a screenshot of each tab is saved.

Playwright cannot download its own browser here, so it launches the system's Chromium (Debian's `chromium`
package, which `.ci/run` installs); without one these tests skip and say why.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_demo import free_port

from llmkit.demo import serve
from llmkit.predict import format_result, predict

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = next((path for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(path).exists()), None)
CHROMIUM = CHROMIUM or shutil.which("chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("demo"),  # with tests/test_demo.py, on one worker: the runs are trained once
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)"),
]
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def page(recipe_runs):
    """The page of the three runs open in headless Chromium."""
    port = free_port()
    served = serve([recipe_runs["sentiment"], recipe_runs["qa"], recipe_runs["clm"]], port=port, block=False)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1280, "height": 1000})
        tab.goto(f"http://127.0.0.1:{port}/", wait_until="networkidle")
        yield tab
        browser.close()
    served.close()


def open_tab(page, name: str):
    page.get_by_role("tab", name=name).click()
    return page.get_by_role("tabpanel").filter(visible=True)


def result_after_click(panel, label: str) -> str:
    """Click Run and wait until the output box `label` shows something."""
    box = panel.get_by_label(label, exact=True)
    panel.get_by_role("button", name="Run").click()
    sync_api.expect(box).not_to_have_value("", timeout=WAIT_MS)
    return box.input_value()


def test_classification_in_the_browser(page, recipe_runs, tmp_path):
    panel = open_tab(page, "sentiment")
    text = "A wonderful, warm and funny film."
    panel.get_by_label("text", exact=True).fill(text)
    shown = result_after_click(panel, "result")
    assert shown == format_result(predict(recipe_runs["sentiment"], [{"text": text}])[0])
    page.screenshot(path=tmp_path / "classification.png", full_page=True)
    assert (tmp_path / "classification.png").stat().st_size > 10_000


def test_question_answering_in_the_browser(page, recipe_runs, tmp_path):
    panel = open_tab(page, "qa")
    record = {"question": "Who built it?", "context": "The bridge was built by Ada Lee in 1901."}
    panel.get_by_label("question", exact=True).fill(record["question"])
    panel.get_by_label("context", exact=True).fill(record["context"])
    shown = result_after_click(panel, "result")
    expected = predict(recipe_runs["qa"], [record])[0]
    assert shown == format_result({key: expected[key] for key in ("answer", "score", "start", "end")})
    sync_api.expect(panel.get_by_text("n-best answers")).to_be_visible()
    page.screenshot(path=tmp_path / "qa.png", full_page=True)


def test_generation_in_the_browser(page, recipe_runs, tmp_path):
    panel = open_tab(page, "clm")
    panel.get_by_label("prompt", exact=True).fill("The little fox")
    expected = "The little fox" + predict(recipe_runs["clm"], [{"prompt": "The little fox"}])[0]["generated"]
    box = panel.get_by_label("output", exact=True)
    panel.get_by_role("button", name="Run").click()
    sync_api.expect(box).to_have_value(expected, timeout=WAIT_MS)
    page.screenshot(path=tmp_path / "clm.png", full_page=True)


def test_an_empty_input_shows_a_message_in_the_page(page):
    panel = open_tab(page, "sentiment")
    panel.get_by_label("text", exact=True).fill("")
    panel.get_by_role("button", name="Run").click()
    sync_api.expect(page.get_by_text("Type a text first.")).to_be_visible(timeout=WAIT_MS)
