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

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"k8s.io/client-go/discovery"

	"github.com/skiffhq/skiff/pkg/local/cluster"
	"github.com/skiffhq/skiff/pkg/local/hostnet"
)

const usage = `skiff runs Skiff (Knative Serving + Eventing) locally, on a real Kubernetes control plane.

Usage:
  skiff up [flags]              start (or resume) the control plane under $SKIFF_HOME and apply config/
  skiff down [--remove-network] stop every process "up" started; objects are kept for the next "up"
  skiff status                  show components, pids and memory
  skiff kubeconfig [--print]    print the admin kubeconfig path (or its content)
  skiff kubectl ARGS...         run kubectl against the local cluster
  skiff image add NAME DIR      make image NAME run the Go main package (or executable) DIR on the node
  skiff image list|rm           list or forget added images
  skiff build-controlplane      build the control-plane binaries into the cache

Environment:
  SKIFF_HOME    state directory (default ~/.skiff)
  SKIFF_CACHE   build cache (default ~/.cache/skiff)
  SKIFF_SOURCE  Skiff source tree (default: found from the current directory)
  SKIFF_GATEWAY_PORT  host port of the Skiff gateway on 127.0.0.1 (default 8080)
  SKIFF_SERVICE_CIDR  Service range inside 10.96.0.0/16 (default 10.96.0.0/17; tests use /24s above it)
`

// run is the CLI behind main, separate so tests can drive it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "up":
		err = up(ctx, args[1:], stdout, stderr)
	case "down":
		err = down(args[1:], stdout)
	case "status":
		err = status(args[1:], stdout)
	case "kubeconfig":
		err = kubeconfig(args[1:], stdout)
	case "kubectl":
		err = kubectl(ctx, args[1:], stdout, stderr)
	case "build-controlplane":
		err = buildControlPlane(ctx, args[1:], stdout)
	case "image":
		err = imageCmd(ctx, args[1:], stdout, stderr)
	case "node":
		err = nodeCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "skiff: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode() // kubectl already printed why
		}
		var ue usageError
		if errors.As(err, &ue) {
			return 2 // the flag package already printed the problem and the flags
		}
		fmt.Fprintf(stderr, "skiff %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// usageError is a command-line mistake; run exits 2 without repeating it.
type usageError struct{ error }

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %v\n", fs.Args())
		return usageError{fmt.Errorf("unexpected arguments %v", fs.Args())}
	}
	return nil
}

func home() (string, error) {
	if h := os.Getenv("SKIFF_HOME"); h != "" {
		return filepath.Abs(h)
	}
	uh, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the home directory (set SKIFF_HOME): %w", err)
	}
	return filepath.Join(uh, ".skiff"), nil
}

