# reportgen: `make report` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= output
ARGS   ?=
# Debian packages: hb-subset makes PDF font subsetting fast and byte-stable; poppler-utils and
# qpdf let the tests read the PDF as a user would (pdftotext, pdffonts, qpdf --check); chromium
# is the real browser of the app's test (playwright's own browser download is not reachable).
DEBS   := libharfbuzz-subset0 poppler-utils qpdf chromium
MNIST_DIR ?= $(abspath ../shared/data/mnist)

.PHONY: all install sysdeps report render test test-full lint format bench update-golden \
        check-determinism check-wheel schema i18n app app-screenshots clean

all: report

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) sysdeps

# Best effort: installs the Debian packages when missing and we may (root with apt-get);
# otherwise says what to install and carries on (tests needing them skip with a reason).
sysdeps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    (apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null && apt-get install -y -qq $$missing >/dev/null)) || \
	    echo "warning: could not install$$missing"; \
	  else echo "note: please install the Debian packages:$$missing"; fi; \
	fi

report: install
	$(BIN)/reportgen build --out $(OUT) $(ARGS)

# The app over output/'s runs, on 127.0.0.1 (a free port unless ARGS="--port N").
app: install
	$(BIN)/reportgen app $(OUT) $(ARGS)

# Screenshots of every page of the app, taken in chromium by its browser test.
app-screenshots: install
	mkdir -p $(OUT)/screenshots
	REPORTGEN_SCREENSHOTS=$(abspath $(OUT))/screenshots $(BIN)/pytest -q tests/app/test_browser.py

render: install
	$(BIN)/reportgen render $(OUT) $(ARGS)

test: install
	$(BIN)/pytest -q -n 2 --dist loadfile $(ARGS)

test-full: install
	MNIST_DIR=$(MNIST_DIR) $(BIN)/pytest -q -m full $(ARGS)

lint: install
	$(BIN)/ruff check reportgen tests
	$(BIN)/ruff format --check reportgen tests

format: install
	$(BIN)/ruff format reportgen tests
	$(BIN)/ruff check --fix reportgen tests

# docs/results.schema.json: the JSON Schema of results.json, for other tools (a test keeps it fresh)
schema: install
	$(BIN)/reportgen schema > docs/results.schema.json

# The gettext catalogs: extract every marked string (Python and the shared templates) into
# reportgen/locale/reportgen.pot, then merge it into each language's .po (translate the new ones).
LOCALE := reportgen/locale
i18n: install
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -o $(LOCALE)/reportgen.pot .
	for lang in sv en; do \
	  $(BIN)/pybabel update -D reportgen -i $(LOCALE)/reportgen.pot -d $(LOCALE) -l $$lang \
	    --no-fuzzy-matching --ignore-obsolete; done

update-golden: install
	UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/report/test_html.py -k golden

# Two cold builds on the embedded sample (cache off) must give byte-identical outputs.
DET := .determinism
check-determinism: install
	rm -rf $(DET) && mkdir -p $(DET)
	$(BIN)/reportgen build --dataset sample --no-cache --out $(DET)/a $(ARGS) >/dev/null
	$(BIN)/reportgen build --dataset sample --no-cache --out $(DET)/b $(ARGS) >/dev/null
	cd $(DET)/a && sha256sum results.json report.html report.pdf figures/*.svg > ../a.sha256
	cd $(DET)/b && sha256sum results.json report.html report.pdf figures/*.svg > ../b.sha256
	@cat $(DET)/a.sha256
	@if cmp -s $(DET)/a.sha256 $(DET)/b.sha256; then echo "deterministic: both builds are byte-identical"; \
	else echo "NOT deterministic:"; diff $(DET)/a.sha256 $(DET)/b.sha256; exit 1; fi

# A user's install: the wheel of this checkout (not editable) in a fresh venv, then, in an empty
# folder, `reportgen init . && reportgen build --limit 1000` must write report.pdf.
WHEEL_DIR := .wheel-check
check-wheel: sysdeps
	rm -rf $(WHEEL_DIR) && mkdir -p $(WHEEL_DIR)/work
	$(PYTHON) -m venv $(WHEEL_DIR)/venv
	$(WHEEL_DIR)/venv/bin/pip install --quiet --upgrade pip
	$(WHEEL_DIR)/venv/bin/pip install --quiet .
	cd $(WHEEL_DIR)/work && ../venv/bin/reportgen --version
	cd $(WHEEL_DIR)/work && ../venv/bin/reportgen init . && \
	  REPORTGEN_CACHE_DIR=$(abspath $(WHEEL_DIR))/cache ../venv/bin/reportgen build --limit 1000
	test -s $(WHEEL_DIR)/work/output/report.pdf
	@echo "wheel install: report.pdf written from an empty folder"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache $(WHEEL_DIR) $(DET)
	find $(OUT) -mindepth 1 ! -name .gitkeep -exec rm -rf {} +

# The benchmark of issue "fast on full MNIST": never part of `make test`.
# ARGS=--quick: a 10,000-digit subset; ARGS=--no-reference: skip the seed's method (27 min)
bench: install
	MNIST_DIR=$(MNIST_DIR) $(BIN)/python -m benchmarks.bench --out $(OUT)/bench.json $(ARGS)
