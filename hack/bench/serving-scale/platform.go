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

package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	"knative.dev/pkg/configmap"
	cminformer "knative.dev/pkg/configmap/informer"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/system"
	"knative.dev/pkg/webhook"
	"knative.dev/pkg/webhook/certificates"
	certresources "knative.dev/pkg/webhook/certificates/resources"

	"github.com/skiffhq/skiff/pkg/local/cluster"
	"github.com/skiffhq/skiff/pkg/reconciler/autoscaling/kpa"
	servingwebhook "github.com/skiffhq/skiff/pkg/webhook/serving"
)

const (
	systemNamespace = "knative-serving"
	webhookService  = "webhook"
	webhookSecret   = "webhook-certs"
)

// startCluster starts a throwaway control plane in dir (etcd without fsync,
// as the test harness does). It takes the whole service range of the host
// network (10.96.0.0/16), not a test harness /24: every ksvc needs two
// ClusterIPs, and no node agent serves this cluster's, so sharing the range
// with other local clusters is harmless.
func startCluster(ctx context.Context, dir string) (*cluster.Cluster, error) {
	root, err := cluster.SourceRoot()
	if err != nil {
		return nil, err
	}
	bins, err := cluster.FindBinaries(cluster.BuildOptions{SourceRoot: root})
	if err != nil {
		return nil, fmt.Errorf("control-plane binaries (run hack/build-controlplane.sh): %w", err)
	}
	return cluster.Start(ctx, cluster.Config{Dir: dir, Binaries: bins, FastEtcd: true})
}

// installConfig applies config/core as `skiff up` would, minus the
// workloads (Deployments) and the webhook's Service, which points at this
// process instead (exposeWebhook).
func installConfig(ctx context.Context, c *cluster.Cluster, ap *cluster.Applier) error {
	root, err := cluster.SourceRoot()
	if err != nil {
		return err
	}
	files, err := cluster.ManifestFiles(filepath.Join(root, "config", "core"))
	if err != nil {
		return fmt.Errorf("listing config/core: %w", err)
	}
	all, err := cluster.ReadManifests(files)
	if err != nil {
		return fmt.Errorf("reading config/core: %w", err)
	}
	var ms []cluster.Manifest
	for _, m := range all {
		kind := m.Object.GetKind()
		if kind == "Deployment" || (kind == "Service" && m.Object.GetName() == webhookService) {
			continue
		}
		ms = append(ms, m)
	}
	if _, err := ap.ApplyManifests(ctx, ms, nil); err != nil {
		return fmt.Errorf("applying config/core: %w", err)
	}
	return nil
}

// inProcessLogger logs warnings and errors of the in-process components to
// path.
func inProcessLogger(path string) *zap.SugaredLogger {
	cfg := zap.NewDevelopmentConfig()
	cfg.Level = zap.NewAtomicLevelAt(zap.WarnLevel)
	cfg.DisableStacktrace = true
	cfg.OutputPaths = []string{path}
	cfg.ErrorOutputPaths = []string{path}
	l, err := cfg.Build()
	if err != nil {
		panic(err)
	}
	return l.Named("bench").Sugar()
}

