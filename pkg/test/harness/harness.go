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

// Package harness gives integration tests a real local control plane: one per test
// binary, started from TestMain and stopped when the tests end (or the binary is
// interrupted or crashes), plus helpers to apply YAML, wait for conditions and run
// kubectl against it.
//
//	func TestMain(m *testing.M) { harness.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		env := harness.Get(t)
//		ns := env.Namespace(t)
//		objs := env.Apply(t, ns, `apiVersion: v1 ...`)
//		env.WaitForCondition(t, objs[0], "Ready", "True")
//		out := env.Kubectl(t, "get", "ksvc", "-n", ns)
//	}
//
// The control-plane binaries must already be built (hack/build-controlplane.sh, which
// hack/test.sh runs first); tests never start the multi-minute cold build themselves.
package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/skiffhq/skiff/pkg/local/cluster"
)

// DefaultTimeout bounds each Wait* helper unless the Env's Timeout is changed.
const DefaultTimeout = 60 * time.Second

// Env is the control plane shared by all tests of one test binary.
type Env struct {
	// Cluster is the running control plane (URL, ports, state directory, host network).
	Cluster *cluster.Cluster
	// Config is an admin client configuration; copy it before changing it.
	Config *rest.Config
	// Kube and Dynamic are admin clients.
	Kube    kubernetes.Interface
	Dynamic dynamic.Interface
	// Applier applies manifests (server-side apply) and maps kinds to resources.
	Applier *cluster.Applier
	// Kubeconfig is the admin kubeconfig path (also exported as $KUBECONFIG).
	Kubeconfig string
	// Binaries holds kubectl and the control-plane executables.
	Binaries cluster.Binaries
	// Root is the repository root (config/ lives there), "" if not found.
	Root string
	// Timeout bounds the Wait* helpers.
	Timeout time.Duration
}

var (
	shared   atomic.Pointer[Env]
	startErr error
)

// Option changes the environment Main starts.
type Option func(*options)

type options struct {
	setups []func(*Env) (func(), error)
}

// WithSetup runs fn once the control plane is up, before the tests (packages that need
// Pods to run start a node agent here: harness.WithSetup(nodetest.Setup)); the cleanup fn returns runs after the tests, also
// on Ctrl-C, before the control plane stops. If fn fails, the tests do not run.
func WithSetup(fn func(*Env) (cleanup func(), err error)) Option {
	return func(o *options) { o.setups = append(o.setups, fn) }
}

// Main starts the shared control plane, runs the tests and exits with their status.
// Call it from TestMain. If the control plane cannot start, every test binary using it
// fails with the reason (for a missing build: run hack/build-controlplane.sh).
func Main(m *testing.M, opts ...Option) {
	os.Exit(run(m, opts...))
}

func run(m *testing.M, opts ...Option) int {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	env, stopCluster, err := start()
	if err != nil {
		startErr = err
		fmt.Fprintf(os.Stderr, "harness: cannot start the local control plane: %v\n", err)
		return 1
	}
	var cleanups []func()
	stop := func(ok bool) {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
		stopCluster(ok)
	}
	for _, setup := range o.setups {
		cleanup, err := setup(env)
		if err != nil {
			startErr = err
			fmt.Fprintf(os.Stderr, "harness: setup failed: %v\n", err)
			stop(false)
			return 1
		}
		if cleanup != nil {
			cleanups = append(cleanups, cleanup)
		}
	}
	shared.Store(env)

	// Ctrl-C / SIGTERM (go test -timeout and CI cancellation) stop the control plane.
	// A crash or SIGKILL is covered by Pdeathsig on every child.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sig
		fmt.Fprintf(os.Stderr, "harness: %v: stopping the control plane\n", s)
		stop(false)
		os.Exit(2)
	}()

	code := m.Run()
	signal.Stop(sig)
	stop(code == 0)
	return code
}

