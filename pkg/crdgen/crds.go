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

package crdgen

import (
	"encoding/json"
	"fmt"

	"reflect"
	"sigs.k8s.io/yaml"
	"strings"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	networkingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	servingv1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
)

// Kind describes one CRD: its names, where its YAML lives in config/, and
// its printer columns (upstream Knative 1.17's, plus the seed's where it shows more).
type Kind struct {
	Group, Version, Kind, Plural string
	ShortNames, Categories       []string
	Labels                       map[string]string
	Columns                      []apiextv1.CustomResourceColumnDefinition
	// Object is a zero value of the Go type (e.g. &servingv1.Service{}).
	Object any
	// File is the path of the CRD's YAML, relative to the repository root.
	File string
}

func col(name, typ, path string) apiextv1.CustomResourceColumnDefinition {
	return apiextv1.CustomResourceColumnDefinition{Name: name, Type: typ, JSONPath: path}
}

var (
	readyCol  = col("Ready", "string", ".status.conditions[?(@.type=='Ready')].status")
	reasonCol = col("Reason", "string", ".status.conditions[?(@.type=='Ready')].reason")
	ageCol    = col("Age", "date", ".metadata.creationTimestamp")
	urlCol    = col("URL", "string", ".status.url")
	addrCol   = col("URL", "string", ".status.address.url")
	sinkCol   = col("Sink", "string", ".status.sinkUri")
)

func labels(app string, extra ...string) map[string]string {
	l := map[string]string{
		"app.kubernetes.io/name":    app,
		"app.kubernetes.io/version": "devel",
		"knative.dev/crd-install":   "true",
	}
	for _, e := range extra {
		k, v, _ := strings.Cut(e, "=")
		l[k] = v
	}
	return l
}

