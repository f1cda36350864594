# Set-up and common tasks. Every target creates the virtual environment it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-slow sample-log calibrate-sample clean

run: $(STAMP)  ## run the default scenario end to end (report included)
	$(BIN)/simoffice $(ARGS)

test: $(STAMP)  ## the default test suite (a few minutes on 2 cores)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow" $(PYTEST_ARGS)

test-slow: $(STAMP)  ## the long statistical suite
	$(BIN)/python -m pytest -n 2 --dist loadfile -m slow $(PYTEST_ARGS)

sample-log: $(STAMP)  ## regenerate experiments/data/sample_ticket_log.csv (a simulated queue-system log)
	$(BIN)/python experiments/sample_log.py

calibrate-sample: $(STAMP)  ## calibrate configs/network/sample_office.yaml from the sample log
	$(BIN)/simoffice-calibrate experiments/data/sample_ticket_log.csv --out configs/network/sample_office.yaml --force

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache
