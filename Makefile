# Two commands for a new user: `make report` and `make test`.  Both set up what
# they need on a fresh Debian machine (system packages, .venv) and reuse it after.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: report test sysdeps bench clean-venv examples

report: $(STAMP)
	$(PY) -m pipeline report

test: $(STAMP)
	$(PY) -m pytest -q

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
