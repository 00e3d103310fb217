#!/usr/bin/env bash
# Builds the local control plane (kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl from Kubernetes v1.33.13, and etcd v3.5.21) from the pinned module in
# hack/controlplane into $SKIFF_CACHE (default ~/.cache/skiff). The first build takes
# about 8 minutes on 2 cores; later runs return in seconds. Parallel runs build once
# (file lock). This is the same code path `skiff up` uses.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./cmd/skiff build-controlplane "$@"
