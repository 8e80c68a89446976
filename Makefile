# impostor: the two commands of the Quickstart, and a few more.
#   make demo   install what is missing, build, run the main job on a generated world
#   make test   install what is missing, build, run every test
BUILD ?= build
JOBS ?= $(shell nproc)
CACHE ?= $(or $(IMPOSTOR_CACHE),$(HOME)/.cache/impostor)
IMPOSTOR = $(BUILD)/bin/impostor

.PHONY: all deps configure build test demo bench clean

all: build

deps:
	@scripts/bootstrap.sh

configure: deps
	@[ -f $(BUILD)/build.ninja ] || cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --timeout 600

demo: build
	@scripts/demo.sh $(IMPOSTOR)

bench: build
	@bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
