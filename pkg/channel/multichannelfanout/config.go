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

package multichannelfanout

import (
	"errors"
	"fmt"

	messagingv1 "github.com/skiffhq/skiff/pkg/apis/messaging/v1"
	"github.com/skiffhq/skiff/pkg/channel/fanout"
)

// ChannelConfigFromInMemoryChannel builds a channel's configuration from an
// InMemoryChannel: its address host, /<ns>/<name> path and spec.subscribers
// (each with the delivery spec the subscription reconciler copied there).
func ChannelConfigFromInMemoryChannel(imc *messagingv1.InMemoryChannel) (ChannelConfig, error) {
	if imc.Status.Address == nil || imc.Status.Address.URL == nil || imc.Status.Address.URL.Host == "" {
		return ChannelConfig{}, errors.New("InMemoryChannel has no address yet")
	}
	subs := make([]fanout.Subscription, 0, len(imc.Spec.Subscribers))
	for i, sub := range imc.Spec.Subscribers {
		s, err := fanout.SubscriberSpecToFanoutConfig(sub)
		if err != nil {
			return ChannelConfig{}, fmt.Errorf("spec.subscribers[%d]: %w", i, err)
		}
		s.Namespace = imc.Namespace
		subs = append(subs, *s)
	}
	return ChannelConfig{
		Namespace:    imc.Namespace,
		Name:         imc.Name,
		HostName:     imc.Status.Address.URL.Host,
		Path:         fmt.Sprintf("%s/%s", imc.Namespace, imc.Name),
		FanoutConfig: fanout.Config{Subscriptions: subs},
	}, nil
}
