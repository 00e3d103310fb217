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

package activator

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/gorilla/websocket"
	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"

	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
)

type sendRecorder struct {
	sent chan []byte
	fail atomic.Bool
}

func (s *sendRecorder) SendRaw(msgType int, msg []byte) error {
	if msgType != websocket.BinaryMessage {
		return errors.New("not binary")
	}
	fail := s.fail.Load()
	s.sent <- msg
	if fail {
		return errors.New("autoscaler down")
	}
	return nil
}

func TestReportStats(t *testing.T) {
	sink := &sendRecorder{sent: make(chan []byte, 10)}
	source := make(chan []metrics.StatMessage)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Sends finish on their own goroutines, maybe after the test:
		// not the test's logger.
		ReportStats(zap.NewNop().Sugar(), sink, source)
	}()

	want := []metrics.StatMessage{{
		Key:  types.NamespacedName{Namespace: "default", Name: "hello-00001"},
		Stat: metrics.Stat{PodName: "activator-0", AverageConcurrentRequests: 1, RequestCount: 1},
	}}
	source <- want
	var got metrics.WireStatMessages
	if err := got.Unmarshal(<-sink.sent); err != nil {
		t.Fatal("Unmarshal:", err)
	}
	if len(got.Messages) != 1 || got.Messages[0].ToStatMessage() != want[0] {
		t.Errorf("sent %+v, want %+v", got.Messages, want)
	}

	// A failing sink does not stop the reporter.
	sink.fail.Store(true)
	source <- want
	<-sink.sent
	close(source)
	<-done
}
