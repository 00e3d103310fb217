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

// Package config_test checks everything `ko apply -Rf config/` installs.
package config_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"knative.dev/pkg/configmap"
	"sigs.k8s.io/yaml"

	"github.com/skiffhq/skiff/pkg/crdgen"
)

type doc struct {
	file string
	obj  *unstructured.Unstructured
	raw  []byte
}

// loadAll parses every YAML document under config/.
func loadAll(t *testing.T) []doc {
	t.Helper()
	var docs []doc
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		r := utilyaml.NewYAMLReader(bufioReader(b))
		for {
			chunk, err := r.Read()
			if err != nil {
				break
			}
			if len(bytes.TrimSpace(stripComments(chunk))) == 0 {
				continue
			}
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal(chunk, &u.Object); err != nil {
				t.Errorf("%s: not valid YAML: %v", path, err)
				continue
			}
			docs = append(docs, doc{file: path, obj: u, raw: chunk})
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking config/: %v", err)
	}
	if len(docs) == 0 {
		t.Fatal("no YAML found under config/")
	}
	return docs
}

func TestEveryDocumentIsAnObject(t *testing.T) {
	for _, d := range loadAll(t) {
		if d.obj.GetAPIVersion() == "" || d.obj.GetKind() == "" || d.obj.GetName() == "" {
			t.Errorf("%s: document lacks apiVersion, kind or metadata.name:\n%s", d.file, d.raw)
		}
	}
}

func crds(t *testing.T) map[string]*apiextv1.CustomResourceDefinition {
	t.Helper()
	out := map[string]*apiextv1.CustomResourceDefinition{}
	for _, d := range loadAll(t) {
		if d.obj.GetKind() != "CustomResourceDefinition" {
			continue
		}
		crd := &apiextv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(d.raw, crd); err != nil {
			t.Fatalf("%s: decoding CRD: %v", d.file, err)
		}
		out[crd.Spec.Names.Kind] = crd
	}
	return out
}

func TestCRDsAreStructural(t *testing.T) {
	all := crds(t)
	if len(all) != len(crdgen.Kinds) {
		t.Errorf("config/ holds %d CRDs, want %d (one per kind in crdgen.Kinds)", len(all), len(crdgen.Kinds))
	}
	for kind, crd := range all {
		for _, v := range crd.Spec.Versions {
			if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				t.Errorf("%s %s: no openAPIV3Schema", kind, v.Name)
				continue
			}
			if v.Subresources == nil || v.Subresources.Status == nil {
				t.Errorf("%s %s: no status subresource", kind, v.Name)
			}
			internal := &apiextensions.JSONSchemaProps{}
			if err := apiextv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, internal, nil); err != nil {
				t.Fatalf("%s: converting schema: %v", kind, err)
			}
			s, err := schema.NewStructural(internal)
			if err != nil {
				t.Errorf("%s %s: schema is not structural: %v", kind, v.Name, err)
				continue
			}
			if errs := schema.ValidateStructural(nil, s); len(errs) > 0 {
				t.Errorf("%s %s: schema is not structural: %v", kind, v.Name, errs.ToAggregate())
			}
		}
	}
}

// seedHeaders are the column headers `kubectl get` prints in
// shared/seeds/000_675ba232e13c1954.txt. Knative 1.17 may add columns after
// them (revisions show replica counts), never before.
var seedHeaders = map[string]struct {
	shortName string
	headers   []string
}{
	"Service":           {"ksvc", []string{"NAME", "URL", "LATESTCREATED", "LATESTREADY", "READY", "REASON"}},
	"Route":             {"rt", []string{"NAME", "URL", "READY", "REASON"}},
	"Configuration":     {"cfg", []string{"NAME", "LATESTCREATED", "LATESTREADY", "READY", "REASON"}},
	"Revision":          {"rev", []string{"NAME", "CONFIG NAME", "K8S SERVICE NAME", "GENERATION", "READY", "REASON"}},
	"Ingress":           {"king", []string{"NAME", "READY", "REASON"}},
	"PodAutoscaler":     {"kpa", []string{"NAME", "DESIREDSCALE", "ACTUALSCALE", "READY", "REASON"}},
	"ServerlessService": {"sks", []string{"NAME", "MODE", "ACTIVATORS", "SERVICENAME", "PRIVATESERVICENAME", "READY", "REASON"}},
	"Broker":            {"", []string{"NAME", "URL", "AGE", "READY", "REASON"}},
	"Trigger":           {"", []string{"NAME", "BROKER", "SUBSCRIBER_URI", "AGE", "READY", "REASON"}},
	"InMemoryChannel":   {"imc", []string{"NAME", "URL", "AGE", "READY", "REASON"}},
}

