# make test is what CI runs (.ci/run). One `go test` invocation over every
# package, so the heavy dependencies (libopenapi, the validator) compile once,
# with -race because the mock, the runner and the CLI use goroutines.
GO       ?= go
FUZZTIME ?= 30s
PKGS     := ./...

.PHONY: test fmt-check vet run bench fuzz lint detect

test: fmt-check vet
	$(GO) test -race -timeout 8m $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

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
