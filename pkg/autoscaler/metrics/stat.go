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
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// StatContentType is the Content-Type of an encoded Stat, as served by the
// queue-proxy on its autoscaling metrics port (:9090/metrics) when the
// scraper sends "Accept: application/protobuf". It is the same value as
// upstream's knative.dev/networking/pkg/http/header.ProtobufMIMEType.
const StatContentType = "application/protobuf"

// MaxStatSize bounds an encoded Stat: five 9-byte doubles, an 11-byte varint
// timestamp and a pod name of at most 253 bytes (a DNS subdomain) with its
// 1-byte tag and 2-byte length. Scrapers need read at most this many bytes.
const MaxStatSize = 5*9 + 11 + 1 + 2 + 253

// Stat defines a single measurement at a point in time, as reported by one
// queue-proxy (or activator) to the autoscaler.
//
// Wire format: Stat is encoded exactly as upstream Knative's protobuf message
// `metrics.Stat` (serving pkg/autoscaler/metrics/stat.proto), written by hand
// instead of generated:
//
//	field 1 pod_name                            string  (wire type 2)
//	field 2 average_concurrent_requests         double  (wire type 1)
//	field 3 average_proxied_concurrent_requests double  (wire type 1)
//	field 4 request_count                       double  (wire type 1)
//	field 5 proxied_request_count               double  (wire type 1)
//	field 6 process_uptime                      double  (wire type 1)
//	field 7 timestamp                           int64   (wire type 0)
//
// Zero-valued fields are omitted (proto3), fields are written in field-number
// order, and unknown fields are skipped on decode. So a Skiff autoscaler can
// scrape an upstream queue-proxy and vice versa, the encoding takes ~70 bytes
// for a typical pod, and encoding into a reused buffer allocates nothing.
type Stat struct {
	// PodName is the unique identity of this pod. Used to count how many pods
	// are contributing to the metrics.
	PodName string `json:"pod_name,omitempty"`

	// AverageConcurrentRequests is the average number of requests being
	// handled by this pod over the reporting period.
	AverageConcurrentRequests float64 `json:"average_concurrent_requests,omitempty"`

	// AverageProxiedConcurrentRequests is the part of
	// AverageConcurrentRequests for requests that went through a proxy
	// (the activator).
	AverageProxiedConcurrentRequests float64 `json:"average_proxied_concurrent_requests,omitempty"`

	// RequestCount is the number of requests received per second over the
	// reporting period.
	RequestCount float64 `json:"request_count,omitempty"`

	// ProxiedRequestCount is the part of RequestCount for requests that went
	// through a proxy (the activator).
	ProxiedRequestCount float64 `json:"proxied_request_count,omitempty"`

	// ProcessUptime is the process uptime in seconds.
	ProcessUptime float64 `json:"process_uptime,omitempty"`

	// Timestamp is the time the stat was generated, in seconds since the
	// Unix epoch.
	Timestamp int64 `json:"timestamp,omitempty"`
}

