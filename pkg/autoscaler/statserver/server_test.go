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

package statserver

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"k8s.io/apimachinery/pkg/types"
	netheader "knative.dev/networking/pkg/http/header"
	logtesting "knative.dev/pkg/logging/testing"

	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
)

func startServer(t *testing.T) (*Server, string, chan metrics.StatMessage) {
	t.Helper()
	statsCh := make(chan metrics.StatMessage, 10)
	s := New("127.0.0.1:0", statsCh, logtesting.TestLogger(t))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	return s, l.Addr().String(), statsCh
}

func TestServerReceivesStats(t *testing.T) {
	s, addr, statsCh := startServer(t)
	defer s.Shutdown(time.Second)

	conn, _, err := websocket.DefaultDialer.Dial("ws://"+addr, nil)
	if err != nil {
		t.Fatal("Dial:", err)
	}
	defer conn.Close()

	want := []metrics.StatMessage{{
		Key:  types.NamespacedName{Namespace: "default", Name: "hello-00001"},
		Stat: metrics.Stat{PodName: "activator-1", AverageConcurrentRequests: 1, RequestCount: 1},
	}, {
		Key:  types.NamespacedName{Namespace: "default", Name: "other-00002"},
		Stat: metrics.Stat{PodName: "activator-1", AverageConcurrentRequests: 7},
	}}
	wsms := metrics.ToWireStatMessages(want)
	b, _ := wsms.Marshal()
	if err := conn.WriteMessage(websocket.BinaryMessage, b); err != nil {
		t.Fatal("WriteMessage:", err)
	}
	// Garbage and text messages are dropped without closing the connection.
	conn.WriteMessage(websocket.BinaryMessage, []byte{0x0a, 0x7f})
	conn.WriteMessage(websocket.TextMessage, []byte("hello"))
	if err := conn.WriteMessage(websocket.BinaryMessage, b); err != nil {
		t.Fatal("WriteMessage:", err)
	}

	for round := range 2 {
		for i := range want {
			got := <-statsCh
			if got != want[i] {
				t.Errorf("round %d, message %d = %+v, want %+v", round, i, got, want[i])
			}
		}
	}
}

func TestServerAnswersKubeletProbes(t *testing.T) {
	s, addr, _ := startServer(t)
	defer s.Shutdown(time.Second)

	req, _ := http.NewRequest(http.MethodGet, "http://"+addr, nil)
	req.Header.Set(netheader.UserAgentKey, netheader.KubeProbeUAPrefix+"1.33")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("probe status = %d, want 200", resp.StatusCode)
	}
}

func TestServerShutdownAsksClientsToReconnect(t *testing.T) {
	s, addr, _ := startServer(t)
	conn, _, err := websocket.DefaultDialer.Dial("ws://"+addr, nil)
	if err != nil {
		t.Fatal("Dial:", err)
	}
	defer conn.Close()

	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Shutdown(5 * time.Second)
	}()
	_, _, err = conn.ReadMessage()
	if !websocket.IsCloseError(err, closeCodeServiceRestart) {
		t.Errorf("ReadMessage error = %v, want close %d", err, closeCodeServiceRestart)
	}
	<-done
}
