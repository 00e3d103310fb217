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

package node

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// writeEtcFiles writes the Pod's /etc/hosts, /etc/resolv.conf and /etc/hostname, which
// every container mounts.
func (w *podWorker) writeEtcFiles(pod *corev1.Pod) error {
	dir := filepath.Join(w.dir, "etc")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"hosts":       w.hostsFile(pod),
		"resolv.conf": w.a.resolvConf(pod),
		"hostname":    podHostname(pod) + "\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (w *podWorker) hostsFile(pod *corev1.Pod) string {
	var b strings.Builder
	b.WriteString("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
		"fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n")
	host := podHostname(pod)
	if pod.Spec.Subdomain != "" {
		fmt.Fprintf(&b, "%s\t%s.%s.%s.svc.%s\t%s\n", w.podIP, host, pod.Spec.Subdomain, pod.Namespace, w.a.cfg.ClusterDomain, host)
	} else {
		fmt.Fprintf(&b, "%s\t%s\n", w.podIP, host)
	}
	if len(pod.Spec.HostAliases) > 0 {
		b.WriteString("\n# Entries added by HostAliases.\n")
		for _, ha := range pod.Spec.HostAliases {
			fmt.Fprintf(&b, "%s\t%s\n", ha.IP, strings.Join(ha.Hostnames, "\t"))
		}
	}
	return b.String()
}

// resolvConf follows the Pod's dnsPolicy: ClusterFirst (the default) uses the cluster
// DNS with the usual search path and ndots:5; Default uses the host's resolvers, which
// a Pod's network namespace reaches through the cluster DNS (it forwards them).
func (a *Agent) resolvConf(pod *corev1.Pod) string {
	var servers, search, options []string
	hostSearch, hostOptions := hostResolv()
	clusterFirst := func() {
		servers = []string{a.clusterDNS.String()}
		d := a.cfg.ClusterDomain
		search = append([]string{pod.Namespace + ".svc." + d, "svc." + d, d}, hostSearch...)
		options = []string{"ndots:5"}
	}
	switch pod.Spec.DNSPolicy {
	case corev1.DNSNone:
	case corev1.DNSDefault:
		servers = []string{a.clusterDNS.String()}
		search, options = hostSearch, hostOptions
	case corev1.DNSClusterFirstWithHostNet:
		clusterFirst()
	default:
		if pod.Spec.HostNetwork {
			servers = []string{a.clusterDNS.String()}
			search, options = hostSearch, hostOptions
		} else {
			clusterFirst()
		}
	}
	if dc := pod.Spec.DNSConfig; dc != nil {
		servers = append(servers, dc.Nameservers...)
		search = append(search, dc.Searches...)
		for _, o := range dc.Options {
			opt := o.Name
			if o.Value != nil {
				opt += ":" + *o.Value
			}
			options = append(options, opt)
		}
	}
	var b strings.Builder
	if len(search) > 0 {
		b.WriteString("search " + strings.Join(dedupe(search), " ") + "\n")
	}
	for _, s := range dedupe(servers) {
		b.WriteString("nameserver " + s + "\n")
	}
	if len(options) > 0 {
		b.WriteString("options " + strings.Join(dedupe(options), " ") + "\n")
	}
	return b.String()
}

func hostResolv() (search, options []string) {
	f, err := os.Open("/etc/resolv.conf")
	if err != nil {
		return nil, nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "search", "domain":
			search = fields[1:]
		case "options":
			options = fields[1:]
		}
	}
	return search, options
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

var _ = net.IPv4len
