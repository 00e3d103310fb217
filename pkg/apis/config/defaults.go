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

package config

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/template"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/apis"
	cm "knative.dev/pkg/configmap"
	"knative.dev/pkg/ptr"
)

const (
	// DefaultsConfigName is the name of the config map for the defaults.
	DefaultsConfigName = "config-defaults"

	// DefaultRevisionTimeoutSeconds is used when a revision sets no timeoutSeconds.
	DefaultRevisionTimeoutSeconds = 5 * 60

	// DefaultMaxRevisionTimeoutSeconds caps timeoutSeconds when
	// max-revision-timeout-seconds is not set.
	DefaultMaxRevisionTimeoutSeconds = 10 * 60

	// DefaultRevisionResponseStartTimeoutSeconds is used when
	// responseStartTimeoutSeconds is not set. It equals the revision timeout
	// for backward compatibility.
	DefaultRevisionResponseStartTimeoutSeconds = 5 * 60

	// DefaultRevisionIdleTimeoutSeconds is used when idleTimeoutSeconds is
	// not set; 0 means no idle timeout.
	DefaultRevisionIdleTimeoutSeconds = 0

	// DefaultInitContainerName is the name given to an unnamed init container.
	DefaultInitContainerName = "init-container"

	// DefaultUserContainerName is the name given to an unnamed container.
	DefaultUserContainerName = "user-container"

	// DefaultContainerConcurrency is used when containerConcurrency is not
	// set; 0 means unbounded.
	DefaultContainerConcurrency = 0

	// DefaultMaxRevisionContainerConcurrency is the largest containerConcurrency
	// allowed when container-concurrency-max-limit is not set.
	DefaultMaxRevisionContainerConcurrency = 1000

	// DefaultAllowContainerConcurrencyZero says whether users may set
	// containerConcurrency to 0 (unbounded) by default.
	DefaultAllowContainerConcurrencyZero = true
)

var (
	// DefaultInitContainerNameTemplate renders DefaultInitContainerName.
	DefaultInitContainerNameTemplate = mustParseTemplate(DefaultInitContainerName)
	// DefaultUserContainerNameTemplate renders DefaultUserContainerName.
	DefaultUserContainerNameTemplate = mustParseTemplate(DefaultUserContainerName)
)

func defaultDefaultsConfig() *Defaults {
	return &Defaults{
		RevisionTimeoutSeconds:              DefaultRevisionTimeoutSeconds,
		MaxRevisionTimeoutSeconds:           DefaultMaxRevisionTimeoutSeconds,
		RevisionResponseStartTimeoutSeconds: DefaultRevisionResponseStartTimeoutSeconds,
		RevisionIdleTimeoutSeconds:          DefaultRevisionIdleTimeoutSeconds,
		InitContainerNameTemplate:           DefaultInitContainerNameTemplate,
		UserContainerNameTemplate:           DefaultUserContainerNameTemplate,
		ContainerConcurrency:                DefaultContainerConcurrency,
		ContainerConcurrencyMaxLimit:        DefaultMaxRevisionContainerConcurrency,
		AllowContainerConcurrencyZero:       DefaultAllowContainerConcurrencyZero,
		EnableServiceLinks:                  ptr.Bool(false),
	}
}

// asTriState parses "true" or "false" (any case) into target; any other
// value selects defValue (nil: leave the field to Kubernetes).
func asTriState(key string, target **bool, defValue *bool) cm.ParseFunc {
	return func(data map[string]string) error {
		raw, ok := data[key]
		if !ok {
			return nil
		}
		switch {
		case strings.EqualFold(raw, "true"):
			*target = ptr.Bool(true)
		case strings.EqualFold(raw, "false"):
			*target = ptr.Bool(false)
		default:
			*target = defValue
		}
		return nil
	}
}

