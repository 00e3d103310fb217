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

// Package inprocess runs a Broker's whole data plane in one process on
// loopback: broker-ingress, the imc-dispatcher (with its durable log) and
// broker-filter, wired the way the eventing controllers wire them on a
// cluster (a Broker's InMemoryChannel, one Subscription per Trigger whose
// subscriber is broker-filter and whose reply is broker-ingress). Cluster
// host names resolve to the loopback listeners. It backs the end-to-end
// tests and the benchmark (hack/bench/eventing).
package inprocess

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	"github.com/skiffhq/skiff/pkg/apis/eventing"
	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/broker/filter"
	"github.com/skiffhq/skiff/pkg/broker/ingress"
	"github.com/skiffhq/skiff/pkg/channel"
	"github.com/skiffhq/skiff/pkg/channel/eventlog"
	"github.com/skiffhq/skiff/pkg/channel/fanout"
	"github.com/skiffhq/skiff/pkg/channel/multichannelfanout"
	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

// Cluster host names of the data-plane Services, as on a cluster.
const (
	IngressHost    = "broker-ingress.knative-eventing.svc.cluster.local"
	FilterHost     = "broker-filter.knative-eventing.svc.cluster.local"
	DispatcherHost = "imc-dispatcher.knative-eventing.svc.cluster.local"
)

// Options configures a Platform.
type Options struct {
	// Dir is the imc-dispatcher's log directory. Required.
	Dir          string
	Syncer       eventlog.Syncer
	SyncInterval time.Duration
	// Metrics records OpenCensus metrics with the real reporters.
	Metrics bool
	Logger  *zap.Logger
}

// Platform is a running in-process broker data plane.
type Platform struct {
	opts     Options
	logger   *zap.Logger
	resolver *Resolver

	ingress  *server
	filter   *server
	channels *server
	imc      *multichannelfanout.EventHandler

	ingressDispatcher, channelDispatcher *kncloudevents.Dispatcher

	mu       sync.RWMutex
	brokers  map[types.NamespacedName]*eventingv1.Broker
	triggers map[types.NamespacedName]*eventingv1.Trigger
}

type server struct {
	ln  net.Listener
	srv *http.Server
}

func listen(h http.Handler) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{ln: ln, srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *server) addr() string { return s.ln.Addr().String() }

// close shuts the server down, waiting briefly for requests in progress.
// Connections a client opened but never used would hold Shutdown for 5 s,
// so after a short grace period the rest are cut.
func (s *server) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
}

// kill drops the listener and every connection at once, as a crash would.
func (s *server) kill() {
	_ = s.srv.Close()
}

// Resolver maps cluster host names to loopback addresses, standing in for
// cluster DNS and Services.
type Resolver struct {
	mu    sync.RWMutex
	hosts map[string]string
}

// NewResolver returns an empty Resolver.
func NewResolver() *Resolver { return &Resolver{hosts: map[string]string{}} }

// Set maps host to addr (host:port).
func (r *Resolver) Set(host, addr string) {
	r.mu.Lock()
	r.hosts[host] = addr
	r.mu.Unlock()
}

// DialContext dials addr, or the loopback address its host maps to.
func (r *Resolver) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		r.mu.RLock()
		mapped, ok := r.hosts[host]
		r.mu.RUnlock()
		if ok {
			addr = mapped
		}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// Client returns an HTTP client that resolves through r, with a transport
// of its own (as a separate process would have).
func (r *Resolver) Client() *http.Client {
	t := kncloudevents.NewTransport(nil)
	t.DialContext = r.DialContext
	return &http.Client{Transport: t}
}

