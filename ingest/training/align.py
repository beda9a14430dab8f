"""Turn surface-listed annotations into the exchange format of ANNOTATION.md.

Annotators write one JSON object a line with entities as ``[surface, LABEL]``
pairs in reading order; this module finds each surface after the end of the
previous one, fills ``start``/``end``/``text`` and checks the result the way the
referee scorer does (known labels, exact offsets, no overlaps).

Sentences of the shared corpus are kept stand-off, so the repository holds no
corpus text: such a record has ``doc`` (file stem under the corpus folder),
``span`` ``[start, end]`` into the raw file and ``drop``, a list of raw
``[start, end]`` ranges (line breaks, page furniture) removed to give the text.

    python -m nqikg.ingest.training.align RAW.jsonl -o OUT.jsonl [--corpus DIR]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

LABELS = {"ORG", "LOC", "POLICY", "METROLOGY", "STANDARD", "TESTING", "CERTIFICATION",
          "NQI", "INDUSTRY", "PRODUCT", "INDICATOR", "VALUE", "METHOD"}
PREDICATES = {"supports", "belongsToIndustry", "issuedBy", "developedBy", "bottleneck"}


class AlignError(ValueError):
    """An annotation that cannot be placed in its text."""


def standoff_text(rec: dict, corpus: Path) -> str:
    """The sentence text of a stand-off record, rebuilt from the raw corpus file."""
    path = corpus / f"{rec['doc']}.txt"
    raw = path.read_text(encoding="utf-8")
    start, end = rec["span"]
    keep, cursor = [], start
    for a, b in sorted(rec.get("drop") or []):
        if not start <= a <= b <= end or a < cursor:
            raise AlignError(f"{rec['id']}: drop range {a},{b} outside span or overlapping")
        keep.append(raw[cursor:a])
        cursor = b
    keep.append(raw[cursor:end])
    return "".join(keep)


def align_record(rec: dict, corpus: Path | None = None) -> dict:
    """Return ``rec`` with every entity given offsets into its text."""
    text = rec["text"] if "text" in rec else standoff_text(rec, corpus)
    out, cursor = [], 0
    for item in rec.get("entities") or []:
        if isinstance(item, dict):
            surface, label = item["text"], item["label"]
        else:
            surface, label = item
        if label not in LABELS:
            raise AlignError(f"{rec['id']}: unknown label {label!r}")
        start = text.find(surface, cursor)
        if start < 0:
            raise AlignError(f"{rec['id']}: {surface!r} not found after offset {cursor}")
        end = start + len(surface)
        out.append({"start": start, "end": end, "label": label, "text": surface})
        cursor = end
    facts = [{"indicator": f["indicator"], "value": f["value"],
              "subject": f.get("subject"), "year": f.get("year")} for f in rec.get("facts") or []]
    row = {"id": rec["id"], "text": text, "entities": out, "facts": facts}
    if "relations" in rec:  # present (even empty) only on records annotated for relations
        row["relations"] = [_relation(rec["id"], r) for r in rec["relations"] or []]
    return row


def _relation(rid: str, item) -> dict:
    """A relation written ``[subject, predicate, object]`` or as an object of the exchange format."""
    if isinstance(item, dict):
        subject, predicate, obj = item.get("subject"), item.get("predicate"), item.get("object")
    else:
        subject, predicate, obj = item
    if predicate not in PREDICATES or not isinstance(subject, str):
        raise AlignError(f"{rid}: bad relation {item!r}")
    return {"subject": subject, "predicate": predicate, "object": obj}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("raw", type=Path)
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2].parent / "shared" / "corpus",
                    help="folder of the raw corpus files for stand-off records")
    args = ap.parse_args(argv)
    errors, rows = [], []
    for n, line in enumerate(args.raw.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(align_record(json.loads(line), args.corpus))
        except (AlignError, json.JSONDecodeError, KeyError, ValueError, OSError) as exc:
            errors.append(f"{args.raw}:{n}: {exc}")
    if errors:
        sys.stderr.write("\n".join(errors) + "\n")
        return 2
    with args.output.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} records aligned -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
