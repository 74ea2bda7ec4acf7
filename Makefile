# livret — the two commands of the README, and the benchmark.
#   make run    set up, build in release mode, run the main job on the bundled sample
#   make test   set up, build, run every test (the hostile-input ones under ulimit -v)
#   make bench  the performance figures (release mode)
#   make serve  serve the archive `make run` filled (prints a first secrétariat token)
SHELL := /bin/bash
SWIFT ?= swift
SHARED ?= $(abspath ../shared)
RELEASE_BIN := .build/release/livret

.PHONY: run test bench serve deps test-deps build clean

deps:
	@scripts/ensure-deps run

test-deps:
	@test -x $(SHARED)/tools/python-tools-env || { echo "make: $(SHARED)/tools not found: the tests need shared/ beside the repository (or SHARED=/path/to/shared)" >&2; exit 2; }
	@scripts/ensure-deps test
	@LIVRET_SHARED_TOOLS=$(SHARED)/tools $(SHARED)/tools/python-tools-env >/dev/null
	@scripts/python-env >/dev/null

build: deps
	$(SWIFT) build -c release --product livret

run: build
	@scripts/main-job $(RELEASE_BIN)

# The hostile-input suites run apart, under a virtual-memory limit (scripts/hostile-tests).
HOSTILE := HostileFileTests|HostileImportTests|HostileDocumentTests|InputCheckTests|ArchiveHardeningTests|CrashSafetyTests|RobustnessTests

test: deps test-deps
	$(SWIFT) build --build-tests
	LIVRET_SHARED_TOOLS=$(SHARED)/tools LIVRET_PYENV=$$(scripts/python-env) $(SWIFT) test --skip-build --skip '$(HOSTILE)'
	LIVRET_SHARED_TOOLS=$(SHARED)/tools LIVRET_PYENV=$$(scripts/python-env) HOSTILE='$(HOSTILE)' scripts/hostile-tests

bench: build test-deps
	@scripts/bench $(RELEASE_BIN) $(SHARED)/tools
	@echo "== service (livret serve under wrk)"
	@scripts/bench-server $(RELEASE_BIN)

serve: build
	@scripts/serve $(RELEASE_BIN)

clean:
	rm -rf .build out
