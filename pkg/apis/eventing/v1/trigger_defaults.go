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

package v1

import (
	"context"

	"knative.dev/pkg/apis"

	"github.com/skiffhq/skiff/pkg/apis/eventing"
	"github.com/skiffhq/skiff/pkg/apis/feature"
)

// SetDefaults defaults the spec and labels the Trigger with its Broker's
// name (eventing.knative.dev/broker), which the broker reconciler and the
// filter use to find a Broker's Triggers.
func (t *Trigger) SetDefaults(ctx context.Context) {
	withNS := apis.WithinParent(ctx, t.ObjectMeta)
	t.Spec.SetDefaults(withNS)
	setLabels(ctx, t)
}

// SetDefaults makes a missing filter pass everything and defaults the
// subscriber and dead letter sink ref namespaces to the Trigger's.
func (ts *TriggerSpec) SetDefaults(ctx context.Context) {
	if ts.Filter == nil {
		ts.Filter = &TriggerFilter{}
	}
	ts.Subscriber.SetDefaults(ctx)
	ts.Delivery.SetDefaults(ctx)
}

func setLabels(ctx context.Context, t *Trigger) {
	name := t.Spec.Broker
	if feature.FromContext(ctx).IsEnabled(feature.CrossNamespaceEventLinks) && t.Spec.BrokerRef != nil {
		name = t.Spec.BrokerRef.Name
	}
	if name == "" {
		return
	}
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	t.Labels[eventing.BrokerLabelKey] = name
}