// Protobuf tags: field number << 3 | wire type.
const (
	tagPodName   = 1<<3 | wireBytes
	tagTimestamp = 7<<3 | wireVarint
	// The doubles, fields 2 to 6, are tagged (n<<3 | wireFixed64).

	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

// ErrStatTruncated is returned (wrapped) when an encoded Stat ends in the
// middle of a field.
var ErrStatTruncated = errors.New("truncated stat")

// EncodeStat returns the wire encoding of s.
func EncodeStat(s Stat) []byte {
	return s.AppendProto(make([]byte, 0, s.Size()))
}

// DecodeStat parses the wire encoding of a Stat.
func DecodeStat(b []byte) (Stat, error) {
	var s Stat
	err := s.Unmarshal(b)
	return s, err
}

// Marshal returns the wire encoding of s. It mirrors the method of
// upstream's generated type; the error is always nil.
func (s *Stat) Marshal() ([]byte, error) {
	return EncodeStat(*s), nil
}

// Size returns the length of the wire encoding of s.
func (s *Stat) Size() int {
	n := 0
	if l := len(s.PodName); l > 0 {
		n += 1 + varintLen(uint64(l)) + l
	}
	for _, f := range s.doubles() {
		if f != 0 {
			n += 9
		}
	}
	if s.Timestamp != 0 {
		n += 1 + varintLen(uint64(s.Timestamp))
	}
	return n
}

// AppendProto appends the wire encoding of s to dst and returns the extended
// buffer. It does not allocate when dst has room for Size() more bytes.
func (s *Stat) AppendProto(dst []byte) []byte {
	if s.PodName != "" {
		dst = append(dst, tagPodName)
		dst = binary.AppendUvarint(dst, uint64(len(s.PodName)))
		dst = append(dst, s.PodName...)
	}
	for i, f := range s.doubles() {
		if f != 0 {
			dst = append(dst, byte((i+2)<<3|wireFixed64))
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
		}
	}
	if s.Timestamp != 0 {
		dst = append(dst, tagTimestamp)
		dst = binary.AppendUvarint(dst, uint64(s.Timestamp))
	}
	return dst
}

// doubles returns the double fields in field-number order (2..6).
func (s *Stat) doubles() [5]float64 {
	return [5]float64{
		s.AverageConcurrentRequests,
		s.AverageProxiedConcurrentRequests,
		s.RequestCount,
		s.ProxiedRequestCount,
		s.ProcessUptime,
	}
}

// Unmarshal parses the wire encoding in b into s, replacing its contents.
// Unknown fields are skipped, a known field with the wrong wire type is an
// error, and a repeated field keeps its last value, as protobuf requires.
func (s *Stat) Unmarshal(b []byte) error {
	*s = Stat{}
	for len(b) > 0 {
		tag, n := binary.Uvarint(b)
		if n <= 0 {
			return fmt.Errorf("stat: reading field tag: %w", ErrStatTruncated)
		}
		b = b[n:]
		field, wire := tag>>3, tag&7
		if field == 0 {
			return errors.New("stat: illegal field number 0")
		}
		switch {
		case field == 1 && wire == wireBytes:
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return fmt.Errorf("stat: reading pod_name: %w", ErrStatTruncated)
			}
			name := b[n : n+int(l)]
			if !utf8.Valid(name) {
				return errors.New("stat: pod_name is not valid UTF-8")
			}
			s.PodName = string(name)
			b = b[n+int(l):]
		case field >= 2 && field <= 6 && wire == wireFixed64:
			if len(b) < 8 {
				return fmt.Errorf("stat: reading field %d: %w", field, ErrStatTruncated)
			}
			f := math.Float64frombits(binary.LittleEndian.Uint64(b))
			switch field {
			case 2:
				s.AverageConcurrentRequests = f
			case 3:
				s.AverageProxiedConcurrentRequests = f
			case 4:
				s.RequestCount = f
			case 5:
				s.ProxiedRequestCount = f
			case 6:
				s.ProcessUptime = f
			}
			b = b[8:]
		case field == 7 && wire == wireVarint:
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return fmt.Errorf("stat: reading timestamp: %w", ErrStatTruncated)
			}
			s.Timestamp = int64(v)
			b = b[n:]
		case field <= 7:
			return fmt.Errorf("stat: field %d has wrong wire type %d", field, wire)
		default:
			n, err := skipField(b, wire)
			if err != nil {
				return fmt.Errorf("stat: skipping unknown field %d: %w", field, err)
			}
			b = b[n:]
		}
	}
	return nil
}

// skipField returns the length of a field's value of the given wire type.
func skipField(b []byte, wire uint64) (int, error) {
	switch wire {
	case wireVarint:
		if _, n := binary.Uvarint(b); n > 0 {
			return n, nil
		}
	case wireFixed64:
		if len(b) >= 8 {
			return 8, nil
		}
	case wireFixed32:
		if len(b) >= 4 {
			return 4, nil
		}
	case wireBytes:
		if l, n := binary.Uvarint(b); n > 0 && l <= uint64(len(b)-n) {
			return n + int(l), nil
		}
	default:
		// Groups (3, 4) are deprecated and never used by this message.
		return 0, fmt.Errorf("unsupported wire type %d", wire)
	}
	return 0, ErrStatTruncated
}

func varintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
