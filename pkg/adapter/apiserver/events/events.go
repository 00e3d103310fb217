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

// Package events turns Kubernetes objects into the ApiServerSource's
// CloudEvents: dev.knative.apiserver.resource.{add,update,delete} with the
// object as data (Resource mode), or dev.knative.apiserver.ref.* with an
// object reference (Reference mode); source is the apiserver's URL and
// subject the object's path.
package events

import (
	"context"
	"fmt"
	"strings"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/skiffhq/skiff/pkg/adapter/v2"
	"github.com/skiffhq/skiff/pkg/apis/sources"
)

const resourceGroup = "apiserversources.sources.knative.dev"

// MakeAddEvent is the event of an object being added.
func MakeAddEvent(source, apiServerSourceName string, obj interface{}, ref bool) (context.Context, cloudevents.Event, error) {
	return makeModeEvent(source, apiServerSourceName, obj, ref,
		sources.ApiServerSourceAddRefEventType, sources.ApiServerSourceAddEventType)
}

// MakeUpdateEvent is the event of an object being updated.
func MakeUpdateEvent(source, apiServerSourceName string, obj interface{}, ref bool) (context.Context, cloudevents.Event, error) {
	return makeModeEvent(source, apiServerSourceName, obj, ref,
		sources.ApiServerSourceUpdateRefEventType, sources.ApiServerSourceUpdateEventType)
}

// MakeDeleteEvent is the event of an object being deleted.
func MakeDeleteEvent(source, apiServerSourceName string, obj interface{}, ref bool) (context.Context, cloudevents.Event, error) {
	return makeModeEvent(source, apiServerSourceName, obj, ref,
		sources.ApiServerSourceDeleteRefEventType, sources.ApiServerSourceDeleteEventType)
}

func makeModeEvent(source, apiServerSourceName string, obj interface{}, ref bool, refType, resourceType string) (context.Context, cloudevents.Event, error) {
	if obj == nil {
		return nil, cloudevents.Event{}, fmt.Errorf("resource can not be nil")
	}
	object, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return nil, cloudevents.Event{}, fmt.Errorf("resource is a %T, not an *unstructured.Unstructured", obj)
	}
	if ref {
		return makeEvent(source, apiServerSourceName, refType, object, getRef(object))
	}
	return makeEvent(source, apiServerSourceName, resourceType, object, object)
}

func getRef(object *unstructured.Unstructured) corev1.ObjectReference {
	return corev1.ObjectReference{
		APIVersion: object.GetAPIVersion(),
		Kind:       object.GetKind(),
		Name:       object.GetName(),
		Namespace:  object.GetNamespace(),
	}
}

func makeEvent(source, apiServerSourceName, eventType string, obj *unstructured.Unstructured, data interface{}) (context.Context, cloudevents.Event, error) {
	resourceName := obj.GetName()
	kind := obj.GetKind()
	namespace := obj.GetNamespace()
	subject := createSelfLink(corev1.ObjectReference{
		APIVersion: obj.GetAPIVersion(),
		Kind:       kind,
		Name:       resourceName,
		Namespace:  namespace,
	})

	event := cloudevents.NewEvent(cloudevents.VersionV1)
	event.SetType(eventType)
	event.SetSource(source)
	event.SetSubject(subject)
	// Extensions make the object's identity filterable by triggers.
	event.SetExtension("kind", kind)
	event.SetExtension("apiversion", obj.GetAPIVersion())
	event.SetExtension("name", resourceName)
	event.SetExtension("namespace", namespace)
	if err := event.SetData(cloudevents.ApplicationJSON, data); err != nil {
		return nil, event, fmt.Errorf("encoding the event data: %w", err)
	}

	ctx := adapter.ContextWithMetricTag(context.Background(), &adapter.MetricTag{
		Namespace:     namespace,
		Name:          apiServerSourceName,
		ResourceGroup: resourceGroup,
	})
	ctx = cloudevents.ContextWithRetriesExponentialBackoff(ctx, 50*time.Millisecond, 5)
	return ctx, event, nil
}

// createSelfLink is the object's API path, e.g.
// /apis/v1/namespaces/default/pods/foo (upstream's format: core objects
// keep the /apis prefix).
func createSelfLink(o corev1.ObjectReference) string {
	gvr, _ := meta.UnsafeGuessKindToResource(o.GroupVersionKind())
	versionNameHack := o.APIVersion
	// A group without a version cannot be parsed back; keep it parseable.
	if strings.Contains(versionNameHack, ".") && !strings.Contains(versionNameHack, "/") {
		versionNameHack += "/versionUnknown"
	}
	return fmt.Sprintf("/apis/%s/namespaces/%s/%s/%s", versionNameHack, o.Namespace, gvr.Resource, o.Name)
}
