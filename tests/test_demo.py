"""`llmkit demo`: each recipe's page, called through `gradio_client` on 127.0.0.1, shows what `llmkit predict` gives.

The browser tests (tests/test_demo_browser.py) drive the same page in a real Chromium.
"""

from __future__ import annotations

import shutil
import socket

import pytest
from conftest import QUICK_RUN
from gradio_client import Client
from helpers import reset_accelerate, run_recipe

from llmkit.cli import main
from llmkit.compress import ReportSettings, quantize_run
from llmkit.demo import serve
from llmkit.models import merge_adapter
from llmkit.predict import format_result, predict

# One worker runs every demo test (`make test` schedules by group), so the runs are trained once.
pytestmark = pytest.mark.xdist_group("demo")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def page(recipe_runs):
    """One page with a tab per run, and a client for it."""
    port = free_port()
    served = serve(list(recipe_runs.values()), port=port, block=False)
    yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    served.close()


@pytest.mark.slow
def test_classification_tab_shows_predicts_labels_and_probabilities(page, recipe_runs):
    text = "A wonderful, warm and funny film."
    bars, line = page.predict(text, api_name="/sentiment")
    expected = predict(recipe_runs["sentiment"], [{"text": text}])[0]
    assert line == format_result(expected)
    assert bars["label"] == expected["label"]
    assert {c["label"]: c["confidence"] for c in bars["confidences"]} == pytest.approx(expected["scores"])


@pytest.mark.slow
def test_qa_tab_highlights_the_answer_and_lists_the_n_best(page, recipe_runs):
    record = {"question": "Who built it?", "context": "The bridge was built by Ada Lee in 1901."}
    highlighted, line, table = page.predict(record["question"], record["context"], api_name="/qa")
    expected = predict(recipe_runs["qa"], [record])[0]
    answers = [piece["token"] for piece in highlighted if piece["class_or_confidence"] == "answer"]
    assert answers == [expected["answer"]]
    assert "".join(piece["token"] for piece in highlighted) == record["context"]
    assert line == format_result({key: expected[key] for key in ("answer", "score", "start", "end")})
    assert [row[0] for row in table["data"]] == [span["answer"] for span in expected["n_best"]]


@pytest.mark.slow
def test_clm_tab_streams_what_generate_samples(page, recipe_runs):
    options = {"max_new_tokens": 12, "temperature": 0.9, "top_k": 20, "top_p": 0.9, "repetition_penalty": 1.1}
    values = [options.get(name) for name in ("max_new_tokens", "temperature", "top_k", "top_p", "repetition_penalty")]
    job = page.submit("The little fox", *values, 7, api_name="/clm")
    final = job.result()
    expected = predict(recipe_runs["clm"], [{"prompt": "The little fox"}], seed=7, **options)[0]
    assert final == "The little fox" + expected["generated"]
    updates = job.outputs()
    assert len(updates) > 2  # a token at a time, not one answer at the end
    assert all(final.startswith(update) for update in updates)


@pytest.mark.slow
def test_mlm_ner_and_translation_tabs_show_predicts_results(page, recipe_runs):
    text = "the little fox ran to the [MASK]."
    filled, table = page.predict(text, 3, api_name="/mlm")
    expected = predict(recipe_runs["mlm"], [{"text": text}], top_k=3)[0]
    assert filled == expected["filled"]
    assert [row[1] for row in table["data"]] == [f["token"] for f in expected["fillings"][0]]

    text = "Ada Lee flew to Paris on 3 March 2021."
    _, summary = page.predict(text, api_name="/ner")
    assert summary == predict(recipe_runs["ner"], [{"text": text}])[0]["summary"]

    translation = page.predict("The dog sleeps.", 1, 8, 1.0, api_name="/translation")
    expected = predict(recipe_runs["translation"], [{"text": "The dog sleeps."}], num_beams=1, max_new_tokens=8)[0]
    assert translation == expected["translation"]


