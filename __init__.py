"""NQI-KG: a knowledge graph of China's national quality infrastructure.

The repository folders are the subpackages: ``nqikg.ontology`` (the model),
``nqikg.ingest`` (text to graph), ``nqikg.queries`` (the read side) and
``nqikg.api`` (CLI, REST and pages).
"""
__version__ = "0.1.0"
