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
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/google/go-cmp/cmp"
	"github.com/kelseyhightower/envconfig"
	"go.opencensus.io/stats/view"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	kle "knative.dev/pkg/leaderelection"
	"knative.dev/pkg/metrics"
)

func TestEnvConfig(t *testing.T) {
	t.Setenv("K_SINK", "http://sink.ns.svc.cluster.local")
	t.Setenv("NAMESPACE", "ns")
	t.Setenv("K_CE_OVERRIDES", `{"extensions":{"team":"blue"}}`)
	t.Setenv("K_SINK_TIMEOUT", "7")
	t.Setenv("K_LEADER_ELECTION_CONFIG", `{"Buckets":3,"LeaseDuration":15000000000,"RenewDeadline":10000000000,"RetryPeriod":2000000000}`)

	env := ConstructEnvOrDie(func() EnvConfigAccessor { return &EnvConfig{} })
	env.SetComponent("test-adapter")

	if got, want := env.GetSink(), "http://sink.ns.svc.cluster.local"; got != want {
		t.Errorf("GetSink() = %q, want %q", got, want)
	}
	if got, want := env.GetNamespace(), "ns"; got != want {
		t.Errorf("GetNamespace() = %q, want %q", got, want)
	}
	if got, want := env.GetName(), "adapter"; got != want {
		t.Errorf("GetName() = %q, want the default %q", got, want)
	}
	if got, want := env.GetSinktimeout(), 7; got != want {
		t.Errorf("GetSinktimeout() = %d, want %d", got, want)
	}
	overrides, err := env.GetCloudEventOverrides()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&duckv1.CloudEventOverrides{Extensions: map[string]string{"team": "blue"}}, overrides); diff != "" {
		t.Error("overrides (-want +got):", diff)
	}
	le, err := env.GetLeaderElectionConfig()
	if err != nil {
		t.Fatal(err)
	}
	want := &kle.ComponentConfig{Component: "test-adapter", Buckets: 3,
		LeaseDuration: 15 * time.Second, RenewDeadline: 10 * time.Second, RetryPeriod: 2 * time.Second}
	if diff := cmp.Diff(want, le); diff != "" {
		t.Error("leader election (-want +got):", diff)
	}
	if env.GetLogger() == nil {
		t.Error("no logger")
	}
}

func TestEnvConfigDefaultsAndErrors(t *testing.T) {
	env := &EnvConfig{Component: "c", CEOverrides: "{not json", LeaderElectionConfigJson: "{not json", EnvSinkTimeout: "soon"}
	if _, err := env.GetCloudEventOverrides(); err == nil {
		t.Error("GetCloudEventOverrides accepted malformed JSON")
	}
	le, err := env.GetLeaderElectionConfig()
	if err == nil {
		t.Error("GetLeaderElectionConfig accepted malformed JSON")
	}
	if le == nil || le.Buckets != 1 || le.Component != "c" {
		t.Errorf("malformed leader election config gave %+v, want the one-bucket default", le)
	}
	if got := env.GetSinktimeout(); got != -1 {
		t.Errorf("GetSinktimeout() = %d, want -1 for a non-number", got)
	}
	var empty EnvConfig
	if err := envconfig.Process("", &empty); err != nil {
		t.Fatal(err)
	}
	if o, err := empty.GetCloudEventOverrides(); err != nil || len(o.Extensions) != 0 {
		t.Errorf("no K_CE_OVERRIDES gave %v, %v; want empty overrides", o, err)
	}
}

func TestLeaderElectionComponentConfigToJSON(t *testing.T) {
	if s, err := LeaderElectionComponentConfigToJSON(nil); s != "" || err != nil {
		t.Errorf("nil config = %q, %v; want empty", s, err)
	}
	cfg := &kle.ComponentConfig{Component: "pingsource", Buckets: 2, LeaseDuration: time.Second}
	s, err := LeaderElectionComponentConfigToJSON(cfg)
	if err != nil {
		t.Fatal(err)
	}
	env := &EnvConfig{Component: "pingsource-mt-adapter", LeaderElectionConfigJson: s}
	got, err := env.GetLeaderElectionConfig()
	if err != nil {
		t.Fatal(err)
	}
	if got.Buckets != 2 || got.LeaseDuration != time.Second || got.Component != "pingsource-mt-adapter" {
		t.Errorf("round trip gave %+v", got)
	}
}