// Start starts ingress, imc-dispatcher and filter on loopback.
func Start(opts Options) (*Platform, error) {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	p := &Platform{
		opts:     opts,
		logger:   opts.Logger,
		resolver: NewResolver(),
		brokers:  map[types.NamespacedName]*eventingv1.Broker{},
		triggers: map[types.NamespacedName]*eventingv1.Trigger{},
	}
	if err := p.startChannel(); err != nil {
		return nil, err
	}

	var ingressReporter ingress.StatsReporter
	var filterReporter filter.StatsReporter
	if opts.Metrics {
		ingressReporter = ingress.NewStatsReporter("ingress", "ingress-0")
		filterReporter = filter.NewStatsReporter("filter", "filter-0")
	}
	p.ingressDispatcher = kncloudevents.NewDispatcher(kncloudevents.WithHTTPClient(p.resolver.Client()))
	ih := ingress.NewHandler(opts.Logger.Named("ingress"), ingressReporter, nil,
		ingress.ChannelAddressFromBrokers(p.getBroker), p.ingressDispatcher)
	fh := filter.NewHandler(opts.Logger.Named("filter"), filterReporter, p.getTrigger, p.getBroker,
		kncloudevents.NewDispatcher(kncloudevents.WithHTTPClient(p.resolver.Client())))
	var err error
	if p.ingress, err = listen(ih); err != nil {
		return nil, err
	}
	if p.filter, err = listen(fh); err != nil {
		return nil, err
	}
	p.resolver.Set(IngressHost, p.ingress.addr())
	p.resolver.Set(FilterHost, p.filter.addr())
	return p, nil
}

func (p *Platform) startChannel() error {
	var reporter channel.StatsReporter
	if p.opts.Metrics {
		reporter = channel.NewStatsReporter("dispatcher", "imc-dispatcher-0")
	}
	p.channelDispatcher = kncloudevents.NewDispatcher(kncloudevents.WithHTTPClient(p.resolver.Client()))
	imc, err := multichannelfanout.NewEventHandler(context.Background(), p.logger.Named("imc-dispatcher"), multichannelfanout.Options{
		Dir:          p.opts.Dir,
		Syncer:       p.opts.Syncer,
		SyncInterval: p.opts.SyncInterval,
		Dispatcher:   p.channelDispatcher,
		Reporter:     reporter,
	})
	if err != nil {
		return err
	}
	srv, err := listen(imc)
	if err != nil {
		_ = imc.Close()
		return err
	}
	p.imc, p.channels = imc, srv
	p.resolver.Set(DispatcherHost, srv.addr())
	p.mu.RLock()
	defer p.mu.RUnlock()
	for _, b := range p.brokers {
		p.resolver.Set(channelHost(b.Namespace, b.Name), srv.addr())
		p.imc.SetChannel(p.channelConfig(b))
	}
	return nil
}

// RestartChannel stops the imc-dispatcher in the middle of whatever it is
// doing (deliveries in progress are cut off unfinished, as in a crash) and
// starts a new one on the same log directory, which replays what was not
// finished. It returns how many events the new dispatcher replayed.
func (p *Platform) RestartChannel() (int, error) {
	p.channels.kill()
	if err := p.imc.Close(); err != nil {
		return 0, fmt.Errorf("closing dispatcher: %w", err)
	}
	if err := p.startChannel(); err != nil {
		return 0, err
	}
	return p.imc.Replay(context.Background()), nil
}

// BatchStats returns how the ingress (to the channel) and the channel (to
// broker-filter) batched their requests.
func (p *Platform) BatchStats() (ingressToChannel, channelToFilter kncloudevents.BatchStats) {
	return p.ingressDispatcher.BatchStats(), p.channelDispatcher.BatchStats()
}

// ChannelStats returns the imc-dispatcher's counters.
func (p *Platform) ChannelStats() multichannelfanout.Stats { return p.imc.Stats() }

// Client returns a client that resolves cluster host names, e.g. to POST to
// a Broker's status.address.
func (p *Platform) Client() *http.Client { return p.resolver.Client() }

// Resolver returns the platform's name resolution, so a test can give its
// subscriber a cluster host name.
func (p *Platform) Resolver() *Resolver { return p.resolver }

// IngressURL is the loopback URL of broker-ingress.
func (p *Platform) IngressURL() string { return "http://" + p.ingress.addr() }

func channelHost(ns, brokerName string) string {
	return fmt.Sprintf("%s-kne-trigger-kn-channel.%s.svc.cluster.local", brokerName, ns)
}

