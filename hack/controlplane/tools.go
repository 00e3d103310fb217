//go:build tools

// Package controlplane pins the control-plane main packages so `go mod tidy` keeps their
// dependencies; the builder runs `go build` on exactly these import paths.
package controlplane

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
