/*
Copyright 2026 The Skiff Authors

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package resources builds what the PingSource reconciler writes: the
// environment of the shared pingsource-mt-adapter.
package resources

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/system"

	"github.com/skiffhq/skiff/pkg/adapter/mtping"
	"github.com/skiffhq/skiff/pkg/adapter/v2"
)

const (
	// MTAdapterName is the Deployment (in the system namespace) that sends
	// the ticks of every PingSource.
	MTAdapterName = "pingsource-mt-adapter"
	// ContainerName is its container whose environment is reconciled.
	ContainerName = "dispatcher"
)

// Args are the adapter's settings.
type Args struct {
	// ConfigEnvVars carry the logging, metrics and tracing configuration.
	ConfigEnvVars []corev1.EnvVar
	// LeConfig is the leader election configuration of the component
	// "pingsource", as JSON.
	LeConfig        string
	NoShutdownAfter int
	SinkTimeout     int
}

// MakeReceiveAdapterEnvVar is the environment of the adapter's dispatcher
// container.
func MakeReceiveAdapterEnvVar(args Args) []corev1.EnvVar {
	envs := []corev1.EnvVar{{
		Name: adapter.EnvConfigNamespace,
		ValueFrom: &corev1.EnvVarSource{
			FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"},
		},
	}, {
		Name: system.NamespaceEnvKey,
		ValueFrom: &corev1.EnvVarSource{
			FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"},
		},
	}, {
		Name:  adapter.EnvConfigLeaderElectionConfig,
		Value: args.LeConfig,
	}, {
		Name:  mtping.EnvNoShutdownAfter,
		Value: strconv.Itoa(args.NoShutdownAfter),
	}, {
		Name:  adapter.EnvSinkTimeout,
		Value: strconv.Itoa(args.SinkTimeout),
	}}
	return append(envs, args.ConfigEnvVars...)
}

const controllerAgentName = "ping-source-controller"

// Labels are the labels of a PingSource's resources.
func Labels(name string) map[string]string {
	return map[string]string{
		"sources.knative.dev/pingSource": name,
		"eventing.knative.dev/source":    controllerAgentName,
	}
}
