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

package mtping

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/google/go-cmp/cmp"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"
	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/adapter/v2"
	sourcesv1 "github.com/skiffhq/skiff/pkg/apis/sources/v1"
	rtesting "github.com/skiffhq/skiff/pkg/testing/sources"
)

// receiver is a CloudEvents sink on 127.0.0.1 that records what it gets.
type receiver struct {
	srv    *httptest.Server
	events chan cloudevents.Event
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{events: make(chan cloudevents.Event, 1000)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ev, err := cehttp.NewEventFromHTTPRequest(req)
		if err != nil {
			t.Errorf("receiver: not a CloudEvent: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.events <- *ev
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) url(t *testing.T, path string) *apis.URL {
	u, err := apis.ParseURL(r.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// next waits (bounded) for the next event.
func (r *receiver) next(t *testing.T) cloudevents.Event {
	t.Helper()
	select {
	case ev := <-r.events:
		return ev
	case <-time.After(30 * time.Second):
		t.Fatal("no event arrived")
		return cloudevents.Event{}
	}
}

func newClient(t *testing.T) cloudevents.Client {
	t.Helper()
	c, err := adapter.NewClient(adapter.ClientConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pingSource(name string, spec sourcesv1.PingSourceSpec, sink *apis.URL) *sourcesv1.PingSource {
	return rtesting.NewPingSource(name, "ns", rtesting.WithPingSourceSpec(spec),
		rtesting.WithPingSourceSink(&duckv1.Addressable{URL: sink}))
}

func TestMakeEvent(t *testing.T) {
	tests := []struct {
		name            string
		spec            sourcesv1.PingSourceSpec
		wantData        string
		wantContentType string
		wantExtensions  map[string]interface{}
	}{{
		name: "no data: an empty ping",
	}, {
		name:            "data with its content type",
		spec:            sourcesv1.PingSourceSpec{Data: `{"msg":"hi"}`, ContentType: "application/json"},
		wantData:        `{"msg":"hi"}`,
		wantContentType: "application/json",
	}, {
		name:            "dataBase64 is sent decoded",
		spec:            sourcesv1.PingSourceSpec{DataBase64: base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 'x'}), ContentType: "application/octet-stream"},
		wantData:        string([]byte{0, 1, 2, 'x'}),
		wantContentType: "application/octet-stream",
	}, {
		name: "ceOverrides become extensions",
		spec: sourcesv1.PingSourceSpec{SourceSpec: duckv1.SourceSpec{
			CloudEventOverrides: &duckv1.CloudEventOverrides{Extensions: map[string]string{"team": "blue"}},
		}},
		wantExtensions: map[string]interface{}{"team": "blue"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := rtesting.NewPingSource("ping", "ns", rtesting.WithPingSourceSpec(tc.spec))
			ev, err := makeEvent(src)
			if err != nil {
				t.Fatal("makeEvent:", err)
			}
			if got, want := ev.Type(), "dev.knative.sources.ping"; got != want {
				t.Errorf("type = %q, want %q", got, want)
			}
			if got, want := ev.Source(), "/apis/v1/namespaces/ns/pingsources/ping"; got != want {
				t.Errorf("source = %q, want %q", got, want)
			}
			if got := string(ev.Data()); got != tc.wantData {
				t.Errorf("data = %q, want %q", got, tc.wantData)
			}
			if got := ev.DataContentType(); tc.wantData != "" && got != tc.wantContentType {
				t.Errorf("datacontenttype = %q, want %q", got, tc.wantContentType)
			}
			gotExt := ev.Extensions()
			if len(gotExt) == 0 {
				gotExt = nil
			}
			if diff := cmp.Diff(tc.wantExtensions, gotExt); diff != "" {
				t.Error("extensions (-want +got):", diff)
			}
		})
	}
}

func TestMakeEventRejectsBadBase64(t *testing.T) {
	src := rtesting.NewPingSource("ping", "ns", rtesting.WithPingSourceSpec(sourcesv1.PingSourceSpec{DataBase64: "%%%"}))
	if _, err := makeEvent(src); err == nil {
		t.Error("makeEvent accepted dataBase64 that is not base64")
	}
}

func TestSpec(t *testing.T) {
	for _, tc := range []struct {
		schedule, timezone, want string
	}{
		{"* * * * *", "", "* * * * *"},
		{"0 9 * * *", "Europe/Paris", "CRON_TZ=Europe/Paris 0 9 * * *"},
	} {
		src := rtesting.NewPingSource("p", "ns", rtesting.WithPingSourceSpec(sourcesv1.PingSourceSpec{Schedule: tc.schedule, Timezone: tc.timezone}))
		if got := Spec(src); got != tc.want {
			t.Errorf("Spec(%q, %q) = %q, want %q", tc.schedule, tc.timezone, got, tc.want)
		}
	}
}

// fakeClock is a settable now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func dueTimes(ds []due) []time.Time {
	out := make([]time.Time, 0, len(ds))
	for _, d := range ds {
		out = append(out, d.at.UTC())
	}
	return out
}

func TestScheduling(t *testing.T) {
	sink := apis.HTTP("sink.example")
	tests := []struct {
		name string
		spec sourcesv1.PingSourceSpec
		// added at addAt; then popDue at each of popAt, expecting want[i].
		addAt string
		popAt []string
		want  [][]time.Time
	}{{
		name:  "seconds field: every 10 s",
		spec:  sourcesv1.PingSourceSpec{Schedule: "*/10 * * * * *"},
		addAt: "2026-01-01T12:00:05Z",
		popAt: []string{"2026-01-01T12:00:09.999Z", "2026-01-01T12:00:10Z", "2026-01-01T12:00:10.5Z", "2026-01-01T12:00:20.001Z"},
		want:  [][]time.Time{nil, {utc("2026-01-01T12:00:10Z")}, nil, {utc("2026-01-01T12:00:20Z")}},
	}, {
		name:  "five fields: every minute at second 0",
		spec:  sourcesv1.PingSourceSpec{Schedule: "* * * * *"},
		addAt: "2026-01-01T12:00:05Z",
		popAt: []string{"2026-01-01T12:00:59Z", "2026-01-01T12:01:00Z"},
		want:  [][]time.Time{nil, {utc("2026-01-01T12:01:00Z")}},
	}, {
		name:  "a tick at the instant of adding is not sent (the previous adapter sent it)",
		spec:  sourcesv1.PingSourceSpec{Schedule: "* * * * * *"},
		addAt: "2026-01-01T12:00:05Z",
		popAt: []string{"2026-01-01T12:00:05.5Z", "2026-01-01T12:00:06Z"},
		want:  [][]time.Time{nil, {utc("2026-01-01T12:00:06Z")}},
	}, {
		name:  "timezone: noon in Tokyo is 03:00 UTC",
		spec:  sourcesv1.PingSourceSpec{Schedule: "0 12 * * *", Timezone: "Asia/Tokyo"},
		addAt: "2026-01-01T00:00:00Z",
		popAt: []string{"2026-01-01T02:59:59Z", "2026-01-01T03:00:00Z"},
		want:  [][]time.Time{nil, {utc("2026-01-01T03:00:00Z")}},
	}, {
		name:  "timezone with a half-hour offset",
		spec:  sourcesv1.PingSourceSpec{Schedule: "0 0 * * *", Timezone: "Asia/Kolkata"},
		addAt: "2026-01-01T00:00:00Z",
		popAt: []string{"2026-01-01T18:29:59Z", "2026-01-01T18:30:00Z"},
		want:  [][]time.Time{nil, {utc("2026-01-01T18:30:00Z")}},
	}, {
		name:  "behind by several periods: one late tick, the missed ones are skipped",
		spec:  sourcesv1.PingSourceSpec{Schedule: "*/10 * * * * *"},
		addAt: "2026-01-01T12:00:05Z",
		popAt: []string{"2026-01-01T12:00:45Z", "2026-01-01T12:00:49Z", "2026-01-01T12:00:50Z"},
		want:  [][]time.Time{{utc("2026-01-01T12:00:10Z")}, nil, {utc("2026-01-01T12:00:50Z")}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: utc(tc.addAt)}
			r := NewCronJobsRunner(nil, logtesting.TestLogger(t), WithClock(clock.now))
			if err := r.AddSchedule(pingSource("p", tc.spec, sink)); err != nil {
				t.Fatal("AddSchedule:", err)
			}
			for i, at := range tc.popAt {
				clock.set(utc(at))
				got := dueTimes(r.popDue())
				if len(got) == 0 {
					got = nil
				}
				if diff := cmp.Diff(tc.want[i], got); diff != "" {
					t.Errorf("due at %s (-want +got): %s", at, diff)
				}
			}
		})
	}
}

func TestAddScheduleAgain(t *testing.T) {
	sink := apis.HTTP("sink.example")
	clock := &fakeClock{t: utc("2026-01-01T12:00:05Z")}
	r := NewCronJobsRunner(nil, logtesting.TestLogger(t), WithClock(clock.now))
	if err := r.AddSchedule(pingSource("p", sourcesv1.PingSourceSpec{Schedule: "*/10 * * * * *", Data: "one"}, sink)); err != nil {
		t.Fatal(err)
	}

	// Same schedule, new data, just before the tick: the tick is neither
	// skipped nor repeated, and carries the new data.
	clock.set(utc("2026-01-01T12:00:09.9Z"))
	if err := r.AddSchedule(pingSource("p", sourcesv1.PingSourceSpec{Schedule: "*/10 * * * * *", Data: "two"}, sink)); err != nil {
		t.Fatal(err)
	}
	clock.set(utc("2026-01-01T12:00:10Z"))
	ds := r.popDue()
	if len(ds) != 1 || string(ds[0].job.event.Data()) != "two" {
		t.Fatalf("due = %v, want one tick with the new data", ds)
	}

	// A new schedule starts from now.
	clock.set(utc("2026-01-01T12:00:11Z"))
	if err := r.AddSchedule(pingSource("p", sourcesv1.PingSourceSpec{Schedule: "*/3 * * * * *"}, sink)); err != nil {
		t.Fatal(err)
	}
	clock.set(utc("2026-01-01T12:00:12Z"))
	if got := dueTimes(r.popDue()); !cmp.Equal(got, []time.Time{utc("2026-01-01T12:00:12Z")}) {
		t.Errorf("after a schedule change, due = %v, want the new schedule's 12:00:12", got)
	}
	if got := r.Keys(); !cmp.Equal(got, []string{"ns/p"}) {
		t.Errorf("Keys() = %v, want one entry", got)
	}

	r.RemoveSchedule("ns/p")
	clock.set(utc("2026-01-01T12:01:00Z"))
	if got := r.popDue(); len(got) != 0 {
		t.Errorf("removed source still due: %v", got)
	}
}

func TestAddScheduleErrors(t *testing.T) {
	r := NewCronJobsRunner(nil, logtesting.TestLogger(t))
	if err := r.AddSchedule(pingSource("p", sourcesv1.PingSourceSpec{Schedule: "every now and then"}, apis.HTTP("sink"))); err == nil {
		t.Error("AddSchedule accepted a schedule cron cannot parse")
	}
	noSink := rtesting.NewPingSource("p", "ns", rtesting.WithPingSourceSpec(sourcesv1.PingSourceSpec{Schedule: "* * * * *"}))
	if err := r.AddSchedule(noSink); err == nil {
		t.Error("AddSchedule accepted a source without a sink URI")
	}
	if len(r.Keys()) != 0 {
		t.Errorf("failed AddSchedule left entries: %v", r.Keys())
	}
}

// TestTicksArrive runs real schedules against a receiver on loopback.
func TestTicksArrive(t *testing.T) {
	rcv := newReceiver(t)
	r := NewCronJobsRunner(newClient(t), logtesting.TestLogger(t))

	// Local time in Kolkata (+05:30) two seconds from now: if the timezone
	// were ignored, this schedule would fire hours away.
	loc, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	tzTick := time.Now().In(loc).Truncate(time.Second).Add(2 * time.Second)
	tzSchedule := tzTick.Format("5 4 15 2 1 *")

	sources := []*sourcesv1.PingSource{
		pingSource("every-second", sourcesv1.PingSourceSpec{
			Schedule: "* * * * * *", Data: `{"hello":"ping"}`, ContentType: "application/json",
			SourceSpec: duckv1.SourceSpec{CloudEventOverrides: &duckv1.CloudEventOverrides{Extensions: map[string]string{"team": "blue"}}},
		}, rcv.url(t, "/every-second")),
		pingSource("binary", sourcesv1.PingSourceSpec{
			Schedule: "* * * * * *", DataBase64: base64.StdEncoding.EncodeToString([]byte{0xde, 0xad, 0xbe, 0xef}), ContentType: "application/octet-stream",
		}, rcv.url(t, "/binary")),
		pingSource("kolkata", sourcesv1.PingSourceSpec{Schedule: tzSchedule, Timezone: "Asia/Kolkata"}, rcv.url(t, "/kolkata")),
	}
	for _, s := range sources {
		if err := r.AddSchedule(s); err != nil {
			t.Fatal("AddSchedule:", err)
		}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		r.Start(stop)
		close(done)
	}()

	bySource := map[string][]cloudevents.Event{}
	for len(bySource["/apis/v1/namespaces/ns/pingsources/every-second"]) < 3 ||
		len(bySource["/apis/v1/namespaces/ns/pingsources/binary"]) < 1 ||
		len(bySource["/apis/v1/namespaces/ns/pingsources/kolkata"]) < 1 {
		ev := rcv.next(t)
		bySource[ev.Source()] = append(bySource[ev.Source()], ev)
	}
	close(stop)
	<-done
	r.Stop()

	var prev time.Time
	ids := map[string]bool{}
	for i, ev := range bySource["/apis/v1/namespaces/ns/pingsources/every-second"] {
		if ev.Type() != "dev.knative.sources.ping" {
			t.Errorf("type = %q", ev.Type())
		}
		if string(ev.Data()) != `{"hello":"ping"}` || ev.DataContentType() != "application/json" {
			t.Errorf("data = %q (%s), want the spec's JSON", ev.Data(), ev.DataContentType())
		}
		if ev.Extensions()["team"] != "blue" {
			t.Errorf("extensions = %v, want the ceOverrides' team=blue", ev.Extensions())
		}
		if ids[ev.ID()] {
			t.Errorf("id %q repeated", ev.ID())
		}
		ids[ev.ID()] = true
		// The event's time is its tick: a whole second, each once.
		if !ev.Time().Equal(ev.Time().Truncate(time.Second)) {
			t.Errorf("time %v is not a tick of a per-second schedule", ev.Time())
		}
		if i > 0 && !ev.Time().After(prev) {
			t.Errorf("tick %v arrived after tick %v: a tick repeated or out of order", ev.Time(), prev)
		}
		prev = ev.Time()
	}
	bin := bySource["/apis/v1/namespaces/ns/pingsources/binary"][0]
	if got := bin.Data(); string(got) != string([]byte{0xde, 0xad, 0xbe, 0xef}) || bin.DataContentType() != "application/octet-stream" {
		t.Errorf("dataBase64 source sent %x (%s), want deadbeef (application/octet-stream)", got, bin.DataContentType())
	}
	if got := bySource["/apis/v1/namespaces/ns/pingsources/kolkata"][0].Time(); !got.Equal(tzTick) {
		t.Errorf("timezone tick at %v, want %v", got, tzTick)
	}
}

// TestBurstAllDelivered schedules many sources on the same tick: they are
// spread over the burst, and every one arrives once.
func TestBurstAllDelivered(t *testing.T) {
	rcv := newReceiver(t)
	r := NewCronJobsRunner(newClient(t), logtesting.TestLogger(t), WithMaxSpread(50*time.Millisecond))
	const n = 200
	now := time.Now()
	ds := make([]due, 0, n)
	for i := 0; i < n; i++ {
		src := pingSource(fmt.Sprintf("p%d", i), sourcesv1.PingSourceSpec{Schedule: "* * * * *"}, rcv.url(t, "/"))
		ev, err := makeEvent(src)
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, due{job: &job{event: ev, target: src.Status.SinkURI.String(), tag: &adapter.MetricTag{}}, at: now})
	}
	r.dispatch(ds)
	seen := map[string]int{}
	for i := 0; i < n; i++ {
		seen[rcv.next(t).Source()]++
	}
	r.Stop()
	if len(seen) != n {
		t.Errorf("%d distinct sources arrived, want %d", len(seen), n)
	}
	for s, c := range seen {
		if c != 1 {
			t.Errorf("%s arrived %d times", s, c)
		}
	}
}

func TestNoShutDownAfter(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want int
	}{{"", 55}, {"30", 30}, {"0", 0}, {"60", 55}, {"x", 55}} {
		t.Setenv(EnvNoShutdownAfter, tc.env)
		if got := GetNoShutDownAfterValue(); got != tc.want {
			t.Errorf("%s=%q: got %d, want %d", EnvNoShutdownAfter, tc.env, got, tc.want)
		}
	}
}

func TestDelayingContextCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	// afterSecond 59: never delays.
	dctx := NewDelayingContext(ctx, 59)
	cancel()
	select {
	case <-dctx.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the delaying context was not cancelled")
	}
}
