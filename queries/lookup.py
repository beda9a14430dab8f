"""The read side of the REST API and the pages, by resource -- this module only re-exports it.

Each resource has its own module in ``nqikg.queries``:

=================  =====================================================================
``identifiers``    instance IRIs and id paths, ``NotFound``, ``Moved`` (merged resources)
``terms``          labels of ontology classes and properties, pillars, search type filter
``label_index``    the in-memory label index of a store generation, search, node summaries
``evidence``       sentences behind statements: document, text, offsets, mentions
``entities``       entity detail: relations with evidence, observations, bottleneck claims
``standards``      standards and metrology specifications by code
``industries``     GB/T 4754-2017 classes with products and supporting NQI elements
``documents``      source documents
``gaps``           the NQI coverage matrix of bottleneck products
``linked_data``    triples describing a resource, page kinds, sentences
``store_helpers``  SELECT over the union graph and RDF term conversions
=================  =====================================================================

New code imports from those modules; the names below stay importable from
``nqikg.queries.lookup`` for existing callers (scripts, tests).
"""
from __future__ import annotations

from ..ontology.iri import NQI
from ..ontology.namespaces import PREFIXES
from .canned import catalogue as canned_queries
from .documents import document, documents
from .entities import MAX_GROUP, MAX_MENTION_SENTENCES, entity
from .evidence import evidence
from .gaps import gaps, gaps_query
from .identifiers import Moved, NotFound, curie, id_base, id_of, iri_of, local
from .industries import industry
from .label_index import (ALIAS, CONTAINS, EXACT, FUZZY, MATCH_NAMES, PREFIX, TOKENS, IndexedEntity, LabelIndex,
                          _jieba_cut, index_for, search, summary)
from .linked_data import describe, resource_kind, sentence
from .standards import standard
from .terms import PILLARS, entity_types, relation_label, resolve_type, term_label

__all__ = ["NQI", "PREFIXES", "PILLARS", "MAX_GROUP", "MAX_MENTION_SENTENCES", "EXACT", "ALIAS", "PREFIX",
           "CONTAINS", "TOKENS", "FUZZY", "MATCH_NAMES", "Moved", "NotFound", "IndexedEntity", "LabelIndex",
           "canned_queries", "curie", "describe", "document", "documents", "entity", "entity_types", "evidence",
           "gaps", "gaps_query", "id_base", "id_of", "index_for", "industry", "iri_of", "local", "relation_label",
           "resolve_type", "resource_kind", "search", "sentence", "standard", "summary", "term_label",
           "_jieba_cut"]
