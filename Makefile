# make test is what CI runs (.ci/run). -race on the packages whose code or
# tests run goroutines (the mock, the runner, the CLI, the shared validator);
# the rest run plain, so the generators' self-check covers thousands of
# cases in seconds. go vet has compiled the plain dependencies already, so
# the heavy modules (libopenapi, the validator) compile once per mode.
GO         ?= go
FUZZTIME   ?= 30s
PKGS       := ./...
RACE_PKGS  := ./cmd/... ./contract/... ./mock/... ./spec/...
PLAIN_PKGS := ./fixtures/... ./fuzz/... ./gen/... ./golden/... ./internal/...

.PHONY: test fmt-check vet run bench fuzz lint

test: fmt-check vet
	$(GO) test -race -timeout 8m $(RACE_PKGS)
	$(GO) test -timeout 8m $(PLAIN_PKGS)

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

# The spec through a standard OpenAPI linter (not part of test: needs npm).
lint:
	npx -y @stoplight/spectral-cli lint spec/addons.yaml --ruleset .spectral.yaml
