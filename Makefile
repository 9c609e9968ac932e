# Two commands do all the set-up on a fresh machine (we run as root):
#   make run   — install what is missing, migrate, start the portal on ./data
#   make test  — install what is missing, run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.requirements-installed
RUN_PACKAGES  := fonts-wqy-zenhei poppler-utils libmagic1 libpango-1.0-0 libpangoft2-1.0-0
TEST_PACKAGES := $(RUN_PACKAGES) chromium ffmpeg postgresql nginx

.PHONY: run test system-run system-test venv i18n bench bench-queue

run: system-run venv
	$(PY) -m dispute init
	$(VENV)/bin/streamlit run app.py --server.maxUploadSize $${DISPUTE_MAX_UPLOAD_MB:-50}

test: system-test venv
	$(PY) -m pytest -n auto

venv: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

system-run:
	@scripts/system-packages.sh $(RUN_PACKAGES)

system-test:
	@scripts/system-packages.sh $(TEST_PACKAGES)

# Extract the msgids from the code into both catalogs (new ones need a zh_CN translation).
i18n: venv
	$(PY) scripts/i18n.py

bench: venv
	$(PY) bench/ingest.py

# The staff queue on a million generated disputes, on DuckDB and on a PostgreSQL cluster started
# for the run: app against raw SQL, p50/p95 beside the targets.
bench-queue: venv
	$(PY) bench/queue.py --cases 1000000 --backend both
