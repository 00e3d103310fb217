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

package adapter

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	nethttp "net/http"
	"net/url"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	ceclient "github.com/cloudevents/sdk-go/v2/client"
	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/cloudevents/sdk-go/v2/protocol"
	"github.com/cloudevents/sdk-go/v2/protocol/http"
	"go.opencensus.io/plugin/ochttp"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	"knative.dev/pkg/tracing/propagation/tracecontextb3"

	"github.com/skiffhq/skiff/pkg/kncloudevents"
)

// KnNamespaceHeader tells the receiver which namespace the event comes
// from, as upstream's adapters set it.
const KnNamespaceHeader = "Kn-Namespace"

type closeIdler interface {
	CloseIdleConnections()
}

// Client is the CloudEvents client an adapter sends with.
type Client interface {
	cloudevents.Client
	closeIdler
}

// ClientConfig is how NewClient builds a Client.
type ClientConfig struct {
	// Env gives the target (K_SINK), timeout (K_SINK_TIMEOUT), CA
	// certificates (K_CA_CERTS), namespace header and, unless CeOverrides
	// is set, the overrides (K_CE_OVERRIDES). Optional: without it, the
	// target comes from the context of each Send
	// (cloudevents.ContextWithTarget).
	Env EnvConfigAccessor

	// CeOverrides are extensions set on every event.
	CeOverrides *duckv1.CloudEventOverrides

	// Reporter counts what is sent; nil reports nothing.
	Reporter StatsReporter

	// Options are further CloudEvents HTTP protocol options.
	Options []http.Option

	// HTTPClient, when set, carries the requests instead of a client of
	// the Client's own: a multi-tenant adapter shares one transport (and
	// its keep-alive connections) among all its sources. Skiff addition.
	HTTPClient *nethttp.Client
}

type clientConfigKey struct{}

func withClientConfig(ctx context.Context, r ClientConfig) context.Context {
	return context.WithValue(ctx, clientConfigKey{}, r)
}

// GetClientConfig returns the ClientConfig Main built the adapter's client
// from, so multi-tenant adapters can build more clients alike.
func GetClientConfig(ctx context.Context) ClientConfig {
	val := ctx.Value(clientConfigKey{})
	if val == nil {
		return ClientConfig{}
	}
	return val.(ClientConfig)
}

// NewHTTPClient returns an HTTP client for events: keep-alive pooling as
// the other eventing data planes, trace context propagated, and the given
// CA certificates (PEM) trusted for https sinks when not nil.
func NewHTTPClient(caCerts *string) (*nethttp.Client, error) {
	base := kncloudevents.NewTransport(&kncloudevents.ConnectionArgs{
		MaxIdleConns:        kncloudevents.DefaultMaxIdleConns,
		MaxIdleConnsPerHost: kncloudevents.DefaultMaxIdleConnsPerHost,
	})
	if caCerts != nil && *caCerts != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(*caCerts)) {
			return nil, errors.New("K_CA_CERTS holds no PEM certificate")
		}
		base.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &nethttp.Client{Transport: &ochttp.Transport{
		Base:        base,
		Propagation: tracecontextb3.TraceContextEgress,
	}}, nil
}

// NewClient returns a Client sending as cfg says.
func NewClient(cfg ClientConfig) (Client, error) {
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		var caCerts *string
		if cfg.Env != nil {
			caCerts = cfg.Env.GetCACerts()
		}
		var err error
		if httpClient, err = NewHTTPClient(caCerts); err != nil {
			return nil, err
		}
	}

	pOpts := []http.Option{http.WithClient(*httpClient)}
	ceOverrides := cfg.CeOverrides
	scheme := "http"
	if cfg.Env != nil {
		if target := cfg.Env.GetSink(); len(target) > 0 {
			pOpts = append(pOpts, cloudevents.WithTarget(target))
			if u, err := url.Parse(target); err == nil {
				scheme = u.Scheme
			}
		}
		if sinkWait := cfg.Env.GetSinktimeout(); sinkWait > 0 {
			pOpts = append(pOpts, withTimeout(time.Duration(sinkWait)*time.Second))
		}
		if ceOverrides == nil {
			var err error
			if ceOverrides, err = cfg.Env.GetCloudEventOverrides(); err != nil {
				return nil, fmt.Errorf("parsing %s: %w", EnvConfigCEOverrides, err)
			}
		}
		if ns := cfg.Env.GetNamespace(); ns != "" {
			pOpts = append(pOpts, http.WithHeader(KnNamespaceHeader, ns))
		}
	}
	p, err := http.New(append(pOpts, cfg.Options...)...)
	if err != nil {
		return nil, fmt.Errorf("creating the CloudEvents HTTP protocol: %w", err)
	}
	ce, err := ceclient.New(p, ceclient.WithTimeNow(), ceclient.WithUUIDs())
	if err != nil {
		return nil, fmt.Errorf("creating the CloudEvents client: %w", err)
	}
	return &client{
		ceClient:    ce,
		closeIdler:  httpClient,
		ceOverrides: ceOverrides,
		reporter:    cfg.Reporter,
		scheme:      scheme,
	}, nil
}

