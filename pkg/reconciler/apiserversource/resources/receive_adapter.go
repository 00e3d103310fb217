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

// Package resources builds the receive adapter Deployment of an
// ApiServerSource.
package resources

import (
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/kmeta"
	"knative.dev/pkg/ptr"
	"knative.dev/pkg/system"

	"github.com/skiffhq/skiff/pkg/adapter/apiserver"
	"github.com/skiffhq/skiff/pkg/adapter/v2"
	v1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	reconcilersource "github.com/skiffhq/skiff/pkg/reconciler/source"
)

const (
	// containerName is the adapter's container.
	containerName = "receive-adapter"
	// EnvSourceConfig holds the adapter's apiserver.Config as JSON.
	EnvSourceConfig = "K_SOURCE_CONFIG"
)

// ReceiveAdapterArgs are what the receive adapter Deployment is made of.
type ReceiveAdapterArgs struct {
	Image         string
	Source        *v1.ApiServerSource
	Labels        map[string]string
	SinkURI       string
	CACerts       *string
	Configs       reconcilersource.ConfigAccessor
	Namespaces    []string
	AllNamespaces bool
	NodeSelector  map[string]string
}

// DeploymentName is the adapter Deployment's name:
// apiserversource-<source>-<uid>, shortened to a valid name.
func DeploymentName(src *v1.ApiServerSource) string {
	return kmeta.ChildName(fmt.Sprintf("apiserversource-%s-", src.Name), string(src.GetUID()))
}

// MakeReceiveAdapter is the adapter Deployment of args.Source: one replica
// running as the source's ServiceAccount.
func MakeReceiveAdapter(args *ReceiveAdapterArgs) (*appsv1.Deployment, error) {
	env, err := makeEnv(args)
	if err != nil {
		return nil, fmt.Errorf("error generating env vars: %w", err)
	}

	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:       args.Source.Namespace,
			Name:            DeploymentName(args.Source),
			Labels:          args.Labels,
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(args.Source)},
		},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: args.Labels},
			Replicas: ptr.Int32(1),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Annotations: map[string]string{"sidecar.istio.io/inject": "true"},
					Labels:      withKeyValue(args.Labels, "sidecar.istio.io/inject", "true"),
				},
				Spec: corev1.PodSpec{
					NodeSelector:       args.NodeSelector,
					ServiceAccountName: args.Source.Spec.ServiceAccountName,
					EnableServiceLinks: ptr.Bool(false),
					Containers: []corev1.Container{{
						Name:  containerName,
						Image: args.Image,
						Env:   env,
						Ports: []corev1.ContainerPort{{
							Name:          "metrics",
							ContainerPort: 9090,
						}, {
							Name:          "probes",
							ContainerPort: 8080,
						}},
						ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
							Path: "readiness",
							Port: intstr.FromString("probes"),
						}}},
						LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
							Path: "health",
							Port: intstr.FromString("probes"),
						}}},
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: ptr.Bool(false),
							ReadOnlyRootFilesystem:   ptr.Bool(true),
							RunAsNonRoot:             ptr.Bool(true),
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
							SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
						},
					}},
				},
			},
		},
	}, nil
}

// MakeConfig is the adapter's apiserver.Config for the source: the
// resources as GroupVersionResources with their selectors, and the
// namespaces the reconciler found.
func MakeConfig(args *ReceiveAdapterArgs) (*apiserver.Config, error) {
	cfg := &apiserver.Config{
		Namespaces:    args.Namespaces,
		Resources:     make([]apiserver.ResourceWatch, 0, len(args.Source.Spec.Resources)),
		ResourceOwner: args.Source.Spec.ResourceOwner,
		EventMode:     args.Source.Spec.EventMode,
		AllNamespaces: args.AllNamespaces,
		Filters:       args.Source.Spec.Filters,
	}
	for _, r := range args.Source.Spec.Resources {
		gv, err := schema.ParseGroupVersion(r.APIVersion)
		if err != nil {
			return nil, fmt.Errorf("failed to parse APIVersion: %w", err)
		}
		gvr, _ := meta.UnsafeGuessKindToResource(gv.WithKind(r.Kind))
		rw := apiserver.ResourceWatch{GVR: gvr}
		if r.LabelSelector != nil {
			selector, err := metav1.LabelSelectorAsSelector(r.LabelSelector)
			if err != nil {
				return nil, fmt.Errorf("invalid selector of %s: %w", r.Kind, err)
			}
			rw.LabelSelector = selector.String()
		}
		cfg.Resources = append(cfg.Resources, rw)
	}
	return cfg, nil
}

func makeEnv(args *ReceiveAdapterArgs) ([]corev1.EnvVar, error) {
	cfg, err := MakeConfig(args)
	if err != nil {
		return nil, err
	}
	config, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("serializing the adapter config: %w", err)
	}

	envs := []corev1.EnvVar{{
		Name:  adapter.EnvConfigSink,
		Value: args.SinkURI,
	}, {
		Name:  EnvSourceConfig,
		Value: string(config),
	}, {
		Name:  system.NamespaceEnvKey,
		Value: system.Namespace(),
	}, {
		Name: adapter.EnvConfigNamespace,
		ValueFrom: &corev1.EnvVarSource{
			FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"},
		},
	}, {
		Name:  adapter.EnvConfigName,
		Value: args.Source.Name,
	}, {
		Name:  "METRICS_DOMAIN",
		Value: "knative.dev/eventing",
	}}
	if args.CACerts != nil {
		envs = append(envs, corev1.EnvVar{Name: adapter.EnvConfigCACert, Value: *args.CACerts})
	}
	if args.Configs != nil {
		envs = append(envs, args.Configs.ToEnvVars()...)
	}
	if args.Source.Spec.CloudEventOverrides != nil {
		ceJSON, err := json.Marshal(args.Source.Spec.CloudEventOverrides)
		if err != nil {
			return nil, fmt.Errorf("failure to marshal cloud event overrides %v: %w", args.Source.Spec.CloudEventOverrides, err)
		}
		envs = append(envs, corev1.EnvVar{Name: adapter.EnvConfigCEOverrides, Value: string(ceJSON)})
	}
	return envs, nil
}

// withKeyValue returns labels with key=value added, copying labels rather
// than changing them.
func withKeyValue(labels map[string]string, key, value string) map[string]string {
	ret := make(map[string]string, len(labels)+1)
	for k, v := range labels {
		ret[k] = v
	}
	if _, ok := ret[key]; !ok {
		ret[key] = value
	}
	return ret
}

const controllerAgentName = "apiserver-source-controller"

// Labels are the labels of an ApiServerSource's adapter.
func Labels(name string) map[string]string {
	return map[string]string{
		"eventing.knative.dev/source":     controllerAgentName,
		"eventing.knative.dev/sourceName": name,
	}
}
