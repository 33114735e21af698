# KSB Analyser: `make demo` and `make test` each set everything up from nothing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KSB := $(VENV)/bin/ksb
STAMP := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup demo test golden evaluate train bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# The CPU wheel first: a bare `torch` requirement would pull a multi-GB CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	# The cluster extra (Ray) too: the tests of `ksb batch --engine ray` start a real local cluster.
	$(PY) -m pip install --quiet -e ".[test,cluster]"
	# Export the bundled MiniLM to ONNX once (checked equal to sentence-transformers); cached per machine.
	$(PY) scripts/export_onnx.py
	touch $(STAMP)

# Bytecode for the package on every setup (an editable install gets none, and with PYTHONDONTWRITEBYTECODE set
# each run would compile ~130 modules again: about 0.1 s of a cold `ksb analyse`); quick when nothing changed.
setup: $(STAMP)
	@$(PY) -m compileall -q analyser

demo: setup
	$(KSB) analyse samples/sample-report.docx

test: setup
	$(PY) -m pytest -q

# Rewrite tests/golden/ from today's outputs: only on purpose, then review `git diff tests/golden`.
golden: setup
	$(PY) -m pytest -q tests/test_golden.py --update-golden

evaluate: setup
	$(PY) scripts/evaluate.py ../shared/eval/dev

# The matcher, then what is fitted on its scores: the generic calibration and the proposal room model.
train: setup
	$(PY) scripts/train.py ../shared/eval/dev eval/synthetic
	$(PY) scripts/calibrate_generic.py --write
	$(PY) scripts/fit_proposal_room.py --write

bench: setup
	$(PY) scripts/bench.py

# Issue 16's full fuzzing run (a few hundred mutants through ksb analyse, ksb batch and the web app);
# writes its figures to docs/fuzzing.md. The quick subset is tests/test_fuzz.py, part of `make test`.
fuzz: setup
	$(PY) scripts/fuzz.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