func up(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configDir := fs.String("config", "", "directory of manifests to apply (default: config/ of the source tree)")
	noConfig := fs.Bool("no-config", false, "start the control plane only; apply nothing")
	randomPorts := fs.Bool("random-ports", false, "on first start, pick free ports instead of 6443/2379/2380/10257/10259 (and 10250 for the node)")
	port := fs.Int("port", 0, "kube-apiserver port (default 6443, or the port used last time)")
	etcdPort := fs.Int("etcd-port", 0, "etcd client port")
	etcdPeerPort := fs.Int("etcd-peer-port", 0, "etcd peer port")
	kcmPort := fs.Int("controller-manager-port", 0, "kube-controller-manager port")
	schedPort := fs.Int("scheduler-port", 0, "kube-scheduler port")
	noNode := fs.Bool("no-node", false, "do not start the node agent (Pods stay Pending)")
	wait := fs.Bool("wait", true, "wait until every component of config/ runs (false: apply and return)")
	kubeletPort := fs.Int("kubelet-port", 10250, "node agent's kubelet API port on the bridge address (0: any free port)")
	gatewayPort := fs.Int("gateway-port", gatewayPortDefault(), "port on 127.0.0.1 where LoadBalancer Services' port 80 (the Skiff gateway) is published (default $"+GatewayPortEnv+" or 8080)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !*noNode && geteuid() != 0 {
		return errNeedRoot
	}
	kubeletPortSet := false
	fs.Visit(func(f *flag.Flag) { kubeletPortSet = kubeletPortSet || f.Name == "kubelet-port" })
	if !kubeletPortSet {
		*kubeletPort = defaultKubeletPort(*randomPorts)
	}
	begin := time.Now()
	dir, err := home()
	if err != nil {
		return err
	}

	bins, err := cluster.EnsureBinaries(ctx, cluster.BuildOptions{Out: stderr})
	if err != nil {
		return err
	}

	running := cluster.Running(dir)
	if len(running) == 4 {
		fmt.Fprintf(stdout, "The control plane is already running from %s (%s).\n", dir, strings.Join(running, ", "))
	} else {
		if len(running) > 0 {
			fmt.Fprintf(stdout, "Stopping a partly running control plane (%s)\n", strings.Join(running, ", "))
			if _, err := cluster.StopDir(dir, 15*time.Second, stdout); err != nil {
				return err
			}
		}
		ports := cluster.DefaultPorts
		if *randomPorts {
			ports = cluster.Ports{}
		}
		if st, err := cluster.LoadState(dir); err == nil {
			ports = st.Ports // resume on the ports the kubeconfig and earlier objects know
		}
		for _, o := range []struct {
			flag int
			port *int
		}{{*port, &ports.APIServer}, {*etcdPort, &ports.Etcd}, {*etcdPeerPort, &ports.EtcdPeer},
			{*kcmPort, &ports.ControllerManager}, {*schedPort, &ports.Scheduler}} {
			if o.flag != 0 {
				*o.port = o.flag
			}
		}
		fmt.Fprintf(stdout, "Starting the control plane (Kubernetes %s, etcd %s) in %s\n", cluster.KubernetesVersion, cluster.EtcdVersion, dir)
		if _, err := cluster.Start(ctx, cluster.Config{Dir: dir, Binaries: bins, Ports: ports, Detach: true, Out: stdout,
			ServiceCIDR: serviceRange()}); err != nil {
			if errors.Is(err, hostnet.ErrNotRoot) {
				return fmt.Errorf("%w\n(skiff up creates the %s bridge for Pods; run it as root, e.g. sudo -E skiff up)", err, hostnet.DefaultBridge)
			}
			return err
		}
	}

	if !*noNode {
		if _, err := startNodeAgent(ctx, dir, nodeOptions{kubeletPort: *kubeletPort, gatewayPort: *gatewayPort}, stdout); err != nil {
			return err
		}
	}

	kubeconfigPath := cluster.KubeconfigPath(dir)
	switch {
	case *noConfig:
	case *noNode || !*wait: // apply only (without a node nothing can run)
		if err := applyConfig(ctx, kubeconfigPath, *configDir, stdout); err != nil {
			return fmt.Errorf("%w\nThe control plane is running; fix the manifests and run skiff up again", err)
		}
	default:
		if err := installPlatform(ctx, dir, kubeconfigPath, *configDir, *gatewayPort, stdout); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "\nSkiff is up (%.1fs). Point kubectl at it with:\n\n  export KUBECONFIG=%s\n\nor use `skiff kubectl ...`. Stop it with `skiff down`.\n",
		time.Since(begin).Seconds(), kubeconfigPath)
	return nil
}

// upServiceRange is the service range of `skiff up`: the lower half of the blackholed
// 10.96.0.0/16 (the `kubernetes` Service stays 10.96.0.1, cluster DNS 10.96.0.10). Test
// control planes take /24s of the upper half (pkg/test/harness), so the node agents of a
// running `skiff up` and of tests never serve the same ClusterIP on the shared bridge.
const upServiceRange = "10.96.0.0/17"

// serviceRange is $SKIFF_SERVICE_CIDR or upServiceRange.
func serviceRange() string {
	if v := os.Getenv("SKIFF_SERVICE_CIDR"); v != "" {
		return v
	}
	return upServiceRange
}

