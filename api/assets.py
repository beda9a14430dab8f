"""The browser libraries of the pages, served from the npm packages installed by ``make setup`` (``npm ci``).

``package.json`` / ``package-lock.json`` at the repository root pin them; they
are installed into ``node_modules/`` beside this package (the app is installed
editable) or into the folder named by ``NQIKG_NODE_MODULES``. Only the files
listed in :data:`FILES` are served, under ``/vendor/{name}``; nothing is loaded
from a CDN, so the pages work offline.
"""
from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

REPO = Path(__file__).resolve().parent.parent

#: name under /vendor/ -> (npm package, file inside it)
FILES = {
    "yasgui.min.js": ("@zazuko/yasgui", "build/yasgui.min.js"),
    "yasgui.min.js.map": ("@zazuko/yasgui", "build/yasgui.min.js.map"),
    "yasgui.min.css": ("@zazuko/yasgui", "build/yasgui.min.css"),
    "cytoscape.min.js": ("cytoscape", "dist/cytoscape.min.js"),
    "layout-base.js": ("layout-base", "layout-base.js"),
    "cose-base.js": ("cose-base", "cose-base.js"),
    "cytoscape-fcose.js": ("cytoscape-fcose", "cytoscape-fcose.js"),
    "echarts.min.js": ("echarts", "dist/echarts.min.js"),
}
#: the files each page needs, in load order
PAGES = {
    "query": ("yasgui.min.css", "yasgui.min.js", "echarts.min.js"),
    "explorer": ("cytoscape.min.js", "layout-base.js", "cose-base.js", "cytoscape-fcose.js"),
    "charts": ("echarts.min.js",),
}
MEDIA = {".js": "text/javascript", ".css": "text/css", ".map": "application/json"}
INSTALL_HINT = "run `make setup` (or `npm ci` in the repository root) to install the page libraries"

router = APIRouter(include_in_schema=False)


def node_modules() -> Path:
    """The node_modules folder the libraries are served from."""
    configured = os.environ.get("NQIKG_NODE_MODULES")
    return Path(configured) if configured else REPO / "node_modules"


def path_of(name: str) -> Path:
    package, inner = FILES[name]
    return node_modules() / package / inner


def missing(page: str) -> list[str]:
    """The npm packages a page needs that are not installed (empty when all are)."""
    return sorted({FILES[n][0] for n in PAGES[page] if not path_of(n).is_file()})


@router.get("/vendor/{name}")
def vendor(name: str) -> FileResponse:
    if name not in FILES:
        raise HTTPException(404, f"no library file {name!r}")
    path = path_of(name)
    if not path.is_file():
        raise HTTPException(503, f"{FILES[name][0]} is not installed in {node_modules()}: {INSTALL_HINT}")
    return FileResponse(path, media_type=MEDIA[path.suffix], headers={"Cache-Control": "public, max-age=3600"})
