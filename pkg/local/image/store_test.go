/*
Copyright 2025 The Skiff Authors

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

package image

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"dev.local/hello-go:serving", "dev.local/hello-go:serving"},
		{"dev.local/hello-go", "dev.local/hello-go:latest"},
		{"busybox", "busybox:latest"},
		{"docker.io/library/busybox:1.36", "busybox:1.36"},
		{"localhost:5000/app", "localhost:5000/app:latest"},
		{"dev.local/app@sha256:abcd", "dev.local/app:latest"},
		{"dev.local/app:v1@sha256:abcd", "dev.local/app:v1"},
		{"ko://github.com/skiffhq/skiff/cmd/webhook", "ko://github.com/skiffhq/skiff/cmd/webhook"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func writeModule(t *testing.T, dir, msg string) {
	t.Helper()
	os.MkdirAll(filepath.Join(dir, "cmd", "hello"), 0o755)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "cmd", "hello", "main.go"), []byte(`package main

import "fmt"

func main() { fmt.Print("`+msg+`") }
`), 0o644)
}

func output(t *testing.T, bin string) string {
	t.Helper()
	b, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatalf("running %s: %v", bin, err)
	}
	return string(b)
}

func TestStore(t *testing.T) {
	ctx := context.Background()
	mod := t.TempDir()
	writeModule(t, mod, "one")
	s := &Store{Dir: t.TempDir(), CacheDir: t.TempDir(), SourceRoot: mod}

	// Added Go package: built at once, cached after.
	img, err := s.Add(ctx, "dev.local/hello:v1", filepath.Join(mod, "cmd", "hello"))
	if err != nil {
		t.Fatal(err)
	}
	if !img.Built || output(t, img.Binary) != "one" || img.Entrypoint != "/ko-app/hello" || img.UID != 0 {
		t.Errorf("Add = %+v, want a fresh build printing one, entrypoint /ko-app/hello, root", img)
	}
	again, err := s.Resolve(ctx, "dev.local/hello:v1")
	if err != nil || again.Built || again.Binary != img.Binary {
		t.Errorf("Resolve after Add = %+v, %v; want the cached build", again, err)
	}
	// A source change rebuilds.
	writeModule(t, mod, "two")
	changed, err := s.Resolve(ctx, "dev.local/hello:v1")
	if err != nil || !changed.Built || output(t, changed.Binary) != "two" || changed.ID == img.ID {
		t.Errorf("Resolve after a change = %+v, %v; want a new build printing two", changed, err)
	}

	// ko:// builds a package of the source module, runs as nonroot.
	ko, err := s.Resolve(ctx, "ko://example.com/m/cmd/hello")
	if err != nil {
		t.Fatal(err)
	}
	if output(t, ko.Binary) != "two" || ko.UID != NonRootUID || ko.Entrypoint != "/ko-app/hello" {
		t.Errorf("ko image = %+v", ko)
	}
	if _, err := s.Resolve(ctx, "ko://example.com/other/cmd"); err == nil {
		t.Error("a ko:// reference outside the source module resolved")
	}

	// Executables are used as they are.
	exe := filepath.Join(t.TempDir(), "tool")
	os.WriteFile(exe, []byte("#!/bin/sh\necho tool\n"), 0o755)
	if _, err := s.Add(ctx, "dev.local/tool", exe); err != nil {
		t.Fatal(err)
	}
	tool, err := s.Resolve(ctx, "dev.local/tool:latest")
	if err != nil || tool.Binary != exe || tool.Entrypoint != "/ko-app/tool" {
		t.Errorf("Resolve(tool) = %+v, %v", tool, err)
	}

	// Unknown images say how to add them.
	_, err = s.Resolve(ctx, "dev.local/missing:serving")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "skiff image add dev.local/missing:serving") {
		t.Errorf("Resolve(missing) = %v, want ErrNotFound with the add command", err)
	}
	if list, _ := s.List(); len(list) != 2 || list[0].Name != "dev.local/hello:v1" || list[1].Kind != KindExecutable {
		t.Errorf("List = %+v", list)
	}
	if err := s.Remove("dev.local/tool"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resolve(ctx, "dev.local/tool"); !errors.Is(err, ErrNotFound) {
		t.Errorf("removed image still resolves: %v", err)
	}

	// Build errors carry the compiler's output.
	os.WriteFile(filepath.Join(mod, "cmd", "hello", "main.go"), []byte("package main\n\nfunc main() { undefined() }\n"), 0o644)
	if _, err := s.Resolve(ctx, "dev.local/hello:v1"); err == nil || !strings.Contains(err.Error(), "undefined") {
		t.Errorf("broken build: %v", err)
	}
	if _, err := s.Add(ctx, "dev.local/nothing", t.TempDir()); err == nil {
		t.Error("adding a directory without Go files succeeded")
	}
}