func applyConfig(ctx context.Context, kubeconfigPath, configDir string, out io.Writer) error {
	if configDir == "" {
		root, err := cluster.SourceRoot()
		if err != nil {
			return fmt.Errorf("finding config/: %w (or pass --config DIR, or --no-config)", err)
		}
		configDir = filepath.Join(root, "config")
	}
	files, err := cluster.ManifestFiles(configDir)
	if err != nil {
		return fmt.Errorf("listing manifests in %s: %w", configDir, err)
	}
	if len(files) == 0 {
		fmt.Fprintf(out, "No manifests in %s; nothing applied.\n", configDir)
		return nil
	}
	ms, err := cluster.ReadManifests(files)
	if err != nil {
		return err
	}
	cfg, err := cluster.RESTConfigFromKubeconfig(kubeconfigPath)
	if err != nil {
		return err
	}
	ap, err := cluster.NewApplier(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Applying %d objects from %d files in %s\n", len(ms), len(files), configDir)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	rep, err := ap.ApplyManifests(ctx, ms, out)
	counts := map[string]int{}
	var kinds []string
	for _, m := range rep.Applied {
		k := m.Object.GetKind()
		if counts[k] == 0 {
			kinds = append(kinds, k)
		}
		counts[k]++
	}
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	fmt.Fprintf(out, "Applied %d objects (%s); skipped %d.\n", len(rep.Applied), strings.Join(parts, ", "), len(rep.Skipped))
	return err
}

func down(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("down", flag.ContinueOnError)
	removeNet := fs.Bool("remove-network", false, "also delete the skiff0 bridge and the service-CIDR blackhole route")
	if err := parse(fs, args); err != nil {
		return err
	}
	dir, err := home()
	if err != nil {
		return err
	}
	// The node agent first: it stops the Pods and removes their networks while the
	// apiserver is still there to hear about it.
	nodePid, err := stopNodeAgent(dir, stdout)
	if err != nil {
		return err
	}
	stopped, err := cluster.StopDir(dir, 15*time.Second, stdout)
	if err != nil {
		return err
	}
	if nodePid != 0 {
		stopped = append([]int{nodePid}, stopped...)
	}
	if len(stopped) == 0 {
		fmt.Fprintf(stdout, "Nothing was running from %s.\n", dir)
	} else {
		fmt.Fprintf(stdout, "Stopped %d processes. State is kept in %s; `skiff up` resumes it.\n", len(stopped), dir)
	}
	if *removeNet {
		if err := hostnet.Remove(hostnet.DefaultConfig()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Removed bridge %s and the blackhole route for %s.\n", hostnet.DefaultBridge, hostnet.DefaultServiceCIDR)
	}
	return nil
}

func status(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	if err := parse(fs, args); err != nil {
		return err
	}
	dir, err := home()
	if err != nil {
		return err
	}
	st, err := cluster.LoadState(dir)
	if err != nil {
		fmt.Fprintf(stdout, "No control plane has been started from %s yet (skiff up).\n", dir)
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "COMPONENT\tSTATE\tPID\tRSS\tLOG")
	var total int64
	up := 0
	for _, c := range cluster.Status(dir) {
		state, rss := "stopped", "-"
		if c.Running {
			state, rss = "running", fmt.Sprintf("%d MiB", c.RSS>>20)
			total += c.RSS
			up++
		}
		pid := "-"
		if c.PID != 0 && c.Running {
			pid = fmt.Sprint(c.PID)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Name, state, pid, rss, c.Log)
	}
	nstate, npid, nrss := "stopped", "-", "-"
	if pid, ok := nodeAgentPID(dir); ok {
		nstate, npid = "running", fmt.Sprint(pid)
		if rss, err := cluster.ProcessRSS(pid); err == nil {
			nrss = fmt.Sprintf("%d MiB", rss>>20)
			total += rss
		}
	}
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", NodeComponent, nstate, npid, nrss, nodeLogPath(dir))
	tw.Flush()
	health := "stopped"
	if up > 0 {
		health = apiserverHealth(st.Kubeconfig)
	}
	fmt.Fprintf(stdout, "\napiserver  %s (%s)\nkubeconfig %s\n", st.URL, health, st.Kubeconfig)
	if up > 0 {
		fmt.Fprintf(stdout, "total RSS  %d MiB\n", total>>20)
	}
	return nil
}

func kubeconfig(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("kubeconfig", flag.ContinueOnError)
	printContent := fs.Bool("print", false, "print the kubeconfig's content instead of its path")
	if err := parse(fs, args); err != nil {
		return err
	}
	dir, err := home()
	if err != nil {
		return err
	}
	path := cluster.KubeconfigPath(dir)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no kubeconfig in %s yet: run skiff up", dir)
	}
	if !*printContent {
		fmt.Fprintln(stdout, path)
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	_, err = stdout.Write(b)
	return err
}

// kubectl runs the cached kubectl with the local admin kubeconfig (unless the arguments
// name one), passing the terminal through.
func kubectl(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	dir, err := home()
	if err != nil {
		return err
	}
	var bins cluster.Binaries
	if st, err := cluster.LoadState(dir); err == nil {
		bins = cluster.Binaries{Dir: st.Binaries}
	} else if bins, err = cluster.FindBinaries(cluster.BuildOptions{}); err != nil {
		return err
	}
	kc := cluster.KubeconfigPath(dir)
	hasKubeconfig := false
	for _, a := range args {
		hasKubeconfig = hasKubeconfig || a == "--kubeconfig" || strings.HasPrefix(a, "--kubeconfig=")
	}
	if !hasKubeconfig {
		args = append([]string{"--kubeconfig=" + kc}, args...)
	}
	cmd := exec.CommandContext(ctx, bins.Path(cluster.Kubectl), args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	return cmd.Run()
}

func buildControlPlane(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("build-controlplane", flag.ContinueOnError)
	if err := parse(fs, args); err != nil {
		return err
	}
	begin := time.Now()
	bins, err := cluster.EnsureBinaries(ctx, cluster.BuildOptions{Out: stdout})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Control-plane binaries ready in %s (%.1fs)\n", bins.Dir, time.Since(begin).Seconds())
	return nil
}

// apiserverHealth asks /readyz through the admin kubeconfig.
func apiserverHealth(kubeconfigPath string) string {
	cfg, err := cluster.RESTConfigFromKubeconfig(kubeconfigPath)
	if err != nil {
		return err.Error()
	}
	cfg.Timeout = 5 * time.Second
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err.Error()
	}
	body, err := dc.RESTClient().Get().AbsPath("/readyz").DoRaw(context.Background())
	if err != nil {
		return "not ready: " + err.Error()
	}
	return strings.TrimSpace(string(body))
}
