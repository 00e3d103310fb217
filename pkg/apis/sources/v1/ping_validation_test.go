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

package v1

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	duckv1 "knative.dev/pkg/apis/duck/v1"

	"github.com/skiffhq/skiff/pkg/apis/sources/config"
)

func TestPingSourceValidation(t *testing.T) {
	withLimit := func(n int64) context.Context {
		return config.ToContext(context.Background(), &config.Config{PingDefaults: &config.PingDefaults{DataMaxSize: n}})
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

	tests := []struct {
		name string
		ctx  context.Context
		spec PingSourceSpec
		want *wantErr
	}{{
		name: "valid: sink uri and schedule",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "*/2 * * * *"},
	}, {
		name: "valid: sink ref, timezone, seconds field",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: refSink("ns")}, Schedule: "0 */5 * * * *", Timezone: "Europe/Paris"},
	}, {
		name: "valid: descriptor",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "@hourly"},
	}, {
		name: "valid: time zone inside the schedule",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "CRON_TZ=Asia/Tokyo 0 9 * * *"},
	}, {
		name: "bad cron schedule",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "2"},
		want: &wantErr{paths: []string{"spec.schedule"}, message: "invalid value"},
	}, {
		name: "empty schedule (not defaulted)",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}},
		want: &wantErr{paths: []string{"spec.schedule"}},
	}, {
		name: "@every is not supported",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "@every 1m"},
		want: &wantErr{paths: []string{"spec.schedule"}, message: "unsupported descriptor @every"},
	}, {
		name: "bad time zone",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *", Timezone: "Knative/Land"},
		want: &wantErr{paths: []string{"spec.timezone"}, message: "provided bad location Knative/Land"},
	}, {
		name: "bad time zone does not hide a bad schedule",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "61 * * * *", Timezone: "Knative/Land"},
		want: &wantErr{paths: []string{"spec.schedule", "spec.timezone"}},
	}, {
		name: "bad time zone inside the schedule",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "CRON_TZ=Knative/Land * * * * *"},
		want: &wantErr{paths: []string{"spec.schedule"}, message: "provided bad location"},
	}, {
		name: "time zone in both schedule and timezone",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "CRON_TZ=UTC * * * * *", Timezone: "Europe/Paris"},
		want: &wantErr{paths: []string{"spec.schedule", "spec.timezone"}},
	}, {
		name: "missing sink",
		spec: PingSourceSpec{Schedule: "* * * * *"},
		want: &wantErr{paths: []string{"spec.sink.ref", "spec.sink.uri"}, message: "expected at least one, got none"},
	}, {
		name: "sink ref without name",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: duckv1.Destination{Ref: &duckv1.KReference{APIVersion: "v1", Kind: "Service"}}}, Schedule: "* * * * *"},
		want: &wantErr{paths: []string{"spec.sink.ref.name"}, message: "missing field"},
	}, {
		name: "bad ceOverrides extension name",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink(), CloudEventOverrides: &duckv1.CloudEventOverrides{Extensions: map[string]string{"not-alnum": "x"}}}, Schedule: "* * * * *"},
		want: &wantErr{paths: []string{"spec.ceOverrides.extensions"}},
	}, {
		name: "data and dataBase64 both set",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *", Data: "a", DataBase64: b64("a")},
		want: &wantErr{paths: []string{"spec.data", "spec.dataBase64"}, message: "expected exactly one, got both"},
	}, {
		name: "dataBase64 not base64",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *", DataBase64: "%%%not base64"},
		want: &wantErr{paths: []string{"spec.dataBase64"}, message: "illegal base64 data"},
	}, {
		name: "data over data-max-size",
		ctx:  withLimit(4),
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *", Data: "12345"},
		want: &wantErr{paths: []string{"spec.data"}, message: "the data length of 5 bytes exceeds limit set at 4."},
	}, {
		name: "data exactly data-max-size",
		ctx:  withLimit(5),
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *", Data: "12345"},
	}, {
		name: "dataBase64 over data-max-size (encoded length counts)",
		ctx:  withLimit(4),
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *", DataBase64: b64("abcd")},
		want: &wantErr{paths: []string{"spec.dataBase64"}, message: "the dataBase64 length of 8 bytes exceeds limit set at 4."},
	}, {
		name: "no limit by default",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *", Data: strings.Repeat("x", 1<<20)},
	}, {
		name: "json content type with invalid data",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *", ContentType: "application/json", Data: "{not json"},
		want: &wantErr{paths: []string{"spec.data"}, message: "not valid JSON"},
	}, {
		name: "json content type with a JSON array",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *", ContentType: "application/json", Data: "[1,2]"},
	}, {
		name: "json content type with invalid decoded dataBase64",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *", ContentType: "application/json", DataBase64: b64("nope")},
		want: &wantErr{paths: []string{"spec.dataBase64"}, message: "not valid JSON"},
	}, {
		name: "text content type does not need JSON",
		spec: PingSourceSpec{SourceSpec: duckv1.SourceSpec{Sink: uriSink()}, Schedule: "* * * * *", ContentType: "text/plain", Data: "{not json"},
	}, {
		name: "several errors at once",
		spec: PingSourceSpec{Schedule: "bad", Timezone: "Nowhere/Never", Data: "a", DataBase64: "b"},
		want: &wantErr{paths: []string{"spec.schedule", "spec.timezone", "spec.sink.ref", "spec.sink.uri", "spec.data", "spec.dataBase64"}},
	}}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			src := &PingSource{Spec: tc.spec}
			checkFieldError(t, src.Validate(ctx), tc.want)
		})
	}
}
