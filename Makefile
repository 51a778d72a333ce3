# make test is what CI runs (.ci/run). -race on the packages whose code or
# tests run goroutines (the mock, the runner and its target, drift, the CLI,
# the shared validator, the OAuth client);
# the rest run plain, so the generators' self-check covers thousands of
# cases in seconds. go vet has compiled the plain dependencies already, so
# the heavy modules (libopenapi, the validator) compile once per mode.
# -parallel 4: the CLI's staging and OAuth tests mostly wait (on a rate
# limit, on tokens expiring), so four of them share the two cores.
GO         ?= go
FUZZTIME   ?= 30s
PKGS       := ./...
RACE_PKGS  := ./cmd/... ./contract/runner/... ./contract/target/... ./contract/drift/... ./mock/... ./spec/... ./internal/oauth/...
PLAIN_PKGS := ./contract ./contract/corpus/... ./contract/report/... ./contract/suite/... ./fixtures/... ./fuzz/... ./gen/... ./golden/... ./internal/atomicfile/... ./internal/hostile/... ./internal/jsonorder/... ./internal/words/...

.PHONY: test fmt-check vet run bench bench-compare fuzz lint detect

test: fmt-check vet
	$(GO) test -race -parallel 4 -timeout 8m $(RACE_PKGS)
	$(GO) test -timeout 8m $(PLAIN_PKGS)
	$(GO) test -timeout 8m -run '$(MATRIX)' ./contract/runner

# The fault matrix (every mock fault against the default suite) and the
# five-runs determinism test run the default suite dozens of times; they
# skip themselves under -race, which would make them 5-10x slower and finds
# nothing the runner's own -race tests do not, and run plain here.
MATRIX := ^(TestDefaultSuiteCatchesEveryFault|TestFiveRunsOneSeedOneResult)$$

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)
	$(GO) mod tidy -diff

# The main job: the default suite against the embedded mock.
run:
	$(GO) run ./cmd/contract run

# Every benchmark, then the inner loop's figures against their goals
# (internal/perf/table): the embedded and loopback default suite in
# cases/s, each fuzz target's execs/s per worker, the default run's peak
# RSS. The table judges wall-clock figures; a loaded machine lowers them,
# the per-CPU-second column beside them much less.
BENCH_OUT ?= $(or $(TMPDIR),/tmp)/contract-bench.out
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS) | tee $(BENCH_OUT)
	$(GO) run ./internal/perf/table < $(BENCH_OUT)

# The loopback figure against Prism's validating proxy measured here
# (npx @stoplight/prism-cli proxy in front of `contract mock`, loaded by
# internal/perf/load) where npx exists, else the issue's recorded 820 req/s.
PRISM_PORT ?= 4010
MOCK_PORT  ?= 18089
bench-compare:
	@set -e; tmp=$$(mktemp -d); \
	if ! command -v npx >/dev/null 2>&1; then \
	  echo "npm not found: using the recorded baseline 0.82 k req/s"; \
	  $(GO) test -run '^$$' -bench 'BenchmarkRun|BenchmarkFuzz' ./contract/runner ./fuzz | tee $$tmp/bench.out; \
	  $(GO) run ./internal/perf/table < $$tmp/bench.out; exit 0; \
	fi; \
	$(GO) build -o $$tmp/contract ./cmd/contract; \
	$$tmp/contract mock -addr 127.0.0.1:$(MOCK_PORT) > $$tmp/mock.log 2>&1 & mock=$$!; \
	npx -y @stoplight/prism-cli@5 proxy spec/addons.yaml http://127.0.0.1:$(MOCK_PORT) --port $(PRISM_PORT) --errors > $$tmp/prism.log 2>&1 & prism=$$!; \
	trap 'kill $$mock $$prism 2>/dev/null || true' EXIT; \
	for i in $$(seq 120); do \
	  $(GO) run ./internal/perf/load -url http://127.0.0.1:$(PRISM_PORT)/accounts/x/plans/addons -for 1s -workers 1 >/dev/null 2>&1 && \
	  grep -q "Prism is listening" $$tmp/prism.log && break; sleep 1; done; \
	rps=$$($(GO) run ./internal/perf/load -url http://127.0.0.1:$(PRISM_PORT)/accounts/x/plans/addons -for 10s); \
	echo "Prism's validating proxy in front of contract mock: $$rps req/s"; \
	$(GO) test -run '^$$' -bench 'BenchmarkRun|BenchmarkFuzz' ./contract/runner ./fuzz | tee $$tmp/bench.out; \
	$(GO) run ./internal/perf/table -prism $$rps < $$tmp/bench.out

# Every native fuzz target in turn, FUZZTIME each (make fuzz FUZZTIME=60s).
fuzz:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/func //'); do \
	    echo "== $$pkg $$t ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

# The fault matrix over DETECT_SEEDS seeds on 2 cores: per fault, the
# requests and seconds the default suite took to catch it (docs/DETECTION.md).
# Fails if any seed misses a fault or takes 10s or more to catch it.
DETECT_SEEDS ?= 10
detect:
	$(GO) test -count=1 -cpu 2 -timeout 20m -run '^TestDetectMatrix$$' -v ./contract/runner -detect -detect.seeds $(DETECT_SEEDS)

# The spec through a standard OpenAPI linter (not part of test: needs npm).
lint:
	npx -y @stoplight/spectral-cli lint spec/addons.yaml --ruleset .spectral.yaml