func TestGetSinkTimeout(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want int
	}{{"", -1}, {"30", 30}, {"-2", -1}, {"x", -1}} {
		t.Setenv(EnvSinkTimeout, tc.env)
		if got := GetSinkTimeout(nil); got != tc.want {
			t.Errorf("%s=%q: %d, want %d", EnvSinkTimeout, tc.env, got, tc.want)
		}
	}
}

func TestClientSends(t *testing.T) {
	got := make(chan *http.Request, 1)
	gotEvents := make(chan cloudevents.Event, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := cehttp.NewEventFromHTTPRequest(r)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		got <- r
		gotEvents <- *ev
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()

	// Metrics record only once a backend is configured.
	metrics.InitForTesting()
	reporter, err := NewStatsReporter()
	if err != nil {
		t.Fatal(err)
	}
	env := &EnvConfig{Sink: srv.URL, Namespace: "ns", CEOverrides: `{"extensions":{"team":"blue"}}`}
	c, err := NewClient(ClientConfig{Env: env, Reporter: reporter})
	if err != nil {
		t.Fatal(err)
	}
	ev := cloudevents.NewEvent()
	ev.SetType("dev.example.test")
	ev.SetSource("/test")
	ctx := ContextWithMetricTag(context.Background(), &MetricTag{Name: "src", Namespace: "ns", ResourceGroup: "tests.example"})
	if res := c.Send(ctx, ev); !cloudevents.IsACK(res) {
		t.Fatal("Send:", res)
	}
	r := <-got
	rev := <-gotEvents
	if r.Header.Get(KnNamespaceHeader) != "ns" {
		t.Errorf("%s = %q, want ns", KnNamespaceHeader, r.Header.Get(KnNamespaceHeader))
	}
	if rev.Extensions()["team"] != "blue" {
		t.Errorf("extensions = %v, want the overrides' team=blue", rev.Extensions())
	}
	if rev.ID() == "" || rev.Time().IsZero() {
		t.Errorf("id %q / time %v not defaulted", rev.ID(), rev.Time())
	}

	rows, err := view.RetrieveData("event_count")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range rows {
		tags := map[string]string{}
		for _, tg := range row.Tags {
			tags[tg.Key.Name()] = tg.Value
		}
		if tags[LabelName] == "src" && tags[LabelResponseCode] == "202" && tags[LabelEventType] == "dev.example.test" {
			found = true
		}
	}
	if !found {
		t.Errorf("event_count has no row for the 202 of src: %v", rows)
	}
}

func TestClientWithoutEnvSendsToContextTarget(t *testing.T) {
	hit := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit <- r.URL.Path
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	c, err := NewClient(ClientConfig{CeOverrides: &duckv1.CloudEventOverrides{}})
	if err != nil {
		t.Fatal(err)
	}
	ev := cloudevents.NewEvent()
	ev.SetType("t")
	ev.SetSource("/s")
	if res := c.Send(cloudevents.ContextWithTarget(context.Background(), srv.URL+"/here"), ev); !cloudevents.IsACK(res) {
		t.Fatal("Send:", res)
	}
	if p := <-hit; p != "/here" {
		t.Errorf("sent to %q, want /here", p)
	}
	c.CloseIdleConnections()
}

func TestNewHTTPClientRejectsBadCACerts(t *testing.T) {
	bad := "not a certificate"
	if _, err := NewHTTPClient(&bad); err == nil {
		t.Error("NewHTTPClient accepted K_CA_CERTS without a certificate")
	}
}

func TestContextFlags(t *testing.T) {
	ctx := context.Background()
	if IsHAEnabled(ctx) || IsInjectorEnabled(ctx) || HealthProbesDisabled(ctx) || ControllerFromContext(ctx) != nil || NamespaceFromContext(ctx) != "" {
		t.Fatal("an empty context has flags set")
	}
	ctx = WithHAEnabled(WithInjectorEnabled(WithHealthProbesDisabled(WithNamespace(ctx, "ns"))))
	if !IsHAEnabled(ctx) || !IsInjectorEnabled(ctx) || !HealthProbesDisabled(ctx) || NamespaceFromContext(ctx) != "ns" {
		t.Error("flags not set")
	}
	if MetricTagFromContext(context.Background()).Name != "unknown" {
		t.Error("a context without tags should report unknown")
	}
}
