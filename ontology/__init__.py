"""The NQI-KG model: ontology files, IRI minting, vocabulary access, reference schemes."""
from __future__ import annotations

import os
from pathlib import Path

ONTOLOGY_DIR = Path(__file__).resolve().parent


def shared_dir() -> Path:
    """The shared folder (corpus, reference data): ``NQIKG_SHARED``, else ``../shared`` from the
    working directory or from the repository checkout."""
    if os.environ.get("NQIKG_SHARED"):
        return Path(os.environ["NQIKG_SHARED"]).resolve()
    for start in (Path.cwd(), ONTOLOGY_DIR.parent):
        for folder in (start, *start.parents):
            candidate = folder / "shared"
            if (candidate / "reference").is_dir() and folder != start:
                return candidate.resolve()
            candidate = folder.parent / "shared"
            if (candidate / "reference").is_dir():
                return candidate.resolve()
    raise FileNotFoundError("no shared/ folder found: set NQIKG_SHARED to the folder holding corpus/ and reference/")
