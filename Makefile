# Set-up and common tasks. Every target creates the virtual environment it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH  := $(VENV)/.bench

.PHONY: attack run test test-interpreted callgrind lint docs docs-build test-slow test-ray bench bench-staffing bench-national profile same-tables sample-log sample-call-log calibrate-sample clean

run: $(STAMP)  ## run the default scenario end to end (report included)
	$(BIN)/simoffice $(ARGS)

test: lint  ## the layer rule, the linter, the default test suite (compiled engine) and the interpreted smoke run
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow and not ray" $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-interpreted

# The engine runs compiled where make built it (setup.py), the suite above with it. The
# other mode gets a smoke run: the engine's own tests, the exact FCFS recursion and the
# Erlang oracles, with the sources (docs/pages/performance.md).
ENGINE_TESTS := tests/test_office.py tests/test_invariants.py tests/test_journey.py tests/test_theory.py
test-interpreted: $(STAMP)  ## the engine's own tests with SIMOFFICE_ENGINE=interpreted (about a minute)
	SIMOFFICE_ENGINE=interpreted $(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow and not ray" -q $(ENGINE_TESTS)

lint: $(STAMP)  ## the layer rule (import-linter, see pyproject.toml) and the linter (ruff)
	$(BIN)/lint-imports
	$(BIN)/ruff check simoffice tests experiments docs setup.py

docs: $(STAMP)  ## build the documentation site and serve it on http://127.0.0.1:8000 (docs/mkdocs.yml)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve -f docs/mkdocs.yml $(ARGS)

docs-build: $(STAMP)  ## build the site into results/site, failing on any warning (broken link, page not in the nav)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict -f docs/mkdocs.yml $(ARGS)

test-slow: $(STAMP)  ## the long statistical suite
	$(BIN)/python -m pytest -n 2 --dist loadfile -m slow $(PYTEST_ARGS)

bench: $(BENCH)  ## simoffice, compiled and interpreted, against SimPy and Ciw on an M/M/5 queue (about 3 minutes; installs the bench extra)
	$(BIN)/python experiments/benchmarks/peers.py $(ARGS)

bench-staffing: $(STAMP)  ## the whole staffing search on regional and national, timed (about 25 minutes)
	$(BIN)/python experiments/benchmarks/staffing.py $(ARGS)

bench-national: $(STAMP)  ## a year of the national network against SimPy, cost per contact by size, parallel replications (about 15 minutes)
	$(BIN)/python experiments/benchmarks/national.py $(ARGS)

callgrind: $(STAMP)  ## instructions per contact, compiled and interpreted, counted by valgrind (about 5 minutes)
	$(BIN)/python experiments/benchmarks/instructions.py $(ARGS)

profile: $(STAMP)  ## where the time of a national run goes, by part of the engine (about 2 minutes)
	$(BIN)/python experiments/benchmarks/profile_national.py $(ARGS)

attack: $(STAMP)  ## every bad input of tests/attack_cases.py, counted by outcome, against CODE (a folder holding simoffice; default this tree)
	$(BIN)/python experiments/attack.py $(if $(CODE),--code $(CODE)) $(ARGS)

same-tables: $(STAMP)  ## the same tables as BASE (a commit) at the same seed: default run, network=mmc, schedule_comparison
	$(BIN)/python experiments/same_tables.py --base $(or $(BASE),HEAD)

sample-log: $(STAMP)  ## regenerate experiments/data/sample_ticket_log.csv (a simulated queue-system log)
	$(BIN)/python experiments/sample_log.py

sample-call-log: $(STAMP)  ## regenerate experiments/data/sample_call_log.csv (a simulated ACD call log, voice response included)
	$(BIN)/python experiments/sample_call_log.py

calibrate-sample: $(STAMP)  ## calibrate configs/network/sample_office.yaml from the sample log
	$(BIN)/simoffice-calibrate experiments/data/sample_ticket_log.csv --out configs/network/sample_office.yaml --force

# Ray is heavy and pins an older cloudpickle: it gets a virtual environment of its own.
test-ray:  ## sweeps on a local Ray head node (installs the ray extra into .venv-ray)
	test -x .venv-ray/bin/python || $(PYTHON) -m venv .venv-ray
	.venv-ray/bin/python -m pip install --quiet -e '.[test,ray]'
	.venv-ray/bin/ray start --head --num-cpus 2 --disable-usage-stats
	.venv-ray/bin/python -m pytest -m ray tests/test_sweep.py $(PYTEST_ARGS); status=$$?; \
	.venv-ray/bin/ray stop; exit $$status

# The engine's sources are prerequisites: an edit rebuilds its compiled modules.
$(STAMP): pyproject.toml .ci/constraints.txt setup.py $(wildcard simoffice/engine/*.py simoffice/engine/*.pxd)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c .ci/constraints.txt -e '.[test]'
	touch $(STAMP)

$(BENCH): $(STAMP)
	$(BIN)/python -m pip install --quiet -c .ci/constraints.txt -e '.[test,bench]'
	touch $(BENCH)

clean:  ## the virtual environments and the compiled engine (the next make builds them again)
	rm -rf $(VENV) .venv-ray .pytest_cache build
	rm -f simoffice/engine/*.so simoffice/engine/*.c simoffice/engine/compiled.json