func withTimeout(d time.Duration) http.Option {
	return func(p *http.Protocol) error {
		if p == nil {
			return errors.New("http timeout option can not set nil protocol")
		}
		if p.Client == nil {
			p.Client = &nethttp.Client{}
		}
		p.Client.Timeout = d
		return nil
	}
}

type client struct {
	ceClient    cloudevents.Client
	closeIdler  closeIdler
	ceOverrides *duckv1.CloudEventOverrides
	reporter    StatsReporter
	scheme      string
}

var _ cloudevents.Client = (*client)(nil)

// CloseIdleConnections closes the idle connections of the client's
// transport.
func (c *client) CloseIdleConnections() {
	c.closeIdler.CloseIdleConnections()
}

// Send applies the overrides, sends and reports the outcome.
func (c *client) Send(ctx context.Context, out event.Event) protocol.Result {
	c.applyOverrides(&out)
	res := c.ceClient.Send(ctx, out)
	c.reportMetrics(ctx, out, res)
	return res
}

// Request applies the overrides, sends, reports the outcome and returns
// the reply, if any.
func (c *client) Request(ctx context.Context, out event.Event) (*event.Event, protocol.Result) {
	c.applyOverrides(&out)
	resp, res := c.ceClient.Request(ctx, out)
	c.reportMetrics(ctx, out, res)
	return resp, res
}

// StartReceiver is the underlying client's.
func (c *client) StartReceiver(ctx context.Context, fn interface{}) error {
	return c.ceClient.StartReceiver(ctx, fn)
}

func (c *client) applyOverrides(event *cloudevents.Event) {
	if c.ceOverrides == nil {
		return
	}
	for n, v := range c.ceOverrides.Extensions {
		event.SetExtension(n, v)
	}
}

func (c *client) reportMetrics(ctx context.Context, event cloudevents.Event, result protocol.Result) {
	if c.reporter == nil {
		return
	}
	tags := MetricTagFromContext(ctx)
	args := &ReportArgs{
		Namespace:     tags.Namespace,
		EventSource:   event.Source(),
		EventType:     event.Type(),
		Name:          tags.Name,
		ResourceGroup: tags.ResourceGroup,
		EventScheme:   c.scheme,
	}

	var rres *http.RetriesResult
	if cloudevents.ResultAs(result, &rres) {
		result = rres.Result
	}
	var res *http.Result
	if cloudevents.ResultAs(result, &res) {
		_ = c.reporter.ReportEventCount(args, res.StatusCode)
	} else {
		c.reportError(args, result)
	}
	if rres != nil {
		for _, attempt := range rres.Attempts {
			var ares *http.Result
			if cloudevents.ResultAs(attempt, &ares) {
				_ = c.reporter.ReportRetryEventCount(args, ares.StatusCode)
			} else {
				_ = c.reporter.ReportRetryEventCount(args, 0)
			}
		}
	}
}

func (c *client) reportError(args *ReportArgs, result protocol.Result) {
	var uErr *url.Error
	if errors.As(result, &uErr) {
		args.Timeout = uErr.Timeout()
	}
	if result != nil {
		args.Error = result.Error()
	}
	_ = c.reporter.ReportEventCount(args, 0)
}

// MetricTag are the metric tags of the source an event is sent for.
type MetricTag struct {
	Name          string
	Namespace     string
	ResourceGroup string
}

type metricKey struct{}

// ContextWithMetricTag returns a context whose sends are reported with the
// given tags (multi-tenant adapters send for many sources).
func ContextWithMetricTag(ctx context.Context, metric *MetricTag) context.Context {
	return context.WithValue(ctx, metricKey{}, metric)
}

// MetricTagFromContext returns the tags ContextWithMetricTag set, or
// "unknown" ones.
func MetricTagFromContext(ctx context.Context) *MetricTag {
	if metrictag, ok := ctx.Value(metricKey{}).(*MetricTag); ok {
		return metrictag
	}
	return &MetricTag{Name: "unknown", Namespace: "unknown", ResourceGroup: "unknown"}
}
