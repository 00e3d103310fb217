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

package cluster

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

func TestPKI(t *testing.T) {
	dir := t.TempDir()
	hostIP, svcIP := net.IPv4(10, 244, 0, 1), net.IPv4(10, 96, 0, 1)
	p1, err := ensurePKI(dir, hostIP, svcIP)
	if err != nil {
		t.Fatal(err)
	}
	saBefore, _ := os.ReadFile(filepath.Join(dir, saKey))
	p2, err := ensurePKI(dir, hostIP, svcIP)
	if err != nil {
		t.Fatal(err)
	}
	if !p1.ca.cert.Equal(p2.ca.cert) || !p1.frontProxy.cert.Equal(p2.frontProxy.cert) {
		t.Error("CAs were regenerated on the second start; kubeconfigs and tokens would break")
	}
	if saAfter, _ := os.ReadFile(filepath.Join(dir, saKey)); !bytes.Equal(saBefore, saAfter) {
		t.Error("service-account key was regenerated; existing tokens would be rejected")
	}

	load := func(name string) *x509.Certificate {
		kp, err := parseKeyPair(mustRead(t, filepath.Join(dir, name)), mustRead(t, filepath.Join(dir, strings.TrimSuffix(name, ".crt")+".key")))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return kp.cert
	}
	pool := func(ca *keyPair) *x509.CertPool {
		p := x509.NewCertPool()
		p.AddCert(ca.cert)
		return p
	}
	serving := load(apiserverCert)
	for _, name := range []string{"kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost", "10.244.0.1", "10.96.0.1", "127.0.0.1"} {
		if _, err := serving.Verify(x509.VerifyOptions{DNSName: name, Roots: pool(p2.ca)}); err != nil {
			t.Errorf("serving certificate does not verify for %s: %v", name, err)
		}
	}
	tests := []struct {
		cert string
		ca   *keyPair
		cn   string
	}{
		{frontProxyClientCert, p2.frontProxy, "front-proxy-client"},
		{kubeletClientCert, p2.ca, "kube-apiserver-kubelet-client"},
	}
	for _, tc := range tests {
		c := load(tc.cert)
		if _, err := c.Verify(x509.VerifyOptions{Roots: pool(tc.ca), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Errorf("%s does not verify as a client certificate: %v", tc.cert, err)
		}
		if c.Subject.CommonName != tc.cn {
			t.Errorf("%s CN = %q, want %q", tc.cert, c.Subject.CommonName, tc.cn)
		}
	}
	admin, err := p2.clientCert("skiff-admin", "system:masters")
	if err != nil {
		t.Fatal(err)
	}
	if got := admin.cert.Subject.Organization; !cmp.Equal(got, []string{"system:masters"}) {
		t.Errorf("admin groups = %v", got)
	}
	if st, _ := os.Stat(filepath.Join(dir, caKey)); st.Mode().Perm() != 0o600 {
		t.Errorf("ca.key mode = %v, want 0600", st.Mode().Perm())
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeManifests(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string // kind/name
		wantErr string
	}{{
		name: "multi-document with empty documents and comments",
		in: `---
# a comment only
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
---
apiVersion: v1
kind: Secret
metadata:
  name: b
`,
		want: []string{"ConfigMap/a", "Secret/b"},
	}, {
		name: "a List is flattened",
		in: `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: one}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: two}}
`,
		want: []string{"ConfigMap/one", "ConfigMap/two"},
	}, {
		name: "JSON",
		in:   `{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}`,
		want: []string{"Namespace/n"},
	}, {
		name:    "missing kind",
		in:      "apiVersion: v1\nmetadata: {name: a}\n",
		wantErr: "no kind or apiVersion",
	}, {
		name:    "broken YAML",
		in:      "apiVersion: v1\nkind: [\n",
		wantErr: "yaml",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := DecodeManifests(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range objs {
				got = append(got, o.GetKind()+"/"+o.GetName())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
		})
	}
}

func TestManifestFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b/2.yaml", "a.yml", "b/1.yaml", "c/README.md", "c/d/3.yaml"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	got, err := ManifestFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i], _ = filepath.Rel(dir, got[i])
	}
	if diff := cmp.Diff([]string{"a.yml", "b/1.yaml", "b/2.yaml", "c/d/3.yaml"}, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestPickPorts(t *testing.T) {
	lo := net.IPv4(127, 0, 0, 1)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := l.Addr().(*net.TCPAddr).Port

	got, auto, err := pickPorts(Ports{}, lo)
	if err != nil {
		t.Fatal(err)
	}
	if got.APIServer == 0 || got.Etcd == 0 || got.EtcdPeer == 0 || got.ControllerManager == 0 || got.Scheduler == 0 {
		t.Errorf("zero ports left unpicked: %+v", got)
	}
	if !auto.APIServer || !auto.Scheduler {
		t.Errorf("auto = %+v, want all true", auto)
	}

	_, _, err = pickPorts(Ports{APIServer: 1, Etcd: taken}, lo)
	if !errors.Is(err, ErrPortInUse) {
		t.Fatalf("pickPorts with a taken etcd port: %v, want ErrPortInUse", err)
	}
	for _, want := range []string{"etcd (clients)", fmt.Sprint(taken), "--etcd-port"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestPidFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.pid")
	if err := writePidFile(path, os.Getpid(), "/bin/x"); err != nil {
		t.Fatal(err)
	}
	pf, err := readPidFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if pf.pid != os.Getpid() || pf.bin != "/bin/x" || !pf.alive() {
		t.Errorf("pid file = %+v alive=%v, want this process, alive", pf, pf.alive())
	}
	// Same pid, different start time: a reused pid must not count as ours.
	pf.startTime++
	if pf.alive() {
		t.Error("pid with a different start time counted as alive")
	}
	for _, bad := range []string{"", "12\n/bin/x\n", "x 1\n/bin/x\n", "-1 5\n/bin/x\n"} {
		os.WriteFile(path, []byte(bad), 0o644)
		if _, err := readPidFile(path); err == nil {
			t.Errorf("readPidFile(%q) succeeded", bad)
		}
	}
}

func TestFindBinariesWithoutBuild(t *testing.T) {
	cache := t.TempDir()
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, ModuleDir), 0o755)
	os.WriteFile(filepath.Join(src, ModuleDir, "go.mod"), []byte("module x\n"), 0o644)

	_, err := FindBinaries(BuildOptions{SourceRoot: src, CacheDir: cache})
	if !errors.Is(err, ErrNotBuilt) || !strings.Contains(err.Error(), "hack/build-controlplane.sh") {
		t.Fatalf("FindBinaries on an empty cache = %v, want ErrNotBuilt telling to run hack/build-controlplane.sh", err)
	}

	// A complete cache built from this module is found; after the module changes it is not.
	os.MkdirAll(filepath.Join(cache, "bin"), 0o755)
	for _, bt := range buildTargets {
		os.WriteFile(filepath.Join(cache, "bin", bt.name), nil, 0o755)
	}
	stamp, err := moduleStamp(filepath.Join(src, ModuleDir))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(cache, stampFile), []byte(stamp+"\n"), 0o644)
	bins, err := FindBinaries(BuildOptions{SourceRoot: src, CacheDir: cache})
	if err != nil || bins.Dir != filepath.Join(cache, "bin") {
		t.Fatalf("FindBinaries = %+v, %v; want the cache", bins, err)
	}
	os.WriteFile(filepath.Join(src, ModuleDir, "go.mod"), []byte("module x\n\ngo 1.24\n"), 0o644)
	if _, err := FindBinaries(BuildOptions{SourceRoot: src, CacheDir: cache}); !errors.Is(err, ErrNotBuilt) ||
		!strings.Contains(err.Error(), "built from a different") {
		t.Fatalf("FindBinaries after a module change = %v, want a stale-build error", err)
	}
}

// TestBuildLock checks that a second caller waits for the lock and says so.
func TestBuildLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.lock")
	unlock, err := lockFile(context.Background(), path, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	got := make(chan error, 1)
	go func() {
		u, err := lockFile(context.Background(), path, &out, "someone else builds")
		if err == nil {
			u()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("second lock acquired while the first was held (err %v)", err)
	case <-time.After(500 * time.Millisecond):
	}
	unlock()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "someone else builds") {
		t.Errorf("waiting caller printed %q, want the wait message", out.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	u, _ := lockFile(context.Background(), path, nil, "")
	defer u()
	if _, err := lockFile(ctx, path, nil, "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("lock wait with an expired context = %v, want DeadlineExceeded", err)
	}
}

// withTinyModule points the builder at a two-binary module with no dependencies, so the
// real build code (lock, go list, go build, progress, stamp, reuse) runs in seconds.
func withTinyModule(t *testing.T, etcdMain string) (src, cache string) {
	t.Helper()
	saved := buildTargets
	buildTargets = []struct{ name, pkg string }{{Etcd, "./cmd/etcd"}, {Kubectl, "./cmd/kubectl"}}
	t.Cleanup(func() { buildTargets = saved })
	src, cache = t.TempDir(), t.TempDir()
	mod := filepath.Join(src, ModuleDir)
	for path, body := range map[string]string{
		"go.mod":              "module tiny\n\ngo 1.22\n",
		"cmd/etcd/main.go":    etcdMain,
		"cmd/kubectl/main.go": "package main\n\nfunc main() { println(\"kubectl\") }\n",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(mod, path)), 0o755)
		if err := os.WriteFile(filepath.Join(mod, path), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src, filepath.Join(cache, "cp")
}

func TestBuildOnceThenReuse(t *testing.T) {
	src, cache := withTinyModule(t, "package main\n\nfunc main() { println(\"etcd\") }\n")
	opts := BuildOptions{SourceRoot: src, CacheDir: cache}

	// Parallel callers: one builds, the other waits for the lock and reuses the result.
	var outs [2]bytes.Buffer
	errs := make(chan error, 2)
	for i := range outs {
		go func(i int) {
			o := opts
			o.Out = &outs[i]
			_, err := EnsureBinaries(context.Background(), o)
			errs <- err
		}(i)
	}
	for range outs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	both := outs[0].String() + outs[1].String()
	if n := strings.Count(both, "Building the control plane"); n != 1 {
		t.Errorf("%d builds for 2 parallel callers, want 1:\n%s", n, both)
	}
	bins, err := FindBinaries(opts)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bins.Path(Etcd)).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "etcd" {
		t.Errorf("built etcd printed %q, %v", out, err)
	}
	var again bytes.Buffer
	start := time.Now()
	if _, err := EnsureBinaries(context.Background(), BuildOptions{SourceRoot: src, CacheDir: cache, Out: &again}); err != nil {
		t.Fatal(err)
	}
	if again.Len() != 0 || time.Since(start) > 5*time.Second {
		t.Errorf("warm EnsureBinaries took %s and printed %q, want an immediate silent reuse", time.Since(start), again.String())
	}
}

func TestBuildFailureNamesLog(t *testing.T) {
	src, cache := withTinyModule(t, "package main\n\nfunc main() { undefinedThing() }\n")
	_, err := EnsureBinaries(context.Background(), BuildOptions{SourceRoot: src, CacheDir: cache})
	logPath := filepath.Join(cache, "build.log")
	if err == nil || !strings.Contains(err.Error(), logPath) || !strings.Contains(err.Error(), "undefinedThing") {
		t.Fatalf("EnsureBinaries on broken code = %v, want an error naming %s and showing the compile error", err, logPath)
	}
	if _, err := FindBinaries(BuildOptions{SourceRoot: src, CacheDir: cache}); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("a failed build left a usable cache: %v", err)
	}
}

func TestWebhookUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"no endpoints yet", apierrors.NewInternalError(errors.New(`failed calling webhook "config.webhook.eventing.knative.dev": failed to call webhook: Post "https://eventing-webhook.knative-eventing.svc:443/config-validation?timeout=10s": no endpoints available for service "eventing-webhook"`)), true},
		{"not listening yet", apierrors.NewInternalError(errors.New(`failed calling webhook "x": failed to call webhook: Post "https://10.244.0.5:8443/": dial tcp 10.244.0.5:8443: connect: connection refused`)), true},
		{"rejected by the webhook", apierrors.NewBadRequest(`admission webhook "x" denied the request: invalid`), false},
		{"other internal error", apierrors.NewInternalError(errors.New("etcd unavailable")), false},
	} {
		if got := webhookUnavailable(tc.err); got != tc.want {
			t.Errorf("%s: webhookUnavailable = %v, want %v", tc.name, got, tc.want)
		}
	}
}