@pytest.mark.slow
def test_an_empty_input_is_a_message_in_the_page_and_the_server_goes_on(page):
    with pytest.raises(Exception, match="Type a text first"):
        page.predict("  ", api_name="/sentiment")
    with pytest.raises(Exception, match="Type a context first"):
        page.predict("Who?", "", api_name="/qa")
    assert page.predict("Fine.", api_name="/sentiment")[1]  # still serving


@pytest.mark.slow
def test_runs_of_one_recipe_are_side_by_side(recipe_runs, sentiment_run):
    port = free_port()
    served = serve([recipe_runs["sentiment"], sentiment_run], port=port, block=False)
    try:
        outputs = Client(f"http://127.0.0.1:{port}/", verbose=False).predict("A dull film.", api_name="/compare")
    finally:
        served.close()
    assert len(outputs) == 4  # bars and result line of each run
    for folder, line in ((recipe_runs["sentiment"], outputs[1]), (sentiment_run, outputs[3])):
        assert line == format_result(predict(folder, [{"text": "A dull film."}])[0])


@pytest.mark.slow
def test_an_adapter_run_and_its_merged_folder_side_by_side_agree(tiny_bert, tmp_path):
    out = tmp_path / "lora"
    run_recipe("sentiment", f"model.name={tiny_bert}", f"output_dir={out}", *QUICK_RUN, "peft.method=lora")
    merged = merge_adapter(out, tmp_path / "merged")
    port = free_port()
    served = serve([out, merged], port=port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        jobs = [client.submit(text, api_name="/compare") for text in ("Great fun.", "So dull.", "Fine.")]
        results = [job.result(timeout=60) for job in jobs]  # sent at once: queued, each answered
    finally:
        served.close()
    for text, (adapter_bars, adapter_line, merged_bars, merged_line) in zip(
        ("Great fun.", "So dull.", "Fine."), results, strict=True
    ):
        assert adapter_line == format_result(predict(out, [{"text": text}])[0])
        assert merged_line == format_result(predict(merged, [{"text": text}])[0])
        assert adapter_bars["label"] == merged_bars["label"]
        scores = {c["label"]: c["confidence"] for c in merged_bars["confidences"]}
        assert scores == pytest.approx({c["label"]: c["confidence"] for c in adapter_bars["confidences"]}, abs=1e-3)


@pytest.mark.slow
def test_a_quantized_folder_serves_what_it_predicts(sentiment_run, tmp_path):
    reset_accelerate()
    folder = quantize_run(sentiment_run, tmp_path / "int8", "int8-weight", ReportSettings(requests=2))
    port = free_port()
    served = serve([folder], port=port, block=False)
    try:
        _, line = Client(f"http://127.0.0.1:{port}/", verbose=False).predict("A fine film.", api_name="/int8")
    finally:
        served.close()
    assert line == format_result(predict(folder, [{"text": "A fine film."}])[0])


def test_a_folder_that_is_not_a_finished_run_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["demo", str(tmp_path)])
    assert stop.value.code == 2
    assert "demo:" in capsys.readouterr().err


def test_a_port_in_use_is_refused(sentiment_run, capsys):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        with pytest.raises(SystemExit) as stop:
            main(["demo", str(sentiment_run), "--port", str(holder.getsockname()[1])])
    assert stop.value.code == 2
    assert "Fix: pass a free --port" in capsys.readouterr().err


def test_a_run_of_an_unknown_recipe_is_refused(sentiment_run, tmp_path, capsys):
    old = tmp_path / "old"
    shutil.copytree(sentiment_run, old)
    config = old / "run_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("recipe: sentiment", "recipe: summarise", 1))
    with pytest.raises(SystemExit) as stop:
        main(["demo", str(old), "--port", str(free_port())])
    assert stop.value.code == 2
    assert "recipe 'summarise', which this llmkit does not have" in capsys.readouterr().err
