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

// Package certificate serves queue-proxy's TLS certificate and reloads it
// when the mounted secret changes.
package certificate

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// CertReloadMessage is logged when the certificate was reloaded.
const CertReloadMessage = "Certificate and/or key have changed on disk and were reloaded."

// CertWatcher polls a certificate and key file pair and serves the latest
// valid pair to TLS handshakes.
type CertWatcher struct {
	certPath, keyPath string

	mu              sync.Mutex // guards the last loaded contents
	certPEM, keyPEM []byte

	certificate atomic.Pointer[tls.Certificate]

	logger   *zap.SugaredLogger
	stop     chan struct{}
	stopOnce sync.Once
}

// NewCertWatcher loads the pair once (failing if it is invalid) and then
// reloads it every reloadInterval if its contents changed.
func NewCertWatcher(certPath, keyPath string, reloadInterval time.Duration, logger *zap.SugaredLogger) (*CertWatcher, error) {
	cw := &CertWatcher{
		certPath: certPath,
		keyPath:  keyPath,
		logger:   logger,
		stop:     make(chan struct{}),
	}
	if _, err := cw.loadCert(); err != nil {
		return nil, err
	}
	go cw.watch(reloadInterval)
	return cw, nil
}

// Stop stops watching.
func (cw *CertWatcher) Stop() {
	cw.stopOnce.Do(func() { close(cw.stop) })
}

// GetCertificate is a tls.Config.GetCertificate returning the current pair.
func (cw *CertWatcher) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return cw.certificate.Load(), nil
}

func (cw *CertWatcher) watch(interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-cw.stop:
			return
		case <-ticker.C:
			if changed, err := cw.loadCert(); err != nil {
				cw.logger.Errorw("Failed to reload certificate", zap.Error(err))
			} else if changed {
				cw.logger.Info(CertReloadMessage)
			}
		}
	}
}

// loadCert reads the pair and installs it if it changed. A broken new pair
// keeps the old one in service.
func (cw *CertWatcher) loadCert() (bool, error) {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	certPEM, err := os.ReadFile(cw.certPath)
	if err != nil {
		return false, fmt.Errorf("failed to load certificate file in %s: %w", cw.certPath, err)
	}
	keyPEM, err := os.ReadFile(cw.keyPath)
	if err != nil {
		return false, fmt.Errorf("failed to load key file in %s: %w", cw.keyPath, err)
	}
	if bytes.Equal(certPEM, cw.certPEM) && bytes.Equal(keyPEM, cw.keyPEM) {
		return false, nil
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return false, fmt.Errorf("failed to parse certificate and key pair: %w", err)
	}
	cw.certPEM, cw.keyPEM = certPEM, keyPEM
	cw.certificate.Store(&pair)
	return true, nil
}
