"""The NQI-KG model: ontology files, IRI minting, vocabulary access, reference schemes."""
from pathlib import Path

ONTOLOGY_DIR = Path(__file__).resolve().parent
