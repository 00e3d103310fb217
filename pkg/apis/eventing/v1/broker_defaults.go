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
	"github.com/skiffhq/skiff/pkg/apis/eventing/config"
)

// SetDefaults fills spec.config and spec.delivery from config-br-defaults
// and sets the broker class annotation if it is missing.
func (b *Broker) SetDefaults(ctx context.Context) {
	withNS := apis.WithinParent(ctx, b.ObjectMeta)
	// The spec is defaulted with the class the user gave (possibly none),
	// before the class itself is defaulted, as upstream does.
	b.Spec.SetDefaults(withNS, b.Annotations[eventing.BrokerClassKey])
	eventing.DefaultBrokerClassIfUnset(withNS, &b.ObjectMeta)
}

// SetDefaults picks the BrokerConfig for the namespace and class (or, when
// spec.config is set, for the class named by its kind, as upstream does),
// then fills an unset config and delivery from it.
func (bs *BrokerSpec) SetDefaults(ctx context.Context, brokerClass string) {
	cfg := config.FromContextOrDefaults(ctx)
	ns := apis.ParentMeta(ctx).Namespace
	class := brokerClass
	if bs.Config != nil {
		class = bs.Config.Kind
	}
	if c, err := cfg.Defaults.GetBrokerConfig(ns, &class); err == nil {
		if bs.Config == nil && c.KReference != nil {
			bs.Config = c.KReference.DeepCopy()
		}
		if bs.Delivery == nil && c.Delivery != nil {
			// Copy, so defaulting the DLS namespace below never writes into
			// the shared config.
			bs.Delivery = c.Delivery.DeepCopy()
		}
	}

	if bs.Config != nil {
		bs.Config.SetDefaults(ctx)
	}
	bs.Delivery.SetDefaults(ctx)
}
