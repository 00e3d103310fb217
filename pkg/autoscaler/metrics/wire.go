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
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/types"
)

// StatMessage wraps a Stat with the revision it belongs to, so it can be
// routed to that revision's collection.
type StatMessage struct {
	Key  types.NamespacedName
	Stat Stat
}

// WireStatMessage is a StatMessage as sent from the activator to the
// autoscaler's stat server, upstream's protobuf message
// `metrics.WireStatMessage`:
//
//	field 1 namespace string (wire type 2)
//	field 2 name      string (wire type 2)
//	field 3 stat      Stat   (wire type 2, embedded message)
type WireStatMessage struct {
	Namespace string
	Name      string
	// Stat is nil if the message carried none (a future schema); receivers
	// skip such messages.
	Stat *Stat
}

// WireStatMessages is a batch of WireStatMessage, one websocket message:
//
//	field 1 messages repeated WireStatMessage (wire type 2)
type WireStatMessages struct {
	Messages []*WireStatMessage
}

// ToWireStatMessage converts the StatMessage to a WireStatMessage.
func (sm StatMessage) ToWireStatMessage() *WireStatMessage {
	return &WireStatMessage{
		Namespace: sm.Key.Namespace,
		Name:      sm.Key.Name,
		Stat:      &sm.Stat,
	}
}

// ToStatMessage converts the WireStatMessage to a StatMessage. Stat must not
// be nil.
func (wsm WireStatMessage) ToStatMessage() StatMessage {
	return StatMessage{
		Key:  types.NamespacedName{Namespace: wsm.Namespace, Name: wsm.Name},
		Stat: *wsm.Stat,
	}
}

// ToWireStatMessages converts StatMessages to a batch ready to be sent.
func ToWireStatMessages(sms []StatMessage) WireStatMessages {
	wsms := WireStatMessages{Messages: make([]*WireStatMessage, len(sms))}
	for i, sm := range sms {
		wsms.Messages[i] = sm.ToWireStatMessage()
	}
	return wsms
}

// Marshal returns the wire encoding of the batch.
func (wsms *WireStatMessages) Marshal() ([]byte, error) {
	return wsms.AppendProto(nil), nil
}

// AppendProto appends the wire encoding of the batch to dst.
func (wsms *WireStatMessages) AppendProto(dst []byte) []byte {
	for _, m := range wsms.Messages {
		if m == nil {
			continue
		}
		dst = append(dst, 1<<3|wireBytes)
		dst = binary.AppendUvarint(dst, uint64(m.size()))
		dst = m.appendProto(dst)
	}
	return dst
}

func (m *WireStatMessage) size() int {
	n := 0
	if l := len(m.Namespace); l > 0 {
		n += 1 + varintLen(uint64(l)) + l
	}
	if l := len(m.Name); l > 0 {
		n += 1 + varintLen(uint64(l)) + l
	}
	if m.Stat != nil {
		l := m.Stat.Size()
		n += 1 + varintLen(uint64(l)) + l
	}
	return n
}

func (m *WireStatMessage) appendProto(dst []byte) []byte {
	dst = appendString(dst, 1, m.Namespace)
	dst = appendString(dst, 2, m.Name)
	if m.Stat != nil {
		dst = append(dst, 3<<3|wireBytes)
		dst = binary.AppendUvarint(dst, uint64(m.Stat.Size()))
		dst = m.Stat.AppendProto(dst)
	}
	return dst
}

func appendString(dst []byte, field byte, s string) []byte {
	if s == "" {
		return dst
	}
	dst = append(dst, field<<3|wireBytes)
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// Unmarshal parses the wire encoding of a batch, replacing its contents.
func (wsms *WireStatMessages) Unmarshal(b []byte) error {
	wsms.Messages = wsms.Messages[:0]
	for len(b) > 0 {
		field, wire, v, rest, err := nextField(b)
		if err != nil {
			return fmt.Errorf("wire stat messages: %w", err)
		}
		b = rest
		if field != 1 {
			continue // unknown field, skipped
		}
		if wire != wireBytes {
			return fmt.Errorf("wire stat messages: field 1 has wrong wire type %d", wire)
		}
		m := &WireStatMessage{}
		if err := m.unmarshal(v); err != nil {
			return fmt.Errorf("wire stat messages: message %d: %w", len(wsms.Messages), err)
		}
		wsms.Messages = append(wsms.Messages, m)
	}
	return nil
}

func (m *WireStatMessage) unmarshal(b []byte) error {
	*m = WireStatMessage{}
	for len(b) > 0 {
		field, wire, v, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		if field > 3 {
			continue
		}
		if wire != wireBytes {
			return fmt.Errorf("field %d has wrong wire type %d", field, wire)
		}
		switch field {
		case 1, 2:
			if !utf8.Valid(v) {
				return fmt.Errorf("field %d is not valid UTF-8", field)
			}
			if field == 1 {
				m.Namespace = string(v)
			} else {
				m.Name = string(v)
			}
		case 3:
			s := &Stat{}
			if err := s.Unmarshal(v); err != nil {
				return err
			}
			m.Stat = s
		}
	}
	return nil
}

// nextField splits the first field off b. For length-delimited fields v is
// the payload; for others it is the raw value bytes.
func nextField(b []byte) (field, wire uint64, v, rest []byte, err error) {
	tag, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, 0, nil, nil, ErrStatTruncated
	}
	b = b[n:]
	field, wire = tag>>3, tag&7
	if field == 0 {
		return 0, 0, nil, nil, errors.New("illegal field number 0")
	}
	if wire == wireBytes {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return 0, 0, nil, nil, ErrStatTruncated
		}
		return field, wire, b[n : n+int(l)], b[n+int(l):], nil
	}
	n, err = skipField(b, wire)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	return field, wire, b[:n], b[n:], nil
}
