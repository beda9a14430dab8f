"""The nqikg command line, run as a user would."""
from __future__ import annotations

import subprocess
import sys


def nqikg(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nqikg", *args], capture_output=True, text=True, timeout=timeout)


def test_query_runs_canned_sparql_with_parameters(corpus_store):
    run = nqikg("query", "sparql", "indicator_observations", "--param", "indicator=平均故障间隔时间",
                "--store", str(corpus_store))
    assert run.returncode == 0, run.stderr
    header, *rows = [line.split("\t") for line in run.stdout.splitlines()]
    assert "value" in header and "subjectLabel" in header
    values = {(r[header.index("subjectLabel")], r[header.index("value")]) for r in rows}
    assert ("数控机床", "900 h") in values and ("数控机床", "5000 h") in values


def test_query_names_what_is_wrong(corpus_store):
    run = nqikg("query", "sparql", "no_such_query", "--store", str(corpus_store))
    assert run.returncode == 2 and "bottleneck_coverage" in run.stderr
    run = nqikg("query", "sparql", "industry_support", "--param", "oops", "--store", str(corpus_store))
    assert run.returncode != 0 and "NAME=VALUE" in run.stderr


def test_analytics_path_and_missing_store(corpus_store, tmp_path):
    run = nqikg("analytics", "path", "工业母机", "高端芯片", "--store", str(corpus_store))
    assert run.returncode == 0 and run.stdout.startswith("工业母机") and "高端芯片" in run.stdout
    run = nqikg("analytics", "centrality", "--store", str(tmp_path / "nothing"))
    assert run.returncode == 2 and "no graph built" in run.stderr


def test_export_nquads_keeps_one_graph_per_document(corpus_store, tmp_path):
    out = tmp_path / "graph.nq"
    run = nqikg("export", "--store", str(corpus_store), "--format", "nq", "-o", str(out))
    assert run.returncode == 0, run.stderr
    graphs = {line.rsplit(" ", 2)[-2] for line in out.read_text(encoding="utf-8").splitlines() if line}
    assert sum("/graph/doc/" in g for g in graphs) == 5


def test_eval_scores_the_lines_unseen_by_training_as_the_hidden_test_does(tmp_path):
    import json
    gold = tmp_path / "gold.jsonl"
    lines = [{"id": "stock", "text": "加强计量、标准、认证认可、检验检测等质量基础设施建设。", "entities": []},  # a stock phrase
             {"id": "fresh", "text": "嘉峪关钒钛磁铁矿选冶示范线投运。"}]
    gold.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    run = nqikg("eval", str(gold))
    assert run.returncode == 2 and "'fresh'" in run.stderr and '"entities"' in run.stderr
    lines[1]["entities"] = []
    gold.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    run = nqikg("eval", str(gold), "--json", "--unseen-only")
    assert run.returncode == 0, run.stderr
    scores = json.loads(run.stdout)
    assert scores["lines"] == 1 and scores["left_out"] == 1
    run = nqikg("eval", str(gold), "--unseen-only")
    assert run.stdout.startswith("lines 1 (1 sharing a 12-character run with the training data left out)")
