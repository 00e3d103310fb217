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

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUpNeedsRoot(t *testing.T) {
	t.Setenv("SKIFF_HOME", t.TempDir())
	defer func(f func() int) { geteuid = f }(geteuid)
	geteuid = func() int { return 1000 }
	for _, args := range [][]string{{"up"}, {"node", "run"}} {
		var out bytes.Buffer
		code := run(context.Background(), args, &out, &out)
		if code != 1 || !strings.Contains(out.String(), "must run as root") || !strings.Contains(out.String(), "sudo") {
			t.Errorf("skiff %v as non-root = %d %q, want 1 and a message saying to use sudo", args, code, out.String())
		}
	}
	// Usage errors come first, whoever runs it.
	var out bytes.Buffer
	if code := run(context.Background(), []string{"up", "--no-node", "--no-such-flag"}, &out, &out); code != 2 {
		t.Errorf("flags are parsed before the root check: %d %q", code, out.String())
	}
}

func TestImageCommands(t *testing.T) {
	t.Setenv("SKIFF_HOME", t.TempDir())
	t.Setenv("SKIFF_CACHE", t.TempDir())
	mod := t.TempDir()
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/hello\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(mod, "main.go"), []byte("package main\n\nfunc main() { println(\"hello\") }\n"), 0o644)
	exe := filepath.Join(t.TempDir(), "tool")
	os.WriteFile(exe, []byte("#!/bin/sh\necho tool\n"), 0o755)

	tests := []struct {
		args     []string
		wantCode int
		want     string
	}{
		{[]string{"image", "add", "dev.local/hello-go:serving", mod}, 0, "Added dev.local/hello-go:serving -> "},
		{[]string{"image", "add", "dev.local/tool", exe}, 0, "(executable"},
		{[]string{"image", "list"}, 0, "dev.local/hello-go:serving  go"},
		{[]string{"image", "list"}, 0, "dev.local/tool:latest"},
		{[]string{"image", "rm", "dev.local/tool"}, 0, ""},
		{[]string{"image", "rm", "dev.local/tool"}, 1, "not found"},
		{[]string{"image", "add", "dev.local/x", filepath.Join(mod, "missing")}, 1, "no such file"},
		{[]string{"image", "add", "dev.local/x"}, 2, "Usage"},
		{[]string{"image"}, 2, "skiff image add NAME DIR"},
	}
	for _, tc := range tests {
		var out bytes.Buffer
		code := run(context.Background(), tc.args, &out, &out)
		if code != tc.wantCode || !strings.Contains(out.String(), tc.want) {
			t.Errorf("skiff %v = %d %q; want %d and output containing %q", tc.args, code, out.String(), tc.wantCode, tc.want)
		}
	}
}
