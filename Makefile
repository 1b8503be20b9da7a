# The two commands are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
export PATH := $(HOME)/.cargo/bin:$(PATH)

APP_BINARY := target/debug/auth0-eventgrid-setup
UI_SOURCES := $(shell find ui/src ui/index.html ui/vite.config.ts ui/package.json -type f 2>/dev/null) icons/source.svg
# A window needs a display: use the real one when there is one, else a virtual one.
HEADLESS := $(if $(or $(DISPLAY),$(WAYLAND_DISPLAY)),,xvfb-run -a --server-args="-screen 0 1280x900x24")

FUZZ_CASES ?= 20000

.PHONY: help deps run test bench fuzz soak lint lint-shell schema test-rust test-keychain test-ui test-browser test-e2e test-binaries screenshots app ui sandbox bindings bundle test-package clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

deps: ## Install whatever is missing (system packages, npm packages, tauri-driver)
	@scripts/bootstrap.sh

run: deps app ## Launch the wizard
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "No display: run 'xvfb-run make run' to open the window on a virtual display." >&2; exit 1; fi
	$(APP_BINARY)

test: deps lint test-rust test-keychain test-ui test-browser test-e2e test-package ## Run every test and lint
	@echo "make test: every lint and test passed"

ui/dist/index.html: $(UI_SOURCES) ui/package-lock.json
	cd ui && npm run --silent build -- --logLevel warn

ui: ui/dist/index.html ## Build the front end

app: ui ## Build the desktop app (debug, front end embedded)
	cargo build -p auth0-eventgrid-setup

lint: ui lint-shell ## cargo fmt, clippy, the front end's type check and shellcheck of the shell exports
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cd ui && npm run --silent check

