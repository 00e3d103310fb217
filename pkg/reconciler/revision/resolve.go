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

package revision

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/kubernetes"
)

const (
	// Kubernetes CA certificate bundle is mounted into the pod here, see:
	// https://kubernetes.io/docs/tasks/tls/managing-tls-in-a-cluster/#trusting-tls-in-a-cluster
	k8sCertPath = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"

	tlsMinVersionEnvKey = "TAG_TO_DIGEST_TLS_MIN_VERSION"

	// localModeEnvKey, when "true", turns digest resolution off altogether:
	// locally, images come from the host (`skiff image add`), not from a
	// registry the controller could ask.
	localModeEnvKey = "SKIFF_LOCAL_MODE"

	// koScheme prefixes images that ko has not built yet; there is nothing
	// to look up.
	koScheme = "ko://"
)

type digestResolver struct {
	client    kubernetes.Interface
	transport http.RoundTripper
	userAgent string
}

// newResolverTransport returns an http.Transport that appends the certs bundle
// at path to the system cert pool.
//
// Use this with k8sCertPath to trust the same certs as the cluster.
func newResolverTransport(path string, maxIdleConns, maxIdleConnsPerHost int) (*http.Transport, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}

	if crt, err := os.ReadFile(path); err != nil {
		return nil, err
	} else if ok := pool.AppendCertsFromPEM(crt); !ok {
		return nil, errors.New("failed to append k8s cert bundle to cert pool")
	}

	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = maxIdleConns
	transport.MaxIdleConnsPerHost = maxIdleConnsPerHost
	minVersion, err := tlsMinVersionFromEnv(tls.VersionTLS12)
	if err != nil {
		return nil, err
	}
	//nolint:gosec // quay.io still required 1.2 - bump if they've moved up
	transport.TLSClientConfig = &tls.Config{
		MinVersion: minVersion,
		RootCAs:    pool,
	}

	return transport, nil
}

func tlsMinVersionFromEnv(defaultTLSMinVersion uint16) (uint16, error) {
	switch tlsMinVersion := os.Getenv(tlsMinVersionEnvKey); tlsMinVersion {
	case "1.2":
		return tls.VersionTLS12, nil
	case "1.3":
		return tls.VersionTLS13, nil
	case "":
		return defaultTLSMinVersion, nil
	default:
		return 0, fmt.Errorf("the environment variable %q has to be either '1.2' or '1.3', not %q", tlsMinVersionEnvKey, tlsMinVersion)
	}
}

// resolveOffline answers for images that need no registry: ok is true with
// the digest to record ("" to keep the image as is) for images already
// pinned by digest, ko:// references, registries in registriesToSkip, and
// every image in local mode.
func resolveOffline(image string, registriesToSkip sets.Set[string], localMode bool) (digest string, ok bool) {
	if localMode || strings.HasPrefix(image, koScheme) {
		return "", true
	}
	if _, err := name.NewDigest(image, name.WeakValidation); err == nil {
		return image, true
	}
	tag, err := name.NewTag(image, name.WeakValidation)
	if err != nil {
		// Not offline: Resolve reports the parse error.
		return "", false
	}
	if registriesToSkip.Has(tag.Registry.RegistryStr()) {
		return "", true
	}
	return "", false
}

// Resolve resolves the image references that use tags to digests.
func (r *digestResolver) Resolve(
	ctx context.Context,
	image string,
	opt k8schainOptions,
	registriesToSkip sets.Set[string],
) (string, error) {
	if digest, ok := resolveOffline(image, registriesToSkip, false); ok {
		return digest, nil
	}

	tag, err := name.NewTag(image, name.WeakValidation)
	if err != nil {
		return "", fmt.Errorf("failed to parse image name %q into a tag: %w", image, err)
	}

	kc, err := newPullSecretKeychain(ctx, r.client, opt)
	if err != nil {
		return "", fmt.Errorf("failed to initialize authentication: %w", err)
	}

	desc, err := remote.Head(tag, remote.WithContext(ctx), remote.WithTransport(r.transport), remote.WithAuthFromKeychain(kc), remote.WithUserAgent(r.userAgent))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s@%s", tag.Repository.String(), desc.Digest), nil
}