func TestPrinterColumnsMatchTheSeed(t *testing.T) {
	all := crds(t)
	for kind, want := range seedHeaders {
		crd, ok := all[kind]
		if !ok {
			t.Errorf("no CRD for %s", kind)
			continue
		}
		if want.shortName != "" && !contains(crd.Spec.Names.ShortNames, want.shortName) {
			t.Errorf("%s: short names %v lack %q", kind, crd.Spec.Names.ShortNames, want.shortName)
		}
		// kubectl prints NAME, then every priority-0 column upper-cased.
		got := []string{"NAME"}
		for _, c := range crd.Spec.Versions[0].AdditionalPrinterColumns {
			if c.Priority == 0 {
				got = append(got, strings.ToUpper(c.Name))
			}
		}
		if len(got) < len(want.headers) || strings.Join(got[:len(want.headers)], "|") != strings.Join(want.headers, "|") {
			t.Errorf("%s: kubectl get would print %q, the seed shows %q", kind, got, want.headers)
		}
	}
}

func TestCRDsAreGeneratedFromTheTypes(t *testing.T) {
	for _, k := range crdgen.Kinds {
		want, err := crdgen.YAML(k)
		if err != nil {
			t.Fatalf("%s: %v", k.Kind, err)
		}
		got, err := os.ReadFile(filepath.Join("..", k.File))
		if err != nil {
			t.Errorf("%s: %v", k.Kind, err)
			continue
		}
		if !bytes.Contains(got, want) {
			t.Errorf("%s is stale: run hack/update-codegen.sh", k.File)
		}
	}
}

func TestConfigMapExampleChecksums(t *testing.T) {
	seen := 0
	for _, d := range loadAll(t) {
		if d.obj.GetKind() != "ConfigMap" {
			continue
		}
		cm := &corev1.ConfigMap{}
		if err := yaml.Unmarshal(d.raw, cm); err != nil {
			t.Fatalf("%s: %v", d.file, err)
		}
		example, ok := cm.Data[configmap.ExampleKey]
		if !ok {
			continue
		}
		seen++
		if got, want := cm.Annotations[configmap.ExampleChecksumAnnotation], configmap.Checksum(example); got != want {
			t.Errorf("%s %s: checksum annotation %q, _example hashes to %q (run hack/update-codegen.sh)", d.file, cm.Name, got, want)
		}
	}
	if seen == 0 {
		t.Error("no ConfigMap with an _example block found")
	}
}

// TestImagesAreKoReferencesToOurMains keeps `ko apply -Rf config/` working:
// every container image must name a main package of this module.
func TestImagesAreKoReferencesToOurMains(t *testing.T) {
	const prefix = "ko://github.com/skiffhq/skiff/"
	for _, d := range loadAll(t) {
		containers, _, _ := unstructured.NestedSlice(d.obj.Object, "spec", "template", "spec", "containers")
		for _, c := range containers {
			img, _ := c.(map[string]any)["image"].(string)
			if !strings.HasPrefix(img, prefix) {
				t.Errorf("%s %s: image %q is not a ko:// reference to this module", d.file, d.obj.GetName(), img)
				continue
			}
			if _, err := os.Stat(filepath.Join("..", strings.TrimPrefix(img, prefix), "main.go")); err != nil {
				t.Errorf("%s %s: image %q names no main package: %v", d.file, d.obj.GetName(), img, err)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
