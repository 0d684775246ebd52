# Two commands for a new user: `make report` and `make test` (`make help` lists them all).  Both set up what
# they need on a fresh Debian machine (system packages, .venv) the first time, quietly, and reuse it after.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LOG    := $(VENV)/install.log
# What a failed install step does: say so and show the whole log.
INSTALL_FAILED = { echo; echo "설치 실패 — 기록:"; cat $(LOG); exit 1; }
# Options for the pipeline: make report ARGS="--quarter 2023Q2"
ARGS   ?=

.DEFAULT_GOAL := help
.PHONY: help report test test-slow lint sysdeps bench clean clean-venv examples

help:
	@echo "make report                  input/의 카드를 읽어 분기별로 보관하고 보고서와 변경 내역을 만듭니다"
	@echo "                             (input/이 비어 있으면 함께 든 예시로). 처음에는 설치부터 합니다."
	@echo "make report ARGS=\"--quarter 2023Q2\"   옵션을 넘깁니다 (옵션 목록: make report ARGS=--help)"
	@echo "make test                    코드 검사(ruff)와 테스트 (오래 걸리는 것 빼고)"
	@echo "make test-slow               오래 걸리는 테스트 (CI가 make test 다음에 돌립니다)"
	@echo "make clean                   다시 만들 수 있는 것(읽기 캐시, 예시 결과, 빌드 찌꺼기)을 지웁니다"
	@echo "                             — output/archive의 보관본과 분기 보고서는 지우지 않습니다"
	@echo "make clean-venv              설치한 .venv를 지웁니다 (다음 make가 다시 설치)"
	@echo "make examples                예시 카드 PDF를 다시 만듭니다 (카드 서식을 바꾼 뒤)"
	@echo "make bench                   벤치마크 (bench/README.md)"

# A failed run keeps its exit status (1: some file not read or a quarter not archived; 2: a usage error), so make
# then adds its own English "make: *** … Error N" line; the Korean line before it says what that line means.
report: $(STAMP)
	@$(PY) -m pipeline report $(ARGS) || { rc=$$?; echo "make report: 종료 코드 $$rc로 끝났습니다 — 이유는 위에 있습니다 (아래 make의 'Error $$rc' 줄은 이 종료 코드를 알리는 것입니다)" >&2; exit $$rc; }

# Every test but the long sweeps (marked slow), after the linter.
test: $(STAMP) lint
	$(PY) -m pytest -q -n auto --dist loadfile -m "not slow"

# The long sweeps: every page of the real PDFs, a 100-item report.  CI runs them after `make test`.
test-slow: $(STAMP)
	$(PY) -m pytest -q -n auto --dist loadfile -m slow

lint: $(STAMP)
	$(PY) -m ruff check .

sysdeps:
	@scripts/sysdeps.sh

# The first install prints one line of its own; pip's and apt's output goes to $(LOG) and is shown in full
# only when a step fails.
$(STAMP): pyproject.toml scripts/sysdeps.sh
	@scripts/sysdeps.sh
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON)이 필요합니다 (Debian: apt-get install python3.11 python3.11-venv)"; exit 1; }
	@mkdir -p $(VENV)
	@printf "설치 중 (처음 한 번, 몇 분 걸립니다): 파이썬 환경"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) >$(LOG) 2>&1 || $(INSTALL_FAILED)
	@printf " … pip"
	@$(PY) -m pip install --upgrade pip >>$(LOG) 2>&1 || $(INSTALL_FAILED)
	@printf " … 패키지"
	@$(PY) -m pip install -e '.[test]' >>$(LOG) 2>&1 || $(INSTALL_FAILED)
	@touch $(STAMP)
	@echo " … 끝"

bench: $(STAMP)
	$(PY) bench/extract.py

# What can be made again; never the archive (output/archive) or the quarters' reports.
clean:
	rm -rf output/.cache output/example build .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -not -path "./$(VENV)/*" -prune -exec rm -rf {} +

clean-venv:
	rm -rf $(VENV)

# Rebuild the bundled example PDFs from examples/*.json (they are committed; run after changing the card template).
examples: $(STAMP)
	$(PY) scripts/build_example.py
