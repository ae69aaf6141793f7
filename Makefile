# blueshift: the two commands a user needs are `make demo` and `make test`.
GO ?= go
BIN := bin/blueshift
SHELL := /bin/bash

.PHONY: build test demo bench fuzz vet lint clean web web-check

build:
	$(GO) build -o $(BIN) ./cmd/blueshift

# The whole test suite: unit, golden, real-client and crash tests, all under
# the race detector, with the servers the tests start built with it too.
# The output is kept in bin/test.log; on failure its summary is printed last.
test:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) build -race -o bin/blueshift-race ./cmd/blueshift
	set -o pipefail; BLUESHIFT_BIN=$(CURDIR)/bin/blueshift-race $(GO) test -race -count=1 -timeout 15m ./... 2>&1 \
		| tee bin/test.log || { scripts/test-summary bin/test.log; exit 1; }

demo: build
	./$(BIN) demo

# Static checks: vet, gofmt, and the import directions (internal/lint).
lint:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) test -count=1 ./internal/lint/

vet:
	$(GO) vet ./...

# Every fuzz target for a short time (FUZZTIME, default 10s each).
fuzz:
	GO=$(GO) scripts/fuzz

bench: build
	$(GO) test -run '^$$' -bench . -benchtime 2x ./...

clean:
	rm -rf bin blueshift-data

# The dashboard's front end (internal/web/ui) built into internal/web/dist,
# which the binary embeds; the build is committed so `go build` needs no node.
web:
	cd internal/web/ui && npm ci --no-audit --no-fund && npm test && npm run build

# CI: the committed build matches what the sources build to.
web-check: web
	@git diff --exit-code --stat -- internal/web/dist || (echo "internal/web/dist is stale: run make web and commit it"; exit 1)
	@test -z "$$(git status --porcelain -- internal/web/dist)" || (git status --porcelain -- internal/web/dist; echo "internal/web/dist has files the build does not make, or misses some: run make web and commit it"; exit 1)
