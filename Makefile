# The two commands of the README: `make paper` regenerates the study, `make test` runs every test.
# Both create (or reuse) the virtual environment in .venv, install what settings.ini pins and register
# the Jupyter kernel `radphi2` inside it.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PROFILE ?= tiny
OUT ?= runs/$(PROFILE)
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_NO_ADVISORY_WARNINGS := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: venv paper test nbtest pytest lint-nb docs readme bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: settings.ini setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name radphi2 --display-name 'Python (radphi2)' >/dev/null
	$(PY) -m pip check
	touch $@

## Regenerate the whole study on the embedded default data (PROFILE=tiny, OUT=runs/tiny).
paper: venv
	$(BIN)/radphi2 reproduce --profile $(PROFILE) --out $(OUT)

## Every test: notebooks in sync with the library, chapter tests, then tests/.
test: venv lint-nb nbtest pytest

lint-nb: venv
	@find nbs radphi2 README.md -type f -not -path '*/.ipynb_checkpoints/*' -not -path '*/__pycache__/*' | sort | xargs sha256sum > /tmp/radphi2-sync.before
	$(BIN)/nbdev_clean
	$(BIN)/nbdev_export
	$(PY) tools/build_readme.py
	@find nbs radphi2 README.md -type f -not -path '*/.ipynb_checkpoints/*' -not -path '*/__pycache__/*' | sort | xargs sha256sum > /tmp/radphi2-sync.after
	@diff /tmp/radphi2-sync.before /tmp/radphi2-sync.after || { echo 'nbdev_export / nbdev_clean / tools/build_readme.py changed the files above: commit their result' >&2; exit 1; }

nbtest: venv
	$(BIN)/nbdev_test --n_workers 2

pytest: venv
	$(BIN)/pytest -q tests

readme: venv
	$(PY) tools/build_readme.py

docs: venv
	$(BIN)/nbdev_docs

bench: venv
	for f in bench/*.py; do echo "# $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf _proc _docs .pytest_cache
