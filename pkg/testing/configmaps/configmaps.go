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

// Package configmaps loads the ConfigMaps shipped in config/ for tests, so
// components are tested against exactly what a cluster gets.
package configmaps

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	corev1 "k8s.io/api/core/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// repoRoot is found from this file's location, so tests in any package can
// call Shipped.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Shipped returns every ConfigMap found in the YAML files under
// config/<dir> (e.g. "core/configmaps"), failing the test on a parse error.
func Shipped(t testing.TB, dir string) []*corev1.ConfigMap {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(repoRoot(), "config", dir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no YAML under config/%s: %v", dir, err)
	}
	var out []*corev1.ConfigMap
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("reading %s: %v", p, err)
		}
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
		for {
			doc, err := r.Read()
			if err != nil {
				break
			}
			cm := &corev1.ConfigMap{}
			if err := yaml.Unmarshal(doc, cm); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if cm.Kind == "ConfigMap" {
				out = append(out, cm)
			}
		}
	}
	return out
}
