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
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// PKI file names under <dir>/pki. The CAs and the service-account key are created once
// and kept (tokens and kubeconfigs stay valid across `skiff down`/`up`); leaf
// certificates are issued afresh on every start.
const (
	caCert               = "ca.crt"
	caKey                = "ca.key"
	frontProxyCACert     = "front-proxy-ca.crt"
	frontProxyCAKey      = "front-proxy-ca.key"
	saKey                = "sa.key"
	saPub                = "sa.pub"
	apiserverCert        = "apiserver.crt"
	apiserverKey         = "apiserver.key"
	frontProxyClientCert = "front-proxy-client.crt"
	frontProxyClientKey  = "front-proxy-client.key"
	kubeletClientCert    = "apiserver-kubelet-client.crt"
	kubeletClientKey     = "apiserver-kubelet-client.key"
)

type keyPair struct {
	cert    *x509.Certificate
	key     crypto.Signer
	certPEM []byte
	keyPEM  []byte
}

type pki struct {
	dir        string
	ca         *keyPair
	frontProxy *keyPair
}

func (p *pki) path(name string) string { return filepath.Join(p.dir, name) }

// ensurePKI loads or creates the CAs and the service-account key pair, then issues the
// apiserver's serving certificate (for every name Pods and the host use to reach it) and
// its client certificates (front proxy for aggregation, kubelet client for logs/exec).
func ensurePKI(dir string, hostIP net.IP, serviceIP net.IP) (*pki, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	p := &pki{dir: dir}
	var err error
	if p.ca, err = loadOrCreateCA(dir, caCert, caKey, "skiff-ca"); err != nil {
		return nil, err
	}
	if p.frontProxy, err = loadOrCreateCA(dir, frontProxyCACert, frontProxyCAKey, "skiff-front-proxy-ca"); err != nil {
		return nil, err
	}
	if err := ensureSAKey(dir); err != nil {
		return nil, err
	}

	serving, err := issue(p.ca, certSpec{
		commonName: "kube-apiserver",
		dnsNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
			"kubernetes.default.svc.cluster.local"},
		ips:    []net.IP{hostIP, serviceIP, net.IPv4(127, 0, 0, 1)},
		server: true,
	})
	if err != nil {
		return nil, err
	}
	if err := p.write(apiserverCert, apiserverKey, serving); err != nil {
		return nil, err
	}
	fpc, err := issue(p.frontProxy, certSpec{commonName: "front-proxy-client"})
	if err != nil {
		return nil, err
	}
	if err := p.write(frontProxyClientCert, frontProxyClientKey, fpc); err != nil {
		return nil, err
	}
	kc, err := issue(p.ca, certSpec{commonName: "kube-apiserver-kubelet-client", orgs: []string{"system:masters"}})
	if err != nil {
		return nil, err
	}
	if err := p.write(kubeletClientCert, kubeletClientKey, kc); err != nil {
		return nil, err
	}
	return p, nil
}

// clientCert issues a client certificate signed by the cluster CA (not written to disk;
// kubeconfigs embed it).
func (p *pki) clientCert(user string, groups ...string) (*keyPair, error) {
	return issue(p.ca, certSpec{commonName: user, orgs: groups})
}

func (p *pki) write(certName, keyName string, kp *keyPair) error {
	if err := os.WriteFile(p.path(keyName), kp.keyPEM, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", keyName, err)
	}
	if err := os.WriteFile(p.path(certName), kp.certPEM, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", certName, err)
	}
	return nil
}

type certSpec struct {
	commonName string
	orgs       []string
	dnsNames   []string
	ips        []net.IP
	server     bool
}

func newKey() (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generating key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding key: %w", err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

func loadOrCreateCA(dir, certName, keyName, cn string) (*keyPair, error) {
	certPath, keyPath := filepath.Join(dir, certName), filepath.Join(dir, keyName)
	certPEM, cerr := os.ReadFile(certPath)
	keyPEM, kerr := os.ReadFile(keyPath)
	if cerr == nil && kerr == nil {
		kp, err := parseKeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w (delete %s to start over)", certPath, err, dir)
		}
		return kp, nil
	}
	if !errors.Is(cerr, os.ErrNotExist) && cerr != nil {
		return nil, cerr
	}
	key, keyPEM, err := newKey()
	if err != nil {
		return nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("creating CA %s: %w", cn, err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(certPath, certPEM, 0o644); err != nil {
		return nil, err
	}
	return parseKeyPair(certPEM, keyPEM)
}

func parseKeyPair(certPEM, keyPEM []byte) (*keyPair, error) {
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, errors.New("not PEM")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("key cannot sign")
	}
	return &keyPair{cert: cert, key: signer, certPEM: certPEM, keyPEM: keyPEM}, nil
}

func issue(ca *keyPair, spec certSpec) (*keyPair, error) {
	key, keyPEM, err := newKey()
	if err != nil {
		return nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: spec.commonName, Organization: spec.orgs},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		DNSNames:     spec.dnsNames,
		IPAddresses:  spec.ips,
	}
	if spec.server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		return nil, fmt.Errorf("issuing certificate for %s: %w", spec.commonName, err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return parseKeyPair(certPEM, keyPEM)
}

// ensureSAKey creates the key pair the apiserver signs service-account tokens with and the
// controller-manager's token controller uses; it is kept so existing tokens stay valid.
func ensureSAKey(dir string) error {
	keyPath, pubPath := filepath.Join(dir, saKey), filepath.Join(dir, saPub)
	if _, err := os.Stat(keyPath); err == nil {
		if _, err := os.Stat(pubPath); err == nil {
			return nil
		}
	}
	key, keyPEM, err := newKey()
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return fmt.Errorf("encoding service-account public key: %w", err)
	}
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return err
	}
	return os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644)
}
