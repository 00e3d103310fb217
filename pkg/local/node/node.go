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

// Package node is Skiff's node agent: a small kubelet for local mode. It registers a
// Node, renews its Lease, and runs every Pod the scheduler binds to it as local
// processes — each Pod in its own network namespace on the skiff0 bridge, each container
// in its own mount, PID and UTS namespaces over a copy-on-write view of the host's root
// filesystem (package container) — with volumes, environment, probes, restarts,
// graceful termination and status reporting as a kubelet does. It serves the kubelet
// API's log endpoint, so `kubectl logs` works, and it resolves Services for Pods and
// the host (package proxy): ClusterIPs and *.svc.cluster.local names.
//
// Images come from the local image store (package image): `ko://` Go packages and
// names added with `skiff image add`.
package node

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"

	"github.com/skiffhq/skiff/pkg/local/hostnet"
	"github.com/skiffhq/skiff/pkg/local/image"
	"github.com/skiffhq/skiff/pkg/local/netns"
	"github.com/skiffhq/skiff/pkg/local/proxy"
)

// Version is reported as the node's kubelet version.
const Version = "v1.33.13-skiff"

// DefaultNodeName is the name the node registers under.
const DefaultNodeName = "skiff"

// DefaultKubeletPort is the kubelet API port `skiff up` uses.
const DefaultKubeletPort = 10250

// Config describes a node agent.
type Config struct {
	// NodeName defaults to DefaultNodeName.
	NodeName string
	// Dir holds the agent's state: pods/ (volumes, container layers, logs) and its lock.
	Dir string
	// RunDir holds network namespaces and the machine-wide address leases; empty means
	// netns.DefaultRunDir.
	RunDir string
	// RESTConfig reaches the apiserver with rights to manage Nodes, Leases, Pods and
	// their status, Events, and to read ConfigMaps, Secrets, Services and Endpoints.
	RESTConfig *rest.Config
	// Network is the host network (bridge, its host address, pod and service ranges).
	Network *hostnet.Network
	// ServiceCIDR is the apiserver's service-cluster-ip-range when it is narrower than
	// Network.ServiceCIDR; nil means discover it from the cluster's ServiceCIDR object,
	// falling back to Network.ServiceCIDR.
	ServiceCIDR *net.IPNet
	// ClusterDomain defaults to cluster.local.
	ClusterDomain string
	// Images resolves image references.
	Images *image.Store
	// KubeletPort is the kubelet API port on the bridge address; 0 picks a free one.
	KubeletPort int
	// PublishLoadBalancers publishes LoadBalancer and NodePort Services on 127.0.0.1
	// (see proxy.Config).
	PublishLoadBalancers bool
	// LoadBalancerPorts maps a LoadBalancer Service port to the host port it is published
	// on (default: the same number).
	LoadBalancerPorts map[int32]int32
	// BackoffInitial and BackoffMax bound the crash-loop restart delay (defaults 1s and
	// 5m; a kubelet starts at 10s, but a local platform wants fast iterations).
	BackoffInitial, BackoffMax time.Duration
	// Logger defaults to a no-op logger.
	Logger *zap.SugaredLogger
}

