#!/usr/bin/env bash
# The main job (README): on a fresh Linux machine with Go and root, bring up Skiff and run
# the seed's Serving sample end to end:
#   1. build the local control plane into its cache (about 8 minutes the first time,
#      seconds afterwards),
#   2. skiff up: control plane, node agent, config/ installed and every component Ready,
#      the skiff-gateway LoadBalancer Service published on 127.0.0.1:$SKIFF_GATEWAY_PORT,
#   3. skiff image add dev.local/hello-go:serving examples/hello-go,
#   4. kubectl apply -f examples/hello-go/service.yaml and wait until it is Ready,
#   5. curl -H 'Host: hello-go.default.example.com' http://127.0.0.1:$SKIFF_GATEWAY_PORT
#      and print the answer (hello, world!).
# State stays in $SKIFF_HOME (default ~/.skiff); stop everything with `bin/skiff down`.
set -o errexit -o nounset -o pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "${REPO_ROOT}"
export GOFLAGS=-mod=vendor
export SKIFF_GATEWAY_PORT="${SKIFF_GATEWAY_PORT:-8080}"
HOST=hello-go.default.example.com
SKIFF="${REPO_ROOT}/bin/skiff"

step() { echo; echo "=== $* ($(date +%T))"; }

if [[ "$(id -u)" != 0 ]]; then
  echo "hack/hello-go.sh must run as root: the node agent runs each Pod in its own network, mount and" >&2
  echo "PID namespaces on the skiff0 bridge. Run: sudo -E hack/hello-go.sh" >&2
  exit 1
fi

step "control plane cache"
hack/build-controlplane.sh

step "go build -o bin/skiff ./cmd/skiff"
go build -o "${SKIFF}" ./cmd/skiff

step "skiff up"
"${SKIFF}" up --gateway-port "${SKIFF_GATEWAY_PORT}"

step "skiff image add dev.local/hello-go:serving examples/hello-go"
"${SKIFF}" image add dev.local/hello-go:serving examples/hello-go

step "kubectl apply -f examples/hello-go/service.yaml"
"${SKIFF}" kubectl apply -f examples/hello-go/service.yaml
"${SKIFF}" kubectl wait ksvc/hello-go --for=condition=Ready --timeout=180s
"${SKIFF}" kubectl get ksvc hello-go

step "curl -H 'Host: ${HOST}' http://127.0.0.1:${SKIFF_GATEWAY_PORT}"
answer="$(curl -sS --fail --max-time 60 -H "Host: ${HOST}" "http://127.0.0.1:${SKIFF_GATEWAY_PORT}")"
echo "${answer}"
[[ "${answer}" == "hello, world!" ]] || { echo "unexpected answer (want: hello, world!)" >&2; exit 1; }
