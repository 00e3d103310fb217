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
	"errors"
	"math"
	"strings"
	"testing"

	gogoproto "github.com/gogo/protobuf/proto"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"
)

// pbStat has the field tags of upstream's generated metrics.Stat, so gogo's
// reflection-based codec encodes it exactly as upstream Knative does.
type pbStat struct {
	PodName                          string  `protobuf:"bytes,1,opt,name=pod_name,json=podName,proto3"`
	AverageConcurrentRequests        float64 `protobuf:"fixed64,2,opt,name=average_concurrent_requests,json=averageConcurrentRequests,proto3"`
	AverageProxiedConcurrentRequests float64 `protobuf:"fixed64,3,opt,name=average_proxied_concurrent_requests,json=averageProxiedConcurrentRequests,proto3"`
	RequestCount                     float64 `protobuf:"fixed64,4,opt,name=request_count,json=requestCount,proto3"`
	ProxiedRequestCount              float64 `protobuf:"fixed64,5,opt,name=proxied_request_count,json=proxiedRequestCount,proto3"`
	ProcessUptime                    float64 `protobuf:"fixed64,6,opt,name=process_uptime,json=processUptime,proto3"`
	Timestamp                        int64   `protobuf:"varint,7,opt,name=timestamp,proto3"`
}

func (m *pbStat) Reset()         { *m = pbStat{} }
func (m *pbStat) String() string { return gogoproto.CompactTextString(m) }
func (*pbStat) ProtoMessage()    {}

func toPB(s Stat) *pbStat {
	p := pbStat(s)
	return &p
}

var statCases = []struct {
	name string
	stat Stat
}{{
	name: "empty",
}, {
	name: "typical pod",
	stat: Stat{
		PodName:                          "hello-go-00001-deployment-5d8f9c7b6d-x2x9k",
		AverageConcurrentRequests:        3.25,
		AverageProxiedConcurrentRequests: 1.5,
		RequestCount:                     120,
		ProxiedRequestCount:              40,
		ProcessUptime:                    3600.125,
		Timestamp:                        1767225600,
	},
}, {
	name: "only concurrency",
	stat: Stat{AverageConcurrentRequests: 0.001},
}, {
	name: "negative timestamp and odd floats",
	stat: Stat{
		PodName:       "pod-ü",
		RequestCount:  math.MaxFloat64,
		ProcessUptime: math.SmallestNonzeroFloat64,
		Timestamp:     -1,
	},
}, {
	name: "longest pod name",
	stat: Stat{PodName: strings.Repeat("a", 253), Timestamp: math.MaxInt64},
}}

func TestStatMatchesUpstreamProtobuf(t *testing.T) {
	for _, tc := range statCases {
		t.Run(tc.name, func(t *testing.T) {
			want, err := gogoproto.Marshal(toPB(tc.stat))
			if err != nil {
				t.Fatal("gogo Marshal:", err)
			}
			got := EncodeStat(tc.stat)
			if !bytes.Equal(got, want) {
				t.Errorf("EncodeStat = %x, protobuf = %x", got, want)
			}
			if got, want := tc.stat.Size(), len(want); got != want {
				t.Errorf("Size = %d, want %d", got, want)
			}
			if len(got) > MaxStatSize {
				t.Errorf("len = %d > MaxStatSize %d", len(got), MaxStatSize)
			}

			// Our decoder reads upstream's bytes, and upstream's decoder reads ours.
			decoded, err := DecodeStat(want)
			if err != nil {
				t.Fatal("DecodeStat:", err)
			}
			if !cmp.Equal(decoded, tc.stat) {
				t.Errorf("DecodeStat diff (-got,+want): %s", cmp.Diff(decoded, tc.stat))
			}
			var pb pbStat
			if err := gogoproto.Unmarshal(got, &pb); err != nil {
				t.Fatal("gogo Unmarshal:", err)
			}
			if got := Stat(pb); !cmp.Equal(got, tc.stat) {
				t.Errorf("gogo Unmarshal diff (-got,+want): %s", cmp.Diff(got, tc.stat))
			}
		})
	}
}

func TestStatGoldenBytes(t *testing.T) {
	s := Stat{PodName: "p", AverageConcurrentRequests: 1, Timestamp: 300}
	want := []byte{
		0x0a, 0x01, 'p', // field 1, length 1
		0x11, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, // field 2, 1.0 little endian
		0x38, 0xac, 0x02, // field 7, varint 300
	}
	if got, _ := s.Marshal(); !bytes.Equal(got, want) {
		t.Errorf("Marshal = %x, want %x", got, want)
	}
}

