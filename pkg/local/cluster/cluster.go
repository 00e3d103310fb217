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

// Package cluster runs a real local Kubernetes control plane — etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler built from the pinned hack/controlplane
// module — as child processes. `skiff up` runs it detached under $SKIFF_HOME; tests run
// one per test binary (pkg/test/harness) in a temporary directory.
//
// Networking follows DESIGN §4: etcd, the controller-manager and the scheduler listen on
// loopback; the apiserver listens on and advertises the skiff0 bridge's host address
// (10.244.0.1), so Pods reach it through the `kubernetes` Service and the default
// endpoint reconciler works. Nothing listens on other interfaces.
package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/skiffhq/skiff/pkg/local/hostnet"
)

// Ports of the components; zero means "pick a free port at start".
type Ports struct {
	APIServer         int `json:"apiserver"`
	Etcd              int `json:"etcd"`
	EtcdPeer          int `json:"etcdPeer"`
	ControllerManager int `json:"controllerManager"`
	Scheduler         int `json:"scheduler"`
}

// DefaultPorts are the usual Kubernetes ports, used by `skiff up`.
var DefaultPorts = Ports{APIServer: 6443, Etcd: 2379, EtcdPeer: 2380, ControllerManager: 10257, Scheduler: 10259}

// ErrPortInUse is returned (wrapped) when a configured port is taken.
var ErrPortInUse = errors.New("port already in use")

// ErrAlreadyRunning is returned (wrapped) when Dir already has live control-plane processes.
var ErrAlreadyRunning = errors.New("control plane already running")

// Config describes a control plane to start.
type Config struct {
	// Dir holds all state: pki/, etcd/ (data, kept across restarts), logs/, run/ (pid
	// files and state.json) and the kubeconfigs.
	Dir string
	// Binaries are the control-plane executables (EnsureBinaries / FindBinaries).
	Binaries Binaries
	// Network is the host network to set up; the zero value means hostnet.DefaultConfig().
	Network hostnet.Config
	// ServiceCIDR is the apiserver's service-cluster-ip-range: all of Network's
	// (blackholed) service CIDR when empty, or a range inside it. Test control planes take
	// distinct sub-ranges, so the node agents of several clusters sharing the bridge never
	// serve the same ClusterIP.
	ServiceCIDR string
	// Ports to listen on; zero fields are chosen free at start (and retried if another
	// process grabs one first).
	Ports Ports
	// Detach starts the processes in sessions of their own so they outlive the caller
	// (`skiff up`). Otherwise they die with the caller, even if it crashes.
	Detach bool
	// FastEtcd runs etcd without fsync: for throwaway test clusters only.
	FastEtcd bool
	// Out receives progress lines; nil discards them.
	Out io.Writer
	// Timeout bounds the whole start; zero means 3 minutes (a loaded 2-core machine).
	Timeout time.Duration
}

// Cluster is a started control plane.
type Cluster struct {
	// Dir is the state directory.
	Dir string
	// Network is the host network the apiserver listens on.
	Network *hostnet.Network
	// ServiceCIDR is the apiserver's service range (Config.ServiceCIDR, or Network's).
	ServiceCIDR *net.IPNet
	// Ports are the ports actually in use.
	Ports Ports
	// URL is the apiserver's address, https://<bridge host IP>:<port>.
	URL string
	// Kubeconfig is the path of the admin kubeconfig.
	Kubeconfig string

	rest     *rest.Config
	procs    []*process
	stopOnce sync.Once
}

// State is what run/state.json records about a started control plane.
type State struct {
	Ports      Ports  `json:"ports"`
	URL        string `json:"url"`
	Kubeconfig string `json:"kubeconfig"`
	Binaries   string `json:"binaries"`
	Network    string `json:"network"`
}

// Layout of the state directory.
const (
	pkiDir        = "pki"
	etcdDir       = "etcd"
	logsDir       = "logs"
	runDir        = "run"
	stateFile     = "state.json"
	adminConfig   = "kubeconfig"
	kcmConfig     = "kube-controller-manager.kubeconfig"
	schedConfig   = "kube-scheduler.kubeconfig"
	serviceCIDRIP = 1 // the `kubernetes` Service takes the first address of the range
)

// Components in start order; Stop goes in reverse.
var components = []string{Etcd, APIServer, ControllerManager, Scheduler}

// KubeconfigPath returns the admin kubeconfig path for a state directory.
func KubeconfigPath(dir string) string { return filepath.Join(dir, adminConfig) }

// LogPath returns the log file of a component in a state directory.
func LogPath(dir, component string) string { return filepath.Join(dir, logsDir, component+".log") }

