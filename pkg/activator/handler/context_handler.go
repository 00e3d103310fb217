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
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"
	k8serrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/logging/logkey"
	"knative.dev/pkg/network"

	"github.com/skiffhq/skiff/pkg/activator"
	activatorconfig "github.com/skiffhq/skiff/pkg/activator/config"
	servingv1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	revisioninformer "github.com/skiffhq/skiff/pkg/client/injection/informers/serving/v1/revision"
	servinglisters "github.com/skiffhq/skiff/pkg/client/listers/serving/v1"
)

// NewContextHandler returns a handler that finds the request's Revision and
// puts it, its key and the activator's configuration into the request's
// context.
//
// The revision is named by the Knative-Serving-Revision and
// Knative-Serving-Namespace headers the ingress adds, or else by a Host of
// the form <revision>.<namespace>.svc.<cluster domain>. A request without
// them, or with names that cannot be Kubernetes names, gets 400; one for a
// revision that does not exist gets 404. Each says what was wrong.
func NewContextHandler(ctx context.Context, next http.Handler, store *activatorconfig.Store) http.Handler {
	return &contextHandler{
		nextHandler:    next,
		revisionLister: revisioninformer.Get(ctx).Lister(),
		logger:         logging.FromContext(ctx),
		store:          store,
		appearTimeout:  revisionAppearTimeout,
	}
}

// revisionAppearTimeout bounds how long a request for a revision the
// activator's informer does not know yet waits for it to show up before
// it gets 404. The route can be programmed (and a request arrive) a few
// milliseconds before the Revision's add event reaches this informer; a
// 404 then would be a spurious failure of a brand-new revision's first
// request. A revision that really does not exist costs one second.
const revisionAppearTimeout = time.Second

type contextHandler struct {
	revisionLister servinglisters.RevisionLister
	logger         *zap.SugaredLogger
	nextHandler    http.Handler
	store          *activatorconfig.Store
	appearTimeout  time.Duration
}

func (h *contextHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	namespace := r.Header.Get(activator.RevisionHeaderNamespace)
	name := r.Header.Get(activator.RevisionHeaderName)
	if name == "" && namespace == "" {
		// <revision>.<namespace>.svc.<cluster domain>[:port]
		parts := strings.SplitN(r.Host, ".", 4)
		if len(parts) == 4 && parts[2] == "svc" && strings.SplitN(parts[3], ":", 2)[0] == network.GetClusterDomainName() {
			name, namespace = parts[0], parts[1]
		}
	}
	if msg := validateRevisionHeaders(namespace, name); msg != "" {
		http.Error(w, msg, http.StatusBadRequest)
		return
	}

	revID := types.NamespacedName{Namespace: namespace, Name: name}
	revision, err := h.revisionLister.Revisions(namespace).Get(name)
	if k8serrors.IsNotFound(err) {
		revision, err = h.awaitRevision(r.Context(), namespace, name)
	}
	if err != nil {
		if k8serrors.IsNotFound(err) {
			http.Error(w, fmt.Sprintf("revision %s not found (from the %s and %s headers)",
				revID, activator.RevisionHeaderNamespace, activator.RevisionHeaderName), http.StatusNotFound)
			return
		}
		if r.Context().Err() != nil {
			// The client went away while the revision was awaited; nobody reads this.
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		h.logger.Errorw("Error while getting revision", zap.String(logkey.Key, revID.String()), zap.Error(err))
		http.Error(w, "error getting revision "+revID.String()+": "+err.Error(), http.StatusInternalServerError)
		return
	}

	ctx := WithRevisionAndID(r.Context(), revision, revID)
	ctx = h.store.ToContext(ctx)
	h.nextHandler.ServeHTTP(w, r.WithContext(ctx))
}

// awaitRevision polls the lister for a revision it did not have, for up to
// appearTimeout or until the client goes away, and returns the lister's
// last answer.
func (h *contextHandler) awaitRevision(ctx context.Context, namespace, name string) (*servingv1.Revision, error) {
	const interval = 10 * time.Millisecond
	deadline := time.NewTimer(h.appearTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-deadline.C:
			return h.revisionLister.Revisions(namespace).Get(name)
		case <-tick.C:
			if rev, err := h.revisionLister.Revisions(namespace).Get(name); !k8serrors.IsNotFound(err) {
				return rev, err
			}
		}
	}
}

// validateRevisionHeaders returns why the revision headers are unusable, or
// "".
func validateRevisionHeaders(namespace, name string) string {
	switch {
	case name == "" && namespace == "":
		return "missing " + activator.RevisionHeaderName + " and " + activator.RevisionHeaderNamespace +
			" headers: the activator cannot tell which revision the request is for"
	case name == "":
		return "missing " + activator.RevisionHeaderName + " header: the activator cannot tell which revision the request is for"
	case namespace == "":
		return "missing " + activator.RevisionHeaderNamespace + " header: the activator cannot tell which revision the request is for"
	}
	// The regexp-based validation costs more than the rest of the
	// handler: check the common case by hand, explain with it.
	if !isDNS1123Label(namespace) {
		errs := validation.IsDNS1123Label(namespace)
		return fmt.Sprintf("invalid %s header %q: %s", activator.RevisionHeaderNamespace, namespace, strings.Join(errs, "; "))
	}
	if !isDNS1123Subdomain(name) {
		errs := validation.IsDNS1123Subdomain(name)
		return fmt.Sprintf("invalid %s header %q: %s", activator.RevisionHeaderName, name, strings.Join(errs, "; "))
	}
	return ""
}

// isDNS1123Label reports whether s is a lower case RFC 1123 label: at most
// 63 of [a-z0-9-], starting and ending alphanumeric.
func isDNS1123Label(s string) bool {
	return len(s) <= validation.DNS1123LabelMaxLength && isLabelChars(s)
}

// isLabelChars reports whether s is [a-z0-9]([-a-z0-9]*[a-z0-9])?.
func isLabelChars(s string) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(s)-1:
		default:
			return false
		}
	}
	return true
}

// isDNS1123Subdomain reports whether s is a lower case RFC 1123 subdomain:
// at most 253 characters of dot-separated labels (of any length, as
// Kubernetes has it).
func isDNS1123Subdomain(s string) bool {
	if len(s) == 0 || len(s) > validation.DNS1123SubdomainMaxLength {
		return false
	}
	for len(s) > 0 {
		label := s
		if i := strings.IndexByte(s, '.'); i >= 0 {
			label, s = s[:i], s[i+1:]
			if len(s) == 0 {
				return false // trailing dot
			}
		} else {
			s = ""
		}
		if !isLabelChars(label) {
			return false
		}
	}
	return true
}
