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

// Package resources builds the Istio resources of a KIngress: its
// VirtualServices and the Gateways they bind to, as upstream net-istio.
package resources

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/pkg/kmeta"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/reconciler/ingress/istio/config"
)

// GatewaysFromContext returns, per visibility, the Gateways of config-istio
// serving the Ingress: those whose label selector matches its labels, else
// the default (selector-less) ones.
func GatewaysFromContext(ctx context.Context, obj kmeta.Accessor) (map[v1alpha1.IngressVisibility][]config.Gateway, error) {
	ret := make(map[v1alpha1.IngressVisibility][]config.Gateway)
	istioConfig := config.FromContext(ctx).Istio

	externalGateways, err := filterGateway(istioConfig.IngressGateways, obj.GetLabels())
	if err != nil {
		return ret, fmt.Errorf("failed to filter external gateways: %w", err)
	}
	if len(externalGateways) == 0 {
		externalGateways = istioConfig.DefaultExternalGateways()
	}
	ret[v1alpha1.IngressVisibilityExternalIP] = externalGateways

	localGateways, err := filterGateway(istioConfig.LocalGateways, obj.GetLabels())
	if err != nil {
		return ret, fmt.Errorf("failed to filter local gateways: %w", err)
	}
	if len(localGateways) == 0 {
		localGateways = istioConfig.DefaultLocalGateways()
	}
	ret[v1alpha1.IngressVisibilityClusterLocal] = localGateways
	return ret, nil
}

// QualifiedGatewayNamesFromContext is GatewaysFromContext as sets of
// "namespace/name".
func QualifiedGatewayNamesFromContext(ctx context.Context, obj kmeta.Accessor) (map[v1alpha1.IngressVisibility]sets.Set[string], error) {
	ret := make(map[v1alpha1.IngressVisibility]sets.Set[string])
	gateways, err := GatewaysFromContext(ctx, obj)
	if err != nil {
		return ret, fmt.Errorf("failed to get gateways from configuration: %w", err)
	}
	for _, visibility := range []v1alpha1.IngressVisibility{v1alpha1.IngressVisibilityClusterLocal, v1alpha1.IngressVisibilityExternalIP} {
		ret[visibility] = sets.New[string]()
		for _, gtw := range gateways[visibility] {
			ret[visibility].Insert(gtw.QualifiedName())
		}
	}
	return ret, nil
}

func filterGateway(gtws []config.Gateway, ingressLabels map[string]string) ([]config.Gateway, error) {
	ret := make([]config.Gateway, 0, 1)
	for _, gtw := range gtws {
		if gtw.LabelSelector == nil { // default value
			continue
		}
		selector, err := metav1.LabelSelectorAsSelector(gtw.LabelSelector)
		if err != nil {
			return ret, fmt.Errorf("failed to create selector from gateway (%s) label selector: %w", gtw.QualifiedName(), err)
		}
		if !selector.Matches(fields.Set(ingressLabels)) {
			continue
		}
		ret = append(ret, gtw)
	}
	return ret, nil
}
