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
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// k8schainOptions says where a revision's registry credentials come from,
// like go-containerregistry's k8schain.Options (which Skiff does not vendor).
type k8schainOptions struct {
	// Namespace of the revision; secrets and service account live there.
	Namespace string
	// ServiceAccountName is the pods' service account ("default" if empty),
	// whose imagePullSecrets are used too.
	ServiceAccountName string
	// ImagePullSecrets are the names of the revision's own pull secrets.
	ImagePullSecrets []string
}

// dockerEntry is one registry's credentials in a docker config.
type dockerEntry struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Auth     string `json:"auth,omitempty"`
}

// pullSecretKeychain is an authn.Keychain over Kubernetes pull secrets: the
// credentials kubelet would use to pull the same image.
type pullSecretKeychain struct {
	// entries in the order found: the revision's secrets before the service
	// account's, each secret's keys in map order.
	entries []keychainEntry
}

type keychainEntry struct {
	host string // registry host (and port), e.g. "gcr.io" or "index.docker.io"
	path string // optional repository prefix, e.g. "my-project"
	auth authn.AuthConfig
}

var _ authn.Keychain = (*pullSecretKeychain)(nil)

// newPullSecretKeychain reads the pull secrets named by opt. Missing secrets
// and a missing service account are skipped, as kubelet does; other API
// errors fail the resolution so it is retried.
func newPullSecretKeychain(ctx context.Context, client kubernetes.Interface, opt k8schainOptions) (authn.Keychain, error) {
	names := append([]string{}, opt.ImagePullSecrets...)

	saName := opt.ServiceAccountName
	if saName == "" {
		saName = "default"
	}
	sa, err := client.CoreV1().ServiceAccounts(opt.Namespace).Get(ctx, saName, metav1.GetOptions{})
	switch {
	case apierrs.IsNotFound(err):
	case err != nil:
		return nil, fmt.Errorf("getting service account %s/%s: %w", opt.Namespace, saName, err)
	default:
		for _, ref := range sa.ImagePullSecrets {
			names = append(names, ref.Name)
		}
	}

	kc := &pullSecretKeychain{}
	for _, name := range names {
		secret, err := client.CoreV1().Secrets(opt.Namespace).Get(ctx, name, metav1.GetOptions{})
		if apierrs.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("getting pull secret %s/%s: %w", opt.Namespace, name, err)
		}
		entries, err := parsePullSecret(secret)
		if err != nil {
			return nil, fmt.Errorf("pull secret %s/%s: %w", opt.Namespace, name, err)
		}
		kc.entries = append(kc.entries, entries...)
	}
	return kc, nil
}

// parsePullSecret returns the credentials of a kubernetes.io/dockerconfigjson
// or kubernetes.io/dockercfg secret; other secrets hold none.
func parsePullSecret(secret *corev1.Secret) ([]keychainEntry, error) {
	var cfg map[string]dockerEntry
	switch secret.Type {
	case corev1.SecretTypeDockerConfigJson:
		var wrapped struct {
			Auths map[string]dockerEntry `json:"auths"`
		}
		if err := json.Unmarshal(secret.Data[corev1.DockerConfigJsonKey], &wrapped); err != nil {
			return nil, fmt.Errorf("parsing %s: %w", corev1.DockerConfigJsonKey, err)
		}
		cfg = wrapped.Auths
	case corev1.SecretTypeDockercfg:
		if err := json.Unmarshal(secret.Data[corev1.DockerConfigKey], &cfg); err != nil {
			return nil, fmt.Errorf("parsing %s: %w", corev1.DockerConfigKey, err)
		}
	default:
		return nil, nil
	}

	entries := make([]keychainEntry, 0, len(cfg))
	for key, e := range cfg {
		host, path := splitRegistryKey(key)
		entries = append(entries, keychainEntry{
			host: host,
			path: path,
			auth: authn.AuthConfig{Username: e.Username, Password: e.Password, Auth: e.Auth},
		})
	}
	return entries, nil
}

// splitRegistryKey turns a docker config key ("https://index.docker.io/v1/",
// "gcr.io/my-project", "localhost:5000") into host and repository prefix.
func splitRegistryKey(key string) (host, path string) {
	if !strings.Contains(key, "://") {
		key = "https://" + key
	}
	u, err := url.Parse(key)
	if err != nil {
		return key, ""
	}
	host, path = u.Host, strings.Trim(u.Path, "/")
	// Docker Hub's legacy keys name the v1 API, not a repository.
	if path == "v1" || path == "v2" {
		path = ""
	}
	if host == "docker.io" || host == "registry-1.docker.io" {
		host = "index.docker.io"
	}
	return host, path
}

// Resolve returns the credentials whose registry matches target, preferring
// the longest repository prefix, or anonymous access.
func (kc *pullSecretKeychain) Resolve(target authn.Resource) (authn.Authenticator, error) {
	registry := target.RegistryStr()
	repo := strings.TrimPrefix(strings.TrimPrefix(target.String(), registry), "/")
	best := -1
	var auth authn.AuthConfig
	for _, e := range kc.entries {
		if e.host != registry {
			continue
		}
		if e.path != "" && repo != e.path && !strings.HasPrefix(repo, e.path+"/") {
			continue
		}
		if len(e.path) > best {
			best, auth = len(e.path), e.auth
		}
	}
	if best < 0 {
		return authn.Anonymous, nil
	}
	return authn.FromConfig(auth), nil
}
