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

package node

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// kubeletServer serves the part of the kubelet API the apiserver proxies to:
// /containerLogs (kubectl logs, with follow, previous, tailLines, sinceSeconds,
// sinceTime, timestamps, limitBytes), /pods and /healthz. Clients must present a
// certificate of the cluster CA (the apiserver's kubelet client certificate).
type kubeletServer struct {
	a    *Agent
	ln   net.Listener
	srv  *http.Server
	port int
}

func newKubeletServer(a *Agent, port int) (*kubeletServer, error) {
	pool, err := clusterCAPool(a.cfg.RESTConfig.CAData, a.cfg.RESTConfig.CAFile)
	if err != nil {
		return nil, err
	}
	cert, err := selfSignedCert(a.name, a.hostIP)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp4", net.JoinHostPort(a.hostIP.String(), strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("kubelet API port %s:%d: %w", a.hostIP, port, err)
	}
	s := &kubeletServer{a: a, ln: ln, port: ln.Addr().(*net.TCPAddr).Port}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("/containerLogs/", s.authenticated(s.containerLogs))
	mux.HandleFunc("/pods", s.authenticated(s.pods))
	mux.HandleFunc("/", s.authenticated(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not supported by the skiff node agent: "+r.URL.Path, http.StatusNotImplemented)
	}))
	s.srv = &http.Server{
		Handler: mux,
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{cert},
			ClientAuth:   tls.VerifyClientCertIfGiven,
			ClientCAs:    pool,
			MinVersion:   tls.VersionTLS12,
		},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          nil,
	}
	return s, nil
}

func (s *kubeletServer) start() {
	go s.srv.ServeTLS(s.ln, "", "")
}

func (s *kubeletServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if s.srv.Shutdown(ctx) != nil {
		s.srv.Close()
	}
	s.ln.Close()
}

func (s *kubeletServer) authenticated(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		h(w, r)
	}
}

func (s *kubeletServer) pods(w http.ResponseWriter, _ *http.Request) {
	list := corev1.PodList{TypeMeta: metaTypeList}
	for _, p := range s.a.Pods() {
		list.Items = append(list.Items, *p)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(list)
}

// containerLogs serves /containerLogs/{namespace}/{pod}/{container}.
func (s *kubeletServer) containerLogs(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/containerLogs/"), "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		http.Error(w, "expected /containerLogs/{namespace}/{pod}/{container}", http.StatusBadRequest)
		return
	}
	ns, podName, name := parts[0], parts[1], parts[2]
	q := r.URL.Query()
	opts := logOptions{tailLines: -1, follow: boolParam(q.Get("follow")), timestamps: boolParam(q.Get("timestamps"))}
	if v := q.Get("tailLines"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			http.Error(w, "invalid tailLines", http.StatusBadRequest)
			return
		}
		opts.tailLines = n
	}
	if v := q.Get("limitBytes"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			http.Error(w, "invalid limitBytes", http.StatusBadRequest)
			return
		}
		opts.limitBytes = n
	}
	if v := q.Get("sinceSeconds"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			http.Error(w, "invalid sinceSeconds", http.StatusBadRequest)
			return
		}
		opts.since = time.Now().Add(-time.Duration(n) * time.Second)
	}
	if v := q.Get("sinceTime"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			http.Error(w, "invalid sinceTime", http.StatusBadRequest)
			return
		}
		opts.since = t
	}
	if v := q.Get("stream"); v == "Stdout" || v == "Stderr" {
		opts.stream = strings.ToLower(v)
	}
	lf, err := s.a.containerLog(ns, podName, name, boolParam(q.Get("previous")))
	if err != nil {
		code := http.StatusNotFound
		if errors.Is(err, errNotStarted) {
			code = http.StatusBadRequest
		}
		http.Error(w, err.Error(), code)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	lf.stream(r.Context(), flushWriter{w}, opts)
}

type flushWriter struct{ w http.ResponseWriter }

func (f flushWriter) Write(b []byte) (int, error) { return f.w.Write(b) }
func (f flushWriter) Flush() {
	if fl, ok := f.w.(http.Flusher); ok {
		fl.Flush()
	}
}

func boolParam(v string) bool {
	b, _ := strconv.ParseBool(v)
	return b
}

var errNotStarted = errors.New("container is waiting to start")

// containerLog finds the log of a container's current (or previous) run.
func (a *Agent) containerLog(ns, podName, name string, previous bool) (*logFile, error) {
	w := a.worker(ns, podName)
	if w == nil {
		return nil, fmt.Errorf("pod %s/%s is not running on node %s", ns, podName, a.name)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.containers {
		if c.spec.Name != name {
			continue
		}
		if previous {
			if c.prevLog == nil {
				return nil, fmt.Errorf("previous terminated container %q in pod %q not found", name, podName)
			}
			return c.prevLog, nil
		}
		if c.log == nil {
			return nil, fmt.Errorf("%w: container %q in pod %q is waiting to start: %s", errNotStarted, name, podName, waitingReason(c))
		}
		return c.log, nil
	}
	return nil, fmt.Errorf("container %s is not valid for pod %s", name, podName)
}

func waitingReason(c *ctr) string {
	if c.waiting != nil && c.waiting.Reason != "" {
		return c.waiting.Reason
	}
	return reasonContainerCreating
}

func clusterCAPool(data []byte, file string) (*x509.CertPool, error) {
	if len(data) == 0 && file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("reading the cluster CA: %w", err)
		}
		data = b
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, errors.New("the REST config has no cluster CA to authenticate kubelet API clients with")
	}
	return pool, nil
}

// selfSignedCert is the kubelet API's serving certificate; the apiserver does not verify
// it (no --kubelet-certificate-authority), as with a kubelet's self-signed default.
func selfSignedCert(name string, ip net.IP) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	sn, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: name + "@" + strconv.FormatInt(time.Now().Unix(), 10)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{name},
		IPAddresses:  []net.IP{ip},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

var metaTypeList = metav1TypeMeta("v1", "PodList")