// NewDefaultsConfigFromMap creates a Defaults from the data of config-defaults.
func NewDefaultsConfigFromMap(data map[string]string) (*Defaults, error) {
	nc := defaultDefaultsConfig()

	if err := cm.Parse(data,
		asTemplate("init-container-name-template", &nc.InitContainerNameTemplate),
		asTemplate("container-name-template", &nc.UserContainerNameTemplate),

		cm.AsBool("allow-container-concurrency-zero", &nc.AllowContainerConcurrencyZero),
		asTriState("enable-service-links", &nc.EnableServiceLinks, nil),

		cm.AsInt64("revision-timeout-seconds", &nc.RevisionTimeoutSeconds),
		cm.AsInt64("max-revision-timeout-seconds", &nc.MaxRevisionTimeoutSeconds),
		cm.AsInt64("revision-idle-timeout-seconds", &nc.RevisionIdleTimeoutSeconds),

		cm.AsInt64("container-concurrency", &nc.ContainerConcurrency),
		cm.AsInt64("container-concurrency-max-limit", &nc.ContainerConcurrencyMaxLimit),

		cm.AsQuantity("revision-cpu-request", &nc.RevisionCPURequest),
		cm.AsQuantity("revision-memory-request", &nc.RevisionMemoryRequest),
		cm.AsQuantity("revision-ephemeral-storage-request", &nc.RevisionEphemeralStorageRequest),
		cm.AsQuantity("revision-cpu-limit", &nc.RevisionCPULimit),
		cm.AsQuantity("revision-memory-limit", &nc.RevisionMemoryLimit),
		cm.AsQuantity("revision-ephemeral-storage-limit", &nc.RevisionEphemeralStorageLimit),
	); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", DefaultsConfigName, err)
	}

	// The response start timeout follows the revision timeout unless set.
	nc.RevisionResponseStartTimeoutSeconds = nc.RevisionTimeoutSeconds
	if err := cm.Parse(data,
		cm.AsInt64("revision-response-start-timeout-seconds", &nc.RevisionResponseStartTimeoutSeconds),
	); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", DefaultsConfigName, err)
	}

	if nc.RevisionTimeoutSeconds > nc.MaxRevisionTimeoutSeconds {
		return nil, fmt.Errorf("revision-timeout-seconds (%d) cannot be greater than max-revision-timeout-seconds (%d)",
			nc.RevisionTimeoutSeconds, nc.MaxRevisionTimeoutSeconds)
	}
	if nc.RevisionResponseStartTimeoutSeconds > 0 && nc.RevisionResponseStartTimeoutSeconds > nc.RevisionTimeoutSeconds {
		return nil, fmt.Errorf("revision-response-start-timeout-seconds (%d) cannot be greater than revision-timeout-seconds (%d)",
			nc.RevisionResponseStartTimeoutSeconds, nc.RevisionTimeoutSeconds)
	}
	if nc.RevisionIdleTimeoutSeconds > 0 && nc.RevisionIdleTimeoutSeconds > nc.RevisionTimeoutSeconds {
		return nil, fmt.Errorf("revision-idle-timeout-seconds (%d) cannot be greater than revision-timeout-seconds (%d)",
			nc.RevisionIdleTimeoutSeconds, nc.RevisionTimeoutSeconds)
	}
	if nc.ContainerConcurrencyMaxLimit < 1 {
		return nil, apis.ErrOutOfBoundsValue(
			nc.ContainerConcurrencyMaxLimit, 1, math.MaxInt32, "container-concurrency-max-limit")
	}
	if nc.ContainerConcurrency < 0 || nc.ContainerConcurrency > nc.ContainerConcurrencyMaxLimit {
		return nil, apis.ErrOutOfBoundsValue(
			nc.ContainerConcurrency, 0, nc.ContainerConcurrencyMaxLimit, "container-concurrency")
	}
	// The templates are executed against a parent's ObjectMeta; reject the
	// ones that cannot be (e.g. referring to a field ObjectMeta lacks).
	if err := nc.UserContainerNameTemplate.Execute(io.Discard, metav1.ObjectMeta{}); err != nil {
		return nil, fmt.Errorf("error executing template: %w", err)
	}
	if err := nc.InitContainerNameTemplate.Execute(io.Discard, metav1.ObjectMeta{}); err != nil {
		return nil, fmt.Errorf("error executing template: %w", err)
	}
	return nc, nil
}

// NewDefaultsConfigFromConfigMap creates a Defaults from config-defaults.
func NewDefaultsConfigFromConfigMap(config *corev1.ConfigMap) (*Defaults, error) {
	return NewDefaultsConfigFromMap(config.Data)
}

