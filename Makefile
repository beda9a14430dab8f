# Set-up and the two jobs of the README. Everything a run or a test needs is installed here.
VENV   ?= .venv
PYTHON ?= python3
STORE  ?= nqikg-data/store
BIN     = $(VENV)/bin

.PHONY: setup browser run test bench

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# PyTorch, for the tests that train the tagger's context scorer (the main job does not need it)
$(VENV)/.train-installed: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[train]'
	touch $@

# the pages' browser libraries (YASGUI, Cytoscape.js, ECharts), pinned by package-lock.json and served by the app
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Debian's Chromium, ChromeDriver and a Chinese font for the page tests
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list :lang=zh | grep -q . || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei; }

# build the graph from ../shared/corpus, then serve it on 127.0.0.1:8000 (REST, SPARQL, Bolt, pages)
run: setup
	$(BIN)/nqikg build --store $(STORE)
	$(BIN)/nqikg serve --store $(STORE) --host 127.0.0.1 --port 8000

test: setup browser $(VENV)/.train-installed
	$(BIN)/python -m pytest

bench: setup
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done
