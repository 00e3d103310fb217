#!/usr/bin/env bash
# Regenerates zz_generated.deepcopy.go only, for the given package dirs
# (default: every package under pkg/apis). Safe to run while other API
# packages are being edited, as long as it is given only the packages you own.
set -o errexit -o nounset -o pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${REPO_ROOT}"
MODULE=github.com/skiffhq/skiff
BIN="${REPO_ROOT}/bin/codegen"
mkdir -p "${BIN}"
GOFLAGS=-mod=vendor go build -o "${BIN}/deepcopy-gen" k8s.io/code-generator/cmd/deepcopy-gen

if [[ $# -eq 0 ]]; then
  mapfile -t DIRS < <(grep -rl --include='*.go' -e '+k8s:deepcopy-gen' pkg/apis | xargs -n1 dirname | sort -u)
else
  DIRS=("$@")
fi
PKGS=()
for d in "${DIRS[@]}"; do
  d="${d#./}"; d="${d%/}"
  PKGS+=("${MODULE}/${d}")
done
"${BIN}/deepcopy-gen" \
  --go-header-file hack/boilerplate.go.txt \
  --output-file zz_generated.deepcopy.go \
  --bounding-dirs "${MODULE}/pkg/apis" \
  "${PKGS[@]}"
