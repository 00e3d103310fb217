#!/usr/bin/env bash
# Fails if any generated file differs from what hack/update-codegen.sh would
# write now. Works on a scratch copy, so the checkout is never modified.
set -o errexit -o nounset -o pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "${SCRATCH}"' EXIT

# Same module path in the copy, so generators emit identical import paths.
tar -C "${REPO_ROOT}" --exclude=./.git --exclude=./bin --exclude=./hack/controlplane -cf - . | tar -C "${SCRATCH}" -xf -
"${SCRATCH}/hack/update-codegen.sh" >"${SCRATCH}/codegen.log" 2>&1 || {
  cat "${SCRATCH}/codegen.log"; echo "verify-codegen: generation failed" >&2; exit 1; }

status=0
for d in pkg/client config; do
  if ! diff -r -q "${REPO_ROOT}/${d}" "${SCRATCH}/${d}"; then status=1; fi
done
while IFS= read -r f; do
  rel="${f#${SCRATCH}/}"
  if ! cmp -s "${f}" "${REPO_ROOT}/${rel}"; then echo "stale: ${rel}"; status=1; fi
done < <(find "${SCRATCH}/pkg/apis" -name 'zz_generated.*.go')
# A generated file in the repo that generation no longer produces is stale too.
while IFS= read -r f; do
  rel="${f#${REPO_ROOT}/}"
  [[ -f "${SCRATCH}/${rel}" ]] || { echo "stale (no longer generated): ${rel}"; status=1; }
done < <(find "${REPO_ROOT}/pkg/apis" -name 'zz_generated.*.go')

if [[ ${status} -ne 0 ]]; then
  echo "verify-codegen: generated code is out of date; run hack/update-codegen.sh" >&2
  exit 1
fi
echo "verify-codegen: generated code is up to date"
