# reportgen: every target does the set-up it needs on a fresh machine, and no more: `make report`
# installs what a report needs, `make test` adds the test tools. A stamp per set of extras, so
# `make report` then `make test` installs only what is still missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= output
ARGS   ?=
# Debian packages. A report: hb-subset makes PDF font subsetting fast and byte-stable. The tests:
# poppler-utils and qpdf read the PDF as a user would (pdftotext, pdffonts, qpdf --check);
# chromium is the real browser of the app's test (playwright's own browser download is not
# reachable).
RUN_DEBS  := libharfbuzz-subset0
TEST_DEBS := poppler-utils qpdf chromium
MNIST_DIR ?= $(abspath ../shared/data/mnist)

.PHONY: all install setup-run setup-app setup-cluster setup-dev sysdeps sysdeps-run sysdeps-test \
        report render test test-slow test-full lint format bench update-golden check-determinism \
        check-wheel lock schema i18n app app-screenshots docs docs-serve docs-pictures clean

all: report

# The venv, then uv (pinned; PyPI's wheel carries its binary), then `uv sync` from uv.lock: every
# package at the locked version, the package itself editable, one set of extras per stamp:
# run = none (a report), app = [app] (make app), cluster = [cluster] (make bench), dev = every
# extra (tests, lint, the app's and the cluster's packages). `--locked` refuses a uv.lock that no
# longer matches pyproject.toml (`make lock` rewrites it); `--inexact` keeps what another stamp
# installed. The lock is the tested environment: CI, `make report`, `make test` and the wheel's
# pinned render stack (pyproject.toml) agree.
UV_VERSION := 0.13.9
UV   := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never $(BIN)/uv
SYNC := $(UV) sync --locked --inexact --quiet --python $(BIN)/python

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
$(BIN)/uv: | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

STAMP_run     := $(VENV)/.stamp-run
STAMP_app     := $(VENV)/.stamp-app
STAMP_cluster := $(VENV)/.stamp-cluster
STAMP_docs    := $(VENV)/.stamp-docs
STAMP_dev     := $(VENV)/.stamp-dev

$(STAMP_run): pyproject.toml uv.lock | $(BIN)/uv
	$(SYNC)
	touch $@
$(STAMP_app): pyproject.toml uv.lock | $(BIN)/uv
	$(SYNC) --extra app
	touch $@ $(STAMP_run)
$(STAMP_cluster): pyproject.toml uv.lock | $(BIN)/uv
	$(SYNC) --extra cluster
	touch $@ $(STAMP_run)
$(STAMP_docs): pyproject.toml uv.lock | $(BIN)/uv
	$(SYNC) --extra docs
	touch $@ $(STAMP_run)
$(STAMP_dev): pyproject.toml uv.lock | $(BIN)/uv
	$(SYNC) --all-extras
	touch $@ $(STAMP_run) $(STAMP_app) $(STAMP_cluster) $(STAMP_docs)

# uv.lock again from pyproject.toml (after a change of a dependency), then the venv from it.
lock: | $(BIN)/uv
	$(UV) lock
	$(SYNC) --all-extras

setup-run: $(STAMP_run) sysdeps-run
setup-app: $(STAMP_app) sysdeps-run
setup-cluster: $(STAMP_cluster) sysdeps-run
setup-dev: $(STAMP_dev) sysdeps-test

# Everything: a developer's set-up (what `make test` does).
install: setup-dev

# Best effort: installs the Debian packages that are missing when we may (root with apt-get);
# otherwise says what to install and carries on (tests needing them skip with a reason). Checked
# each time (dpkg -s, a few milliseconds); only what is missing is installed.
define install_debs
@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    (apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null && apt-get install -y -qq $$missing >/dev/null)) || \
	    echo "warning: could not install$$missing"; \
	  else echo "note: please install the Debian packages:$$missing"; fi; \
	fi
endef

sysdeps-run:
	$(call install_debs,$(RUN_DEBS))
sysdeps-test:
	$(call install_debs,$(RUN_DEBS) $(TEST_DEBS))
sysdeps: sysdeps-test

report: setup-run
	$(BIN)/reportgen build --out $(OUT) $(ARGS)

# The app over output/'s runs, on 127.0.0.1 (a free port unless ARGS="--port N").
app: setup-app
	$(BIN)/reportgen app $(OUT) $(ARGS)

# Screenshots of every page of the app, taken in chromium by its browser test.
app-screenshots: setup-dev
	mkdir -p $(OUT)/screenshots
	REPORTGEN_SCREENSHOTS=$(abspath $(OUT))/screenshots $(BIN)/pytest -q tests/app/test_browser.py

render: setup-run
	$(BIN)/reportgen render $(OUT) $(ARGS)

# make test: every test but the slow ones (pytest -m slow: a minute or more each); CI runs
# both (.ci/run).
test: setup-dev
	$(BIN)/pytest -q -n 2 --dist loadfile -m "not full and not slow" $(ARGS)

test-slow: setup-dev
	$(BIN)/pytest -q -n 2 --dist loadfile -m "slow and not full" $(ARGS)

test-full: setup-dev
	MNIST_DIR=$(MNIST_DIR) $(BIN)/pytest -q -m full $(ARGS)

# ruff, then import-linter: the layers, no import circle, report and compare fitting nothing
# (the contracts are in pyproject.toml, [tool.importlinter]).
LINTED := reportgen tests benchmarks docs
lint: setup-dev
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/lint-imports --no-cache

