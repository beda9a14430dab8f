"""Place the products of one document in GB/T 4754-2017 (the 小类 where each is made).

Plain data in (the document's product entities and its ``belongsToIndustry``
relations), plain data out (one :class:`ProductPlacement` per product):

* **stated**: a sentence of the document ties the product to an industry that
  is a GB/T 4754 class (or is close to one). The class the text names is kept
  when it is a 小类 or 中类; a broader one (大类, 门类) is refined to the best
  ranked 小类 inside it. The placement cites the sentence.
* **inferred**: otherwise the classifier of :mod:`nqikg.ontology.industry_classifier`
  ranks the classes from the product's name; the placement carries its
  confidence and, when unsure, a low-confidence mark.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ontology.industry_classifier import IndustryClassifier
from .link import Entity


@dataclass(frozen=True)
class ProductPlacement:
    product: Entity
    code: str                  # GB/T 4754-2017 code of the class
    method: str                # "stated" | "inferred"
    confidence: float | None = None
    low_confidence: bool = False
    sentence: int | None = None  # index of the stating sentence
    start: int | None = None     # span of that sentence stating it
    end: int | None = None


@dataclass(frozen=True)
class StatedIndustry:
    """A ``belongsToIndustry`` relation of the document: product, industry, sentence and span."""
    product: Entity
    industry: Entity
    sentence: int
    start: int
    end: int


def _class_code(industry: Entity) -> str | None:
    """The GB/T 4754 code an industry entity is, or is close to."""
    if industry.reference and industry.code:
        return industry.code
    if industry.related:
        return industry.related.rsplit("/", 1)[-1]
    return None


def place(products: list[Entity], stated: list[StatedIndustry],
          classifier: IndustryClassifier | None = None) -> list[ProductPlacement]:
    """One placement per product: stated by the document where it can be, else inferred."""
    classifier = classifier or IndustryClassifier.shared()
    rows = classifier.by_code
    out = []
    for product in products:
        ties = [(s, _class_code(s.industry)) for s in stated if s.product.iri == product.iri]
        ties = [(s, code) for s, code in ties if code in rows]
        if ties:
            s, code = max(ties, key=lambda t: (rows[t[1]].level, -t[0].sentence))
            if rows[code].level < 3:
                refined = classifier.place(product.name, within=code)
                code = refined[0].code if refined else code
            out.append(ProductPlacement(product, code, "stated", sentence=s.sentence, start=s.start, end=s.end))
            continue
        inferred = classifier.place(product.name)
        if inferred is not None:
            best, confidence, low = inferred
            out.append(ProductPlacement(product, best.code, "inferred", confidence, low))
    return out