// Kinds is every CRD Skiff installs.
var Kinds = []Kind{
	// serving.knative.dev
	{
		Group: "serving.knative.dev", Version: "v1", Kind: "Service", Plural: "services",
		ShortNames: []string{"kservice", "ksvc"}, Categories: []string{"all", "knative", "serving"},
		Labels:  labels("knative-serving", "duck.knative.dev/addressable=true", "duck.knative.dev/podspecable=true"),
		Columns: []apiextv1.CustomResourceColumnDefinition{urlCol, col("LatestCreated", "string", ".status.latestCreatedRevisionName"), col("LatestReady", "string", ".status.latestReadyRevisionName"), readyCol, reasonCol},
		Object:  &servingv1.Service{}, File: "config/core/300-resources/service.yaml",
	},
	{
		Group: "serving.knative.dev", Version: "v1", Kind: "Configuration", Plural: "configurations",
		ShortNames: []string{"config", "cfg"}, Categories: []string{"all", "knative", "serving"},
		Labels:  labels("knative-serving", "duck.knative.dev/podspecable=true"),
		Columns: []apiextv1.CustomResourceColumnDefinition{col("LatestCreated", "string", ".status.latestCreatedRevisionName"), col("LatestReady", "string", ".status.latestReadyRevisionName"), readyCol, reasonCol},
		Object:  &servingv1.Configuration{}, File: "config/core/300-resources/configuration.yaml",
	},
	{
		Group: "serving.knative.dev", Version: "v1", Kind: "Revision", Plural: "revisions",
		ShortNames: []string{"rev"}, Categories: []string{"all", "knative", "serving"},
		Labels: labels("knative-serving"),
		// The seed also prints K8S SERVICE NAME: a revision's public
		// Kubernetes Service is named after the revision itself.
		Columns: []apiextv1.CustomResourceColumnDefinition{
			col("Config Name", "string", ".metadata.labels['serving\\.knative\\.dev/configuration']"),
			col("K8s Service Name", "string", ".metadata.name"),
			col("Generation", "string", ".metadata.labels['serving\\.knative\\.dev/configurationGeneration']"),
			readyCol, reasonCol,
			col("Actual Replicas", "integer", ".status.actualReplicas"),
			col("Desired Replicas", "integer", ".status.desiredReplicas"),
		},
		Object: &servingv1.Revision{}, File: "config/core/300-resources/revision.yaml",
	},
	{
		Group: "serving.knative.dev", Version: "v1", Kind: "Route", Plural: "routes",
		ShortNames: []string{"rt"}, Categories: []string{"all", "knative", "serving"},
		Labels:  labels("knative-serving", "duck.knative.dev/addressable=true"),
		Columns: []apiextv1.CustomResourceColumnDefinition{urlCol, readyCol, reasonCol},
		Object:  &servingv1.Route{}, File: "config/core/300-resources/route.yaml",
	},
	// autoscaling.internal.knative.dev
	{
		Group: "autoscaling.internal.knative.dev", Version: "v1alpha1", Kind: "PodAutoscaler", Plural: "podautoscalers",
		ShortNames: []string{"kpa", "pa"}, Categories: []string{"knative-internal", "autoscaling"},
		Labels:  labels("knative-serving"),
		Columns: []apiextv1.CustomResourceColumnDefinition{col("DesiredScale", "integer", ".status.desiredScale"), col("ActualScale", "integer", ".status.actualScale"), readyCol, reasonCol},
		Object:  &autoscalingv1alpha1.PodAutoscaler{}, File: "config/core/300-resources/podautoscaler.yaml",
	},
	{
		Group: "autoscaling.internal.knative.dev", Version: "v1alpha1", Kind: "Metric", Plural: "metrics",
		Categories: []string{"knative-internal", "autoscaling"},
		Labels:     labels("knative-serving"),
		Columns:    []apiextv1.CustomResourceColumnDefinition{readyCol, reasonCol},
		Object:     &autoscalingv1alpha1.Metric{}, File: "config/core/300-resources/metric.yaml",
	},
	// networking.internal.knative.dev
	{
		Group: "networking.internal.knative.dev", Version: "v1alpha1", Kind: "Ingress", Plural: "ingresses",
		ShortNames: []string{"kingress", "king"}, Categories: []string{"knative-internal", "networking"},
		Labels:  labels("knative-serving", "app.kubernetes.io/component=networking"),
		Columns: []apiextv1.CustomResourceColumnDefinition{readyCol, reasonCol},
		Object:  &networkingv1alpha1.Ingress{}, File: "config/core/300-resources/ingress.yaml",
	},
	{
		Group: "networking.internal.knative.dev", Version: "v1alpha1", Kind: "ServerlessService", Plural: "serverlessservices",
		ShortNames: []string{"sks"}, Categories: []string{"knative-internal", "networking"},
		Labels: labels("knative-serving", "app.kubernetes.io/component=networking"),
		Columns: []apiextv1.CustomResourceColumnDefinition{
			col("Mode", "string", ".spec.mode"), col("Activators", "integer", ".spec.numActivators"),
			col("ServiceName", "string", ".status.serviceName"), col("PrivateServiceName", "string", ".status.privateServiceName"),
			readyCol, reasonCol,
		},
		Object: &networkingv1alpha1.ServerlessService{}, File: "config/core/300-resources/serverlessservice.yaml",
	},
	// eventing.knative.dev
	{
		Group: "eventing.knative.dev", Version: "v1", Kind: "Broker", Plural: "brokers",
		Categories: []string{"all", "knative", "eventing"},
		Labels:     labels("knative-eventing", "duck.knative.dev/addressable=true"),
		Columns: []apiextv1.CustomResourceColumnDefinition{addrCol, ageCol, readyCol, reasonCol,
			{Name: "Class", Type: "string", Priority: 1, JSONPath: ".metadata.annotations.eventing\\.knative\\.dev/broker\\.class"}},
		Object: &eventingv1.Broker{}, File: "config/eventing/300-resources/broker.yaml",
	},
	{
		Group: "eventing.knative.dev", Version: "v1", Kind: "Trigger", Plural: "triggers",
		Categories: []string{"all", "knative", "eventing"},
		Labels:     labels("knative-eventing"),
		Columns:    []apiextv1.CustomResourceColumnDefinition{col("Broker", "string", ".spec.broker"), col("Subscriber_URI", "string", ".status.subscriberUri"), ageCol, readyCol, reasonCol},
		Object:     &eventingv1.Trigger{}, File: "config/eventing/300-resources/trigger.yaml",
	},
	// messaging.knative.dev
	{
		Group: "messaging.knative.dev", Version: "v1", Kind: "Channel", Plural: "channels",
		ShortNames: []string{"ch"}, Categories: []string{"all", "knative", "messaging", "channel"},
		Labels:  labels("knative-eventing", "messaging.knative.dev/subscribable=true", "duck.knative.dev/addressable=true"),
		Columns: []apiextv1.CustomResourceColumnDefinition{addrCol, ageCol, readyCol, reasonCol},
		Object:  &messagingv1.Channel{}, File: "config/eventing/300-resources/channel.yaml",
	},
	{
		Group: "messaging.knative.dev", Version: "v1", Kind: "InMemoryChannel", Plural: "inmemorychannels",
		ShortNames: []string{"imc"}, Categories: []string{"all", "knative", "messaging", "channel"},
		Labels:  labels("knative-eventing", "messaging.knative.dev/subscribable=true", "duck.knative.dev/addressable=true"),
		Columns: []apiextv1.CustomResourceColumnDefinition{addrCol, ageCol, readyCol, reasonCol},
		Object:  &messagingv1.InMemoryChannel{}, File: "config/eventing/300-resources/inmemorychannel.yaml",
	},
	{
		Group: "messaging.knative.dev", Version: "v1", Kind: "Subscription", Plural: "subscriptions",
		ShortNames: []string{"sub"}, Categories: []string{"all", "knative", "messaging"},
		Labels:  labels("knative-eventing"),
		Columns: []apiextv1.CustomResourceColumnDefinition{ageCol, readyCol, reasonCol},
		Object:  &messagingv1.Subscription{}, File: "config/eventing/300-resources/subscription.yaml",
	},
	// sources.knative.dev
	{
		Group: "sources.knative.dev", Version: "v1", Kind: "PingSource", Plural: "pingsources",
		Categories: []string{"all", "knative", "sources"},
		Labels:     labels("knative-eventing", "eventing.knative.dev/source=true", "duck.knative.dev/source=true"),
		Columns:    []apiextv1.CustomResourceColumnDefinition{sinkCol, col("Schedule", "string", ".spec.schedule"), ageCol, readyCol, reasonCol},
		Object:     &sourcesv1.PingSource{}, File: "config/eventing/300-resources/pingsource.yaml",
	},
	{
		Group: "sources.knative.dev", Version: "v1", Kind: "ApiServerSource", Plural: "apiserversources",
		Categories: []string{"all", "knative", "sources"},
		Labels:     labels("knative-eventing", "eventing.knative.dev/source=true", "duck.knative.dev/source=true"),
		Columns:    []apiextv1.CustomResourceColumnDefinition{sinkCol, ageCol, readyCol, reasonCol},
		Object:     &sourcesv1.ApiServerSource{}, File: "config/eventing/300-resources/apiserversource.yaml",
	},
	{
		Group: "sources.knative.dev", Version: "v1", Kind: "ContainerSource", Plural: "containersources",
		Categories: []string{"all", "knative", "sources"},
		Labels:     labels("knative-eventing", "eventing.knative.dev/source=true", "duck.knative.dev/source=true"),
		Columns:    []apiextv1.CustomResourceColumnDefinition{sinkCol, ageCol, readyCol, reasonCol},
		Object:     &sourcesv1.ContainerSource{}, File: "config/eventing/300-resources/containersource.yaml",
	},
	{
		Group: "sources.knative.dev", Version: "v1", Kind: "SinkBinding", Plural: "sinkbindings",
		Categories: []string{"all", "knative", "sources", "bindings"},
		Labels:     labels("knative-eventing", "eventing.knative.dev/source=true", "duck.knative.dev/source=true", "duck.knative.dev/binding=true"),
		Columns:    []apiextv1.CustomResourceColumnDefinition{sinkCol, ageCol, readyCol, reasonCol},
		Object:     &sourcesv1.SinkBinding{}, File: "config/eventing/300-resources/sinkbinding.yaml",
	},
}

