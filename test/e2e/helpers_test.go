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

package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/skiffhq/skiff/pkg/local/platform/platformtest"
)

// row is one line of `kubectl get` output, by column header.
type row map[string]string

// table parses `kubectl get` output: columns start where their header starts (kubectl
// aligns them), so empty cells (a REASON of a Ready object) parse as "" and cells with
// spaces ("80/TCP, 443/TCP" never happens, but "+ 1 more..." does) stay whole.
func table(t testing.TB, out string) (header []string, rows []row) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) == 0 || lines[0] == "" {
		t.Fatalf("kubectl printed no table:\n%s", out)
	}
	h := lines[0]
	var starts []int
	// kubectl separates columns by at least three spaces; a single space is part of a
	// header ("CONFIG NAME").
	for i := 0; i < len(h); i++ {
		if h[i] != ' ' && (i == 0 || (i >= 2 && h[i-1] == ' ' && h[i-2] == ' ')) {
			starts = append(starts, i)
		}
	}
	for i, s := range starts {
		end := len(h)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		header = append(header, strings.TrimSpace(h[s:end]))
	}
	for _, l := range lines[1:] {
		r := row{}
		for i, s := range starts {
			end := len(l)
			if i+1 < len(starts) && starts[i+1] < end {
				end = starts[i+1]
			}
			r[header[i]] = "" // a trailing empty cell (REASON of a Ready object)
			if s < len(l) {
				r[header[i]] = strings.TrimSpace(l[s:end])
			}
		}
		rows = append(rows, r)
	}
	return header, rows
}

// kubectlGet runs `kubectl get args...`, checks its columns and returns the row named
// name.
func kubectlGet(t testing.TB, p *platformtest.Platform, wantHeader []string, name string, args ...string) row {
	t.Helper()
	out := p.Kubectl(t, append([]string{"get"}, args...)...)
	header, rows := table(t, out)
	if strings.Join(header, " ") != strings.Join(wantHeader, " ") {
		t.Errorf("kubectl get %s columns = %v, want %v (the seed's)", strings.Join(args, " "), header, wantHeader)
	}
	for _, r := range rows {
		if r["NAME"] == name {
			return r
		}
	}
	t.Fatalf("kubectl get %s has no %s:\n%s", strings.Join(args, " "), name, out)
	return nil
}

// wantCells checks cells of a kubectl row; a want of "*" only requires a non-empty cell.
func wantCells(t testing.TB, what string, r row, want map[string]string) {
	t.Helper()
	for col, w := range want {
		got, ok := r[col]
		switch {
		case !ok:
			t.Errorf("%s: no column %s in %v", what, col, r)
		case w == "*" && got == "":
			t.Errorf("%s: %s is empty", what, col)
		case w != "*" && got != w:
			t.Errorf("%s: %s = %q, want %q", what, col, got, w)
		}
	}
}

// clusterClient is an HTTP client on the host that resolves *.svc.cluster.local names
// through the node's cluster DNS and reaches ClusterIPs through the node's service
// proxy, as a Pod would.
func clusterClient(p *platformtest.Platform, timeout time.Duration) *http.Client {
	dns := net.JoinHostPort(p.Agent.ClusterDNS().String(), "53")
	resolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, dns)
	}}
	dialer := &net.Dialer{Timeout: 5 * time.Second, Resolver: resolver}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 100}}
}

// waitLogs polls `kubectl logs` of the Pods matching selector until cond holds for
// their whole output, and returns it; the test fails on timeout showing the logs.
func waitLogs(t testing.TB, p *platformtest.Platform, ns, selector string, timeout time.Duration, what string, cond func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var out string
	for {
		var err error
		out, err = p.KubectlErr("logs", "-n", ns, "-l", selector, "--tail=-1", "--all-containers")
		if err == nil && cond(out) {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting %s for %s in the logs of %s (%s) (last error: %v); logs:\n%s", timeout, what, selector, ns, err, out)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// logsOf returns the current logs of the Pods matching selector.
func logsOf(t testing.TB, p *platformtest.Platform, ns, selector string) string {
	t.Helper()
	return p.Kubectl(t, "logs", "-n", ns, "-l", selector, "--tail=-1", "--all-containers")
}

func countLines(s, substr string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}

func fatalf(t testing.TB, p *platformtest.Platform, deployments [][2]string, format string, args ...interface{}) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	for _, d := range deployments {
		msg += "\n" + p.Diagnose(d[0], d[1])
	}
	t.Fatal(msg)
}
