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
	"github.com/gorilla/websocket"
	"go.uber.org/zap"

	"github.com/skiffhq/skiff/pkg/autoscaler/metrics"
)

// RawSender sends raw byte array messages with a message type (implemented
// by knative.dev/pkg/websocket.ManagedConnection).
type RawSender interface {
	SendRaw(msgType int, msg []byte) error
}

// ReportStats sends each batch of stat messages from source to sink as one
// binary websocket message, until source is closed. Each batch is sent on
// its own goroutine so a slow autoscaler never blocks the reporter (and so
// messages may arrive out of order).
func ReportStats(logger *zap.SugaredLogger, sink RawSender, source <-chan []metrics.StatMessage) {
	for sms := range source {
		go func(sms []metrics.StatMessage) {
			wsms := metrics.ToWireStatMessages(sms)
			b, err := wsms.Marshal()
			if err != nil {
				logger.Errorw("Error while marshaling stats", zap.Error(err))
				return
			}
			if err := sink.SendRaw(websocket.BinaryMessage, b); err != nil {
				logger.Errorw("Error while sending stats", zap.Error(err))
			}
		}(sms)
	}
}
