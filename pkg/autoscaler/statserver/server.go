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

// Package statserver receives the activators' stats over websockets and
// hands them to the autoscaler.
package statserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/zap"
	netheader "knative.dev/networking/pkg/http/header"

	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
)

// closeCodeServiceRestart tells clients to reconnect at once
// (https://www.iana.org/assignments/websocket/websocket.xhtml).
const closeCodeServiceRestart = 1012

// Server receives WireStatMessages over websockets and sends each stat to a
// channel. A single autoscaler replica owns every revision, so unlike
// upstream there are no buckets and no forwarding between replicas.
type Server struct {
	addr        string
	wsSrv       http.Server
	servingCh   chan struct{}
	stopCh      chan struct{}
	statsCh     chan<- metrics.StatMessage
	openClients sync.WaitGroup
	logger      *zap.SugaredLogger
}

// New creates a Server listening on addr that sends the stats it receives
// to statsCh until Shutdown.
func New(addr string, statsCh chan<- metrics.StatMessage, logger *zap.SugaredLogger) *Server {
	s := &Server{
		addr:      addr,
		servingCh: make(chan struct{}),
		stopCh:    make(chan struct{}),
		statsCh:   statsCh,
		logger:    logger.Named("stats-websocket-server").With("address", addr),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.Handler)
	s.wsSrv = http.Server{
		Addr:              addr,
		Handler:           mux,
		ConnState:         onConnStateChange,
		ReadHeaderTimeout: time.Minute, // slowloris
	}
	return s
}

func onConnStateChange(conn net.Conn, state http.ConnState) {
	if state != http.StateNew {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetKeepAlive(true)
		tcp.SetKeepAlivePeriod(3 * time.Minute)
	}
}

// ListenAndServe listens on the server's address and serves until Shutdown
// (then it returns nil) or a failure.
func (s *Server) ListenAndServe() error {
	s.logger.Info("Starting")
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Serve serves on l until Shutdown (then it returns nil) or a failure.
func (s *Server) Serve(l net.Listener) error {
	close(s.servingCh)
	if err := s.wsSrv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Handler upgrades a request to a websocket and receives stats on it until
// the client goes away or the server shuts down. Kubelet probes get 200.
func (s *Server) Handler(w http.ResponseWriter, r *http.Request) {
	if netheader.IsKubeletProbe(r) {
		w.WriteHeader(http.StatusOK)
		return
	}

	var upgrader websocket.Upgrader
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.logger.Errorw("Error upgrading websocket", zap.Error(err))
		return
	}

	handlerCh := make(chan struct{})
	s.openClients.Add(1)
	go func() {
		defer s.openClients.Done()
		select {
		case <-s.stopCh:
			// Tell the client to reconnect (to the next replica) right away.
			if err := conn.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(closeCodeServiceRestart, "Restarting"),
				time.Now().Add(time.Second)); err != nil {
				s.logger.Warnw("Failed to send close message to client", zap.Error(err))
			}
			conn.Close()
		case <-handlerCh:
		}
	}()
	defer close(handlerCh)

	var wsms metrics.WireStatMessages
	for {
		messageType, msg, err := conn.ReadMessage()
		if err != nil {
			if websocket.IsCloseError(err, websocket.CloseAbnormalClosure, websocket.CloseNormalClosure, websocket.CloseGoingAway) {
				s.logger.Debug("Handler disconnected")
			} else {
				s.logger.Debugw("Handler exiting on error", zap.Error(err))
			}
			return
		}
		if messageType != websocket.BinaryMessage {
			s.logger.Error("Dropping unknown message type.")
			continue
		}
		if err := wsms.Unmarshal(msg); err != nil {
			s.logger.Errorw("Failed to unmarshal the object", zap.Error(err))
			continue
		}
		for _, wsm := range wsms.Messages {
			if wsm.Stat == nil {
				// A message from a newer schema without a Stat.
				continue
			}
			s.statsCh <- wsm.ToStatMessage()
		}
	}
}

// Shutdown stops the server, asks the clients to reconnect and waits up to
// timeout for them to go.
func (s *Server) Shutdown(timeout time.Duration) {
	<-s.servingCh
	s.logger.Info("Shutting down")
	close(s.stopCh)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := s.wsSrv.Shutdown(ctx); err != nil {
		s.logger.Warnw("Shutdown failed", zap.Error(err))
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.openClients.Wait()
	}()
	select {
	case <-done:
		s.logger.Info("Shutdown complete")
	case <-ctx.Done():
		s.logger.Warn("Shutdown timed out")
	}
}
