#!/usr/bin/env bash
# Offline validation of deploy/ (run by `make test`): renders deploy/kubernetes/base and
# deploy/kubernetes/least-privilege, validates every object against the Kubernetes API schemas
# (npm package kubernetes-models) and asserts the properties the agent relies on; checks the systemd
# unit and the Dockerfile's entry point; checks deploy/grafana/netscope-dashboard.json against Grafana's
# schema types (npm package @grafana/schema, compiled with typescript) and docs/metrics.md. Prints one line per check and "N passed, M failed".
# Needs node >= 18 and npm; installs the node tooling (npm ci) and systemd-analyze when missing.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="$here/validate"

setup_failed() {
    echo "FAIL $1"
    echo "0 passed, 1 failed"
    exit 1
}

command -v node >/dev/null && command -v npm >/dev/null || setup_failed "node and npm are required (Debian: apt-get install nodejs npm)"

# Reinstall only when package-lock.json changed since the last install.
if [ ! -f "$tools/node_modules/.package-lock.json" ] || [ "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]; then
    echo "validate: npm ci in deploy/validate" >&2
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || setup_failed "npm ci in deploy/validate"
fi

# systemd-analyze (Debian package systemd) lints the unit file; optional if apt cannot provide it.
if ! command -v systemd-analyze >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "validate: installing systemd (for systemd-analyze)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd; } >/dev/null 2>&1 \
        || echo "validate: could not install systemd; its check will be skipped" >&2
fi

exec node "$tools/validate.js"