// CRD builds the CustomResourceDefinition of k.
func CRD(k Kind) *apiextv1.CustomResourceDefinition {
	schema := SchemaFor(reflect.TypeOf(k.Object))
	return &apiextv1.CustomResourceDefinition{
		TypeMeta: metav1.TypeMeta{APIVersion: "apiextensions.k8s.io/v1", Kind: "CustomResourceDefinition"},
		ObjectMeta: metav1.ObjectMeta{
			Name:   k.Plural + "." + k.Group,
			Labels: k.Labels,
		},
		Spec: apiextv1.CustomResourceDefinitionSpec{
			Group: k.Group,
			Names: apiextv1.CustomResourceDefinitionNames{
				Kind:       k.Kind,
				ListKind:   k.Kind + "List",
				Plural:     k.Plural,
				Singular:   strings.ToLower(k.Kind),
				ShortNames: k.ShortNames,
				Categories: k.Categories,
			},
			Scope: apiextv1.NamespaceScoped,
			Versions: []apiextv1.CustomResourceDefinitionVersion{{
				Name:                     k.Version,
				Served:                   true,
				Storage:                  true,
				Subresources:             &apiextv1.CustomResourceSubresources{Status: &apiextv1.CustomResourceSubresourceStatus{}},
				Schema:                   &apiextv1.CustomResourceValidation{OpenAPIV3Schema: &schema},
				AdditionalPrinterColumns: k.Columns,
			}},
		},
	}
}

// YAML renders the CRD of k as it is committed under config/: without the
// empty status and creationTimestamp that a typed object always carries.
func YAML(k Kind) ([]byte, error) {
	js, err := json.Marshal(CRD(k))
	if err != nil {
		return nil, fmt.Errorf("encoding CRD %s: %w", k.Kind, err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, fmt.Errorf("decoding CRD %s: %w", k.Kind, err)
	}
	delete(m, "status")
	if meta, ok := m["metadata"].(map[string]any); ok {
		delete(meta, "creationTimestamp")
	}
	return yaml.Marshal(m)
}
