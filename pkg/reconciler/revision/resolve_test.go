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
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
	fakekube "k8s.io/client-go/kubernetes/fake"
)

const registryDigest = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

// fakeRegistry serves the two requests a tag-to-digest resolution makes:
// the /v2/ ping and a manifest HEAD. With user set, it wants basic auth.
type fakeRegistry struct {
	user, password string
	heads          atomic.Int32
}

func (f *fakeRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.user != "" {
		u, p, ok := r.BasicAuth()
		if !ok || u != f.user || p != f.password {
			w.Header().Set("WWW-Authenticate", `Basic realm="fake"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
	}
	switch {
	case r.URL.Path == "/v2/":
		w.WriteHeader(http.StatusOK)
	case r.Method == http.MethodHead && r.URL.Path == "/v2/app/manifests/v1":
		f.heads.Add(1)
		w.Header().Set("Docker-Content-Digest", registryDigest)
		w.Header().Set("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
		w.Header().Set("Content-Length", "1234")
		w.WriteHeader(http.StatusOK)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func startRegistry(t *testing.T, reg *fakeRegistry) string {
	t.Helper()
	srv := httptest.NewServer(reg)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func dockerConfigSecret(name, registry, user, password string) *corev1.Secret {
	cfg, _ := json.Marshal(map[string]interface{}{
		"auths": map[string]interface{}{
			registry: map[string]string{
				"auth": base64.StdEncoding.EncodeToString([]byte(user + ":" + password)),
			},
		},
	})
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
		Type:       corev1.SecretTypeDockerConfigJson,
		Data:       map[string][]byte{corev1.DockerConfigJsonKey: cfg},
	}
}

func TestDigestResolverResolve(t *testing.T) {
	open := &fakeRegistry{}
	openHost := startRegistry(t, open)
	private := &fakeRegistry{user: "me", password: "s3cret"}
	privateHost := startRegistry(t, private)

	for _, tc := range []struct {
		name    string
		image   string
		opt     k8schainOptions
		objects []runtime.Object
		skip    sets.Set[string]
		want    string
		wantErr string
	}{{
		name:  "tag resolved to digest",
		image: openHost + "/app:v1",
		want:  openHost + "/app@" + registryDigest,
	}, {
		name:    "unknown tag",
		image:   openHost + "/app:v2",
		wantErr: "404 Not Found",
	}, {
		name:  "skipped registry is not asked",
		image: openHost + "/app:v1",
		skip:  sets.New(openHost),
	}, {
		name:  "digest is kept as is",
		image: openHost + "/app@" + registryDigest,
		want:  openHost + "/app@" + registryDigest,
	}, {
		name:  "ko:// is not asked",
		image: "ko://" + openHost + "/app",
	}, {
		name:    "bad reference",
		image:   "UPPER/case:v1",
		wantErr: "failed to parse image name",
	}, {
		name:    "private registry without credentials",
		image:   privateHost + "/app:v1",
		wantErr: "401 Unauthorized",
	}, {
		name:    "private registry with the revision's pull secret",
		image:   privateHost + "/app:v1",
		opt:     k8schainOptions{ImagePullSecrets: []string{"pull"}},
		objects: []runtime.Object{dockerConfigSecret("pull", privateHost, "me", "s3cret")},
		want:    privateHost + "/app@" + registryDigest,
	}, {
		name:  "private registry with the service account's pull secret",
		image: privateHost + "/app:v1",
		opt:   k8schainOptions{ServiceAccountName: "builder"},
		objects: []runtime.Object{
			&corev1.ServiceAccount{
				ObjectMeta:       metav1.ObjectMeta{Namespace: "ns", Name: "builder"},
				ImagePullSecrets: []corev1.LocalObjectReference{{Name: "sa-pull"}},
			},
			dockerConfigSecret("sa-pull", privateHost, "me", "s3cret"),
		},
		want: privateHost + "/app@" + registryDigest,
	}, {
		name:    "wrong credentials",
		image:   privateHost + "/app:v1",
		opt:     k8schainOptions{ImagePullSecrets: []string{"pull"}},
		objects: []runtime.Object{dockerConfigSecret("pull", privateHost, "me", "wrong")},
		wantErr: "401 Unauthorized",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opt.Namespace = "ns"
			r := &digestResolver{
				client:    fakekube.NewSimpleClientset(tc.objects...),
				transport: http.DefaultTransport,
				userAgent: "test",
			}
			heads := open.heads.Load()
			got, err := r.Resolve(context.Background(), tc.image, tc.opt, tc.skip)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Resolve() = %q, %v, want an error containing %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal("Resolve() =", err)
			}
			if got != tc.want {
				t.Errorf("Resolve() = %q, want %q", got, tc.want)
			}
			if tc.want == "" && open.heads.Load() != heads {
				t.Error("the registry was asked although it needed not be")
			}
		})
	}
}

func TestResolveOffline(t *testing.T) {
	skip := sets.New("ko.local", "dev.local")
	for _, tc := range []struct {
		image     string
		localMode bool
		want      string
		wantOK    bool
	}{
		{"ko.local/app", false, "", true},
		{"dev.local/app:v1", false, "", true},
		{"ko://github.com/x/cmd/app", false, "", true},
		{"busybox", true, "", true},
		{"example.com/app@" + registryDigest, false, "example.com/app@" + registryDigest, true},
		{"busybox", false, "", false},
		{"gcr.io/project/app:v1", false, "", false},
		{"UPPER/case", false, "", false},
	} {
		got, ok := resolveOffline(tc.image, skip, tc.localMode)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("resolveOffline(%q, local=%v) = %q, %v, want %q, %v", tc.image, tc.localMode, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestPullSecretKeychain(t *testing.T) {
	basic := func(u, p string) string { return base64.StdEncoding.EncodeToString([]byte(u + ":" + p)) }
	dockercfg, _ := json.Marshal(map[string]interface{}{
		"legacy.example.com": map[string]string{"auth": basic("legacy", "pw")},
	})
	objects := []runtime.Object{
		&corev1.ServiceAccount{
			ObjectMeta:       metav1.ObjectMeta{Namespace: "ns", Name: "default"},
			ImagePullSecrets: []corev1.LocalObjectReference{{Name: "sa-secret"}, {Name: "missing"}},
		},
		dockerConfigSecret("hub", "https://index.docker.io/v1/", "hubuser", "pw"),
		dockerConfigSecret("project", "gcr.io/my-project", "project", "pw"),
		dockerConfigSecret("sa-secret", "gcr.io", "gcr", "pw"),
		&corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "legacy"},
			Type:       corev1.SecretTypeDockercfg,
			Data:       map[string][]byte{corev1.DockerConfigKey: dockercfg},
		},
		&corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "opaque"},
			Data:       map[string][]byte{"x": []byte("y")},
		},
	}
	kc, err := newPullSecretKeychain(context.Background(), fakekube.NewSimpleClientset(objects...), k8schainOptions{
		Namespace:        "ns",
		ImagePullSecrets: []string{"hub", "project", "legacy", "opaque", "not-there"},
	})
	if err != nil {
		t.Fatal("newPullSecretKeychain() =", err)
	}

	for image, wantUser := range map[string]string{
		"busybox":                          "hubuser",
		"docker.io/library/busybox":        "hubuser",
		"gcr.io/my-project/app":            "project", // longest prefix wins
		"gcr.io/other-project/app":         "gcr",     // from the service account
		"legacy.example.com/app":           "legacy",
		"quay.io/someone/app":              "", // anonymous
		"gcr.io/my-project-not-really/app": "gcr",
	} {
		ref, err := name.ParseReference(image, name.WeakValidation)
		if err != nil {
			t.Fatal(err)
		}
		auth, err := kc.Resolve(ref.Context())
		if err != nil {
			t.Fatalf("Resolve(%s) = %v", image, err)
		}
		cfg, err := auth.Authorization()
		if err != nil {
			t.Fatalf("Authorization(%s) = %v", image, err)
		}
		gotUser := ""
		if auth != authn.Anonymous {
			u, _, _ := strings.Cut(mustDecode(t, cfg.Auth), ":")
			gotUser = u
		}
		if gotUser != wantUser {
			t.Errorf("credentials for %s: user %q, want %q", image, gotUser, wantUser)
		}
	}
}

func mustDecode(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
	return string(b)
}

func TestPullSecretKeychainErrors(t *testing.T) {
	bad := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "bad"},
		Type:       corev1.SecretTypeDockerConfigJson,
		Data:       map[string][]byte{corev1.DockerConfigJsonKey: []byte("{not json")},
	}
	_, err := newPullSecretKeychain(context.Background(), fakekube.NewSimpleClientset(bad), k8schainOptions{
		Namespace: "ns", ImagePullSecrets: []string{"bad"},
	})
	if err == nil || !strings.Contains(err.Error(), "pull secret ns/bad") {
		t.Errorf("newPullSecretKeychain() = %v, want a parse error naming the secret", err)
	}
}
