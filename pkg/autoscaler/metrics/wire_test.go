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

package metrics

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"
)

func TestWireStatMessagesRoundTrip(t *testing.T) {
	sms := []StatMessage{{
		Key: types.NamespacedName{Namespace: "default", Name: "hello-00001"},
		Stat: Stat{
			PodName:                   "activator-7d9f",
			AverageConcurrentRequests: 1,
			RequestCount:              1,
		},
	}, {
		Key:  types.NamespacedName{Namespace: "ns2", Name: "rev"},
		Stat: Stat{}, // an idle report is still a message
	}, {
		Key: types.NamespacedName{Namespace: "ns3", Name: "rev3"},
		Stat: Stat{
			PodName: "p", AverageConcurrentRequests: 2.5, AverageProxiedConcurrentRequests: 0.5,
			RequestCount: 10, ProxiedRequestCount: 3, ProcessUptime: 42, Timestamp: 1_700_000_000,
		},
	}}
	wsms := ToWireStatMessages(sms)
	b, err := wsms.Marshal()
	if err != nil {
		t.Fatal("Marshal:", err)
	}
	var got WireStatMessages
	if err := got.Unmarshal(b); err != nil {
		t.Fatal("Unmarshal:", err)
	}
	if len(got.Messages) != len(sms) {
		t.Fatalf("got %d messages, want %d", len(got.Messages), len(sms))
	}
	for i, m := range got.Messages {
		if m.Stat == nil {
			t.Fatalf("message %d lost its stat", i)
		}
		if diff := cmp.Diff(sms[i], m.ToStatMessage()); diff != "" {
			t.Errorf("message %d (-want +got):\n%s", i, diff)
		}
	}
}

// TestWireStatMessagesUpstreamEncoding pins the bytes upstream's generated
// protobuf code produces for a known message, so Skiff and Knative
// activators and autoscalers interoperate.
func TestWireStatMessagesUpstreamEncoding(t *testing.T) {
	one := []byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f} // 1.0, little endian
	stat := append([]byte{0x0a, 0x01, 'p', 0x11}, one...)
	msg := append([]byte{0x0a, 0x01, 'a', 0x12, 0x01, 'b', 0x1a, byte(len(stat))}, stat...)
	want := append([]byte{0x0a, byte(len(msg))}, msg...)

	wsms := ToWireStatMessages([]StatMessage{{
		Key:  types.NamespacedName{Namespace: "a", Name: "b"},
		Stat: Stat{PodName: "p", AverageConcurrentRequests: 1},
	}})
	got, _ := wsms.Marshal()
	if !bytes.Equal(got, want) {
		t.Errorf("encoding = % x\nwant       % x", got, want)
	}
}

func TestWireStatMessagesUnmarshal(t *testing.T) {
	tests := []struct {
		name     string
		in       []byte
		wantErr  bool
		wantMsgs int
		wantStat bool
	}{
		{name: "empty batch", in: nil},
		{name: "message without a stat is kept without one", in: []byte{0x0a, 0x03, 0x0a, 0x01, 'a'}, wantMsgs: 1},
		{name: "unknown batch field is skipped", in: []byte{0x10, 0x05}},
		{name: "unknown message field is skipped", in: []byte{0x0a, 0x04, 0x20, 0x07, 0x1a, 0x00}, wantMsgs: 1, wantStat: true},
		{name: "truncated length", in: []byte{0x0a, 0x05, 0x0a}, wantErr: true},
		{name: "wrong wire type for messages", in: []byte{0x08, 0x01}, wantErr: true},
		{name: "invalid UTF-8 namespace", in: []byte{0x0a, 0x03, 0x0a, 0x01, 0xff}, wantErr: true},
		{name: "broken stat", in: []byte{0x0a, 0x03, 0x1a, 0x01, 0x11}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var wsms WireStatMessages
			err := wsms.Unmarshal(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Unmarshal error = %v, want error: %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if len(wsms.Messages) != tc.wantMsgs {
				t.Fatalf("got %d messages, want %d", len(wsms.Messages), tc.wantMsgs)
			}
			if tc.wantMsgs > 0 && (wsms.Messages[0].Stat != nil) != tc.wantStat {
				t.Errorf("stat present = %v, want %v", wsms.Messages[0].Stat != nil, tc.wantStat)
			}
		})
	}
}

func TestPopulationMeanSampleSize(t *testing.T) {
	tests := []struct{ population, want float64 }{
		{-1, 0}, {0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 4}, {10, 7}, {100, 14}, {1000, 16}, {1e6, 16},
	}
	for _, tc := range tests {
		if got := populationMeanSampleSize(tc.population); got != tc.want {
			t.Errorf("populationMeanSampleSize(%v) = %v, want %v", tc.population, got, tc.want)
		}
	}
}
