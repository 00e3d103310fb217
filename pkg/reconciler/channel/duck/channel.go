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

package duck

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
)

// PhysicalChannelOption configures NewPhysicalChannel.
type PhysicalChannelOption func(*physicalChannel)

type physicalChannel struct {
	channelableSpec *eventingduckv1.ChannelableSpec
	templateSpec    *runtime.RawExtension
}

// WithChannelableSpec sets the generic part of the channel's spec
// (subscribers, delivery). An empty spec is left out.
func WithChannelableSpec(spec eventingduckv1.ChannelableSpec) PhysicalChannelOption {
	return func(p *physicalChannel) {
		if !equality.Semantic.DeepEqual(spec, eventingduckv1.ChannelableSpec{}) {
			p.channelableSpec = &spec
		}
	}
}

// WithPhysicalChannelSpec sets the kind-specific part of the spec, taken
// verbatim from a channel template; its fields win over the channelable ones.
func WithPhysicalChannelSpec(spec *runtime.RawExtension) PhysicalChannelOption {
	return func(p *physicalChannel) {
		p.templateSpec = spec
	}
}

// NewPhysicalChannel builds a channel of any kind (typeMeta, e.g. an
// InMemoryChannel from a channel template) as an Unstructured, for the
// dynamic client.
func NewPhysicalChannel(typeMeta metav1.TypeMeta, objMeta metav1.ObjectMeta, opts ...PhysicalChannelOption) (*unstructured.Unstructured, error) {
	var p physicalChannel
	for _, opt := range opts {
		opt(&p)
	}

	spec := map[string]interface{}{}
	if p.channelableSpec != nil {
		if err := mergeJSON(spec, p.channelableSpec); err != nil {
			return nil, fmt.Errorf("channelable spec: %w", err)
		}
	}
	if p.templateSpec != nil {
		if err := mergeJSON(spec, p.templateSpec); err != nil {
			return nil, fmt.Errorf("channel template spec: %w", err)
		}
	}
	obj := struct {
		metav1.TypeMeta   `json:",inline"`
		metav1.ObjectMeta `json:"metadata,omitempty"`
		Spec              map[string]interface{} `json:"spec,omitempty"`
	}{typeMeta, objMeta, spec}
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("marshalling channel: %w", err)
	}
	// Unstructured's own decoding keeps integers as int64, as the dynamic
	// client expects.
	u := &unstructured.Unstructured{}
	if err := json.Unmarshal(raw, u); err != nil {
		return nil, fmt.Errorf("unmarshalling channel: %w", err)
	}
	return u, nil
}

// mergeJSON sets v's top-level JSON fields on into.
func mergeJSON(into map[string]interface{}, v interface{}) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	m := map[string]interface{}{}
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	for k, val := range m {
		into[k] = val
	}
	return nil
}
