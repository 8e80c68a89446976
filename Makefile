# impostor: the two commands of the Quickstart, and a few more.
#   make demo   install what is missing, build, run the main job on a generated world
#   make test   install what is missing, build, run every test (then the sanitizer stage)
BUILD ?= build
JOBS ?= $(shell nproc)
CACHE ?= $(or $(IMPOSTOR_CACHE),$(HOME)/.cache/impostor)
IMPOSTOR = $(BUILD)/bin/impostor

.PHONY: all deps configure build test sanitize demo bench model clean

all: build

deps:
	@scripts/bootstrap.sh

configure: deps
	@[ -f $(BUILD)/build.ninja ] || cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --timeout 600
	@$(MAKE) --no-print-directory sanitize

# ASan + UBSan (leaks on) in build-asan: the parsers' and the store's unit tests and
# a few seconds of every fuzz harness (fuzz/ci.sh, fuzz/README.md).
SANITIZE_BUILD ?= build-asan
sanitize: deps
	@fuzz/ci.sh $(SANITIZE_BUILD) $(JOBS)

demo: build
	@scripts/demo.sh $(IMPOSTOR)

bench: build
	@bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD)

# Reproduces models/risk_model.json and its card from fixed simulator seeds
# (docs/risk_model.md): ten training worlds of normal and hard operators, one
# validation world, three held-out hard worlds.
MODEL_WORK ?= $(BUILD)/model-worlds
SIM = --employees 1500 --days 30
model: build
	@rm -rf $(MODEL_WORK) && mkdir -p $(MODEL_WORK)
	@for s in 11 12 13 14; do $(IMPOSTOR) simulate --seed $$s $(SIM) --out $(MODEL_WORK)/w$$s >/dev/null; done
	@for s in 21 22 23; do $(IMPOSTOR) simulate --seed $$s $(SIM) --fraud-rate 0.04 --no-photos --out $(MODEL_WORK)/r$$s >/dev/null; done
	@for s in 31 32 33; do $(IMPOSTOR) simulate --seed $$s $(SIM) --fraud-rate 0.04 --difficulty hard --no-photos --out $(MODEL_WORK)/k$$s >/dev/null; done
	@$(IMPOSTOR) simulate --seed 35 $(SIM) --difficulty hard --no-photos --out $(MODEL_WORK)/k35 >/dev/null
	@for s in 101 102 103; do $(IMPOSTOR) simulate --seed $$s $(SIM) --difficulty hard --out $(MODEL_WORK)/h$$s >/dev/null; done
	$(IMPOSTOR) train --world $(MODEL_WORK)/w11 $(MODEL_WORK)/w12 $(MODEL_WORK)/w13 $(MODEL_WORK)/w14 \
	  $(MODEL_WORK)/r21 $(MODEL_WORK)/r22 $(MODEL_WORK)/r23 $(MODEL_WORK)/k31 $(MODEL_WORK)/k32 $(MODEL_WORK)/k33 \
	  --validation $(MODEL_WORK)/k35 --test $(MODEL_WORK)/h101 $(MODEL_WORK)/h102 $(MODEL_WORK)/h103 \
	  --views all no-devices people-only --test-views all no-devices people-only \
	  --params models/train_params.yaml --out models/risk_model.json -q
