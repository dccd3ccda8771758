# NetScope build. `make run` and `make test` are all the set-up a fresh Debian 12 machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := build

CLANG       ?= clang-16
LLVM_STRIP  ?= llvm-strip-16
DOTNET      ?= dotnet
CONFIG      ?= Release
ARCH        := x86
# The agent is published as ReadyToRun code (compiled ahead of time), which is per architecture like ARCH.
DOTNET_RID  := linux-x64

# clang for every BPF object (the agent's, the tests' and the benchmarks'): CO-RE needs the BTF that -g emits.
BPF_CC      := $(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror

BPF_SRC     := $(wildcard bpf/*.bpf.c)
BPF_HDRS    := $(wildcard bpf/*.h bpf/include/*.h)
BPF_OBJ     := $(patsubst bpf/%.bpf.c,build/bpf/%.bpf.o,$(BPF_SRC))
# Test-only programs (kernel tests run them with BPF_PROG_TEST_RUN); never embedded in the agent.
TEST_BPF_OBJ := $(patsubst tests/bpf/%.bpf.c,build/test-bpf/%.bpf.o,$(wildcard tests/bpf/*.bpf.c))
CS_SRC      := $(shell find src -name '*.cs' -o -name '*.csproj') Directory.Build.props Directory.Packages.props
APP_DIR     := build/app

# Debian packages the build and the tests use (checked one by one; only missing ones are installed).
# nginx-light serves the demo's page (its echo module gives delayed paths); tmux runs `netscope top` in the tests;
# prometheus scrapes the agent and chromium renders the web page in the tests.
APT_PACKAGES := clang-16 llvm-16 libbpf-dev libbpf1 bpftool iproute2 curl python3-scapy prometheus chromium nginx-light tmux

# Only make test-kernels needs these (qemu, the guest's userland, the initramfs archiver). The guest kernels
# themselves are downloaded and unpacked into build/kernels, never installed (tests/kernels/fetch-guest-kernel.sh).
KERNEL_APT_PACKAGES := qemu-system-x86 busybox-static cpio
INITRAMFS   := build/kernels/initramfs.cpio

.PHONY: deps kernel-deps bpf test-bpf build test unit-test kernel-test test-kernels run demo install uninstall clean bench probe-ab otlp-decoder

# $(call apt_ensure,TARGET,PACKAGES): installs those of PACKAGES not installed yet (checked one by one).
define apt_ensure
	@missing=""; for p in $(2); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "$(1): installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

deps:
	$(call apt_ensure,deps,$(APT_PACKAGES))
	@command -v $(DOTNET) >/dev/null || { echo "deps: the .NET 10 SDK (dotnet) is required and not on PATH"; exit 1; }
	@# node/npm validate the deploy manifests; a machine may already have them from another source.
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	@# Playwright (playwright-core only: it drives the Debian chromium above and downloads no browser) for the web page tests.
	@if [ ! -f tests/web-ui/node_modules/.package-lock.json ] || [ tests/web-ui/package-lock.json -nt tests/web-ui/node_modules/.package-lock.json ]; then \
		echo "deps: npm ci in tests/web-ui"; (cd tests/web-ui && npm ci --no-audit --no-fund --loglevel=error >/dev/null); \
	fi

# Installs what test-kernels boots guests with; where that is impossible (no apt, no registry) it says so
# and test-kernels tests the host kernel only.
kernel-deps:
	@missing=""; for p in $(KERNEL_APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "kernel-deps: installing$$missing"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; } \
			|| echo "kernel-deps: could not install$$missing: test-kernels will test the host kernel only"; \
	fi

bpf: deps $(BPF_OBJ)

# The tests decode OTLP requests with the OpenTelemetry protobuf definitions from npm (tests/otlp-decoder);
# reinstalled only when its package-lock.json changes.
OTLP_DECODER := tests/otlp-decoder
otlp-decoder: deps $(OTLP_DECODER)/node_modules/.package-lock.json
$(OTLP_DECODER)/node_modules/.package-lock.json: $(OTLP_DECODER)/package-lock.json $(OTLP_DECODER)/package.json
	cd $(OTLP_DECODER) && npm ci --no-audit --no-fund --loglevel=error >/dev/null

build/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) | build/bpf
	$(BPF_CC) -I bpf -c $< -o $@
	$(LLVM_STRIP) -g $@

build/bpf:
	mkdir -p $@

test-bpf: deps $(TEST_BPF_OBJ)

build/test-bpf/%.bpf.o: tests/bpf/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(@D)
	$(BPF_CC) -I bpf -c $< -o $@

build: bpf build/netscope

build/netscope: $(BPF_OBJ) $(CS_SRC)
	$(DOTNET) publish src/NetScope.Agent -c $(CONFIG) -r $(DOTNET_RID) --self-contained false -p:PublishReadyToRun=true -o $(APP_DIR) --nologo -v quiet
	ln -sf app/netscope build/netscope

# Kernel tests load BPF, create namespaces and attach XDP: they need root, and in `make test` a kernel
# test that would skip fails instead (NETSCOPE_REQUIRE_KERNEL_TESTS=1), so CI cannot pass without them.
# Browser tests (the web page in headless Chromium) likewise fail rather than skip (NETSCOPE_REQUIRE_BROWSER_TESTS=1);
# their screenshots land in build/test-artifacts/. NETSCOPE_UPDATE_SCREENSHOTS=1 refreshes docs/images/web-heatmap.png.
test: bpf test-bpf otlp-decoder
	NETSCOPE_REQUIRE_KERNEL_TESTS=1 NETSCOPE_REQUIRE_BROWSER_TESTS=1 $(DOTNET) test NetScope.sln -c $(CONFIG) --nologo
	bash deploy/validate.sh
	$(MAKE) --no-print-directory test-kernels

unit-test: bpf otlp-decoder
	NETSCOPE_REQUIRE_BROWSER_TESTS=1 $(DOTNET) test NetScope.sln -c $(CONFIG) --nologo --filter 'Category!=Kernel'

kernel-test: bpf test-bpf otlp-decoder
	NETSCOPE_REQUIRE_KERNEL_TESTS=1 NETSCOPE_REQUIRE_BROWSER_TESTS=1 $(DOTNET) test tests/NetScope.Kernel.Tests -c $(CONFIG) --nologo

# `netscope selftest` on every kernel of tests/kernels/matrix.json (docs/kernels.md): the host kernel
# directly, the others booted under qemu (software emulation) from an initramfs of the published agent.
$(INITRAMFS): build/netscope tests/kernels/init tests/kernels/build-initramfs.sh $(wildcard tests/corpus/xdp/* tests/corpus/xdp/packets/*)
	@mkdir -p $(@D)
	bash tests/kernels/build-initramfs.sh $(APP_DIR) tests/corpus/xdp $@

test-kernels: build kernel-deps
	@if command -v qemu-system-x86_64 >/dev/null && [ -x /bin/busybox ] && command -v cpio >/dev/null; then \
		$(MAKE) --no-print-directory $(INITRAMFS) && \
		/usr/bin/python3 tests/kernels/run-matrix.py --app $(APP_DIR) --initramfs $(INITRAMFS) --corpus tests/corpus/xdp --out build/kernels; \
	else \
		echo "test-kernels: qemu-system-x86_64, busybox or cpio missing: only the host kernel is tested"; \
		/usr/bin/python3 tests/kernels/run-matrix.py --only host --app $(APP_DIR) --initramfs $(INITRAMFS) --corpus tests/corpus/xdp --out build/kernels; \
	fi

# Benchmarks (bench/RESULTS.md); minutes long and root only, so not part of `make test`.
# BENCH=xdp|footprint|verifier|ring|probe|flood|syscalls runs one (default: all); BENCH=report only rebuilds
# RESULTS.md from the saved sections and bench/NOTES.md. The baselines and load tools are installed/built
# here: xdp-tools' filters (xdp), bpftrace (probe), nginx-light and wrk (flood), the empty XDP program,
# the ring-buffer producer and C consumer (ring), the ping-pong load (probe, syscalls) and the empty and
# minimal programs with their loader (probe's yardsticks).
BENCH ?= all
BENCH_APT := xdp-tools bpftrace nginx-light wrk
BENCH_BPF := $(patsubst bench/%.bpf.c,build/bench/%.bpf.o,$(wildcard bench/*.bpf.c))
BENCH_TOOLS := build/bench/ring_consumer build/bench/pingpong build/bench/probe_loader build/bench/probe_ab
bench: build $(BENCH_BPF) $(BENCH_TOOLS)
	$(call apt_ensure,bench,$(BENCH_APT))
	$(DOTNET) run --project bench/NetScope.Bench -c $(CONFIG) -- $(BENCH)

build/bench/%.bpf.o: bench/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(@D)
	$(BPF_CC) -I bpf -c $< -o $@

build/bench/%: bench/%.c
	@mkdir -p $(@D)
	$(CLANG) -O2 -Wall -Werror -pthread -I bpf $< -o $@ -lbpf

build/bench/pingpong build/bench/probe_ab: bench/pingpong_load.h

# Before/after of the TCP probe's programs (bench/NOTES.md): bpf/ at BASE against the working tree, with the probe
# benchmark's empty and minimal yardsticks, on one continuous in-process load (bench/probe_ab.c, run and summed up by
# bench/NetScope.Bench/ProbeAb.cs). Root; ROUNDS of about 5 s each. Example: make probe-ab BASE=HEAD~1
ROUNDS ?= 150
AB_DIR := build/bench/ab
probe-ab: bpf build/bench/probe_ab build/bench/empty_probe.bpf.o build/bench/minimal_probe.bpf.o
	@test -n "$(BASE)" || { echo "probe-ab: set BASE to the git revision to compare with, e.g. make probe-ab BASE=HEAD~1"; exit 2; }
	rm -rf $(AB_DIR) && mkdir -p $(AB_DIR)/src
	git archive -o $(AB_DIR)/base.tar "$(BASE)" bpf
	tar -x -C $(AB_DIR)/src -f $(AB_DIR)/base.tar
	$(BPF_CC) -I $(AB_DIR)/src/bpf -c $(AB_DIR)/src/bpf/tcp_latency.bpf.c -o $(AB_DIR)/tcp_latency-base.bpf.o
	$(DOTNET) run --project bench/NetScope.Bench -c $(CONFIG) -- probe-ab "$(BASE)" $(ROUNDS)

run: build
	./build/netscope run $(ARGS)

# Self-contained demo (root; docs/see-it.md): namespaces, nginx, traffic and a GET flood, the agent with a
# drop rule; everything is removed at the end. DURATION=20 stops it after 20 s (default: until Ctrl-C).
demo: build
	./build/netscope demo $(if $(DURATION),--duration $(DURATION)) $(ARGS)

# systemd install (docs/operations.md). PREFIX holds the published app; the config is kept on uninstall.
PREFIX ?= /opt/netscope
install: build
	install -d $(PREFIX) /etc/netscope
	cp -r $(APP_DIR)/. $(PREFIX)/
	ln -sf $(PREFIX)/netscope /usr/local/bin/netscope
	[ -e /etc/netscope/config.yaml ] || install -m 0644 deploy/systemd/config.yaml /etc/netscope/config.yaml
	install -m 0644 deploy/systemd/netscope.service /etc/systemd/system/netscope.service
	-systemctl daemon-reload && systemctl enable --now netscope

uninstall:
	-systemctl disable --now netscope
	rm -f /etc/systemd/system/netscope.service /usr/local/bin/netscope
	rm -rf $(PREFIX)
	-systemctl daemon-reload

clean:
	rm -rf build
	find src tests bench -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
