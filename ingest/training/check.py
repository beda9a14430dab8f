"""Check an annotation file before it joins the training data.

    python -m nqikg.ingest.training.check FILE.jsonl [FILE.jsonl ...]

Every line must align (:mod:`.align`: known labels, each surface found after
the previous one), keep its spans under the span conventions the loader
applies, give relations whose ends are entities of the line with labels the
predicate's type signature allows (ANNOTATION.md, Relations), and facts whose
indicator and value are entities of the line. No line may share a 12-character
run with the dev set (the loader would drop it), with the unseen-genre
evaluation set (it would leak into that measure) or with the corpus documents
(the project's input, whose text stays out of the repository; a web copy of one
would also carry dev lines), nor repeat a line of another training file (the
loader would keep only the first). Problems are printed as
``FILE:LINE: message``; the exit status is 1 when there is any.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nqikg.ingest import conventions
from nqikg.ontology import vocab

from .align import AlignError, align_record
from .corpus import DATA_DIR, HERE, file_ngrams, ngrams, optional_shared_dir, overlaps

UNSEEN_EVAL = HERE / "eval" / "unseen_genres.jsonl"


def held_out_ngrams() -> dict[str, set[str]]:
    """The 12-character runs of the dev set, the unseen-genre evaluation set and the corpus documents."""
    shared = optional_shared_dir()
    documents = sorted((shared / "corpus").glob("*.txt")) if shared else []
    return {"the dev set": file_ngrams(shared / "gold" / "dev.jsonl" if shared else None),
            "the unseen-genre set": file_ngrams(UNSEEN_EVAL),
            "the corpus documents": ngrams(p.read_text(encoding="utf-8") for p in documents)}


def training_lines(excluded: list[Path]) -> dict[str, str]:
    """The text of every line of the training files (but ``excluded``), with its file's name."""
    out: dict[str, str] = {}
    skip = {p.resolve() for p in excluded}
    for path in sorted(DATA_DIR.glob("*.jsonl")):
        if path.resolve() not in skip:
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    text = json.loads(line).get("text") if line.strip() else None
                    if text:  # stand-off corpus records carry offsets, not text
                        out.setdefault(text, path.name)
    return out


def problems(rec: dict, held_out: dict[str, set[str]], known: dict[str, str] | None = None) -> list[str]:
    """What is wrong with one annotated line (empty when nothing); ``known``: training lines and their files."""
    if not isinstance(rec.get("text"), str) or not rec.get("id"):
        return ['needs an "id" and a "text"']
    if known and rec["text"] in known:
        return [f"the same text as a line of {known[rec['text']]}"]
    try:
        row = align_record(rec)
    except (AlignError, KeyError, TypeError, ValueError) as exc:
        return [str(exc)]
    out = []
    kept = conventions.apply(row["text"], row["entities"])
    if [(e["text"], e["label"]) for e in kept] != [(e["text"], e["label"]) for e in row["entities"]]:
        out.append(f"the span conventions change the entities to {[(e['text'], e['label']) for e in kept]}")
    labels: dict[str, set[str]] = {}
    for e in row["entities"]:
        labels.setdefault(e["text"], set()).add(e["label"])
    signatures = vocab.relation_signatures()
    for r in row.get("relations", []):
        sig = signatures[r["predicate"]]
        ends = [("subject", r["subject"], sig.subject_labels)]
        if sig.one_place:
            if r["object"] is not None:
                out.append(f"{r['predicate']} takes no object, got {r['object']!r}")
        else:
            ends.append(("object", r["object"], sig.object_labels))
        for role, surface, allowed in ends:
            if surface not in labels:
                out.append(f"{r['predicate']}: {role} {surface!r} is not an entity of the line")
            elif not labels[surface] & set(allowed):
                out.append(f"{r['predicate']}: {role} {surface!r} is {'/'.join(sorted(labels[surface]))}, "
                           f"allowed {', '.join(sorted(allowed))}")
    for f in row["facts"]:
        for key in ("indicator", "value"):
            if f.get(key) not in labels:
                out.append(f"fact {key} {f.get(key)!r} is not an entity of the line")
    for name, grams in held_out.items():
        if overlaps(row["text"], grams):
            out.append(f"shares a 12-character run with {name}: leave it out or write it anew")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    args = ap.parse_args(argv)
    held_out = held_out_ngrams()
    known = training_lines(args.files)
    found = lines = 0
    for path in args.files:
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            lines += 1
            try:
                rec = json.loads(raw)
            except json.JSONDecodeError as exc:
                issues = [f"not JSON ({exc.msg} at column {exc.colno})"]
            else:
                issues = problems(rec, held_out, known) if isinstance(rec, dict) else ["not a JSON object"]
            for issue in issues:
                print(f"{path}:{n}: {issue}")
            found += len(issues)
    print(f"{lines} lines, {found} problem(s)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