// AddBroker creates Broker ns/name with its channel, as the broker
// reconciler would, and returns it.
func (p *Platform) AddBroker(ns, name string) *eventingv1.Broker {
	b := &eventingv1.Broker{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("broker-" + ns + "-" + name)}}
	b.Status.Address = &duckv1.Addressable{URL: apis.HTTP(IngressHost)}
	b.Status.Address.URL.Path = fmt.Sprintf("/%s/%s", ns, name)
	b.Status.Annotations = map[string]string{
		eventing.BrokerChannelAddressStatusAnnotationKey: "http://" + channelHost(ns, name),
	}
	p.mu.Lock()
	p.brokers[types.NamespacedName{Namespace: ns, Name: name}] = b
	p.mu.Unlock()
	p.resolver.Set(channelHost(ns, name), p.channels.addr())
	p.imc.SetChannel(p.channelConfig(b))
	return b
}

// AddTrigger registers a Trigger (its status.subscriberUri, and
// status.deadLetterSinkUri if it has a dead-letter sink, must be set) and
// subscribes it to its Broker's channel, as the trigger and subscription
// reconcilers would.
func (p *Platform) AddTrigger(t *eventingv1.Trigger) error {
	key := types.NamespacedName{Namespace: t.Namespace, Name: t.Spec.Broker}
	p.mu.Lock()
	b, ok := p.brokers[key]
	if ok {
		p.triggers[types.NamespacedName{Namespace: t.Namespace, Name: t.Name}] = t
	}
	p.mu.Unlock()
	if !ok {
		return fmt.Errorf("broker %s does not exist", key)
	}
	p.imc.SetChannel(p.channelConfig(b))
	return nil
}

// channelConfig builds the broker channel's subscribers from its Triggers.
func (p *Platform) channelConfig(b *eventingv1.Broker) multichannelfanout.ChannelConfig {
	p.mu.RLock()
	var ts []*eventingv1.Trigger
	for _, t := range p.triggers {
		if t.Namespace == b.Namespace && t.Spec.Broker == b.Name {
			ts = append(ts, t)
		}
	}
	p.mu.RUnlock()
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
	subs := make([]fanout.Subscription, 0, len(ts))
	for _, t := range ts {
		s := fanout.Subscription{
			Subscriber: duckv1.Addressable{URL: apis.HTTP(FilterHost)},
			Reply:      &duckv1.Addressable{URL: b.Status.Address.URL},
			Namespace:  t.Namespace,
			Name:       t.Name,
			UID:        types.UID("subscription-" + string(t.UID)),
		}
		s.Subscriber.URL.Path = filter.TriggerPath(t)
		if t.Spec.Delivery != nil {
			rc, err := kncloudevents.RetryConfigFromDeliverySpec(*t.Spec.Delivery)
			if err != nil {
				p.logger.Error("Bad delivery spec", zap.String("trigger", t.Name), zap.Error(err))
			} else {
				s.RetryConfig = &rc
			}
		}
		if t.Status.DeadLetterSinkURI != nil {
			s.DeadLetter = &duckv1.Addressable{URL: t.Status.DeadLetterSinkURI}
		}
		subs = append(subs, s)
	}
	return multichannelfanout.ChannelConfig{
		Namespace:    b.Namespace,
		Name:         b.Name + "-kne-trigger",
		HostName:     channelHost(b.Namespace, b.Name),
		Path:         b.Namespace + "/" + b.Name + "-kne-trigger",
		FanoutConfig: fanout.Config{Subscriptions: subs},
	}
}

func notFound(resource, name string) error {
	return apierrors.NewNotFound(schema.GroupResource{Group: "eventing.knative.dev", Resource: resource}, name)
}

func (p *Platform) getBroker(ns, name string) (*eventingv1.Broker, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if b, ok := p.brokers[types.NamespacedName{Namespace: ns, Name: name}]; ok {
		return b, nil
	}
	return nil, notFound("brokers", name)
}

func (p *Platform) getTrigger(ns, name string) (*eventingv1.Trigger, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if t, ok := p.triggers[types.NamespacedName{Namespace: ns, Name: name}]; ok {
		return t, nil
	}
	return nil, notFound("triggers", name)
}

// Close stops everything.
func (p *Platform) Close() error {
	p.ingress.close()
	p.filter.close()
	p.channels.close()
	return errors.Join(p.imc.Close())
}
