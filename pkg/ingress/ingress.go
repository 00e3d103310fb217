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

package ingress

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/sets"
	"knative.dev/networking/pkg/http/header"
	"knative.dev/pkg/network"

	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
)

// ComputeHash computes a hash of the Ingress Spec, Namespace and Name, the
// value a network probe expects back in the K-Network-Hash header once an
// implementation serves this version of the Ingress. Skiff's types encode to
// the same JSON as upstream's, so the hash is upstream's.
func ComputeHash(ing *v1alpha1.Ingress) ([sha256.Size]byte, error) {
	bytes, err := json.Marshal(ing.Spec)
	if err != nil {
		return [sha256.Size]byte{}, fmt.Errorf("failed to serialize Ingress: %w", err)
	}
	bytes = append(bytes, []byte(ing.GetNamespace())...)
	bytes = append(bytes, []byte(ing.GetName())...)
	return sha256.Sum256(bytes), nil
}

// Hash is ComputeHash as the hex string carried in K-Network-Hash.
func Hash(ing *v1alpha1.Ingress) (string, error) {
	bytes, err := ComputeHash(ing)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(bytes[:]), nil
}

// InsertProbe adds a probe path in front of every path of every rule: it
// matches requests carrying "K-Network-Hash: override" and sets
// K-Network-Hash to the Ingress's hash, so the backend (activator or
// queue-proxy) echoes the hash back to the prober. Implementations that
// forward probes to the backends (net-istio) use it; the Skiff gateway
// answers probes itself. It returns the hash.
func InsertProbe(ing *v1alpha1.Ingress) (string, error) {
	hash, err := Hash(ing)
	if err != nil {
		return "", fmt.Errorf("failed to compute the hash of the Ingress: %w", err)
	}

	for _, rule := range ing.Spec.Rules {
		if rule.HTTP == nil {
			return "", fmt.Errorf("rule is missing HTTP block: %+v", rule)
		}
		probePaths := make([]v1alpha1.HTTPIngressPath, 0, len(rule.HTTP.Paths))
		for i := range rule.HTTP.Paths {
			elt := rule.HTTP.Paths[i].DeepCopy()
			if elt.AppendHeaders == nil {
				elt.AppendHeaders = make(map[string]string, 1)
			}
			if elt.Headers == nil {
				elt.Headers = make(map[string]v1alpha1.HeaderMatch, 1)
			}
			elt.Headers[header.HashKey] = v1alpha1.HeaderMatch{Exact: header.HashValueOverride}
			elt.AppendHeaders[header.HashKey] = hash
			probePaths = append(probePaths, *elt)
		}
		rule.HTTP.Paths = append(probePaths, rule.HTTP.Paths...)
	}
	return hash, nil
}

// HostsPerVisibility returns, for each key (e.g. a gateway name) of
// visibilityToKey, the expanded hosts of the rules of that visibility.
func HostsPerVisibility(ing *v1alpha1.Ingress, visibilityToKey map[v1alpha1.IngressVisibility]sets.Set[string]) map[string]sets.Set[string] {
	output := make(map[string]sets.Set[string], 2) // We currently have public and internal.
	for _, rule := range ing.Spec.Rules {
		for host := range ExpandedHosts(sets.New(rule.Hosts...)) {
			for key := range visibilityToKey[rule.Visibility] {
				if _, ok := output[key]; !ok {
					output[key] = make(sets.Set[string], len(rule.Hosts))
				}
				output[key].Insert(host)
			}
		}
	}
	return output
}

// ExpandedHosts adds the short forms of cluster-local hosts: for
// "name.ns.svc.cluster.local" also "name.ns.svc" and "name.ns", as a client
// inside the cluster may use any of them (search paths in resolv.conf).
// Forms whose last label could not be a top-level domain are left out.
func ExpandedHosts(hosts sets.Set[string]) sets.Set[string] {
	allowedSuffixes := []string{
		"",
		"." + network.GetClusterDomainName(),
		".svc." + network.GetClusterDomainName(),
	}
	expanded := make(sets.Set[string], len(hosts)*len(allowedSuffixes))
	for _, h := range sets.List(hosts) {
		for _, suffix := range allowedSuffixes {
			if th := strings.TrimSuffix(h, suffix); suffix == "" || len(th) < len(h) {
				if isValidTopLevelDomain(th) {
					expanded.Insert(th)
				}
			}
		}
	}
	return expanded
}

// isValidTopLevelDomain reports whether the last label of domain could be a
// TLD: not longer than 63 characters and not all digits.
func isValidTopLevelDomain(domain string) bool {
	parts := strings.Split(domain, ".")
	tld := parts[len(parts)-1]
	if len(tld) > 63 {
		return false
	}
	for _, c := range []byte(tld) {
		if c == '-' || c > '9' {
			return true
		}
	}
	return false
}
