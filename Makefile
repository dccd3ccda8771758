# NetScope build. `make run` and `make test` are all the set-up a fresh Debian 12 machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := build

CLANG       ?= clang-16
LLVM_STRIP  ?= llvm-strip-16
DOTNET      ?= dotnet
CONFIG      ?= Release
ARCH        := x86

BPF_SRC     := $(wildcard bpf/*.bpf.c)
BPF_HDRS    := $(wildcard bpf/*.h bpf/include/*.h)
BPF_OBJ     := $(patsubst bpf/%.bpf.c,build/bpf/%.bpf.o,$(BPF_SRC))
CS_SRC      := $(shell find src -name '*.cs' -o -name '*.csproj') Directory.Build.props Directory.Packages.props
APP_DIR     := build/app

# Debian packages the build and the tests use (checked one by one; only missing ones are installed).
APT_PACKAGES := clang-16 llvm-16 libbpf-dev libbpf1 bpftool iproute2 curl python3-scapy prometheus chromium

.PHONY: deps bpf build test unit-test kernel-test run install uninstall clean bench

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

bpf: deps $(BPF_OBJ)

build/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) | build/bpf
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -I bpf -c $< -o $@
	$(LLVM_STRIP) -g $@

build/bpf:
	mkdir -p $@

build: bpf build/netscope

build/netscope: $(BPF_OBJ) $(CS_SRC)
	$(DOTNET) publish src/NetScope.Agent -c $(CONFIG) -o $(APP_DIR) --nologo -v quiet
	ln -sf app/netscope build/netscope

# Kernel tests load BPF, create namespaces and attach XDP: they need root, and in `make test` a kernel
# test that would skip fails instead (NETSCOPE_REQUIRE_KERNEL_TESTS=1), so CI cannot pass without them.
# Browser tests (the web page in headless Chromium) likewise fail rather than skip (NETSCOPE_REQUIRE_BROWSER_TESTS=1);
# their screenshots land in build/test-artifacts/. NETSCOPE_UPDATE_SCREENSHOTS=1 refreshes docs/images/web-heatmap.png.
test: bpf
	NETSCOPE_REQUIRE_KERNEL_TESTS=1 NETSCOPE_REQUIRE_BROWSER_TESTS=1 $(DOTNET) test NetScope.sln -c $(CONFIG) --nologo
	bash deploy/validate.sh

unit-test: bpf
	NETSCOPE_REQUIRE_BROWSER_TESTS=1 $(DOTNET) test NetScope.sln -c $(CONFIG) --nologo --filter 'Category!=Kernel'

kernel-test: bpf
	NETSCOPE_REQUIRE_KERNEL_TESTS=1 NETSCOPE_REQUIRE_BROWSER_TESTS=1 $(DOTNET) test tests/NetScope.Kernel.Tests -c $(CONFIG) --nologo

# Benchmarks (bench/RESULTS.md); minutes long and root only, so not part of `make test`.
# BENCH=xdp|footprint|verifier|ring|probe|flood runs one (default: all); BENCH=report only rebuilds
# RESULTS.md from the saved sections and bench/NOTES.md. The baselines and load tools are installed/built
# here: xdp-tools' filters (xdp), bpftrace (probe), nginx-light and wrk (flood), the empty XDP program,
# the ring-buffer producer and C consumer (ring) and the ping-pong load (probe).
BENCH ?= all
BENCH_APT := xdp-tools bpftrace nginx-light wrk
bench: build
	$(call apt_ensure,bench,$(BENCH_APT))
	@mkdir -p build/bench
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -I bpf -c bench/xdp_empty.bpf.c -o build/bench/xdp_empty.bpf.o
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -I bpf -c bench/ring_producer.bpf.c -o build/bench/ring_producer.bpf.o
	$(CLANG) -O2 -Wall -Werror -I bpf bench/ring_consumer.c -o build/bench/ring_consumer -lbpf
	$(CLANG) -O2 -Wall -Werror -pthread bench/pingpong.c -o build/bench/pingpong
	$(DOTNET) run --project bench/NetScope.Bench -c $(CONFIG) -- $(BENCH)

run: build
	./build/netscope run $(ARGS)

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