// runInProcess runs, in this process, the serving webhook (the same
// controllers as cmd/webhook: it defaults every ksvc and validates the
// controller's writes, as on a cluster) and the autoscaler's kpa reconciler
// with fake deciders. cmd/autoscaler cannot run beside cmd/controller on one
// host network: both bind :8080 (its stats server, the controller's health
// probes), and its real deciders would only ever see no pods. The in-process
// client gets cmd/autoscaler's rate limits (2 controllers x client-go
// defaults) unless qps > 0.
func runInProcess(ctx context.Context, c *cluster.Cluster, logPath string, kube kubernetes.Interface, qps float32, burst int) error {
	os.Setenv(system.NamespaceEnvKey, systemNamespace)
	os.Setenv("WEBHOOK_DISABLE_NAMESPACE_OWNERSHIP", "true")
	os.Setenv("METRICS_DOMAIN", "knative.dev/internal/serving")

	ctx = logging.WithLogger(ctx, inProcessLogger(logPath))
	ctx = webhook.WithOptions(ctx, webhook.Options{ServiceName: webhookService, SecretName: webhookSecret, Port: 443})
	cfg := c.RESTConfig()
	cfg.WarningHandler = rest.NoWarnings{}
	cfg.QPS, cfg.Burst = 2*rest.DefaultQPS, 2*rest.DefaultBurst
	if qps > 0 {
		cfg.QPS, cfg.Burst = qps, burst
	}
	ctx, informers := injection.Default.SetupInformers(ctx, cfg)
	cmw := cminformer.NewInformedWatcher(kubeclient.Get(ctx), system.Namespace())

	ctors := []injection.ControllerConstructor{
		certificates.NewController,
		servingwebhook.NewDefaultingAdmissionController,
		servingwebhook.NewValidationAdmissionController,
		servingwebhook.NewConfigValidationController,
		func(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
			return kpa.NewController(ctx, cmw, newFakeDeciders())
		},
	}
	var impls []*controller.Impl
	var admission []interface{}
	for _, ctor := range ctors {
		impl := ctor(ctx, cmw)
		impls = append(impls, impl)
		switch impl.Reconciler.(type) {
		case webhook.AdmissionController, webhook.ConversionController:
			admission = append(admission, impl.Reconciler)
		}
	}
	if err := cmw.Start(ctx.Done()); err != nil {
		return fmt.Errorf("watching the ConfigMaps of %s: %w", systemNamespace, err)
	}
	if err := controller.StartInformers(ctx.Done(), informers...); err != nil {
		return fmt.Errorf("starting informers: %w", err)
	}
	go controller.StartAll(ctx, impls...)

	wh, err := webhook.New(ctx, admission)
	if err != nil {
		return fmt.Errorf("creating the webhook: %w", err)
	}
	var secret *corev1.Secret
	if err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		s, err := kube.CoreV1().Secrets(systemNamespace).Get(ctx, webhookSecret, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		secret = s
		return len(s.Data[certresources.ServerCert]) > 0, nil
	}); err != nil {
		return fmt.Errorf("the certificates controller never filled %s/%s: %w", systemNamespace, webhookSecret, err)
	}
	cert, err := tls.X509KeyPair(secret.Data[certresources.ServerCert], secret.Data[certresources.ServerKey])
	if err != nil {
		return fmt.Errorf("webhook certificate: %w", err)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(c.Network.HostIP.String(), "0"))
	if err != nil {
		return fmt.Errorf("listening on the bridge: %w", err)
	}
	srv := &http.Server{Handler: wh, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second}
	go srv.ServeTLS(l, "", "")
	go func() { <-ctx.Done(); srv.Close() }()
	if err := exposeWebhook(ctx, kube, c.Network.HostIP.String(), int32(l.Addr().(*net.TCPAddr).Port)); err != nil {
		return err
	}
	return waitForCABundles(ctx, kube)
}

// exposeWebhook points the webhook Service at this process: a selector-less
// Service and Endpoints on the bridge's host address (DESIGN §4).
func exposeWebhook(ctx context.Context, kube kubernetes.Interface, hostIP string, port int32) error {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: systemNamespace, Name: webhookService},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "https", Port: 443, TargetPort: intstr.FromInt32(port)}}},
	}
	if _, err := kube.CoreV1().Services(systemNamespace).Create(ctx, svc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating the webhook Service: %w", err)
	}
	ep := &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Namespace: systemNamespace, Name: webhookService},
		Subsets: []corev1.EndpointSubset{{
			Addresses: []corev1.EndpointAddress{{IP: hostIP}},
			Ports:     []corev1.EndpointPort{{Name: "https", Port: port}},
		}},
	}
	if _, err := kube.CoreV1().Endpoints(systemNamespace).Create(ctx, ep, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating the webhook Endpoints: %w", err)
	}
	return nil
}

// waitForCABundles waits until the serving webhook configurations carry a
// CA bundle: only then does the apiserver call the webhook.
func waitForCABundles(ctx context.Context, kube kubernetes.Interface) error {
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		ar := kube.AdmissionregistrationV1()
		vwcs, err := ar.ValidatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil
		}
		mwcs, err := ar.MutatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil
		}
		var bundles [][]byte
		for _, c := range vwcs.Items {
			for _, h := range c.Webhooks {
				bundles = append(bundles, h.ClientConfig.CABundle)
			}
		}
		for _, c := range mwcs.Items {
			for _, h := range c.Webhooks {
				bundles = append(bundles, h.ClientConfig.CABundle)
			}
		}
		for _, b := range bundles {
			if len(b) == 0 {
				return false, nil
			}
		}
		return len(bundles) > 0, nil
	})
	if err != nil {
		return fmt.Errorf("the webhook configurations never got their CA bundle: %w", err)
	}
	return nil
}

