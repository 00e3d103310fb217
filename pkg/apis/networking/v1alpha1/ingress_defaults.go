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

package v1alpha1

import "context"

// SetDefaults defaults the Ingress.
func (i *Ingress) SetDefaults(ctx context.Context) {
	i.Spec.SetDefaults(ctx)
}

// SetDefaults defaults every TLS entry and rule.
func (is *IngressSpec) SetDefaults(ctx context.Context) {
	for i := range is.TLS {
		is.TLS[i].SetDefaults(ctx)
	}
	for i := range is.Rules {
		is.Rules[i].SetDefaults(ctx)
	}
}

// SetDefaults defaults an IngressTLS (nothing to default).
func (*IngressTLS) SetDefaults(context.Context) {}

// SetDefaults defaults the visibility to ExternalIP.
func (r *IngressRule) SetDefaults(ctx context.Context) {
	if r.Visibility == "" {
		r.Visibility = IngressVisibilityExternalIP
	}
	r.HTTP.SetDefaults(ctx)
}

// SetDefaults defaults every path; nil-safe.
func (h *HTTPIngressRuleValue) SetDefaults(ctx context.Context) {
	if h == nil {
		return
	}
	for i := range h.Paths {
		h.Paths[i].SetDefaults(ctx)
	}
}

// SetDefaults gives a lone split without percent 100%.
func (h *HTTPIngressPath) SetDefaults(context.Context) {
	if len(h.Splits) == 1 && h.Splits[0].Percent == 0 {
		h.Splits[0].Percent = 100
	}
}
