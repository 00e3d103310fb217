#!/usr/bin/env bash
# The test command of this repository (README "Test"; .ci/run runs exactly this).
#   1. builds the local control plane into its cache (same code as `skiff up`;
#      a no-op when cached; the cold build takes ~8 minutes on 2 cores),
#   2. gofmt, go vet, hack/verify-codegen.sh,
#   3. go test ./... (vendored) with a timeout long enough for the
#      integration packages, which share one control plane per test binary.
set -o errexit -o nounset -o pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "${REPO_ROOT}"
export GOFLAGS=-mod=vendor

step() { echo; echo "=== $* ($(date +%T))"; }

step "control plane cache"
hack/build-controlplane.sh

step "gofmt"
unformatted="$(gofmt -l cmd pkg hack config test 2>/dev/null | grep -v '^hack/controlplane/' || true)"
if [[ -n "${unformatted}" ]]; then
  echo "gofmt needed on:"; echo "${unformatted}"; exit 1
fi

step "go build"
go build ./...

step "go vet"
go vet ./...

step "verify-codegen"
hack/verify-codegen.sh

step "go test"
go test -count=1 -timeout 30m "$@" ./...
