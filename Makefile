# Two commands for a new user: `make report` and `make test`.  Both set up what
# they need on a fresh Debian machine (system packages, .venv) and reuse it after.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: report test test-slow lint sysdeps bench clean-venv examples

report: $(STAMP)
	$(PY) -m pipeline report

# Every test but the long corpus sweeps (marked slow), after the linter.
test: $(STAMP) lint
	$(PY) -m pytest -q -n auto --dist loadfile -m "not slow"

# The long sweeps: every page of the real PDFs, a 100-item report.  CI runs them after `make test`.
test-slow: $(STAMP)
	$(PY) -m pytest -q -n auto --dist loadfile -m slow

lint: $(STAMP)
	$(PY) -m ruff check .

sysdeps:
	@scripts/sysdeps.sh

$(STAMP): pyproject.toml scripts/sysdeps.sh
	@scripts/sysdeps.sh
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

bench: $(STAMP)
	$(PY) bench/extract.py

clean-venv:
	rm -rf $(VENV)

# Rebuild the bundled example PDFs from examples/*.json (they are committed; run after changing the card template).
examples: $(STAMP)
	$(PY) scripts/build_example.py
