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

package handler

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/tools/cache"
	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/activator"
	activatorconfig "github.com/skiffhq/skiff/pkg/activator/config"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	servinglisters "github.com/skiffhq/skiff/pkg/client/listers/serving/v1"
)

// The hand-written checks must agree with Kubernetes' validation.
func TestDNS1123Checks(t *testing.T) {
	for _, s := range []string{
		"", "a", "hello-00001", "-a", "a-", "A", "a_b", "a.b", "a..b", ".a", "a.", "1a", "a1",
		strings.Repeat("a", 63), strings.Repeat("a", 64), strings.Repeat("a.", 126) + "a", strings.Repeat("ab.", 85),
		"ä", "a b", "a/b", "hello-00001.default",
	} {
		if got, want := isDNS1123Label(s), len(validation.IsDNS1123Label(s)) == 0; got != want {
			t.Errorf("isDNS1123Label(%q) = %v, want %v", s, got, want)
		}
		if got, want := isDNS1123Subdomain(s), len(validation.IsDNS1123Subdomain(s)) == 0; got != want {
			t.Errorf("isDNS1123Subdomain(%q) = %v, want %v", s, got, want)
		}
	}
}

// contextHandlerFor is a context handler over an indexer the test fills,
// in front of a handler that answers 200 with the revision it was given.
func contextHandlerFor(t *testing.T, indexer cache.Indexer, appear time.Duration) http.Handler {
	t.Helper()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, RevIDFrom(r.Context()).String())
	})
	return &contextHandler{
		nextHandler:    next,
		revisionLister: servinglisters.NewRevisionLister(indexer),
		logger:         logtesting.TestLogger(t),
		store:          activatorconfig.NewStore(logtesting.TestLogger(t)),
		appearTimeout:  appear,
	}
}

func revisionRequest(ctx context.Context, name string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "http://hello.default.example.com/", nil).WithContext(ctx)
	req.Header.Set(activator.RevisionHeaderNamespace, "default")
	req.Header.Set(activator.RevisionHeaderName, name)
	return req
}

// A revision the informer learns of while its first request is being
// handled is served, not refused with 404.
func TestContextHandlerAwaitsNewRevision(t *testing.T) {
	indexer := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	h := contextHandlerFor(t, indexer, 5*time.Second)
	go func() {
		time.Sleep(50 * time.Millisecond)
		indexer.Add(&v1.Revision{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "hello-00002"}})
	}()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, revisionRequest(context.Background(), "hello-00002"))
	if w.Code != http.StatusOK || w.Body.String() != "default/hello-00002" {
		t.Fatalf("got %d %q, want 200 for default/hello-00002", w.Code, w.Body.String())
	}
}

// A revision that never appears is a 404 naming it, once the wait is over;
// a client that goes away first ends the wait.
func TestContextHandlerMissingRevision(t *testing.T) {
	indexer := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	h := contextHandlerFor(t, indexer, 30*time.Millisecond)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, revisionRequest(context.Background(), "nope-00001"))
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "default/nope-00001 not found") {
		t.Fatalf("got %d %q, want 404 naming default/nope-00001", w.Code, w.Body.String())
	}

	h = contextHandlerFor(t, indexer, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	w = httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		h.ServeHTTP(w, revisionRequest(ctx, "nope-00001"))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the wait did not end when the client went away")
	}
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("client gone: got %d, want 503", w.Code)
	}
}