func TestStatAppendProtoReusesBuffer(t *testing.T) {
	s := statCases[1].stat
	buf := make([]byte, 0, MaxStatSize)
	allocs := testing.AllocsPerRun(100, func() {
		buf = s.AppendProto(buf[:0])
	})
	if allocs != 0 {
		t.Errorf("AppendProto allocated %v times per run, want 0", allocs)
	}
	prefix := []byte("xyz")
	if got := s.AppendProto(prefix); !bytes.Equal(got[:3], prefix) || !bytes.Equal(got[3:], EncodeStat(s)) {
		t.Errorf("AppendProto did not append after the existing bytes: %x", got)
	}
}

func TestStatUnmarshal(t *testing.T) {
	valid := EncodeStat(Stat{PodName: "pod", RequestCount: 2, Timestamp: 7})
	withUnknown := protowire.AppendTag(nil, 9, protowire.VarintType)
	withUnknown = protowire.AppendVarint(withUnknown, 99)
	withUnknown = protowire.AppendTag(withUnknown, 10, protowire.BytesType)
	withUnknown = protowire.AppendString(withUnknown, "ignored")
	withUnknown = protowire.AppendTag(withUnknown, 11, protowire.Fixed32Type)
	withUnknown = protowire.AppendFixed32(withUnknown, 5)
	withUnknown = protowire.AppendTag(withUnknown, 12, protowire.Fixed64Type)
	withUnknown = protowire.AppendFixed64(withUnknown, 5)
	withUnknown = append(withUnknown, valid...)

	repeated := append(EncodeStat(Stat{PodName: "old", RequestCount: 1}), EncodeStat(Stat{PodName: "new"})...)

	tests := []struct {
		name    string
		in      []byte
		want    Stat
		wantErr string
	}{{
		name: "valid",
		in:   valid,
		want: Stat{PodName: "pod", RequestCount: 2, Timestamp: 7},
	}, {
		name: "unknown fields are skipped",
		in:   withUnknown,
		want: Stat{PodName: "pod", RequestCount: 2, Timestamp: 7},
	}, {
		name: "last value of a repeated field wins",
		in:   repeated,
		want: Stat{PodName: "new", RequestCount: 1},
	}, {
		name:    "truncated double",
		in:      valid[:len(valid)-4],
		wantErr: "truncated",
	}, {
		name:    "truncated pod name",
		in:      []byte{0x0a, 0x05, 'a', 'b'},
		wantErr: "reading pod_name: truncated",
	}, {
		name:    "truncated tag",
		in:      []byte{0x80},
		wantErr: "reading field tag: truncated",
	}, {
		name:    "wrong wire type for known field",
		in:      []byte{0x10, 0x01}, // field 2 as varint
		wantErr: "field 2 has wrong wire type 0",
	}, {
		name:    "field number zero",
		in:      []byte{0x00, 0x01},
		wantErr: "illegal field number 0",
	}, {
		name:    "group wire type",
		in:      []byte{0x4b}, // field 9, start group
		wantErr: "unsupported wire type 3",
	}, {
		name:    "invalid utf-8 pod name",
		in:      []byte{0x0a, 0x01, 0xff},
		wantErr: "not valid UTF-8",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Stat{PodName: "stale", ProcessUptime: 1}
			err := s.Unmarshal(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Unmarshal error = %v, want containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal("Unmarshal:", err)
			}
			if !cmp.Equal(s, tc.want) {
				t.Errorf("Unmarshal diff (-got,+want): %s", cmp.Diff(s, tc.want))
			}
		})
	}
	if _, err := DecodeStat([]byte{0x0a, 0x05}); !errors.Is(err, ErrStatTruncated) {
		t.Errorf("DecodeStat(truncated) = %v, want ErrStatTruncated", err)
	}
}

func BenchmarkStatEncode(b *testing.B) {
	s := statCases[1].stat
	buf := make([]byte, 0, MaxStatSize)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = s.AppendProto(buf[:0])
	}
}

func BenchmarkStatDecode(b *testing.B) {
	enc := EncodeStat(statCases[1].stat)
	var s Stat
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := s.Unmarshal(enc); err != nil {
			b.Fatal(err)
		}
	}
}
