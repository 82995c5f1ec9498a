# Two entry points on a fresh Debian machine:  make demo   and   make test
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
BIN   := $(VENV)/bin
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages the test suite and drills use (installed only when missing).
TEST_DEB := postgresql-15 postgresql-15-hypopg pgbackrest patroni etcd-server haproxy \
            mariadb-server mariadb-backup python3-psycopg2 postgresql-15-partman

.PHONY: demo test venv deb-test tools lint typecheck contracts pytest bench clean

$(VENV)/.stamp: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

venv: $(VENV)/.stamp

deb-test:
	@missing=$$(for p in $(TEST_DEB); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

# Tools from npm the suite checks output with (the OASIS SARIF validator).
SARIF_TOOL := .tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool

$(SARIF_TOOL):
	@command -v npm >/dev/null || (DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q npm)
	npm install -q --prefix .tools --no-audit --no-fund @microsoft/sarif-multitool-linux@5.7.0
	chmod +x $@

tools: $(SARIF_TOOL)

## demo: design the bundled SaaS e-commerce example into out/saas-ecommerce/
demo: venv
	$(BIN)/dbwright design examples/saas-ecommerce.yaml -o out/saas-ecommerce --erd --force
	@echo; echo "Design package: out/saas-ecommerce/  (start with DESIGN.md)"

lint: venv
	$(BIN)/ruff check src tests bench

typecheck: venv
	$(BIN)/mypy src/dbwright

contracts: venv
	$(BIN)/lint-imports

pytest: venv deb-test tools
	$(BIN)/pytest -q -p no:cacheprovider

## test: install what the tests need, then lint, type-check, check layers and run the suite
test: venv deb-test lint typecheck contracts pytest

bench: venv deb-test
	$(PY) -m pip install -q -e '.[bench]'
	@echo "see bench/README.md for the individual benchmarks"

clean:
	rm -rf $(VENV) out .tools .pytest_cache .mypy_cache .ruff_cache
