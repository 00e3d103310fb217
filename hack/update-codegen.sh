#!/usr/bin/env bash
# Regenerates everything generated in this repo, offline, from vendor/:
#   - deepcopy (zz_generated.deepcopy.go) for every package under pkg/apis
#   - clientset, listers, informers                      -> pkg/client/{clientset,listers,informers}
#   - knative injection clients/informers/ducks and
#     +genreconciler reconcilers                          -> pkg/client/injection
#   - knative injection for Istio's clientset (net-istio) -> pkg/client/istio/injection
#   - CRD YAMLs with structural schemas                   -> config/**/300-resources
#   - knative.dev/example-checksum of ConfigMaps          -> config/**
set -o errexit -o nounset -o pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "${REPO_ROOT}"
export GOFLAGS=-mod=vendor
MODULE=github.com/skiffhq/skiff
BOILERPLATE="${REPO_ROOT}/hack/boilerplate.go.txt"
BIN="${REPO_ROOT}/bin/codegen"
mkdir -p "${BIN}"

# Groups with clients: <group>:<version>.
CLIENT_GVS=(serving:v1 autoscaling:v1alpha1 networking:v1alpha1 eventing:v1 messaging:v1 sources:v1)
# Duck-only groups: deepcopy + injection ducks, no clientset.
DUCK_GVS=(duck:v1)

echo "=== building generators"
go build -o "${BIN}" \
  k8s.io/code-generator/cmd/deepcopy-gen \
  k8s.io/code-generator/cmd/client-gen \
  k8s.io/code-generator/cmd/lister-gen \
  k8s.io/code-generator/cmd/informer-gen \
  knative.dev/pkg/codegen/cmd/injection-gen

join() { local IFS="$1"; shift; echo "$*"; }

API_PKGS=()
for gv in "${CLIENT_GVS[@]}"; do API_PKGS+=("${MODULE}/pkg/apis/${gv%%:*}/${gv##*:}"); done
DUCK_PKGS=()
for gv in "${DUCK_GVS[@]}"; do DUCK_PKGS+=("${MODULE}/pkg/apis/${gv%%:*}/${gv##*:}"); done

echo "=== deepcopy"
mapfile -t DEEPCOPY_DIRS < <(grep -rl --include='*.go' -e '+k8s:deepcopy-gen' pkg/apis | xargs -n1 dirname | sort -u)
DEEPCOPY_PKGS=()
for d in "${DEEPCOPY_DIRS[@]}"; do DEEPCOPY_PKGS+=("${MODULE}/${d}"); done
"${BIN}/deepcopy-gen" --go-header-file "${BOILERPLATE}" --output-file zz_generated.deepcopy.go \
  --bounding-dirs "${MODULE}/pkg/apis" "${DEEPCOPY_PKGS[@]}"

echo "=== clientset, listers, informers"
rm -rf "${REPO_ROOT}/pkg/client/clientset" "${REPO_ROOT}/pkg/client/listers" "${REPO_ROOT}/pkg/client/informers"
INPUTS=()
for gv in "${CLIENT_GVS[@]}"; do INPUTS+=(--input "${gv%%:*}/${gv##*:}"); done
"${BIN}/client-gen" --go-header-file "${BOILERPLATE}" \
  --clientset-name versioned --input-base "${MODULE}/pkg/apis" "${INPUTS[@]}" \
  --output-dir "${REPO_ROOT}/pkg/client/clientset" --output-pkg "${MODULE}/pkg/client/clientset"
"${BIN}/lister-gen" --go-header-file "${BOILERPLATE}" \
  --output-dir "${REPO_ROOT}/pkg/client/listers" --output-pkg "${MODULE}/pkg/client/listers" "${API_PKGS[@]}"
"${BIN}/informer-gen" --go-header-file "${BOILERPLATE}" \
  --output-dir "${REPO_ROOT}/pkg/client/informers" --output-pkg "${MODULE}/pkg/client/informers" \
  --versioned-clientset-package "${MODULE}/pkg/client/clientset/versioned" \
  --listers-package "${MODULE}/pkg/client/listers" "${API_PKGS[@]}"

# injection-gen is gengo-v1 based: it writes <output-base>/<import path>.
SCRATCH="$(mktemp -d)"
trap 'rm -rf "${SCRATCH}"' EXIT

echo "=== knative injection + genreconciler"
"${BIN}/injection-gen" --go-header-file "${BOILERPLATE}" \
  --input-dirs "$(join , "${API_PKGS[@]}" "${DUCK_PKGS[@]}")" \
  --versioned-clientset-package "${MODULE}/pkg/client/clientset/versioned" \
  --external-versions-informers-package "${MODULE}/pkg/client/informers/externalversions" \
  --listers-package "${MODULE}/pkg/client/listers" \
  --output-base "${SCRATCH}" --output-package "${MODULE}/pkg/client/injection"
rm -rf "${REPO_ROOT}/pkg/client/injection"
mkdir -p "${REPO_ROOT}/pkg/client"
cp -r "${SCRATCH}/${MODULE}/pkg/client/injection" "${REPO_ROOT}/pkg/client/injection"

echo "=== knative injection for Istio networking (net-istio)"
"${BIN}/injection-gen" --go-header-file "${BOILERPLATE}" \
  --input-dirs istio.io/client-go/pkg/apis/networking/v1beta1 \
  --versioned-clientset-package istio.io/client-go/pkg/clientset/versioned \
  --external-versions-informers-package istio.io/client-go/pkg/informers/externalversions \
  --listers-package istio.io/client-go/pkg/listers \
  --output-base "${SCRATCH}" --output-package "${MODULE}/pkg/client/istio/injection"
rm -rf "${REPO_ROOT}/pkg/client/istio"
mkdir -p "${REPO_ROOT}/pkg/client/istio"
cp -r "${SCRATCH}/${MODULE}/pkg/client/istio/injection" "${REPO_ROOT}/pkg/client/istio/injection"

echo "=== CRDs (config/**/300-resources) from pkg/apis"
go run ./hack/crdgen -root "${REPO_ROOT}"

echo "=== ConfigMap _example checksums"
go run ./hack/checksums -root "${REPO_ROOT}/config"

echo "=== done"
