"""The training data's tools: the check of a new annotation file, and the lines of an evaluation set the hidden
test would count."""
from __future__ import annotations

import json
import subprocess
import sys

from nqikg.ingest.training.corpus import load_records, unseen_by_training
from nqikg.ontology import shared_dir


def test_unseen_by_training_leaves_out_lines_sharing_a_run_with_the_training_data():
    seen = next(r["text"] for r in load_records()[0] if len(r["text"]) >= 30)
    rows = [{"id": "copy", "text": "据报道，" + seen[5:17] + "。"},
            {"id": "fresh", "text": "嗯嗯嗯嗯嗯嗯嗯嗯嗯嗯嗯嗯嗯嗯嗯嗯嗯嗯嗯"},
            {"id": "eleven", "text": seen[:11]}]
    assert [r["id"] for r in unseen_by_training(rows)] == ["fresh", "eleven"]


def test_check_names_each_problem_of_an_annotation_file(tmp_path):
    dev = [json.loads(x)["text"] for x in (shared_dir() / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    document = sorted((shared_dir() / "corpus").glob("*.txt"))[0].read_text(encoding="utf-8")
    not_dev = next(document[i:i + 14] for i in range(0, len(document), 7)
                   if "\n" not in document[i:i + 14] and not any(document[i:i + 12] in t for t in dev))
    lines = [
        {"id": "ok", "text": "甘南州市场监管局为牦牛乳制品建设检测平台。", "entities": [["甘南州市场监管局", "ORG"], ["牦牛乳制品", "PRODUCT"],
         ["检测", "TESTING"]], "facts": [], "relations": [["检测", "supports", "牦牛乳制品"]]},
        {"id": "label", "text": "青稞酒检测。", "entities": [["青稞酒", "FOOD"]]},
        {"id": "signature", "text": "甘南州市场监管局发布青稞酒检测规范。", "entities": [["甘南州市场监管局", "ORG"], ["青稞酒", "PRODUCT"]],
         "relations": [["青稞酒", "issuedBy", "甘南州市场监管局"]]},
        {"id": "dev", "text": "据称" + dev[0][:14], "entities": []},
        {"id": "corpus", "text": "据称" + not_dev, "entities": []},
        {"id": "repeat", "text": next(r["text"] for r in load_records()[0] if r["source"].startswith("relations_")),
         "entities": []},
    ]
    path = tmp_path / "new.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines) + "not json\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "nqikg.ingest.training.check", str(path)], capture_output=True, text=True)
    assert run.returncode == 1
    out = run.stdout.splitlines()
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in out] == ["2", "3", "4", "4", "5", "6", "7"], out
    assert "unknown label 'FOOD'" in out[0] and "issuedBy: subject '青稞酒' is PRODUCT" in out[1]
    assert "the dev set" in out[2] and "the corpus documents" in out[3]   # dev lines are lines of the documents
    assert "the corpus documents" in out[4] and "not JSON" in out[6]
    assert "the same text as a line of relations_" in out[5]
    path.write_text(json.dumps(lines[0], ensure_ascii=False) + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "nqikg.ingest.training.check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout == "", run.stdout