// Defaults holds the values the webhook fills into revisions (config-defaults).
type Defaults struct {
	// RevisionTimeoutSeconds is the default timeoutSeconds.
	RevisionTimeoutSeconds int64
	// MaxRevisionTimeoutSeconds is the largest timeoutSeconds allowed; it is
	// also the timeout set on the ingress.
	MaxRevisionTimeoutSeconds int64

	// RevisionResponseStartTimeoutSeconds is the default time a request may
	// wait for the first byte of the response.
	RevisionResponseStartTimeoutSeconds int64

	// RevisionIdleTimeoutSeconds is the default time a request may stay open
	// without receiving bytes from the application.
	RevisionIdleTimeoutSeconds int64

	// InitContainerNameTemplate renders the name of unnamed init containers.
	InitContainerNameTemplate *ObjectMetaTemplate

	// UserContainerNameTemplate renders the name of unnamed containers.
	UserContainerNameTemplate *ObjectMetaTemplate

	// ContainerConcurrency is the default containerConcurrency.
	ContainerConcurrency int64

	// ContainerConcurrencyMaxLimit is the largest containerConcurrency (and
	// autoscaling target) allowed.
	ContainerConcurrencyMaxLimit int64

	// AllowContainerConcurrencyZero says whether users may set
	// containerConcurrency to 0 (unbounded).
	AllowContainerConcurrencyZero bool

	// EnableServiceLinks is the default for the PodSpec's enableServiceLinks;
	// nil leaves it to Kubernetes (see knative/serving#8498).
	EnableServiceLinks *bool

	RevisionCPURequest              *resource.Quantity
	RevisionCPULimit                *resource.Quantity
	RevisionMemoryRequest           *resource.Quantity
	RevisionMemoryLimit             *resource.Quantity
	RevisionEphemeralStorageRequest *resource.Quantity
	RevisionEphemeralStorageLimit   *resource.Quantity
}

func containerNameFromTemplate(ctx context.Context, tmpl *ObjectMetaTemplate) string {
	buf := &bytes.Buffer{}
	if err := tmpl.Execute(buf, apis.ParentMeta(ctx)); err != nil {
		return ""
	}
	return buf.String()
}

// UserContainerName renders the default container name for the parent
// object recorded in ctx (apis.WithinParent).
func (d Defaults) UserContainerName(ctx context.Context) string {
	return containerNameFromTemplate(ctx, d.UserContainerNameTemplate)
}

// InitContainerName renders the default init container name for the parent
// object recorded in ctx (apis.WithinParent).
func (d Defaults) InitContainerName(ctx context.Context) string {
	return containerNameFromTemplate(ctx, d.InitContainerNameTemplate)
}

func asTemplate(key string, target **ObjectMetaTemplate) cm.ParseFunc {
	return func(data map[string]string) error {
		raw, ok := data[key]
		if !ok {
			return nil
		}
		val, err := template.New("container-template").Parse(raw)
		if err != nil {
			return fmt.Errorf("parsing %s: %w", key, err)
		}
		*target = &ObjectMetaTemplate{val}
		return nil
	}
}

// ObjectMetaTemplate is a text/template applied to an ObjectMeta. It has
// DeepCopy and Equal so it can live in Config structs and be compared
// with go-cmp.
type ObjectMetaTemplate struct {
	*template.Template
}

func mustParseTemplate(t string) *ObjectMetaTemplate {
	return &ObjectMetaTemplate{
		Template: template.Must(template.New("container-template").Parse(t)),
	}
}

// DeepCopy clones the template.
func (t ObjectMetaTemplate) DeepCopy() ObjectMetaTemplate {
	var err error
	t.Template, err = t.Template.Clone()
	if err != nil {
		// Clone only fails after Execute, and parsed templates were validated.
		panic(err)
	}
	return t
}

// Equal reports whether both templates render the same name for the same
// ObjectMeta, which is what matters to their users.
func (t ObjectMetaTemplate) Equal(t2 ObjectMetaTemplate) bool {
	var a, b bytes.Buffer
	if err := t.Execute(&a, metav1.ObjectMeta{Name: "abc"}); err != nil {
		return false
	}
	if err := t2.Execute(&b, metav1.ObjectMeta{Name: "abc"}); err != nil {
		return false
	}
	return a.String() == b.String()
}
