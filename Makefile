# Two commands for a fresh machine:
#   make demo   installs ketluan and runs it on the bundled sample meeting
#   make test   installs the test dependencies and runs the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out/demo
SYSTEM_DEPS      := espeak-ng sox
SYSTEM_DEPS_DEMO :=

.PHONY: demo test install install-test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/ketluan models install --default

install-test: install
	./scripts/system-deps.sh $(SYSTEM_DEPS)
	$(BIN)/pip install -q -e '.[test]'
	# Test speech only: the six Vietnamese clips, without the TTS engine's dependencies.
	$(BIN)/pip install -q --no-deps vieneu==3.8.3

demo: install
	$(BIN)/ketluan transcribe samples/meeting.ogg -o $(OUT) --glossary samples/glossary.txt

test: install-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint:
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) out .data
