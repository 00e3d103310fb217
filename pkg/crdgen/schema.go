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

// Package crdgen derives the OpenAPI v3 structural schemas of Skiff's CRDs
// from the Go API types, so config/ can never drift from pkg/apis.
package crdgen

import (
	"encoding/json"
	"reflect"
	"strings"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/apis"
)

var (
	timeType         = reflect.TypeOf(metav1.Time{})
	microTimeType    = reflect.TypeOf(metav1.MicroTime{})
	volatileTimeType = reflect.TypeOf(apis.VolatileTime{})
	durationType     = reflect.TypeOf(metav1.Duration{})
	urlType          = reflect.TypeOf(apis.URL{})
	quantityType     = reflect.TypeOf(resource.Quantity{})
	intOrStringType  = reflect.TypeOf(intstr.IntOrString{})
	rawExtensionType = reflect.TypeOf(runtime.RawExtension{})
	rawMessageType   = reflect.TypeOf(json.RawMessage{})
	objectMetaType   = reflect.TypeOf(metav1.ObjectMeta{})
	fieldsV1Type     = reflect.TypeOf(metav1.FieldsV1{})
)

// SchemaFor returns the structural schema of a Go type as its JSON encoding
// (encoding/json rules: json tags, inline and embedded structs, omitempty)
// would produce it.
func SchemaFor(t reflect.Type) apiextv1.JSONSchemaProps {
	return (&walker{seen: map[reflect.Type]bool{}}).schema(t, true)
}

type walker struct {
	// seen guards against recursive types; a recursive occurrence is
	// emitted as an object that preserves unknown fields.
	seen map[reflect.Type]bool
}

func preserveUnknown() apiextv1.JSONSchemaProps {
	return apiextv1.JSONSchemaProps{Type: "object", XPreserveUnknownFields: ptrBool(true)}
}

func ptrBool(b bool) *bool { return &b }

func (w *walker) schema(t reflect.Type, top bool) apiextv1.JSONSchemaProps {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType, microTimeType, volatileTimeType:
		return apiextv1.JSONSchemaProps{Type: "string", Format: "date-time"}
	case durationType, urlType:
		return apiextv1.JSONSchemaProps{Type: "string"}
	case quantityType, intOrStringType:
		return apiextv1.JSONSchemaProps{XIntOrString: true, AnyOf: []apiextv1.JSONSchemaProps{{Type: "integer"}, {Type: "string"}}}
	case rawExtensionType, fieldsV1Type:
		return preserveUnknown()
	case rawMessageType:
		// Arbitrary JSON: any type, kept as sent.
		return apiextv1.JSONSchemaProps{XPreserveUnknownFields: ptrBool(true)}
	case objectMetaType:
		// The apiserver owns the schema of metadata; nested object metadata
		// (templates) is validated by the webhook, as upstream does.
		if top {
			return apiextv1.JSONSchemaProps{Type: "object"}
		}
		return preserveUnknown()
	}
	switch t.Kind() {
	case reflect.Bool:
		return apiextv1.JSONSchemaProps{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return apiextv1.JSONSchemaProps{Type: "integer", Format: "int32"}
	case reflect.Int64, reflect.Uint64:
		return apiextv1.JSONSchemaProps{Type: "integer", Format: "int64"}
	case reflect.Float32, reflect.Float64:
		return apiextv1.JSONSchemaProps{Type: "number"}
	case reflect.String:
		return apiextv1.JSONSchemaProps{Type: "string"}
	case reflect.Interface:
		return apiextv1.JSONSchemaProps{XPreserveUnknownFields: ptrBool(true)}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return apiextv1.JSONSchemaProps{Type: "string", Format: "byte"}
		}
		item := w.schema(t.Elem(), false)
		return apiextv1.JSONSchemaProps{Type: "array", Items: &apiextv1.JSONSchemaPropsOrArray{Schema: &item}}
	case reflect.Map:
		val := w.schema(t.Elem(), false)
		return apiextv1.JSONSchemaProps{Type: "object", AdditionalProperties: &apiextv1.JSONSchemaPropsOrBool{Allows: true, Schema: &val}}
	case reflect.Struct:
		if w.seen[t] {
			return preserveUnknown()
		}
		w.seen[t] = true
		defer delete(w.seen, t)
		props := map[string]apiextv1.JSONSchemaProps{}
		w.fields(t, props, top)
		return apiextv1.JSONSchemaProps{Type: "object", Properties: props}
	}
	return preserveUnknown()
}

// fields adds the JSON properties of struct t to props, flattening embedded
// and `json:",inline"` structs as encoding/json does.
func (w *walker) fields(t reflect.Type, props map[string]apiextv1.JSONSchemaProps, top bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		inline := strings.Contains(opts, "inline") || (f.Anonymous && name == "")
		if inline {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				w.fields(ft, props, top)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = w.schema(f.Type, top && name == "metadata")
	}
}
