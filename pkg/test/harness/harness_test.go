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

package harness_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/skiffhq/skiff/pkg/test/harness"
)

func TestMain(m *testing.M) { harness.Main(m) }

func TestApplyWaitAndKubectl(t *testing.T) {
	env := harness.Get(t)
	ns := env.Namespace(t)
	if os.Getenv("KUBECONFIG") != env.Kubeconfig {
		t.Errorf("KUBECONFIG = %q, want the harness kubeconfig %q", os.Getenv("KUBECONFIG"), env.Kubeconfig)
	}
	objs := env.Apply(t, ns, `
apiVersion: v1
kind: ConfigMap
metadata: {name: one}
data: {k: v1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: two, namespace: default}
data: {k: v2}
`)
	if len(objs) != 2 || objs[0].GetNamespace() != ns || objs[1].GetNamespace() != "default" {
		t.Fatalf("applied %v; want one in %s and two in default", objs, ns)
	}
	t.Cleanup(func() { env.Delete(t, objs[1]) })

	got := env.WaitFor(t, harness.Ref("v1", "ConfigMap", ns, "one"), func(u *unstructured.Unstructured) (bool, error) {
		v, _, _ := unstructured.NestedString(u.Object, "data", "k")
		return v == "v1", nil
	})
	if got.GetUID() != objs[0].GetUID() {
		t.Errorf("WaitFor returned %s, want the applied object", got.GetUID())
	}
	// Re-applying changes the object in place (server-side apply).
	env.Apply(t, ns, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {k: changed}\n")
	if out := env.Kubectl(t, "get", "configmap", "one", "-n", ns, "-o", "jsonpath={.data.k}"); out != "changed" {
		t.Errorf("kubectl get = %q, want changed", out)
	}

	env.Delete(t, objs[0])
	env.WaitFor(t, objs[0], harness.Gone)
	if env.Get(t, objs[0]) != nil {
		t.Error("Get of a deleted object is not nil")
	}
	if _, err := env.KubectlErr("get", "configmap", "one", "-n", ns); err == nil || !strings.Contains(err.Error(), "NotFound") {
		t.Errorf("kubectl get of a deleted object = %v, want NotFound on stderr", err)
	}
}

// TestWebhookOnHost runs an admission webhook in this test process, listening on the
// bridge's host address, and registers it through a selector-less Service (ExposeHost).
// The apiserver resolves the Service to its endpoint (aggregator routing) and the webhook
// rejects a ConfigMap: the path Skiff's own webhook takes in integration tests.
func TestWebhookOnHost(t *testing.T) {
	env := harness.Get(t)
	ns := env.Namespace(t)
	svcName := "host-webhook"
	caPEM, cert := serviceCert(t, fmt.Sprintf("%s.%s.svc", svcName, ns))

	l, err := net.Listen("tcp", net.JoinHostPort(env.Cluster.Network.HostIP.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var review map[string]interface{}
		json.NewDecoder(r.Body).Decode(&review)
		req, _ := review["request"].(map[string]interface{})
		review["response"] = map[string]interface{}{
			"uid":     req["uid"],
			"allowed": false,
			"status":  map[string]interface{}{"code": 422, "message": "spec.forbidden: denied by the host webhook"},
		}
		delete(review, "request")
		json.NewEncoder(w).Encode(review)
	}), TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}}
	go srv.ServeTLS(l, "", "")
	t.Cleanup(func() { srv.Close() })
	env.ExposeHost(t, ns, svcName, 443, int32(l.Addr().(*net.TCPAddr).Port))

	name := "deny." + ns + ".skiff.dev"
	vwc := fmt.Sprintf(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: %s}
webhooks:
- name: %s
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: Fail
  timeoutSeconds: 5
  clientConfig:
    caBundle: %s
    service: {name: %s, namespace: %s, port: 443}
  namespaceSelector:
    matchLabels: {kubernetes.io/metadata.name: %s}
  objectSelector:
    matchLabels: {deny: "yes"}
  rules:
  - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
`, name, name, base64.StdEncoding.EncodeToString(caPEM), svcName, ns, ns)
	objs := env.Apply(t, "", vwc)
	t.Cleanup(func() { env.Delete(t, objs[0]) })

	bad := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad, labels: {deny: \"yes\"}}\n"
	// The webhook configuration takes effect within a moment.
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		if last = env.ApplyErr(t, ns, bad); last != nil && strings.Contains(last.Error(), "denied by the host webhook") {
			break
		}
		if last == nil {
			env.Delete(t, harness.Ref("v1", "ConfigMap", ns, "bad"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if last == nil || !strings.Contains(last.Error(), "spec.forbidden: denied by the host webhook") {
		t.Fatalf("applying a denied ConfigMap: %v; want the webhook's message", last)
	}
	// Objects outside the selector are admitted.
	env.Apply(t, ns, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n")
}

// serviceCert makes a CA and a serving certificate for dnsName.
func serviceCert(t *testing.T, dnsName string) ([]byte, tls.Certificate) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: dnsName},
		DNSNames: []string{dnsName}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
