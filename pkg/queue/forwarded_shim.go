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

package queue

import (
	"net/http"
	"strings"
)

// ForwardedShimHandler adds a `Forwarded` header (RFC 7239) built from the
// `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host` headers, so
// apps that only read the standard header see the same information. Each
// X-Forwarded-For node becomes a `for=` element; proto and host attach to
// the first element. X-Forwarded-By is ignored (it cannot be paired with
// X-Forwarded-For reliably). A request that already has `Forwarded`, or has
// none of the X-Forwarded-* headers, is left alone.
func ForwardedShimHandler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := r.Header
		if len(hdr["Forwarded"]) == 0 {
			xff, xfp, xfh := first(hdr, "X-Forwarded-For"), first(hdr, "X-Forwarded-Proto"), first(hdr, "X-Forwarded-Host")
			if xff != "" || xfp != "" || xfh != "" {
				hdr["Forwarded"] = []string{generateForwarded(xff, xfp, xfh)}
			}
		}
		h.ServeHTTP(w, r)
	})
}

func first(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func generateForwarded(xff, xfp, xfh string) string {
	var b strings.Builder
	// for= and its delimiter per node (+2 for IPv6 quoting), host= and proto=.
	b.Grow(len(xff) + len(xfp) + len(xfh) + 13 + 10*(strings.Count(xff, ",")+1))

	firstNode, rest, more := strings.Cut(xff, ",")
	firstNode = strings.TrimSpace(firstNode)
	sep := ""
	if xff != "" {
		b.WriteString("for=")
		writeNode(&b, firstNode)
		sep = ";"
	}
	if xfh != "" {
		b.WriteString(sep)
		b.WriteString("host=")
		b.WriteString(xfh)
		sep = ";"
	}
	if xfp != "" {
		b.WriteString(sep)
		b.WriteString("proto=")
		b.WriteString(xfp)
	}
	// A trailing comma adds no node.
	for more && rest != "" {
		var node string
		node, rest, more = strings.Cut(rest, ",")
		b.WriteString(", for=")
		writeNode(&b, strings.TrimSpace(node))
	}
	return b.String()
}

// writeNode writes a node, quoting IPv6 addresses as "[addr]".
func writeNode(b *strings.Builder, node string) {
	if strings.Contains(node, ":") {
		b.WriteString(`"[`)
		b.WriteString(node)
		b.WriteString(`]"`)
		return
	}
	b.WriteString(node)
}
