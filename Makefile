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
# nginx-light serves the demo's page (its echo module gives delayed paths); tmux runs `netscope top` in the tests.
APT_PACKAGES := clang-16 llvm-16 libbpf-dev libbpf1 bpftool iproute2 curl python3-scapy nginx-light tmux

.PHONY: deps bpf build test unit-test kernel-test run demo install uninstall clean bench

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@command -v $(DOTNET) >/dev/null || { echo "deps: the .NET 10 SDK (dotnet) is required and not on PATH"; exit 1; }
	@# node/npm validate the deploy manifests; a machine may already have them from another source.
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }

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
test: bpf
	NETSCOPE_REQUIRE_KERNEL_TESTS=1 $(DOTNET) test NetScope.sln -c $(CONFIG) --nologo
	bash deploy/validate.sh

unit-test: bpf
	$(DOTNET) test NetScope.sln -c $(CONFIG) --nologo --filter 'Category!=Kernel'

kernel-test: bpf
	NETSCOPE_REQUIRE_KERNEL_TESTS=1 $(DOTNET) test tests/NetScope.Kernel.Tests -c $(CONFIG) --nologo

# Benchmarks (bench/RESULTS.md); minutes long and root only, so not part of `make test`.
# BENCH=xdp|footprint|verifier runs one; the baselines (empty XDP, xdp-tools' filters) are built/installed here.
BENCH ?= all
XDPFILT_OBJ := /usr/lib/x86_64-linux-gnu/bpf/xdpfilt_dny_all.o
bench: build
	@[ -e $(XDPFILT_OBJ) ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xdp-tools >/dev/null; }
	@mkdir -p build/bench
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -I bpf -c bench/xdp_empty.bpf.c -o build/bench/xdp_empty.bpf.o
	$(DOTNET) run --project bench/NetScope.Bench -c $(CONFIG) -- $(BENCH)

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