// Agent is a running node agent.
type Agent struct {
	cfg      Config
	name     string
	kube     kubernetes.Interface
	dyn      dynamic.Interface
	log      *zap.SugaredLogger
	hostIP   net.IP
	nets     *netns.Manager
	proxy    *proxy.Proxy
	recorder record.EventRecorder
	events   record.EventBroadcaster
	lockFile *os.File
	podsDir  string

	factory    informers.SharedInformerFactory
	podFactory informers.SharedInformerFactory
	services   corelisters.ServiceLister
	podLister  corelisters.PodLister

	kubeletPort int
	kubeletSrv  *kubeletServer
	clusterDNS  net.IP
	svcCIDR     *net.IPNet
	capacity    corev1.ResourceList

	mu      sync.Mutex
	workers map[string]*podWorker // by pod UID
	stopped bool

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// ErrNotRoot is returned (wrapped) when the agent lacks the privileges to create
// namespaces.
var ErrNotRoot = errors.New("the node agent must run as root: it creates network, mount and PID namespaces for Pods")

// Start registers the node and starts running the Pods bound to it. It returns once
// the node is registered and the informers have synced.
func Start(ctx context.Context, cfg Config) (_ *Agent, retErr error) {
	if os.Geteuid() != 0 {
		return nil, ErrNotRoot
	}
	if cfg.NodeName == "" {
		cfg.NodeName = DefaultNodeName
	}
	if cfg.ClusterDomain == "" {
		cfg.ClusterDomain = "cluster.local"
	}
	if cfg.BackoffInitial == 0 {
		cfg.BackoffInitial = time.Second
	}
	if cfg.BackoffMax == 0 {
		cfg.BackoffMax = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop().Sugar()
	}
	if cfg.Dir == "" || cfg.RESTConfig == nil || cfg.Network == nil || cfg.Images == nil {
		return nil, errors.New("node.Config needs Dir, RESTConfig, Network and Images")
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "pods"), 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	a := &Agent{cfg: cfg, name: cfg.NodeName, log: cfg.Logger, hostIP: cfg.Network.HostIP,
		podsDir: filepath.Join(dir, "pods"), workers: map[string]*podWorker{}}

	// One agent per state directory; the lock also tells other agents on the machine
	// that this one's address leases are live.
	lockPath := filepath.Join(dir, "node.lock")
	if a.lockFile, err = lockExclusive(lockPath); err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			a.lockFile.Close()
		}
	}()

	rc := rest.CopyConfig(cfg.RESTConfig)
	rc.QPS, rc.Burst = 100, 200
	rc.UserAgent = "skiff-node/" + Version
	// The proxy reads v1 Endpoints on purpose (Knative writes them); no warning per call.
	rc.WarningHandler = rest.NoWarnings{}
	if a.kube, err = kubernetes.NewForConfig(rc); err != nil {
		return nil, err
	}
	if a.dyn, err = dynamic.NewForConfig(rc); err != nil {
		return nil, err
	}
	a.nets, err = netns.NewManager(netns.Config{RunDir: cfg.RunDir, Bridge: cfg.Network.Bridge,
		Gateway: cfg.Network.HostIP, PodCIDR: cfg.Network.PodCIDR, Owner: lockPath})
	if err != nil {
		return nil, err
	}
	// Pods of an earlier run of this agent died with it (parent-death signal); their
	// namespaces and addresses did not.
	if err := a.nets.Cleanup(nil); err != nil {
		a.log.Warnw("cleaning up pod networks of an earlier run", zap.Error(err))
	}
	a.cleanupPodDirs()

	a.ctx, a.cancel = context.WithCancel(context.Background())
	defer func() {
		if retErr != nil {
			a.cancel()
		}
	}()

	a.svcCIDR = cfg.ServiceCIDR
	if a.svcCIDR == nil {
		a.svcCIDR = a.discoverServiceCIDR(ctx)
	}
	a.clusterDNS = nthIP(a.svcCIDR, 10)
	a.capacity = nodeCapacity(cfg.Network.PodCIDR)

	a.events = record.NewBroadcaster()
	a.events.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: a.kube.CoreV1().Events("")})
	a.recorder = a.events.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "kubelet", Host: a.name})

	// The kubelet API (logs) listens on the bridge address; the apiserver dials it there.
	a.kubeletSrv, err = newKubeletServer(a, cfg.KubeletPort)
	if err != nil {
		return nil, err
	}
	a.kubeletPort = a.kubeletSrv.port
	defer func() {
		if retErr != nil {
			a.kubeletSrv.close()
		}
	}()

	a.factory = informers.NewSharedInformerFactory(a.kube, 10*time.Minute)
	a.services = a.factory.Core().V1().Services().Lister()
	a.podFactory = informers.NewSharedInformerFactoryWithOptions(a.kube, 10*time.Minute,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.FieldSelector = "spec.nodeName=" + a.name }))
	podInformer := a.podFactory.Core().V1().Pods()
	a.podLister = podInformer.Lister()

	a.proxy, err = proxy.New(proxy.Config{
		Services:             a.factory.Core().V1().Services(),
		Endpoints:            a.factory.Core().V1().Endpoints(),
		Kube:                 a.kube,
		Bridge:               cfg.Network.Bridge,
		ClusterDomain:        cfg.ClusterDomain,
		DNSIP:                a.clusterDNS,
		ServiceCIDR:          a.svcCIDR,
		StateDir:             dir,
		PublishLoadBalancers: cfg.PublishLoadBalancers,
		LoadBalancerPorts:    cfg.LoadBalancerPorts,
		Logger:               a.log.Named("proxy"),
	})
	if err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			a.proxy.Stop()
		}
	}()

	if err := a.registerNode(ctx); err != nil {
		return nil, err
	}

	podInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { a.podChanged(o.(*corev1.Pod)) },
		UpdateFunc: func(_, o any) { a.podChanged(o.(*corev1.Pod)) },
		DeleteFunc: func(o any) {
			if t, ok := o.(cache.DeletedFinalStateUnknown); ok {
				o = t.Obj
			}
			if p, ok := o.(*corev1.Pod); ok {
				a.podRemoved(p)
			}
		},
	})
	a.factory.Start(a.ctx.Done())
	a.podFactory.Start(a.ctx.Done())
	for typ, ok := range a.factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return nil, fmt.Errorf("waiting for the %v informer to sync: %w", typ, ctx.Err())
		}
	}
	for typ, ok := range a.podFactory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return nil, fmt.Errorf("waiting for the %v informer to sync: %w", typ, ctx.Err())
		}
	}
	if err := a.proxy.Start(a.ctx); err != nil {
		return nil, err
	}
	a.kubeletSrv.start()

	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		a.heartbeat()
	}()
	a.log.Infow("node agent started", "node", a.name, "kubeletPort", a.kubeletPort, "clusterDNS", a.clusterDNS.String(),
		"serviceCIDR", a.svcCIDR.String())
	return a, nil
}

