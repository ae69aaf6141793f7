# blueshift: the two commands a user needs are `make demo` and `make test`.
GO ?= go
BIN := bin/blueshift

.PHONY: build test demo bench fuzz vet lint clean

build:
	$(GO) build -o $(BIN) ./cmd/blueshift

# The whole test suite: unit, golden, real-client and crash tests, under -race
# for the packages where concurrency lives.
test: build
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	BLUESHIFT_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 40m ./...
	BLUESHIFT_BIN=$(CURDIR)/$(BIN) $(GO) test -race -count=1 -timeout 20m ./internal/streamlog/... ./internal/awsjson/... ./internal/kinesisapi/...

demo: build
	./$(BIN) demo

bench: build
	$(GO) test -run '^$$' -bench . -benchtime 2x ./...

clean:
	rm -rf bin blueshift-data
