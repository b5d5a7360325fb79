# One entry point for people and CI. `make run` and `make test` work on a fresh clone: they build .venv first.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.bootstrapped
PACKAGES := kubelite garden gardenlet providers
PYTEST_ARGS ?=

.PHONY: run test check lint fmt bench lock clean

$(STAMP): pyproject.toml uv.lock constraints.txt scripts/bootstrap
	scripts/bootstrap
	@touch $@

## run: start the embedded landscape (garden up)
run: $(STAMP)
	$(BIN)/garden up

## test: the whole test suite (unit, integration, e2e); pytest's "no tests collected" (5) is not a failure
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

## lint: formatting, lint, strict types, import contracts, and a constraints.txt that matches uv.lock
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	@$(BIN)/uv export --frozen --extra dev --no-hashes --no-emit-project --no-header --quiet \
		| diff -q - constraints.txt >/dev/null \
		|| { echo "constraints.txt is stale: run 'make lock'"; exit 1; }

## check: everything CI cares about
check: lint test

## fmt: apply the formatter and the safe lint fixes
fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: every benchmark in bench/, each printing its figures beside its peer's
bench: $(STAMP)
	@set -e; shopt -s nullglob; for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b; done

## lock: re-resolve uv.lock after a pyproject.toml change, and re-export constraints.txt for the pip path
lock:
	uv lock
	uv export --frozen --extra dev --no-hashes --no-emit-project --no-header --quiet -o constraints.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