// start brings up a fresh control plane in a temporary directory.
func start() (*Env, func(keep bool), error) {
	root, _ := cluster.SourceRoot()
	bins, err := cluster.FindBinaries(cluster.BuildOptions{SourceRoot: root})
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "skiff-test-")
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	var progress bytes.Buffer
	// A service range of its own, so node agents of concurrently running test binaries
	// (and of `skiff up`) never serve the same ClusterIP on the shared bridge.
	svcRange, err := ClaimServiceRange()
	if err != nil {
		return nil, nil, err
	}
	c, err := cluster.Start(ctx, cluster.Config{Dir: dir, Binaries: bins, FastEtcd: true, Out: &progress, ServiceCIDR: svcRange})
	if err != nil {
		return nil, nil, fmt.Errorf("%w\n(state and logs kept in %s)", err, dir)
	}
	stop := func(ok bool) {
		c.Stop()
		if ok {
			os.RemoveAll(dir)
		} else {
			fmt.Fprintf(os.Stderr, "harness: control-plane logs kept in %s\n", filepath.Join(dir, "logs"))
		}
	}
	env, err := newEnv(c, bins, root)
	if err != nil {
		stop(false)
		return nil, nil, err
	}
	os.Setenv("KUBECONFIG", c.Kubeconfig)
	return env, stop, nil
}

// ClaimServiceRange claims 10.96.<n>.0/24 (n from 128) for this process: the slot's lock
// file stays locked until the process exits, so concurrent test binaries get distinct
// ranges, and none overlaps `skiff up`'s 10.96.0.0/17. Main uses it for the shared
// control plane; tests that run `skiff up` themselves pass it as $SKIFF_SERVICE_CIDR.
func ClaimServiceRange() (string, error) {
	dir := "/run/lock"
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		dir = os.TempDir()
	}
	for n := 128; n < 255; n++ {
		f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("skiff-test-svc-%d.lock", n)), os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			return "", fmt.Errorf("claiming a service range: %w", err)
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			f.Close()
			continue
		}
		heldRanges = append(heldRanges, f) // held until the process exits
		return fmt.Sprintf("10.96.%d.0/24", n), nil
	}
	return "", errors.New("no free test service range (127 test binaries running?)")
}

var heldRanges []*os.File

func newEnv(c *cluster.Cluster, bins cluster.Binaries, root string) (*Env, error) {
	cfg := c.RESTConfig()
	// ExposeHost writes v1 Endpoints on purpose (DESIGN §4); don't print the deprecation
	// warning for every test that uses it.
	cfg.WarningHandler = rest.NoWarnings{}
	kc, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	ap, err := cluster.NewApplier(cfg)
	if err != nil {
		return nil, err
	}
	return &Env{Cluster: c, Config: cfg, Kube: kc, Dynamic: dyn, Applier: ap, Kubeconfig: c.Kubeconfig,
		Binaries: bins, Root: root, Timeout: DefaultTimeout}, nil
}

// Get returns the shared environment; the test fails if harness.Main did not start it.
func Get(t testing.TB) *Env {
	t.Helper()
	if e := shared.Load(); e != nil {
		return e
	}
	if startErr != nil {
		t.Fatalf("local control plane not available: %v", startErr)
	}
	t.Fatal("local control plane not started: call harness.Main(m) from TestMain")
	return nil
}

func (e *Env) ctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), e.Timeout)
	t.Cleanup(cancel)
	return ctx
}

var nsCounter atomic.Int64

