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

// Command checksums rewrites the knative.dev/example-checksum annotation of
// every ConfigMap under config/ to match its _example block, as
// knative.dev/pkg/configmap computes it (the webhook rejects edits of
// _example that no longer match).
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/configmap"
	"sigs.k8s.io/yaml"
)

var annotationLine = regexp.MustCompile(`(?m)^(\s*` + regexp.QuoteMeta(configmap.ExampleChecksumAnnotation) + `:\s*)"?[0-9a-fA-F]*"?\s*$`)

func main() {
	root := flag.String("root", "config", "directory to walk")
	flag.Parse()
	err := filepath.WalkDir(*root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		return fix(path)
	})
	if err != nil {
		log.Fatal(err)
	}
}

func fix(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	docs := strings.Split(string(b), "\n---\n")
	changed := false
	for i, doc := range docs {
		var cm corev1.ConfigMap
		if err := yaml.Unmarshal([]byte(doc), &cm); err != nil || cm.Kind != "ConfigMap" {
			continue
		}
		example, ok := cm.Data[configmap.ExampleKey]
		if !ok || !annotationLine.MatchString(doc) {
			continue
		}
		sum := configmap.Checksum(example)
		fixed := annotationLine.ReplaceAllString(doc, `${1}"`+sum+`"`)
		if fixed != doc {
			docs[i], changed = fixed, true
		}
	}
	if !changed {
		return nil
	}
	return os.WriteFile(path, []byte(strings.Join(docs, "\n---\n")), 0o644)
}