// CACertPath is the cluster CA certificate: it signs the apiserver's serving certificate
// and every client certificate, including the one the apiserver presents to kubelets
// (so a node agent can verify the apiserver's calls against it).
func CACertPath(dir string) string { return filepath.Join(dir, pkiDir, caCert) }

// CAKeyPath is the cluster CA key, for a node agent that issues its own serving
// certificate (the controller-manager also signs CSRs with it).
func CAKeyPath(dir string) string { return filepath.Join(dir, pkiDir, caKey) }

func pidPath(dir, component string) string { return filepath.Join(dir, runDir, component+".pid") }

// Start starts etcd, the apiserver, the controller-manager and the scheduler and waits
// until all are ready and the `default` ServiceAccount exists (so Pods can be created).
// On any failure, or when ctx ends, it stops whatever it started.
func Start(ctx context.Context, cfg Config) (_ *Cluster, retErr error) {
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 3 * time.Minute
	}
	if cfg.Network == (hostnet.Config{}) {
		cfg.Network = hostnet.DefaultConfig()
	}
	if cfg.Dir == "" {
		return nil, errors.New("cluster.Config.Dir is required")
	}
	for _, name := range components {
		if _, err := os.Stat(cfg.Binaries.Path(name)); err != nil {
			return nil, fmt.Errorf("%w: %s is missing; run hack/build-controlplane.sh", ErrNotBuilt, cfg.Binaries.Path(name))
		}
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{dir, filepath.Join(dir, etcdDir), filepath.Join(dir, logsDir), filepath.Join(dir, runDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("creating %s: %w", d, err)
		}
	}
	// Two `skiff up` at once must not both start processes on the same data.
	unlock, err := lockFile(ctx, filepath.Join(dir, runDir, "start.lock"), cfg.Out, "another process is starting this control plane")
	if err != nil {
		return nil, err
	}
	defer unlock()
	if running := Running(dir); len(running) > 0 {
		return nil, fmt.Errorf("%w from %s (%s); stop it first (skiff down)", ErrAlreadyRunning, dir, strings.Join(running, ", "))
	}

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	begin := time.Now()

	nw, err := hostnet.Ensure(cfg.Network)
	if err != nil {
		return nil, err
	}
	serviceCIDR := nw.ServiceCIDR
	if cfg.ServiceCIDR != "" {
		ip, n, err := net.ParseCIDR(cfg.ServiceCIDR)
		if err != nil {
			return nil, fmt.Errorf("service CIDR %q: %w", cfg.ServiceCIDR, err)
		}
		ones, _ := n.Mask.Size()
		outer, _ := nw.ServiceCIDR.Mask.Size()
		if ip.To4() == nil || !ip.Equal(n.IP) || !nw.ServiceCIDR.Contains(n.IP) || ones < outer {
			return nil, fmt.Errorf("service CIDR %q must be an IPv4 network inside %s", cfg.ServiceCIDR, nw.ServiceCIDR)
		}
		serviceCIDR = n
	}
	serviceIP := make(net.IP, 4)
	copy(serviceIP, serviceCIDR.IP.To4())
	serviceIP[3] += serviceCIDRIP

	p, err := ensurePKI(filepath.Join(dir, pkiDir), nw.HostIP, serviceIP)
	if err != nil {
		return nil, err
	}

	c := &Cluster{Dir: dir, Network: nw, ServiceCIDR: serviceCIDR, Kubeconfig: KubeconfigPath(dir)}
	defer func() {
		if retErr != nil {
			c.Stop()
		}
	}()

	ports, auto, err := pickPorts(cfg.Ports, nw.HostIP)
	if err != nil {
		return nil, err
	}
	c.Ports = ports

	// Client identities. The admin is in system:masters; the controller-manager and the
	// scheduler use the users their default RBAC bindings name.
	admin, err := p.clientCert("skiff-admin", "system:masters")
	if err != nil {
		return nil, err
	}
	kcmID, err := p.clientCert("system:kube-controller-manager")
	if err != nil {
		return nil, err
	}
	schedID, err := p.clientCert("system:kube-scheduler")
	if err != nil {
		return nil, err
	}
	adminTLS, err := tlsConfig(p.ca.certPEM, admin)
	if err != nil {
		return nil, err
	}

	// Each component: build its args from the current ports, start it, wait for readiness;
	// if a port picked at random was taken meanwhile by another process, pick again.
	run := func(name string, argsFor func(Ports) []string, ready func(Ports) error, repick func(*Ports)) error {
		t0 := time.Now()
		for attempt := 1; ; attempt++ {
			proc := &process{name: name, bin: cfg.Binaries.Path(name), args: argsFor(c.Ports),
				logPath: LogPath(dir, name), pidPath: pidPath(dir, name)}
			if err := proc.start(cfg.Detach); err != nil {
				return err
			}
			c.procs = append(c.procs, proc)
			err := waitReady(ctx, proc, func() error { return ready(c.Ports) })
			if err == nil {
				fmt.Fprintf(cfg.Out, "  %-24s ready in %4.1fs (pid %d)\n", name, time.Since(t0).Seconds(), proc.pid())
				return nil
			}
			if repick == nil || attempt == 3 || !strings.Contains(tail(proc.logPath, 40), "address already in use") {
				return err
			}
			proc.stop(5 * time.Second)
			c.procs = c.procs[:len(c.procs)-1]
			repick(&c.Ports)
		}
	}
	etcdURL := func(p Ports) string { return "http://127.0.0.1:" + strconv.Itoa(p.Etcd) }
	var etcdRepick func(*Ports)
	if auto.Etcd || auto.EtcdPeer {
		etcdRepick = func(p *Ports) {
			if auto.Etcd {
				p.Etcd = freePort(net.IPv4(127, 0, 0, 1))
			}
			if auto.EtcdPeer {
				p.EtcdPeer = freePort(net.IPv4(127, 0, 0, 1))
			}
		}
	}
	err = run(Etcd, func(pt Ports) []string {
		peer := "http://127.0.0.1:" + strconv.Itoa(pt.EtcdPeer)
		args := []string{
			"--name=skiff",
			"--data-dir=" + filepath.Join(dir, etcdDir),
			"--listen-client-urls=" + etcdURL(pt),
			"--advertise-client-urls=" + etcdURL(pt),
			"--listen-peer-urls=" + peer,
			"--initial-advertise-peer-urls=" + peer,
			"--initial-cluster=skiff=" + peer,
			"--log-level=warn",
		}
		if cfg.FastEtcd {
			args = append(args, "--unsafe-no-fsync")
		}
		return args
	}, func(pt Ports) error { return checkEtcd(ctx, etcdURL(pt)) }, etcdRepick)
	if err != nil {
		return nil, err
	}

	c.URL = "https://" + net.JoinHostPort(nw.HostIP.String(), strconv.Itoa(c.Ports.APIServer))
	writeConfigs := func() error {
		c.URL = "https://" + net.JoinHostPort(nw.HostIP.String(), strconv.Itoa(c.Ports.APIServer))
		for _, k := range []struct {
			file, user string
			kp         *keyPair
		}{{adminConfig, "skiff-admin", admin}, {kcmConfig, "system:kube-controller-manager", kcmID}, {schedConfig, "system:kube-scheduler", schedID}} {
			if err := writeKubeconfig(filepath.Join(dir, k.file), c.URL, p.ca.certPEM, k.user, k.kp); err != nil {
				return err
			}
		}
		return nil
	}
	if err := writeConfigs(); err != nil {
		return nil, err
	}
	pk := func(name string) string { return filepath.Join(dir, pkiDir, name) }
	var apiRepick func(*Ports)
	if auto.APIServer {
		apiRepick = func(p *Ports) {
			p.APIServer = freePort(nw.HostIP)
			writeConfigs()
		}
	}
	err = run(APIServer, func(pt Ports) []string {
		return []string{
			"--etcd-servers=" + etcdURL(pt),
			"--bind-address=" + nw.HostIP.String(),
			"--advertise-address=" + nw.HostIP.String(),
			"--secure-port=" + strconv.Itoa(pt.APIServer),
			"--tls-cert-file=" + pk(apiserverCert),
			"--tls-private-key-file=" + pk(apiserverKey),
			"--client-ca-file=" + pk(caCert),
			"--service-cluster-ip-range=" + serviceCIDR.String(),
			"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
			"--service-account-key-file=" + pk(saPub),
			"--service-account-signing-key-file=" + pk(saKey),
			"--authorization-mode=Node,RBAC",
			"--allow-privileged=true",
			// Webhook and aggregated-API Service references resolve to endpoint IPs, so
			// they work without kube-proxy (DESIGN §4).
			"--enable-aggregator-routing=true",
			"--requestheader-client-ca-file=" + pk(frontProxyCACert),
			"--requestheader-allowed-names=front-proxy-client",
			"--requestheader-username-headers=X-Remote-User",
			"--requestheader-group-headers=X-Remote-Group",
			"--requestheader-extra-headers-prefix=X-Remote-Extra-",
			"--proxy-client-cert-file=" + pk(frontProxyClientCert),
			"--proxy-client-key-file=" + pk(frontProxyClientKey),
			"--kubelet-client-certificate=" + pk(kubeletClientCert),
			"--kubelet-client-key=" + pk(kubeletClientKey),
			"--kubelet-preferred-address-types=InternalIP,Hostname,InternalDNS,ExternalDNS,ExternalIP",
			"--profiling=false",
		}
	}, func(pt Ports) error { return checkHTTP(ctx, c.URL+"/readyz", adminTLS) }, apiRepick)
	if err != nil {
		return nil, err
	}
	c.rest, err = RESTConfigFromKubeconfig(c.Kubeconfig)
	if err != nil {
		return nil, err
	}

	insecure := &tls.Config{InsecureSkipVerify: true} // self-signed in-memory serving certs, loopback only
	type comp struct {
		name   string
		args   func(Ports) []string
		ready  func(Ports) error
		repick func(*Ports)
	}
	kcm := comp{ControllerManager, func(pt Ports) []string {
		kc := filepath.Join(dir, kcmConfig)
		return []string{
			"--kubeconfig=" + kc,
			"--authentication-kubeconfig=" + kc,
			"--authorization-kubeconfig=" + kc,
			"--bind-address=127.0.0.1",
			"--secure-port=" + strconv.Itoa(pt.ControllerManager),
			"--leader-elect=false",
			"--cluster-name=skiff",
			"--service-cluster-ip-range=" + serviceCIDR.String(),
			"--service-account-private-key-file=" + pk(saKey),
			"--root-ca-file=" + pk(caCert),
			"--cluster-signing-cert-file=" + pk(caCert),
			"--cluster-signing-key-file=" + pk(caKey),
			"--use-service-account-credentials=true",
			// The default 20 QPS spaces controller starts ~150ms apart (each fetches its
			// own service-account token): the `default` ServiceAccount appeared only
			// after 4s. A local apiserver takes far more.
			"--kube-api-qps=200",
			"--kube-api-burst=400",
			"--profiling=false",
		}
	}, func(pt Ports) error {
		return checkHTTP(ctx, "https://127.0.0.1:"+strconv.Itoa(pt.ControllerManager)+"/healthz", insecure)
	}, nil}
	if auto.ControllerManager {
		kcm.repick = func(p *Ports) { p.ControllerManager = freePort(net.IPv4(127, 0, 0, 1)) }
	}
	sched := comp{Scheduler, func(pt Ports) []string {
		kc := filepath.Join(dir, schedConfig)
		return []string{
			"--kubeconfig=" + kc,
			"--authentication-kubeconfig=" + kc,
			"--authorization-kubeconfig=" + kc,
			"--bind-address=127.0.0.1",
			"--secure-port=" + strconv.Itoa(pt.Scheduler),
			"--leader-elect=false",
			"--kube-api-qps=200",
			"--kube-api-burst=400",
			"--profiling=false",
		}
	}, func(pt Ports) error {
		return checkHTTP(ctx, "https://127.0.0.1:"+strconv.Itoa(pt.Scheduler)+"/healthz", insecure)
	}, nil}
	if auto.Scheduler {
		sched.repick = func(p *Ports) { p.Scheduler = freePort(net.IPv4(127, 0, 0, 1)) }
	}
	for _, cp := range []comp{kcm, sched} {
		if err := run(cp.name, cp.args, cp.ready, cp.repick); err != nil {
			return nil, err
		}
	}

	// Pods are rejected until the ServiceAccount controller has created `default`.
	if err := waitDefaultServiceAccount(ctx, c.rest); err != nil {
		return nil, fmt.Errorf("waiting for the default ServiceAccount (is %s working? see %s): %w",
			ControllerManager, LogPath(dir, ControllerManager), err)
	}
	st := State{Ports: c.Ports, URL: c.URL, Kubeconfig: c.Kubeconfig, Binaries: cfg.Binaries.Dir, Network: nw.Bridge}
	b, _ := json.MarshalIndent(st, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, runDir, stateFile), b, 0o644); err != nil {
		return nil, fmt.Errorf("writing state: %w", err)
	}
	fmt.Fprintf(cfg.Out, "Control plane ready at %s in %.1fs\n", c.URL, time.Since(begin).Seconds())
	return c, nil
}

