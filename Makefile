# The two commands a newcomer needs: `make run` and `make test`. Both create .venv and install
# the pinned requirements on first use (and again whenever a requirements file changes), and
# build the web app (npm ci from web/package-lock.json, then the build) when its sources change.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# checkov pins libraries far older than the app's, so it lives in a virtualenv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV := $(CHECKOV_VENV)/.installed

.PHONY: run test test-fast test-web-unit test-python-fast web bench bench-web bench-load package deploy-package lint lint-aws clean help

help:
	@echo "make run       the whole system locally (API on 127.0.0.1:$${API_PORT:-8000}), no cloud account"
	@echo "make test      install what is needed and run every test (web unit tests, Python, browser)"
	@echo "make web       build the web app into web/dist (only when its sources changed)"
	@echo "make bench     measure import time, AWS calls per route, the web app and the load (Locust); writes docs/BENCHMARKS.md"
	@echo "make bench-web only the web app's budgets (initial JS, inbox time); rewrites its section"
	@echo "make bench-load only the load benchmark (Locust, lifecycles a second, about 15 min); rewrites its section"
	@echo "make package   chalice package for the prod stage into build/package (offline)"
	@echo "make deploy-package ARTIFACT_BUCKET=…  the package to S3, then its stack (docs/DEPLOY.md)"
	@echo "make lint      ruff (unused names, likely bugs, complexity), function and module sizes"
	@echo "make lint-aws  cfn-lint and checkov on infra/ and on the packaged template"

$(INSTALLED): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "satupintu runs on Python 3.11 (the Lambda runtime); found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# pip bounded: chalice 1.34 (its packaging uses pip) wants pip<26.3
	$(BIN)/python -m pip install --quiet "pip>=25,<26.3"
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(INSTALLED)

$(CHECKOV): requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	@touch $(CHECKOV)

run: $(INSTALLED)
	$(BIN)/python -m local.run

web: $(INSTALLED)
	$(BIN)/python -m local.web_build

# Two workers: one drives the local stack (end-to-end and browser tests, mostly waiting on it),
# the other runs every in-process module, each module whole (tests/conftest.py groups them).
PYTEST_PARALLEL := --numprocesses 2

test: web $(CHECKOV)
	cd web && npm test
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

# The web app's unit tests and the Python ones side by side (each one's output shown when it ends).
test-fast: web
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-web-unit test-python-fast

test-web-unit:
	cd web && npm test

test-python-fast: $(INSTALLED)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not e2e and not packaging"

bench: web
	$(BIN)/python -m bench.run

bench-web: web
	$(BIN)/python -m bench.web

bench-load: web
	$(BIN)/python -m bench.load

package: $(INSTALLED)
	rm -rf build/package
	$(BIN)/python -m infra.api_gateway merge-template build/chalice-merge.json --stage prod
	AWS_DEFAULT_REGION=ap-southeast-3 $(BIN)/chalice package --stage prod --merge-template build/chalice-merge.json build/package

# The packaged CloudFormation path (docs/DEPLOY.md, end of "Each release"). sam.json names its
# code as a local ./deployment.zip, which CloudFormation cannot read: `aws cloudformation
# package` uploads it to ARTIFACT_BUCKET (yours, in the stack's region) and writes the template
# naming it there; deploying needs CAPABILITY_NAMED_IAM (a named role per function) and
# CAPABILITY_AUTO_EXPAND (the SAM transform). The commands are the ones DEPLOY.md prints.
REGION ?= ap-southeast-3
API_STACK ?= satupintu-api
deploy-package: package
	@test -n "$(ARTIFACT_BUCKET)" || { echo "ARTIFACT_BUCKET=<an S3 bucket of yours in $(REGION)> is required"; exit 2; }
	aws cloudformation package --region $(REGION) --template-file build/package/sam.json \
	    --s3-bucket $(ARTIFACT_BUCKET) --output-template-file build/package/packaged.yaml
	aws cloudformation deploy --region $(REGION) --stack-name $(API_STACK) \
	    --template-file build/package/packaged.yaml --capabilities CAPABILITY_NAMED_IAM CAPABILITY_AUTO_EXPAND

# Sizes that keep the code readable, outside bench/: complexity ≤ 15 (ruff C901), functions ≤ 60
# lines (lizard), modules ≤ 600 lines.
LINTED := app.py chalicelib local infra tests
lint: $(INSTALLED)
	$(BIN)/ruff check $(LINTED) bench
	$(BIN)/lizard --languages python --length 60 --CCN 1000 --arguments 100 --warnings_only $(LINTED)
	@find $(LINTED) -name '*.py' -exec wc -l {} + | awk '$$2 != "total" && $$1 > 600 {print $$2 ": " $$1 " lines (at most 600)"; over = 1} END {exit over}'

# checkov offline: no guideline download (BC_SKIP_MAPPING), no policy download (--skip-download).
lint-aws: package $(CHECKOV)
	$(BIN)/cfn-lint infra/template.yaml infra/web.yaml build/package/sam.json
	BC_SKIP_MAPPING=TRUE $(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download --framework cloudformation \
		-f infra/template.yaml -f infra/web.yaml -f build/package/sam.json

clean:
	rm -rf build local/.state .pytest_cache web/dist test-results
