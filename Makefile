# make test is what CI runs (.ci/run). -race on the packages whose code or
# tests run goroutines (the mock, the runner, the CLI, the shared validator);
# the rest run plain, so the generators' self-check covers thousands of
# cases in seconds. go vet has compiled the plain dependencies already, so
# the heavy modules (libopenapi, the validator) compile once per mode.
GO         ?= go
FUZZTIME   ?= 30s
PKGS       := ./...
RACE_PKGS  := ./cmd/... ./contract/... ./mock/... ./spec/... ./internal/oauth/...
PLAIN_PKGS := ./fixtures/... ./fuzz/... ./gen/... ./golden/... ./internal/atomicfile/... ./internal/hostile/... ./internal/jsonorder/... ./internal/words/...

.PHONY: test fmt-check vet run bench fuzz lint detect

test: fmt-check vet
	$(GO) test -race -timeout 8m $(RACE_PKGS)
	$(GO) test -timeout 8m $(PLAIN_PKGS)
	$(GO) test -timeout 8m -run '$(MATRIX)' ./contract

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

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

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
	$(GO) test -count=1 -cpu 2 -timeout 20m -run '^TestDetectMatrix$$' -v ./contract -detect -detect.seeds $(DETECT_SEEDS)

# The spec through a standard OpenAPI linter (not part of test: needs npm).
lint:
	npx -y @stoplight/spectral-cli lint spec/addons.yaml --ruleset .spectral.yaml
