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

package certificate

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap"
)

func writePair(t *testing.T, dir, cn string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tls.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tls.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func commonName(t *testing.T, cw *CertWatcher) string {
	t.Helper()
	c, err := cw.GetCertificate(&tls.ClientHelloInfo{})
	if err != nil || c == nil {
		t.Fatalf("GetCertificate = %v, %v", c, err)
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return leaf.Subject.CommonName
}

func TestCertificateRotation(t *testing.T) {
	dir := t.TempDir()
	writePair(t, dir, "first")
	cw, err := NewCertWatcher(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"), 10*time.Millisecond, zap.NewNop().Sugar())
	if err != nil {
		t.Fatal("NewCertWatcher:", err)
	}
	defer cw.Stop()
	if got := commonName(t, cw); got != "first" {
		t.Errorf("CN = %q, want first", got)
	}

	writePair(t, dir, "second")
	for commonName(t, cw) != "second" {
		time.Sleep(5 * time.Millisecond)
	}

	// A broken pair keeps the last good one in service.
	if err := os.WriteFile(filepath.Join(dir, "tls.key"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if changed, err := cw.loadCert(); err == nil || changed {
		t.Errorf("loadCert of a broken pair = %v, %v; want an error", changed, err)
	}
	if got := commonName(t, cw); got != "second" {
		t.Errorf("CN after a broken update = %q, want second", got)
	}
}

func TestNewCertWatcherMissingFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := NewCertWatcher(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"), time.Minute, zap.NewNop().Sugar()); err == nil {
		t.Error("NewCertWatcher succeeded without files")
	}
}