// Name is the node's name.
func (a *Agent) Name() string { return a.name }

// KubeletPort is the port of the kubelet API on the bridge address.
func (a *Agent) KubeletPort() int { return a.kubeletPort }

// ClusterDNS is the address of the cluster DNS server Pods use.
func (a *Agent) ClusterDNS() net.IP { return a.clusterDNS }

// Stop stops every Pod (graceful termination, bounded by timeout), removes their
// networks and the Services' host addresses, and stops the agent. The Node and Pod
// objects stay; a later Start picks them up again.
func (a *Agent) Stop(timeout time.Duration) {
	a.mu.Lock()
	if a.stopped {
		a.mu.Unlock()
		return
	}
	a.stopped = true
	workers := make([]*podWorker, 0, len(a.workers))
	for _, w := range a.workers {
		workers = append(workers, w)
	}
	a.mu.Unlock()

	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func(w *podWorker) {
			defer wg.Done()
			w.shutdown(timeout)
		}(w)
	}
	wg.Wait()
	a.cancel()
	a.wg.Wait()
	a.kubeletSrv.close()
	a.proxy.Stop()
	if err := a.nets.Cleanup(nil); err != nil {
		a.log.Warnw("cleaning up pod networks", zap.Error(err))
	}
	a.events.Shutdown()
	a.lockFile.Close()
}

func lockExclusive(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another node agent is running from %s (lock %s is held)", filepath.Dir(path), path)
	}
	return f, nil
}

// cleanupPodDirs removes pod directories of an earlier run; their processes are gone.
func (a *Agent) cleanupPodDirs() {
	entries, _ := os.ReadDir(a.podsDir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(a.podsDir, e.Name()))
	}
}

var serviceCIDRGVR = schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "servicecidrs"}

// discoverServiceCIDR reads the apiserver's service range from its default ServiceCIDR
// object (networking.k8s.io/v1, Kubernetes 1.33), falling back to the host network's.
func (a *Agent) discoverServiceCIDR(ctx context.Context) *net.IPNet {
	u, err := a.dyn.Resource(serviceCIDRGVR).Get(ctx, "kubernetes", metav1.GetOptions{})
	if err == nil {
		cidrs, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "cidrs")
		for _, c := range cidrs {
			if _, n, err := net.ParseCIDR(c); err == nil && n.IP.To4() != nil {
				return n
			}
		}
	}
	return a.cfg.Network.ServiceCIDR
}

// nthIP returns the n-th address of a network (n=10: the cluster DNS address, by
// Kubernetes convention).
func nthIP(n *net.IPNet, i int) net.IP {
	ip := make(net.IP, 4)
	copy(ip, n.IP.To4())
	v := uint32(ip[0])<<24 | uint32(ip[1])<<16 | uint32(ip[2])<<8 | uint32(ip[3])
	v += uint32(i)
	return net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v)).To4()
}

