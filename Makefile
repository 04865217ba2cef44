# Two commands for a newcomer: `make chat` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(BIN)/activate

.PHONY: install chat test lint validate
install: $(BIN)/activate
	@echo 'Installed. For the commands in the docs, once per terminal: source $(BIN)/activate'

chat: install
	$(BIN)/python -m bot chat

test: install
	$(BIN)/ruff check bot tests benchmarks setup.py
	$(BIN)/ruff format --check bot tests benchmarks setup.py
	$(BIN)/mypy
	$(BIN)/python -m bot validate
	$(BIN)/pytest -q

validate: install
	$(BIN)/python -m bot validate
