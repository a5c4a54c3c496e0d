# Spanmark: `make run` serves the app, `make test` runs every test layer.
# Both install whatever is missing first, and skip what is already there.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

PORT ?= 8080
WASM_BINDGEN_VERSION := 0.2.130
CHROMIUM := /usr/bin/chromium
CHROMEDRIVER := /usr/bin/chromedriver
# node_modules/.bin comes first: it holds binaryen's wasm-opt (npm package `binaryen`),
# which wasm-pack runs. Debian's binaryen 108 corrupts the externref table that
# wasm-bindgen 0.2.130 emits, so it must not be the one found.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

RUST_SOURCES := $(shell find src crates/*/src -name '*.rs') Cargo.toml crates/spanmark-core/Cargo.toml $(wildcard Cargo.lock)

# apt-get update runs at most once per make invocation, and only when something is missing.
APT_STAMP := $(shell mktemp -u /tmp/spanmark-apt-updated.XXXXXX)
apt_install = if [ ! -e $(APT_STAMP) ]; then apt-get update -qq && touch $(APT_STAMP); fi; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null

.PHONY: bench-cli run serve dist test build version tools browser npm-deps venv test-core test-consumers test-sync test-wasm test-e2e sync-server sync-token size size-report bench fuzz fuzz-seeds mutants clean

## run: install what is missing, build the release wasm, serve on http://127.0.0.1:$(PORT)/
run: build serve

# serve (npm package `serve`, pinned in package.json) sends hosting/serve.json's headers on
# every response: the page's CSP plus frame-ancestors 'none', X-Frame-Options, nosniff,
# no-referrer (but on a 304, where the browser keeps those of the response it cached, and on
# an error answered as JSON to a request that asks for JSON); it lists no folder.
# serve moves to another port when $(PORT) is taken (--no-port-switching does not stop it
# in 14.2.7), so the port is checked first.
SERVE := NO_UPDATE_CHECK=1 node_modules/.bin/serve --no-clipboard --no-port-switching --config $(CURDIR)/hosting/serve.json

serve: npm-deps www/pkg
	@if (exec 3<>/dev/tcp/127.0.0.1/$(PORT)) 2>/dev/null; then \
	  echo "Port $(PORT) is in use: stop what runs there, or choose another with PORT=..." >&2; exit 1; fi
	@$(STAMP_VERSION)
	@echo "Spanmark is at http://127.0.0.1:$(PORT)/  (Ctrl+C stops it)"
	@$(SERVE) --listen tcp://127.0.0.1:$(PORT) www

## test: install what is missing, then run every test layer
test: build browser npm-deps venv test-core test-consumers test-sync test-wasm test-e2e
	@echo "All test layers passed."

## tools: the wasm target, the pinned wasm-bindgen CLI and wasm-pack
tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); fi
	@command -v wasm-pack >/dev/null || cargo install wasm-pack

## browser: Debian's Chromium and ChromeDriver (nothing downloads a browser of its own)
browser:
	@[ -x $(CHROMIUM) ] && [ -x $(CHROMEDRIVER) ] || { $(call apt_install,chromium chromium-driver); }

npm-deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## venv: the Python consumers of the exports (spaCy, jsonschema, seqeval, Label Studio SDK)
VENV := .venv
venv: $(VENV)/.installed

$(VENV)/.installed: tests/consumers/requirements.txt
	@python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null || { $(call apt_install,python3-venv); }
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r tests/consumers/requirements.txt
	@touch $@

## sync-server: the team sync server (sync/server.mjs: the stock y-websocket server behind
## room tokens, rooms stored in sync-data/) on ws://$(SYNC_HOST):$(SYNC_PORT); Ctrl+C stops it.
## sync-token ROOM=name prints that room's token and the URL to share (README "Team sync").
SYNC_HOST ?= 127.0.0.1
SYNC_PORT ?= 1234
sync-server: npm-deps
	HOST=$(SYNC_HOST) PORT=$(SYNC_PORT) node sync/server.mjs

sync-token: npm-deps
	@[ -n "$(ROOM)" ] || { echo "usage: make sync-token ROOM=name" >&2; exit 2; }
	@HOST=$(SYNC_HOST) PORT=$(SYNC_PORT) node sync/server.mjs token '$(ROOM)'

## build: the release wasm package in pkg/, linked into www/ for serving, and www/version.js
build: tools npm-deps pkg/spanmark_bg.wasm www/pkg
	@$(STAMP_VERSION)

pkg/spanmark_bg.wasm: $(RUST_SOURCES) node_modules/.package-lock.json
	WASM_PACK_NO_UPDATE_CHECK=1 wasm-pack --log-level warn build --target web --release --out-dir pkg --no-pack
	@$(MAKE) --no-print-directory size

www/pkg:
	ln -sfn ../pkg www/pkg

# www/version.js: the build's version (a hash of every file www/ serves, the wasm included)
# and the files the service worker (www/sw.js) precaches; rewritten only when it changes.
# Edited www/ files reach a page the worker controls once this has run again (make serve
# runs it) and the page has been reloaded twice (README, "Using it").
STAMP_VERSION := node tools/version.mjs www
version: www/pkg
	@$(STAMP_VERSION)

## dist: build, then write dist/: the app as a self-contained static folder (www/ with the
## pkg files copied in) and the headers any host must send (_headers, serve.json; README "Hosting")
dist: build
	rm -rf dist
	mkdir dist
	cp -R www/. dist/
	rm -f dist/pkg
	mkdir dist/pkg
	cp -RL pkg/. dist/pkg/
	rm -f dist/pkg/.gitignore dist/pkg/*.d.ts
	cp hosting/_headers hosting/serve.json dist/
	@node tools/version.mjs dist
	@echo "dist/ is ready: put it on a static host that sends the headers in dist/_headers (to try it here: node_modules/.bin/serve dist)"

## size-report: the wasm's size by feature (twiggy on the module before wasm-opt), in bench/results/wasm-size.md
size-report: build
	@command -v twiggy >/dev/null || cargo install twiggy
	cargo build -q --release --target wasm32-unknown-unknown -p spanmark
	node tools/wasm-size.mjs

size:
	@raw=$$(stat -c %s pkg/spanmark_bg.wasm); gz=$$(gzip -9 -c pkg/spanmark_bg.wasm | wc -c); \
	  echo "wasm size: $$raw bytes raw, $$gz bytes gzipped"

test-core: tools
	cargo test -p spanmark-core -p spanmark-cli

## test-consumers: export GUM news, the demo and a hostile-Unicode document in every
## format, then let spaCy, the W3C schemas, brat's rule, seqeval and Label Studio's SDK read them
test-consumers: venv
	cargo run -q -p spanmark-core --example interchange_fixtures -- tests/data www/demo target/interchange
	cargo run -q -p spanmark-core --example search_fixtures -- target/search
	SPANMARK_FIXTURES=target/interchange W3C_SCHEMAS=tests/data/w3c-annotation-schemas \
	  $(VENV)/bin/python -m unittest discover -s tests/consumers -v

## test-sync: the team sync server with real Yjs docs through the y-websocket client: two
## replicas converge, wrong or missing tokens are refused, hostile peers are dropped, and a
## room survives SIGKILL (tests/sync/)
test-sync: npm-deps
	node --test --test-concurrency=1 tests/sync/

test-wasm: tools browser
	CHROMEDRIVER=$(CHROMEDRIVER) cargo test -p spanmark --target wasm32-unknown-unknown

test-e2e: build browser npm-deps
	CHROMIUM=$(CHROMIUM) node --test --test-concurrency=1 tests/e2e/

## bench: the benchmark (bench/run.mjs): Spanmark, the fair and plain floors and
## @recogito/text-annotator on a generated 1 MB article; writes bench/results/ and the README table
bench: build browser npm-deps bench/node_modules/.package-lock.json bench/dist/recogito.js
	CHROMIUM=$(CHROMIUM) node bench/run.mjs

## bench-cli: the command line (convert, agree) on 10,000 generated documents beside seqeval,
## and suggestions over 1,000 documents with a 10,000-entry gazetteer; writes bench/results/cli.*
bench-cli: venv
	node bench/cli.mjs

bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	@touch $@

bench/dist/recogito.js: bench/recogito-entry.js bench/node_modules/.package-lock.json
	bench/node_modules/.bin/esbuild bench/recogito-entry.js --bundle --format=iife --global-name=RecogitoBench \
	  --outfile=bench/dist/recogito.js --minify --log-level=warning
	cp bench/node_modules/@recogito/text-annotator/dist/text-annotator.css bench/dist/recogito.css

## fuzz: run every importer's fuzz target for FUZZ_SECONDS each (cargo fuzz, nightly).
## A finding stops here; keep its input in fuzz/regressions/<target>/ once fixed.
## sync_update builds with -O (no debug assertions, as the wasm module ships): yrs 0.28
## debug-asserts on client ids past 53 bits deep inside an update, which release builds mask.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := import_canonical restore_backup restore_records import_interchange restore_any sync_update
fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@mkdir -p fuzz/logs
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t && cp -n fuzz/seeds/$$t/* fuzz/corpus/$$t/ ; \
	  echo "== fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  cargo +nightly fuzz run $$( [ $$t = sync_update ] && echo -O ) $$t fuzz/corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -max_len=262144 \
	    > fuzz/logs/$$t.log 2>&1 || { grep -a -m3 -E 'panicked|ERROR|SUMMARY' fuzz/logs/$$t.log; \
	      echo "$$t: FINDING in fuzz/artifacts/$$t/ (log: fuzz/logs/$$t.log)"; exit 1; }; \
	  grep -E '^Done [0-9]+ runs' fuzz/logs/$$t.log | sed "s/^/$$t: /"; \
	done

## fuzz-seeds: rebuild the seed corpus from the demo articles and the GUM news corpus
fuzz-seeds:
	cargo run -q -p spanmark-core --example fuzz_seeds -- tests/data/gum-news fuzz/seeds

## mutants: mutation testing of the whole core crate with cargo-mutants (installed if missing);
## the report goes to target/mutants/mutants.out/. Slow (every mutant rebuilds and reruns the
## core tests), so it is not part of `make test`. MUTANTS_ARGS adds flags, e.g. "-j 2" or "--shard 0/4".
MUTANTS_ARGS ?=
mutants:
	@command -v cargo-mutants >/dev/null || cargo install cargo-mutants
	cargo mutants -p spanmark-core --output target/mutants $(MUTANTS_ARGS)

clean:
	rm -rf target pkg www/pkg dist node_modules .venv fuzz/target fuzz/corpus fuzz/artifacts fuzz/logs bench/node_modules bench/data bench/dist