func nodeCapacity(podCIDR *net.IPNet) corev1.ResourceList {
	mem := int64(0)
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = kb * 1024
		}
	}
	var st unix.Statfs_t
	disk := int64(0)
	if unix.Statfs("/", &st) == nil {
		disk = int64(st.Blocks) * int64(st.Bsize)
	}
	ones, bits := podCIDR.Mask.Size()
	pods := int64(1)<<(bits-ones) - 3 // network, broadcast, bridge
	if pods > 250 {
		pods = 250
	}
	return corev1.ResourceList{
		// CPU is overcommitted: the agent enforces no CPU limits, and Skiff's
		// own components request ~1.5 cores, which on a 2-core machine left
		// room for only ~20 app Pods and made the scheduler hold cold starts
		// with "Insufficient cpu".
		corev1.ResourceCPU:              *resource.NewQuantity(int64(runtime.NumCPU())*cpuOvercommit, resource.DecimalSI),
		corev1.ResourceMemory:           *resource.NewQuantity(mem, resource.BinarySI),
		corev1.ResourceEphemeralStorage: *resource.NewQuantity(disk, resource.BinarySI),
		corev1.ResourcePods:             *resource.NewQuantity(pods, resource.DecimalSI),
	}
}

// cpuOvercommit multiplies the machine's cores in the Node's capacity.
const cpuOvercommit = 8

func (a *Agent) nodeConditions(now metav1.Time, prev []corev1.NodeCondition) []corev1.NodeCondition {
	want := []corev1.NodeCondition{
		{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientMemory", Message: "kubelet has sufficient memory available"},
		{Type: corev1.NodeDiskPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasNoDiskPressure", Message: "kubelet has no disk pressure"},
		{Type: corev1.NodePIDPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientPID", Message: "kubelet has sufficient PID available"},
		{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "skiff node agent is posting ready status"},
	}
	for i := range want {
		want[i].LastHeartbeatTime = now
		want[i].LastTransitionTime = now
		for _, p := range prev {
			if p.Type == want[i].Type && p.Status == want[i].Status {
				want[i].LastTransitionTime = p.LastTransitionTime
			}
		}
	}
	return want
}

func (a *Agent) nodeStatus(prev corev1.NodeStatus) corev1.NodeStatus {
	now := metav1.Now()
	hostname, _ := os.Hostname()
	var uts unix.Utsname
	kernel := ""
	if unix.Uname(&uts) == nil {
		kernel = unix.ByteSliceToString(uts.Release[:])
	}
	return corev1.NodeStatus{
		Capacity:    a.capacity,
		Allocatable: a.capacity,
		Phase:       corev1.NodeRunning,
		Conditions:  a.nodeConditions(now, prev.Conditions),
		Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: a.hostIP.String()},
			{Type: corev1.NodeHostName, Address: a.name},
		},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: int32(a.kubeletPort)}},
		NodeInfo: corev1.NodeSystemInfo{
			MachineID:               machineID(),
			BootID:                  bootID(),
			KernelVersion:           kernel,
			OSImage:                 osImage() + " (" + hostname + ")",
			ContainerRuntimeVersion: "skiff://" + Version,
			KubeletVersion:          Version,
			KubeProxyVersion:        Version,
			OperatingSystem:         runtime.GOOS,
			Architecture:            runtime.GOARCH,
		},
	}
}

// registerNode creates the Node (or takes over the one an earlier run registered) and
// posts a Ready status, then removes the not-ready taint the apiserver put on the new
// Node, so Pods schedule at once instead of after the node controller's next pass.
func (a *Agent) registerNode(ctx context.Context) error {
	nodes := a.kube.CoreV1().Nodes()
	labels := map[string]string{
		corev1.LabelHostname:   a.name,
		corev1.LabelOSStable:   runtime.GOOS,
		corev1.LabelArchStable: runtime.GOARCH,
		"node.skiff.dev/local": "true",
	}
	spec := corev1.NodeSpec{PodCIDR: a.cfg.Network.PodCIDR.String(), PodCIDRs: []string{a.cfg.Network.PodCIDR.String()}}
	n, err := nodes.Get(ctx, a.name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		n, err = nodes.Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: a.name, Labels: labels}, Spec: spec}, metav1.CreateOptions{})
	}
	if err != nil {
		return fmt.Errorf("registering node %s: %w", a.name, err)
	}
	if n.Spec.PodCIDR == "" || n.Labels[corev1.LabelHostname] == "" {
		n = n.DeepCopy()
		if n.Labels == nil {
			n.Labels = map[string]string{}
		}
		for k, v := range labels {
			n.Labels[k] = v
		}
		if n.Spec.PodCIDR == "" {
			n.Spec.PodCIDR, n.Spec.PodCIDRs = spec.PodCIDR, spec.PodCIDRs
		}
		if n, err = nodes.Update(ctx, n, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("updating node %s: %w", a.name, err)
		}
	}
	if err := a.postNodeStatus(ctx); err != nil {
		return err
	}
	if err := a.renewLease(ctx); err != nil {
		return err
	}
	return a.removeNotReadyTaints(ctx)
}