// RESTConfig returns an admin client configuration (a copy; callers may change it).
func (c *Cluster) RESTConfig() *rest.Config { return rest.CopyConfig(c.rest) }

// PIDs returns the process id of each running component.
func (c *Cluster) PIDs() map[string]int {
	m := map[string]int{}
	for _, p := range c.procs {
		if !p.exited() {
			m[p.name] = p.pid()
		}
	}
	return m
}

// Stop stops every process the cluster started (reverse order, SIGTERM then SIGKILL
// after a grace period) and waits for them. The state directory is kept. Safe to call
// more than once.
func (c *Cluster) Stop() {
	c.stopOnce.Do(func() {
		var wg sync.WaitGroup
		var etcd *process
		for _, p := range c.procs {
			if p.name == Etcd {
				etcd = p // last: the others want it while they shut down
				continue
			}
			wg.Add(1)
			go func(p *process) {
				defer wg.Done()
				p.stop(10 * time.Second)
			}(p)
		}
		wg.Wait()
		if etcd != nil {
			etcd.stop(10 * time.Second)
		}
	})
}

// pickPorts fills in zero ports with free ones and checks that configured ones are free.
func pickPorts(want Ports, hostIP net.IP) (Ports, struct{ APIServer, Etcd, EtcdPeer, ControllerManager, Scheduler bool }, error) {
	var auto struct{ APIServer, Etcd, EtcdPeer, ControllerManager, Scheduler bool }
	lo := net.IPv4(127, 0, 0, 1)
	got := want
	for _, f := range []struct {
		port *int
		auto *bool
		ip   net.IP
		what string
		flag string
	}{
		{&got.APIServer, &auto.APIServer, hostIP, "kube-apiserver", "--port"},
		{&got.Etcd, &auto.Etcd, lo, "etcd (clients)", "--etcd-port"},
		{&got.EtcdPeer, &auto.EtcdPeer, lo, "etcd (peers)", "--etcd-peer-port"},
		{&got.ControllerManager, &auto.ControllerManager, lo, "kube-controller-manager", "--controller-manager-port"},
		{&got.Scheduler, &auto.Scheduler, lo, "kube-scheduler", "--scheduler-port"},
	} {
		if *f.port == 0 {
			*f.auto = true
			*f.port = freePort(f.ip)
			if *f.port == 0 {
				return got, auto, fmt.Errorf("no free port on %s", f.ip)
			}
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort(f.ip.String(), strconv.Itoa(*f.port)))
		if err != nil {
			return got, auto, fmt.Errorf("%w: %s needs %s:%d: %v. Is another control plane running (skiff status)? "+
				"Find the owner with `ss -ltnp 'sport = :%d'`, or choose another port (%s)",
				ErrPortInUse, f.what, f.ip, *f.port, err, *f.port, f.flag)
		}
		l.Close()
	}
	return got, auto, nil
}

