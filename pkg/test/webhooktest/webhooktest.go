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

// Package webhooktest runs one of Skiff's admission webhooks inside a test
// process against the harness's real apiserver: the same controllers as
// cmd/webhook (certificates, defaulting, validation, config validation),
// served on the bridge's host address and registered through a
// selector-less Service, as DESIGN.md §4 prescribes for host components.
package webhooktest

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/system"
	"knative.dev/pkg/webhook"
	"knative.dev/pkg/webhook/certificates"
	certresources "knative.dev/pkg/webhook/certificates/resources"

	kubeclient "knative.dev/pkg/client/injection/kube/client"
	cminformer "knative.dev/pkg/configmap/informer"

	"github.com/skiffhq/skiff/pkg/local/cluster"
	"github.com/skiffhq/skiff/pkg/test/harness"
)

// Webhook names one admission webhook Deployment of config/.
type Webhook struct {
	// Namespace is its system namespace (knative-serving, knative-eventing).
	Namespace string
	// Service and Secret are the Service the webhook configurations point
	// at and the Secret holding its certificates.
	Service, Secret string
	// Controllers are the constructors cmd/<webhook>/main.go passes to
	// sharedmain, minus certificates.NewController (always added).
	Controllers []injection.ControllerConstructor
	// ConfigDir is the config/ subdirectory of this webhook (core, eventing).
	ConfigDir string
}

// InstallConfig applies config/<w.ConfigDir> as `skiff up` would, except
// the workloads that a test runs in-process instead: Deployments, and the
// webhook's own Service (replaced by a selector-less one pointing at the
// test process).
func InstallConfig(t *testing.T, env *harness.Env, w Webhook) {
	t.Helper()
	files, err := cluster.ManifestFiles(filepath.Join(env.ConfigDir(t), w.ConfigDir))
	if err != nil {
		t.Fatalf("listing config/%s: %v", w.ConfigDir, err)
	}
	all, err := cluster.ReadManifests(files)
	if err != nil {
		t.Fatalf("reading config/%s: %v", w.ConfigDir, err)
	}
	var ms []cluster.Manifest
	for _, m := range all {
		kind := m.Object.GetKind()
		if kind == "Deployment" || (kind == "Service" && m.Object.GetName() == w.Service) {
			continue
		}
		ms = append(ms, m)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := env.Applier.ApplyManifests(ctx, ms, nil); err != nil {
		t.Fatalf("applying config/%s: %v", w.ConfigDir, err)
	}
}

// Run starts w in this process until the test ends and waits until the
// apiserver calls it: its webhook configurations carry the CA bundle.
func Run(t *testing.T, env *harness.Env, w Webhook) {
	t.Helper()
	// knative.dev/pkg reads the system namespace from the environment, and
	// its goroutines may outlive the test: set it for the whole process.
	// Hence one webhook per test binary.
	os.Setenv(system.NamespaceEnvKey, w.Namespace)
	os.Setenv("WEBHOOK_DISABLE_NAMESPACE_OWNERSHIP", "true")
	os.Setenv("METRICS_DOMAIN", "knative.dev/skiff-test")

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ctx = logging.WithLogger(ctx, testLogger(t))
	ctx = webhook.WithOptions(ctx, webhook.Options{ServiceName: w.Service, SecretName: w.Secret, Port: 443})
	cfg := *env.Config
	ctx, informers := injection.Default.SetupInformers(ctx, &cfg)

	cmw := cminformer.NewInformedWatcher(kubeclient.Get(ctx), system.Namespace())
	ctors := append([]injection.ControllerConstructor{certificates.NewController}, w.Controllers...)
	var impls []*controller.Impl
	var admission []interface{}
	for _, ctor := range ctors {
		impl := ctor(ctx, cmw)
		impls = append(impls, impl)
		// As sharedmain: only admission and conversion controllers serve
		// requests; the certificates controller just reconciles the Secret.
		switch impl.Reconciler.(type) {
		case webhook.AdmissionController, webhook.ConversionController:
			admission = append(admission, impl.Reconciler)
		}
	}
	if err := controller.StartInformers(ctx.Done(), informers...); err != nil {
		t.Fatalf("starting informers: %v", err)
	}
	if err := cmw.Start(ctx.Done()); err != nil {
		t.Fatalf("watching the ConfigMaps of %s: %v", w.Namespace, err)
	}
	go controller.StartAll(ctx, impls...)

	wh, err := webhook.New(ctx, admission)
	if err != nil {
		t.Fatalf("creating the webhook: %v", err)
	}
	secret := waitForSecret(t, ctx, env, w)
	cert, err := tls.X509KeyPair(secret.Data[certresources.ServerCert], secret.Data[certresources.ServerKey])
	if err != nil {
		t.Fatalf("webhook certificate in %s/%s: %v", w.Namespace, w.Secret, err)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(env.Cluster.Network.HostIP.String(), "0"))
	if err != nil {
		t.Fatalf("listening on the bridge: %v", err)
	}
	srv := &http.Server{Handler: wh, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second}
	go srv.ServeTLS(l, "", "")
	t.Cleanup(func() { srv.Close() })
	env.ExposeHost(t, w.Namespace, w.Service, 443, int32(l.Addr().(*net.TCPAddr).Port))
	waitForCABundles(t, ctx, env, w)
}

func waitForSecret(t *testing.T, ctx context.Context, env *harness.Env, w Webhook) *corev1.Secret {
	t.Helper()
	var secret *corev1.Secret
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, env.Timeout, true, func(ctx context.Context) (bool, error) {
		s, err := env.Kube.CoreV1().Secrets(w.Namespace).Get(ctx, w.Secret, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		secret = s
		return len(s.Data[certresources.ServerCert]) > 0, nil
	})
	if err != nil {
		t.Fatalf("the certificates controller never filled %s/%s: %v", w.Namespace, w.Secret, err)
	}
	return secret
}

// waitForCABundles waits until every webhook configuration served by w
// carries a CA bundle: only then does the apiserver call it.
func waitForCABundles(t *testing.T, ctx context.Context, env *harness.Env, w Webhook) {
	t.Helper()
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, env.Timeout, true, func(ctx context.Context) (bool, error) {
		ar := env.Kube.AdmissionregistrationV1()
		vwcs, err := ar.ValidatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil
		}
		mwcs, err := ar.MutatingWebhookConfigurations().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil
		}
		seen := 0
		for _, c := range vwcs.Items {
			for _, h := range c.Webhooks {
				if h.ClientConfig.Service == nil || h.ClientConfig.Service.Namespace != w.Namespace || strings.HasPrefix(h.Name, "sinkbindings.") {
					continue
				}
				if seen++; len(h.ClientConfig.CABundle) == 0 {
					return false, nil
				}
			}
		}
		for _, c := range mwcs.Items {
			for _, h := range c.Webhooks {
				if h.ClientConfig.Service == nil || h.ClientConfig.Service.Namespace != w.Namespace || strings.HasPrefix(h.Name, "sinkbindings.") {
					continue
				}
				if seen++; len(h.ClientConfig.CABundle) == 0 {
					return false, nil
				}
			}
		}
		return seen > 0, nil
	})
	if err != nil {
		t.Fatalf("webhook configurations of %s never got their CA bundle: %v", w.Namespace, err)
	}
}