format: setup-dev
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

# docs/results.schema.json: the JSON Schema of results.json, for other tools (a test keeps it fresh)
schema: setup-run
	$(BIN)/reportgen schema > docs/results.schema.json

# The documentation site (mkdocs.yml): docs/*.md into site/, strict (a broken link, a missing page
# or an anchor that is not there stops the build), offline (no web fonts, no CDN; the search index
# is built into site/search/). The reference pages are written from the code as the site is built
# (docs/hooks/reference.py). The docs extra pins mkdocs 1.6.1 and Material 9.7.1, the last that
# builds without a notice about MkDocs 2.0 on stderr (docs/how/site.md).
MKDOCS := $(BIN)/mkdocs
docs: $(STAMP_docs)
	$(MKDOCS) build --strict --clean --site-dir site
	@echo "site/: $$(find site -name index.html | wc -l) pages, $$(find site/pictures -name '*.png' 2>/dev/null | wc -l) pictures"

# Served on 127.0.0.1:8000 (ARGS="--dev-addr 127.0.0.1:8001"), rebuilt on every change of docs/.
docs-serve: $(STAMP_docs)
	$(MKDOCS) serve --strict $(ARGS)

# docs/pictures/*.png again from real runs (a build on the sample, a small class verified, diff,
# compare, the app) through pdftoppm and chromium: docs/pictures.py. The PNGs are committed, so
# `make docs` needs none of this.
docs-pictures: setup-dev
	$(BIN)/python docs/pictures.py $(ARGS)

# The gettext catalogs: extract every marked string (Python and the shared templates) into
# reportgen/locale/reportgen.pot, then merge it into each language's .po (translate the new ones).
LOCALE := reportgen/locale
i18n: setup-run
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -o $(LOCALE)/reportgen.pot .
	for lang in sv en; do \
	  $(BIN)/pybabel update -D reportgen -i $(LOCALE)/reportgen.pot -d $(LOCALE) -l $$lang \
	    --no-fuzzy-matching --ignore-obsolete; done

update-golden: setup-dev
	UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/report/test_html.py -k golden

# Two cold builds on the embedded sample (cache off) must give byte-identical outputs.
DET := .determinism
check-determinism: setup-run
	rm -rf $(DET) && mkdir -p $(DET)
	$(BIN)/reportgen build --dataset sample --no-cache --out $(DET)/a $(ARGS) >/dev/null
	$(BIN)/reportgen build --dataset sample --no-cache --out $(DET)/b $(ARGS) >/dev/null
	cd $(DET)/a && sha256sum results.json report.html report.pdf figures/*.svg > ../a.sha256
	cd $(DET)/b && sha256sum results.json report.html report.pdf figures/*.svg > ../b.sha256
	@cat $(DET)/a.sha256
	@if cmp -s $(DET)/a.sha256 $(DET)/b.sha256; then echo "deterministic: both builds are byte-identical"; \
	else echo "NOT deterministic:"; diff $(DET)/a.sha256 $(DET)/b.sha256; exit 1; fi

# A user's install: the wheel of this checkout (not editable) in a fresh venv, then, in an empty
# folder, `reportgen init . && reportgen build --limit 1000` must write report.pdf. The wheel holds
# the package alone (no benchmarks/, no tests/).
WHEEL_DIR := .wheel-check
check-wheel: sysdeps-run
	rm -rf $(WHEEL_DIR) && mkdir -p $(WHEEL_DIR)/work
	$(PYTHON) -m venv $(WHEEL_DIR)/venv
	$(WHEEL_DIR)/venv/bin/pip install --quiet --upgrade pip
	$(WHEEL_DIR)/venv/bin/pip wheel --quiet --no-deps -w $(WHEEL_DIR)/dist .
	@if $(WHEEL_DIR)/venv/bin/python -m zipfile -l $(WHEEL_DIR)/dist/reportgen-*.whl | \
	  grep -E '(^|/)(benchmarks|tests)/'; then echo "the wheel ships files it must not (above)"; exit 1; fi
	$(WHEEL_DIR)/venv/bin/pip install --quiet $(WHEEL_DIR)/dist/reportgen-*.whl
	cd $(WHEEL_DIR)/work && ../venv/bin/reportgen --version
	cd $(WHEEL_DIR)/work && ../venv/bin/reportgen init . && \
	  REPORTGEN_CACHE_DIR=$(abspath $(WHEEL_DIR))/cache ../venv/bin/reportgen build --limit 1000
	test -s $(WHEEL_DIR)/work/output/report.pdf
	@echo "wheel install: report.pdf written from an empty folder"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .import_linter_cache $(WHEEL_DIR) $(DET) site
	find $(OUT) -mindepth 1 ! -name .gitkeep -exec rm -rf {} +

# The benchmark of issue "fast on full MNIST": never part of `make test`. It lives in benchmarks/,
# outside the package (not in the wheel, not in a report's code digest), and runs from here.
# ARGS=--quick: a 10,000-digit subset; ARGS=--no-reference: skip the seed's method (27 min);
# ARGS=--verify-only; ARGS=--class: a class of 12 (a Dask LocalCluster: the [cluster] extras);
# ARGS=--preview: a save to the open page of `reportgen preview` in chromium (playwright: dev)
bench: setup-cluster $(if $(findstring --preview,$(ARGS)),setup-dev)
	MNIST_DIR=$(MNIST_DIR) $(BIN)/python -m benchmarks.bench --out $(OUT)/bench.json $(ARGS)