func freePort(ip net.IP) int {
	l, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		return 0
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func tlsConfig(caPEM []byte, client *keyPair) (*tls.Config, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("bad CA certificate")
	}
	cert, err := tls.X509KeyPair(client.certPEM, client.keyPEM)
	if err != nil {
		return nil, err
	}
	return &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}, nil
}

// waitReady polls check until it succeeds, the process exits, or ctx ends.
func waitReady(ctx context.Context, p *process, check func() error) error {
	var last error
	for {
		if last = check(); last == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before becoming ready (%v); %s", p.name, p.err, p.logTail())
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.Canceled) {
				return fmt.Errorf("interrupted while waiting for %s: %w", p.name, ctx.Err())
			}
			return fmt.Errorf("%s not ready: %w (last check: %v); %s", p.name, ctx.Err(), last, p.logTail())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func checkHTTP(ctx context.Context, url string, tc *tls.Config) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tc, DisableKeepAlives: true}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, failingChecks(string(body)))
	}
	return nil
}

// failingChecks keeps only the failing "[-]" lines of a verbose /readyz or /healthz body.
func failingChecks(body string) string {
	var failed []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "[-]") {
			failed = append(failed, l)
		}
	}
	if len(failed) == 0 {
		return strings.TrimSpace(body)
	}
	return strings.Join(failed, "; ")
}

func checkEtcd(ctx context.Context, base string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/health", nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var h struct {
		Health string `json:"health"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || h.Health != "true" {
		return fmt.Errorf("etcd health = %q (%v)", h.Health, err)
	}
	return nil
}

func waitDefaultServiceAccount(ctx context.Context, cfg *rest.Config) error {
	kc, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	for {
		_, err := kc.CoreV1().ServiceAccounts(metav1.NamespaceDefault).Get(ctx, "default", metav1.GetOptions{})
		if err == nil {
			return nil
		}
		if !apierrors.IsNotFound(err) && ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