// Namespace creates a namespace unique to this test and deletes it when the test ends.
func (e *Env) Namespace(t testing.TB) string {
	t.Helper()
	name := strings.ToLower(fmt.Sprintf("t-%s-%d", sanitize(t.Name()), nsCounter.Add(1)))
	if len(name) > 63 {
		name = strings.TrimRight(name[:50], "-") + fmt.Sprintf("-%d", nsCounter.Add(1))
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if _, err := e.Kube.CoreV1().Namespaces().Create(e.ctx(t), ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		e.Kube.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	return name
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// Apply decodes YAML (one or more documents), sets namespace on namespaced objects that
// have none (if namespace is not ""), applies them in order with server-side apply and
// returns the objects as stored.
func (e *Env) Apply(t testing.TB, namespace, manifests string) []*unstructured.Unstructured {
	t.Helper()
	objs, err := cluster.DecodeManifests(strings.NewReader(manifests))
	if err != nil {
		t.Fatalf("decoding manifests: %v", err)
	}
	return e.applyObjects(t, namespace, objs)
}

// ApplyFiles applies every object in the given YAML files (see Apply).
func (e *Env) ApplyFiles(t testing.TB, namespace string, files ...string) []*unstructured.Unstructured {
	t.Helper()
	ms, err := cluster.ReadManifests(files)
	if err != nil {
		t.Fatal(err)
	}
	var objs []*unstructured.Unstructured
	for _, m := range ms {
		objs = append(objs, m.Object)
	}
	return e.applyObjects(t, namespace, objs)
}

func (e *Env) applyObjects(t testing.TB, namespace string, objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	t.Helper()
	ctx := e.ctx(t)
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if namespace != "" && o.GetNamespace() == "" {
			o.SetNamespace(namespace) // cleared again by the applier for cluster-scoped kinds
		}
		got, err := e.Applier.Apply(ctx, o)
		if err != nil {
			t.Fatalf("applying %s %s: %v", o.GetKind(), o.GetName(), err)
		}
		out = append(out, got)
	}
	return out
}

// ApplyErr is Apply for manifests expected to be rejected: it returns the first error.
func (e *Env) ApplyErr(t testing.TB, namespace, manifests string) error {
	t.Helper()
	objs, err := cluster.DecodeManifests(strings.NewReader(manifests))
	if err != nil {
		t.Fatalf("decoding manifests: %v", err)
	}
	ctx := e.ctx(t)
	for _, o := range objs {
		if namespace != "" && o.GetNamespace() == "" {
			o.SetNamespace(namespace)
		}
		if _, err := e.Applier.Apply(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// Ref builds a reference to an object for Get / WaitFor.
func Ref(apiVersion, kind, namespace, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetNamespace(namespace)
	u.SetName(name)
	return u
}

// Get fetches the current state of ref; it returns nil if the object does not exist.
func (e *Env) Get(t testing.TB, ref *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	got, err := e.get(e.ctx(t), ref)
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatalf("getting %s %s/%s: %v", ref.GetKind(), ref.GetNamespace(), ref.GetName(), err)
	}
	return got
}

func (e *Env) get(ctx context.Context, ref *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	ri, err := e.Applier.Resource(ref.DeepCopy())
	if err != nil {
		return nil, err
	}
	got, err := ri.Get(ctx, ref.GetName(), metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return got, nil
}

// Delete deletes ref (a missing object is fine).
func (e *Env) Delete(t testing.TB, ref *unstructured.Unstructured) {
	t.Helper()
	ri, err := e.Applier.Resource(ref.DeepCopy())
	if err != nil {
		t.Fatal(err)
	}
	if err := ri.Delete(e.ctx(t), ref.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		t.Fatalf("deleting %s %s: %v", ref.GetKind(), ref.GetName(), err)
	}
}

// Condition is a predicate on an object's current state (nil if it does not exist).
type Condition func(*unstructured.Unstructured) (bool, error)

// Exists is true once the object exists.
func Exists(u *unstructured.Unstructured) (bool, error) { return u != nil, nil }

// Gone is true once the object no longer exists.
func Gone(u *unstructured.Unstructured) (bool, error) { return u == nil, nil }

// HasCondition is true when status.conditions holds typ with the given status
// ("True", "False", "Unknown").
func HasCondition(typ, status string) Condition {
	return func(u *unstructured.Unstructured) (bool, error) {
		if u == nil {
			return false, nil
		}
		conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
		for _, c := range conds {
			if m, ok := c.(map[string]interface{}); ok && m["type"] == typ && m["status"] == status {
				return true, nil
			}
		}
		return false, nil
	}
}

// WaitFor polls ref until cond holds and returns the object as last seen. On timeout the
// test fails and shows the object's last state.
func (e *Env) WaitFor(t testing.TB, ref *unstructured.Unstructured, cond Condition) *unstructured.Unstructured {
	t.Helper()
	ctx := e.ctx(t)
	var last *unstructured.Unstructured
	var lastErr error
	for {
		got, err := e.get(ctx, ref)
		if apierrors.IsNotFound(err) {
			got, err = nil, nil
		}
		if err == nil {
			last = got
			ok, cerr := cond(got)
			if cerr != nil {
				t.Fatalf("waiting for %s %s/%s: %v", ref.GetKind(), ref.GetNamespace(), ref.GetName(), cerr)
			}
			if ok {
				return got
			}
		} else {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			status := "<not found>"
			if last != nil {
				st, _, _ := unstructured.NestedMap(last.Object, "status")
				status = fmt.Sprintf("%v", st)
			}
			t.Fatalf("timed out after %s waiting for %s %s/%s (last error: %v); last status: %s",
				e.Timeout, ref.GetKind(), ref.GetNamespace(), ref.GetName(), lastErr, status)
			return nil
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// WaitForCondition waits until ref has status condition typ=status.
func (e *Env) WaitForCondition(t testing.TB, ref *unstructured.Unstructured, typ, status string) *unstructured.Unstructured {
	t.Helper()
	return e.WaitFor(t, ref, HasCondition(typ, status))
}

// Kubectl runs kubectl against the shared control plane and returns its stdout; the test
// fails if kubectl does, showing stderr.
func (e *Env) Kubectl(t testing.TB, args ...string) string {
	t.Helper()
	out, err := e.KubectlErr(args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// KubectlErr runs kubectl and returns stdout, or an error carrying stderr (for commands
// expected to fail, such as a create rejected by a webhook).
func (e *Env) KubectlErr(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), e.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.Binaries.Path(cluster.Kubectl), append([]string{"--kubeconfig", e.Kubeconfig}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// ExposeHost makes a component running on the host (listening on the bridge address
// Cluster.Network.HostIP at port) reachable as Service namespace/name:servicePort: a
// selector-less Service plus Endpoints pointing at the host address. This is how the
// apiserver reaches a webhook run by a test (aggregator routing dials endpoints).
func (e *Env) ExposeHost(t testing.TB, namespace, name string, servicePort, port int32) {
	t.Helper()
	ctx := e.ctx(t)
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{
			Name: "https", Port: servicePort, TargetPort: intstr.FromInt32(port)}}},
	}
	if _, err := e.Kube.CoreV1().Services(namespace).Create(ctx, svc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating service %s/%s: %v", namespace, name, err)
	}
	ep := &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Subsets: []corev1.EndpointSubset{{
			Addresses: []corev1.EndpointAddress{{IP: e.Cluster.Network.HostIP.String()}},
			Ports:     []corev1.EndpointPort{{Name: "https", Port: port}},
		}},
	}
	if _, err := e.Kube.CoreV1().Endpoints(namespace).Create(ctx, ep, metav1.CreateOptions{}); err != nil {
		if !apierrors.IsAlreadyExists(err) {
			t.Fatalf("creating endpoints %s/%s: %v", namespace, name, err)
		}
		if _, err := e.Kube.CoreV1().Endpoints(namespace).Update(ctx, ep, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("updating endpoints %s/%s: %v", namespace, name, err)
		}
	}
}

// ConfigDir is the repository's config/ directory (the test fails if it is unknown).
func (e *Env) ConfigDir(t testing.TB) string {
	t.Helper()
	if e.Root == "" {
		t.Fatal("cannot find the Skiff source tree; set SKIFF_SOURCE")
	}
	return filepath.Join(e.Root, "config")
}
