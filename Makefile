# llmkit: the commands a user runs. `make help` lists them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A CPU build of this torch release installs in seconds here; GPU users pass TORCH_INDEX (see README).
TORCH_VERSION ?= 2.13.0
TORCH_INDEX ?=
RECIPE ?= sentiment
# A recipe's default config when it has one (`classification` has none: its defaults are the sentiment run's).
CONFIG ?= $(wildcard recipes/configs/$(RECIPE)/default.yaml)
ARGS ?=
LAUNCH ?=

.PHONY: help install test lint format finetune pretrain benchmark clean

help:
	@echo "make install                     create $(VENV) and install llmkit with its dependencies"
	@echo "make finetune RECIPE=sentiment   fine-tune a recipe (ARGS='key=value ...' to override)"
	@echo "make pretrain RECIPE=clm         pretrain a language model"
	@echo "make test                        run the test suite"
	@echo "make lint                        ruff check and format check"

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==$(TORCH_VERSION) $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install --quiet -e ".[dev]"

# One test worker per core (pytest-xdist): the tests set OMP_NUM_THREADS=1, so two workers use two cores.
# `loadgroup`: tests marked with one xdist_group share a worker, so their module fixtures are built once.
test:
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

finetune pretrain:
	$(if $(LAUNCH),$(BIN)/accelerate launch --config_file $(LAUNCH) -m llmkit,$(BIN)/llmkit) train $(RECIPE) $(if $(CONFIG),--config $(CONFIG)) $(ARGS)

benchmark:
	$(BIN)/python benchmarks/$(RECIPE).py $(ARGS)

clean:
	rm -rf runs .pytest_cache .ruff_cache