// buildController builds ./cmd/controller into dir.
func buildController(ctx context.Context, dir string) (string, error) {
	root, err := cluster.SourceRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "controller")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/controller")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/controller: %w\n%s", err, out)
	}
	return bin, nil
}

// controllerProcess is cmd/controller running in a network namespace of
// its own (netns.go) under a relay child of this process.
type controllerProcess struct {
	cmd         *exec.Cmd // the relay child
	controller  int       // pid of cmd/controller
	log         string
	metricsSock string
	done        chan struct{}
	err         error
}

// startController runs bin as the serving controller does in its Pod
// (config/core/deployments/controller.yaml), with the admin credentials, in
// a network namespace of its own. qps/burst > 0 set KUBE_API_QPS/BURST
// (otherwise sharedmain's default: 5/10 per reconciler).
func startController(ctx context.Context, c *cluster.Cluster, dir, bin string, qps float64, burst int) (*controllerProcess, error) {
	apiSock := filepath.Join(dir, "api.sock")
	metricsSock := filepath.Join(dir, "metrics.sock")
	pidFile := filepath.Join(dir, "controller.pid")
	os.Remove(apiSock)
	apiL, err := net.Listen("unix", apiSock)
	if err != nil {
		return nil, err
	}
	go func() { <-ctx.Done(); apiL.Close() }()
	apiserver := hostPort(c.URL)
	go relay(apiL, func() (net.Conn, error) { return net.Dial("tcp", apiserver) })

	// The admin kubeconfig, pointed at the relay; the serving certificate
	// is still checked against the apiserver's address.
	kc, err := clientcmd.LoadFromFile(c.Kubeconfig)
	if err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(apiserver)
	for _, cl := range kc.Clusters {
		cl.Server = fmt.Sprintf("https://127.0.0.1:%d", netnsAPIPort)
		cl.TLSServerName = host
	}
	kubeconfig := filepath.Join(dir, "controller.kubeconfig")
	if err := clientcmd.WriteToFile(*kc, kubeconfig); err != nil {
		return nil, err
	}

	logPath := filepath.Join(dir, "controller.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	os.Remove(pidFile)
	cmd := exec.Command(self, netnsChildArg, apiSock, metricsSock, pidFile, bin)
	cmd.Env = append(os.Environ(),
		"KUBECONFIG="+kubeconfig,
		"SYSTEM_NAMESPACE="+systemNamespace,
		"POD_NAME=controller-bench",
		"CONFIG_LOGGING_NAME=config-logging",
		"CONFIG_OBSERVABILITY_NAME=config-observability",
		"METRICS_DOMAIN=knative.dev/internal/serving",
	)
	if qps > 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("KUBE_API_QPS=%g", qps), fmt.Sprintf("KUBE_API_BURST=%d", burst))
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	// Dies with this process, even on a crash: Pdeathsig fires when the
	// forking thread exits, so fork from a thread that lives as long as
	// the child.
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	p := &controllerProcess{cmd: cmd, log: logPath, metricsSock: metricsSock, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("starting %s in a network namespace: %w", bin, err)
	}
	err = wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
		if p.exited() {
			return false, fmt.Errorf("exited: %v", p.err)
		}
		b, err := os.ReadFile(pidFile)
		if err != nil || len(b) == 0 {
			return false, nil
		}
		p.controller, err = strconv.Atoi(string(b))
		return err == nil, err
	})
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("starting cmd/controller: %w; log:\n%s", err, p.logTail(20))
	}
	return p, nil
}

func (p *controllerProcess) pid() int { return p.controller }

func (p *controllerProcess) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *controllerProcess) stop() {
	if p.exited() {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// logTail is the end of the controller's log, for failure reports.
func (p *controllerProcess) logTail(n int) string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// scrapeMetrics fetches the controller's Prometheus metrics.
func (p *controllerProcess) scrapeMetrics(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://controller/metrics", nil)
	if err != nil {
		return "", err
	}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", p.metricsSock)
	}}}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}
