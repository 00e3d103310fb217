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

import (
	"context"
	"strconv"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/apis"
)

// Validate checks the Ingress; errors are reported under "spec".
func (i *Ingress) Validate(ctx context.Context) *apis.FieldError {
	ctx = apis.WithinParent(ctx, i.ObjectMeta)
	return i.Spec.Validate(apis.WithinSpec(ctx)).ViaField("spec")
}

// Validate checks the spec has rules and that every rule and TLS entry is valid.
func (is *IngressSpec) Validate(ctx context.Context) *apis.FieldError {
	if equality.Semantic.DeepEqual(is, &IngressSpec{}) {
		return apis.ErrMissingField(apis.CurrentField)
	}
	var all *apis.FieldError
	if len(is.Rules) == 0 {
		all = all.Also(apis.ErrMissingField("rules"))
	}
	for idx, rule := range is.Rules {
		all = all.Also(rule.Validate(ctx).ViaFieldIndex("rules", idx))
	}
	for idx, tls := range is.TLS {
		all = all.Also(tls.Validate(ctx).ViaFieldIndex("tls", idx))
	}
	return all.Also(is.HTTPOption.Validate(ctx))
}

// Validate checks a rule has HTTP routing and a known visibility.
func (r *IngressRule) Validate(ctx context.Context) *apis.FieldError {
	if equality.Semantic.DeepEqual(r, &IngressRule{}) {
		return apis.ErrMissingField(apis.CurrentField)
	}
	var all *apis.FieldError
	switch r.Visibility {
	case "", IngressVisibilityExternalIP, IngressVisibilityClusterLocal:
	default:
		// Upstream does not check this; an unknown visibility would silently
		// expose nothing (or everything) depending on the implementation.
		all = all.Also(apis.ErrInvalidValue(r.Visibility, "visibility"))
	}
	if r.HTTP == nil {
		all = all.Also(apis.ErrMissingField("http"))
	} else {
		all = all.Also(r.HTTP.Validate(ctx).ViaField("http"))
	}
	return all
}

// Validate checks there is at least one path and every path is valid.
func (h *HTTPIngressRuleValue) Validate(ctx context.Context) *apis.FieldError {
	if len(h.Paths) == 0 {
		return apis.ErrMissingField("paths")
	}
	var all *apis.FieldError
	for idx, path := range h.Paths {
		all = all.Also(path.Validate(ctx).ViaFieldIndex("paths", idx))
	}
	return all
}

// Validate checks the splits are valid and add up to 100 (a lone split may
// leave percent unset).
func (h HTTPIngressPath) Validate(ctx context.Context) *apis.FieldError {
	if equality.Semantic.DeepEqual(h, HTTPIngressPath{}) {
		return apis.ErrMissingField(apis.CurrentField)
	}
	if len(h.Splits) == 0 {
		return apis.ErrMissingField("splits")
	}
	var all *apis.FieldError
	totalPct := 0
	for idx, split := range h.Splits {
		if err := split.Validate(ctx); err != nil {
			// As upstream: stop at the first bad split, the total is
			// meaningless after it.
			return all.Also(err.ViaFieldIndex("splits", idx))
		}
		totalPct += split.Percent
	}
	if (len(h.Splits) != 1 || totalPct != 0) && totalPct != 100 {
		all = all.Also(&apis.FieldError{
			Message: "traffic split percentage must total to 100, but was " + strconv.Itoa(totalPct),
			Paths:   []string{"splits"},
		})
	}
	return all
}

// Validate checks percent is within 0..100 and the backend is complete.
func (s IngressBackendSplit) Validate(ctx context.Context) *apis.FieldError {
	if equality.Semantic.DeepEqual(s, IngressBackendSplit{}) {
		return apis.ErrMissingField(apis.CurrentField)
	}
	var all *apis.FieldError
	if s.Percent < 0 || s.Percent > 100 {
		all = all.Also(apis.ErrInvalidValue(s.Percent, "percent"))
	}
	return all.Also(s.IngressBackend.Validate(ctx))
}

// Validate checks the backend names a Service port in the Ingress's namespace.
func (b IngressBackend) Validate(ctx context.Context) *apis.FieldError {
	if equality.Semantic.DeepEqual(b, IngressBackend{}) {
		return apis.ErrMissingField(apis.CurrentField)
	}
	var all *apis.FieldError
	if b.ServiceNamespace == "" {
		all = all.Also(apis.ErrMissingField("serviceNamespace"))
	} else if b.ServiceNamespace != apis.ParentMeta(ctx).Namespace {
		all = all.Also(&apis.FieldError{
			Message: "service namespace must match ingress namespace",
			Paths:   []string{"serviceNamespace"},
		})
	}
	if b.ServiceName == "" {
		all = all.Also(apis.ErrMissingField("serviceName"))
	}
	if equality.Semantic.DeepEqual(b.ServicePort, intstr.IntOrString{}) {
		all = all.Also(apis.ErrMissingField("servicePort"))
	}
	return all
}

// Validate checks the TLS entry names its Secret.
func (t *IngressTLS) Validate(context.Context) *apis.FieldError {
	if equality.Semantic.DeepEqual(t, &IngressTLS{}) {
		return apis.ErrMissingField(apis.CurrentField)
	}
	var all *apis.FieldError
	if t.SecretName == "" {
		all = all.Also(apis.ErrMissingField("secretName"))
	}
	if t.SecretNamespace == "" {
		all = all.Also(apis.ErrMissingField("secretNamespace"))
	}
	return all
}

// Validate checks the HTTP option is empty, Enabled or Redirected.
func (t HTTPOption) Validate(context.Context) *apis.FieldError {
	switch t {
	case "", HTTPOptionEnabled, HTTPOptionRedirected:
		return nil
	}
	return apis.ErrInvalidValue(t, "httpOption")
}