func (a *Agent) postNodeStatus(ctx context.Context) error {
	nodes := a.kube.CoreV1().Nodes()
	for attempt := 0; ; attempt++ {
		n, err := nodes.Get(ctx, a.name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("getting node %s: %w", a.name, err)
		}
		n = n.DeepCopy()
		n.Status = a.nodeStatus(n.Status)
		if _, err = nodes.UpdateStatus(ctx, n, metav1.UpdateOptions{}); err == nil {
			return nil
		}
		if !apierrors.IsConflict(err) || attempt > 5 {
			return fmt.Errorf("updating node %s status: %w", a.name, err)
		}
	}
}

func (a *Agent) removeNotReadyTaints(ctx context.Context) error {
	nodes := a.kube.CoreV1().Nodes()
	for attempt := 0; ; attempt++ {
		n, err := nodes.Get(ctx, a.name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		var keep []corev1.Taint
		for _, t := range n.Spec.Taints {
			if t.Key != corev1.TaintNodeNotReady && t.Key != corev1.TaintNodeUnreachable {
				keep = append(keep, t)
			}
		}
		if len(keep) == len(n.Spec.Taints) {
			return nil
		}
		n = n.DeepCopy()
		n.Spec.Taints = keep
		if _, err = nodes.Update(ctx, n, metav1.UpdateOptions{}); err == nil {
			return nil
		}
		if !apierrors.IsConflict(err) || attempt > 5 {
			return fmt.Errorf("removing not-ready taints from node %s: %w", a.name, err)
		}
	}
}

const (
	leaseDuration     = 40 * time.Second
	leaseRenew        = 10 * time.Second
	nodeStatusRefresh = time.Minute
)

func (a *Agent) renewLease(ctx context.Context) error {
	leases := a.kube.CoordinationV1().Leases(corev1.NamespaceNodeLease)
	now := metav1.NowMicro()
	l, err := leases.Get(ctx, a.name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		l = &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: a.name, Namespace: corev1.NamespaceNodeLease},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To(a.name),
				LeaseDurationSeconds: ptr.To(int32(leaseDuration.Seconds())), RenewTime: &now},
		}
		if n, err := a.kube.CoreV1().Nodes().Get(ctx, a.name, metav1.GetOptions{}); err == nil {
			l.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: n.Name, UID: n.UID}}
		}
		_, err = leases.Create(ctx, l, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating node lease: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("getting node lease: %w", err)
	}
	l = l.DeepCopy()
	l.Spec.HolderIdentity = ptr.To(a.name)
	l.Spec.LeaseDurationSeconds = ptr.To(int32(leaseDuration.Seconds()))
	l.Spec.RenewTime = &now
	if _, err := leases.Update(ctx, l, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("renewing node lease: %w", err)
	}
	return nil
}

// heartbeat renews the Lease every 10s and posts the node status every minute, as a
// kubelet does.
func (a *Agent) heartbeat() {
	lease := time.NewTicker(leaseRenew)
	defer lease.Stop()
	status := time.NewTicker(nodeStatusRefresh)
	defer status.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-lease.C:
			ctx, cancel := context.WithTimeout(a.ctx, leaseRenew)
			if err := a.renewLease(ctx); err != nil {
				a.log.Warnw("renewing the node lease", zap.Error(err))
			}
			cancel()
		case <-status.C:
			ctx, cancel := context.WithTimeout(a.ctx, leaseRenew)
			if err := a.postNodeStatus(ctx); err != nil {
				a.log.Warnw("posting node status", zap.Error(err))
			}
			cancel()
		}
	}
}

func machineID() string {
	b, _ := os.ReadFile("/etc/machine-id")
	return strings.TrimSpace(string(b))
}

func bootID() string {
	b, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	return strings.TrimSpace(string(b))
}

func osImage() string {
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return "Linux"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
			if s, err := strconv.Unquote(v); err == nil {
				return s
			}
			return v
		}
	}
	return "Linux"
}