# The shell export of each sample setup (crates/setup-export/tests/samples), written to a temporary folder and
# checked by shellcheck (Debian's package, which `make deps` installs). Missing shellcheck fails the lint.
lint-shell: ## shellcheck the shell exports of the sample setups
	@command -v shellcheck >/dev/null || { echo "shellcheck is not installed: run make deps" >&2; exit 1; }
	dir="$$(mktemp -d)"; trap 'rm -rf "$$dir"' EXIT; \
	cargo run --quiet --locked -p setup-export --example sample-scripts -- "$$dir" >/dev/null; \
	shellcheck --shell=bash --severity=style "$$dir"/*.sh

# Every test layer builds with the workspace's one feature set (the one `cargo test --workspace` resolves), so
# no layer recompiles what an earlier one built: `-p keychain` or `cargo build -p <app>` alone would resolve other
# features for shared dependencies and rebuild dozens of crates.
TEST_BUILD := --workspace --locked

test-binaries: ui ## Build the app and sandbox binaries as the Rust tests do (what the window tests run)
	cargo test $(TEST_BUILD) --no-run

test-rust: ui ## Rust unit and integration tests (the app on Tauri's mock runtime included)
	@if cargo nextest --version >/dev/null 2>&1; then \
	  cargo nextest run $(TEST_BUILD) --no-fail-fast; \
	else \
	  cargo test $(TEST_BUILD) --no-fail-fast; \
	fi

# A system keychain for tests: a private D-Bus session with an unlocked GNOME Keyring. Callers give it a
# throwaway XDG_DATA_HOME, so no test keyring lands in the user's own.
WITH_KEYRING = dbus-run-session -- sh -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$$@"' keyring

fuzz: ## The readers' fuzz tests (every `fuzz_*` test) at FUZZ_CASES cases each (20,000 unless given)
	PROPTEST_CASES=$(FUZZ_CASES) cargo test $(TEST_BUILD) --lib fuzz_

# The fault soak: a full setup with every sandbox fault on at once, once per seed (crates/setup-engine/tests/
# sandbox/soak.rs). `make test` runs it for 3 seeds; this runs SOAK_SEEDS of them and prints what fired.
SOAK_SEEDS ?= 20

soak: ## The full setup with every sandbox fault on at once, for SOAK_SEEDS seeds (20 unless given)
	SOAK_SEEDS=$(SOAK_SEEDS) cargo test $(TEST_BUILD) --test sandbox fault_soak -- --nocapture

test-keychain: ## The keychain code (and the CLI using the window's sign-ins) against a real Secret Service, and with none at all
	export XDG_DATA_HOME="$$(mktemp -d)"; \
	$(WITH_KEYRING) cargo test $(TEST_BUILD) --test system_keychain -- --ignored stores_reads_and_deletes; \
	$(WITH_KEYRING) cargo test $(TEST_BUILD) --test remembered_sign_ins -- --ignored; \
	rm -rf "$$XDG_DATA_HOME"
	env -u DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR=/nonexistent \
	  cargo test $(TEST_BUILD) --test system_keychain -- --ignored without_a_secret_service

test-ui: ## Front-end component tests (vitest, jsdom)
	cd ui && npm run --silent test:unit

test-browser: ui ## The built UI in Debian's Chromium with IPC mocked (Playwright)
	cd ui && npm run --silent test:browser

# The real-window layer cannot hang: its supervisor kills whatever a test left running when the run ends, and
# everything at once when the run passes its deadline (E2E_DEADLINE_SECONDS, 1200 s by default), naming it.
E2E = node tests/e2e/supervise.mjs -- node --test --test-concurrency=1 --test-force-exit tests/e2e/

# The app finds a system keychain there, as on a desktop.
test-e2e: ui test-binaries ## The real window through tauri-driver and WebKitWebDriver
	node --test tests/supervisor/
	export XDG_DATA_HOME="$$(mktemp -d)"; trap 'rm -rf "$$XDG_DATA_HOME"' EXIT; \
	$(WITH_KEYRING) $(HEADLESS) $(E2E)

screenshots: deps ui test-binaries ## Refresh docs/screenshots/ from the end-to-end run and the browser tests (the wizard's screens at the window's default size, the health pages)
	export XDG_DATA_HOME="$$(mktemp -d)"; trap 'rm -rf "$$XDG_DATA_HOME"' EXIT; \
	SCREENSHOTS_DIR=docs/screenshots $(WITH_KEYRING) $(HEADLESS) $(E2E)
	cd ui && SCREENSHOTS_DIR=docs/screenshots npm run --silent test:browser -- tests/browser/health.test.ts tests/browser/wizard.test.ts

# The release app, the command line and the floor they are measured against (a bare WebKitGTK window), timed and
# weighed under Xvfb with a keychain, as on a desktop; the figures replace docs/performance.md. Not part of
# `make test`: figures are written down, never asserted.
bench: deps ui ## Measure start time, memory, sizes, the CLI's setup and health checks into docs/performance.md
	cargo build --release --locked -p auth0-eventgrid-setup -p auth0-eventgrid
	# The floor on its own: built with the app's binaries, the example's dev-dependencies (Tauri's test feature)
	# would be compiled into the binaries measured, which are then not the ones make bundle ships.
	cargo build --release --locked -p auth0-eventgrid-setup --example bare_webkit
	export XDG_DATA_HOME="$$(mktemp -d)"; trap 'rm -rf "$$XDG_DATA_HOME"' EXIT; \
	$(WITH_KEYRING) $(HEADLESS) node scripts/bench/bench.mjs

# The release app and the command line (one cargo build), packaged by Tauri's bundler as a .deb and an .rpm under
# target/release/bundle/. Only bundlers that download nothing run here; see the README's "Distributing the app".
bundle: deps ui ## The release app and CLI packaged as a .deb and an .rpm (target/release/bundle/)
	scripts/bundle.sh

# Installs the .deb on this machine (dpkg, as root), starts the installed app on the display with a throwaway
# home, runs the installed CLI, purges the package and looks for leftovers; the .rpm goes into a throwaway root.
# Under the real-window layer's supervisor, so nothing it starts outlives it. By default it packages the test
# build's binaries (PACKAGE_PROFILE=debug: `make test` needs no release build); PACKAGE_PROFILE=release checks
# the packages `make bundle` ships.
PACKAGE_PROFILE ?= debug
# The test build's packages are signed for the updater with a throwaway key pair (made offline by Tauri's CLI), so
# the package test checks each signature against the package as shipped. A release build is never given it: the
# key would be compiled into the app.
UPDATER_TEST_KEY = ui/node_modules/.bin/tauri signer generate --ci -p '' -w "$$keys/updater.key" >/dev/null; \
	export AUTH0_EVENTGRID_UPDATER_PUBKEY="$$(cat "$$keys/updater.key.pub")" \
	  AUTH0_EVENTGRID_UPDATER_ENDPOINT='https://updates.invalid/{{target}}-{{arch}}/{{current_version}}' \
	  TAURI_SIGNING_PRIVATE_KEY="$$(cat "$$keys/updater.key")" TAURI_SIGNING_PRIVATE_KEY_PASSWORD='';

test-package: deps ui $(if $(filter release,$(PACKAGE_PROFILE)),,test-binaries) ## Install, start and purge the packages (needs root: dpkg)
	export XDG_DATA_HOME="$$(mktemp -d)"; keys="$$(mktemp -d)"; trap 'rm -rf "$$XDG_DATA_HOME" "$$keys"' EXIT; \
	$(if $(filter release,$(PACKAGE_PROFILE)),,$(UPDATER_TEST_KEY)) \
	PROFILE=$(PACKAGE_PROFILE) scripts/bundle.sh; \
	PACKAGE_PROFILE=$(PACKAGE_PROFILE) $(WITH_KEYRING) $(HEADLESS) node tests/e2e/supervise.mjs --deadline 600 -- \
	  node --test --test-concurrency=1 --test-force-exit tests/package/

sandbox: ## Build the sandbox binary (the cloud-mode end-to-end tests run against it)
	cargo build -p cloud-sandbox

schema: ## Regenerate schemas/setup-document.schema.json from the Rust types
	UPDATE_SCHEMA=1 cargo test -p setup-export --test exports the_committed_schema

bindings: ## Regenerate the TypeScript types of IPC from the Rust types
	UPDATE_BINDINGS=1 cargo test -p auth0-eventgrid-setup --lib bindings

clean: ## Remove build outputs
	cargo clean
	rm -rf ui/dist ui/test-results tests/e2e/artifacts
