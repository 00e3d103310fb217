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
	"sync"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	"github.com/skiffhq/skiff/pkg/apis/duck"
	eventingduckv1 "github.com/skiffhq/skiff/pkg/apis/duck/v1"
)

const (
	// BrokerConditionReady has status True when all subconditions below have been set to True.
	BrokerConditionReady = apis.ConditionReady
	// BrokerConditionIngress has status True when the ingress has ready endpoints.
	BrokerConditionIngress apis.ConditionType = "IngressReady"
	// BrokerConditionTriggerChannel has status True when the trigger channel is addressable.
	BrokerConditionTriggerChannel apis.ConditionType = "TriggerChannelReady"
	// BrokerConditionFilter has status True when the filter has ready endpoints.
	BrokerConditionFilter apis.ConditionType = "FilterReady"
	// BrokerConditionAddressable has status True when the Broker has an address.
	BrokerConditionAddressable apis.ConditionType = "Addressable"
	// BrokerConditionDeadLetterSinkResolved has status True when the dead
	// letter sink, if any, resolved to a URI.
	BrokerConditionDeadLetterSinkResolved apis.ConditionType = "DeadLetterSinkResolved"
)

// Upstream also gates Ready on EventPoliciesReady; Skiff has no EventPolicy,
// so the condition is left out.
var brokerCondSet = apis.NewLivingConditionSet(
	BrokerConditionIngress,
	BrokerConditionTriggerChannel,
	BrokerConditionFilter,
	BrokerConditionAddressable,
	BrokerConditionDeadLetterSinkResolved,
)
var brokerCondSetLock = sync.RWMutex{}

// RegisterAlternateBrokerConditionSet registers an apis.ConditionSet for
// another broker implementation, replacing the channel-based one.
func RegisterAlternateBrokerConditionSet(conditionSet apis.ConditionSet) {
	brokerCondSetLock.Lock()
	defer brokerCondSetLock.Unlock()

	brokerCondSet = conditionSet
}

// GetConditionSet retrieves the condition set for this resource. Implements the KRShaped interface.
func (*Broker) GetConditionSet() apis.ConditionSet {
	brokerCondSetLock.RLock()
	defer brokerCondSetLock.RUnlock()

	return brokerCondSet
}

// GetConditionSet retrieves the condition set for this resource.
func (*BrokerStatus) GetConditionSet() apis.ConditionSet {
	brokerCondSetLock.RLock()
	defer brokerCondSetLock.RUnlock()

	return brokerCondSet
}

// GetTopLevelCondition returns the top level Condition.
func (bs *BrokerStatus) GetTopLevelCondition() *apis.Condition {
	return bs.GetConditionSet().Manage(bs).GetTopLevelCondition()
}

// SetAddress makes this Broker addressable by setting the address (named
// after its scheme) and marks Addressable True; a nil address or URL marks
// it False.
func (bs *BrokerStatus) SetAddress(address *duckv1.Addressable) {
	bs.AddressStatus = duckv1.AddressStatus{
		Address: address,
	}

	if address != nil && address.URL != nil {
		name := address.URL.Scheme
		bs.AddressStatus.Address.Name = &name
		bs.GetConditionSet().Manage(bs).MarkTrue(BrokerConditionAddressable)
	} else {
		bs.GetConditionSet().Manage(bs).MarkFalse(BrokerConditionAddressable, "nil URL", "URL is nil")
	}
}

// GetCondition returns the condition currently associated with the given type, or nil.
func (bs *BrokerStatus) GetCondition(t apis.ConditionType) *apis.Condition {
	return bs.GetConditionSet().Manage(bs).GetCondition(t)
}

// IsReady returns true if the resource is ready overall and the latest spec has been observed.
func (b *Broker) IsReady() bool {
	bs := b.Status
	return bs.ObservedGeneration == b.Generation &&
		b.GetConditionSet().Manage(&bs).IsHappy()
}

// InitializeConditions sets relevant unset conditions to Unknown state.
func (bs *BrokerStatus) InitializeConditions() {
	bs.GetConditionSet().Manage(bs).InitializeConditions()
}

// MarkDeadLetterSinkResolvedSucceeded records the resolved dead letter sink.
func (bs *BrokerStatus) MarkDeadLetterSinkResolvedSucceeded(deadLetterSink eventingduckv1.DeliveryStatus) {
	bs.DeliveryStatus = deadLetterSink
	bs.GetConditionSet().Manage(bs).MarkTrue(BrokerConditionDeadLetterSinkResolved)
}

// MarkDeadLetterSinkNotConfigured marks DeadLetterSinkResolved True with
// reason DeadLetterSinkNotConfigured and clears the delivery status.
func (bs *BrokerStatus) MarkDeadLetterSinkNotConfigured() {
	bs.DeliveryStatus = eventingduckv1.DeliveryStatus{}
	bs.GetConditionSet().Manage(bs).MarkTrueWithReason(BrokerConditionDeadLetterSinkResolved, "DeadLetterSinkNotConfigured", "No dead letter sink is configured.")
}

// MarkDeadLetterSinkResolvedFailed sets DeadLetterSinkResolved to False and
// clears the delivery status.
func (bs *BrokerStatus) MarkDeadLetterSinkResolvedFailed(reason, messageFormat string, messageA ...interface{}) {
	bs.DeliveryStatus = eventingduckv1.DeliveryStatus{}
	bs.GetConditionSet().Manage(bs).MarkFalse(BrokerConditionDeadLetterSinkResolved, reason, messageFormat, messageA...)
}

// MarkIngressFailed sets IngressReady to False.
func (bs *BrokerStatus) MarkIngressFailed(reason, format string, args ...interface{}) {
	bs.GetConditionSet().Manage(bs).MarkFalse(BrokerConditionIngress, reason, format, args...)
}

// PropagateIngressAvailability marks IngressReady from the ingress
// Service's Endpoints.
func (bs *BrokerStatus) PropagateIngressAvailability(ep *corev1.Endpoints) {
	if duck.EndpointsAreAvailable(ep) {
		bs.GetConditionSet().Manage(bs).MarkTrue(BrokerConditionIngress)
	} else {
		bs.MarkIngressFailed("EndpointsUnavailable", "Endpoints %q are unavailable.", ep.Name)
	}
}

// MarkTriggerChannelFailed sets TriggerChannelReady to False.
func (bs *BrokerStatus) MarkTriggerChannelFailed(reason, format string, args ...interface{}) {
	bs.GetConditionSet().Manage(bs).MarkFalse(BrokerConditionTriggerChannel, reason, format, args...)
}

// PropagateTriggerChannelReadiness marks TriggerChannelReady True once the
// trigger channel has an address.
func (bs *BrokerStatus) PropagateTriggerChannelReadiness(cs *eventingduckv1.ChannelableStatus) {
	if cs.AddressStatus.Address != nil {
		bs.GetConditionSet().Manage(bs).MarkTrue(BrokerConditionTriggerChannel)
	} else {
		bs.MarkTriggerChannelFailed("ChannelNotReady", "trigger Channel is not ready: not addressable")
	}
}

// MarkBrokerAddressableUnknown sets Addressable to Unknown.
func (bs *BrokerStatus) MarkBrokerAddressableUnknown(reason, format string, args ...interface{}) {
	bs.GetConditionSet().Manage(bs).MarkUnknown(BrokerConditionAddressable, reason, format, args...)
}

// MarkFilterFailed sets FilterReady to False.
func (bs *BrokerStatus) MarkFilterFailed(reason, format string, args ...interface{}) {
	bs.GetConditionSet().Manage(bs).MarkFalse(BrokerConditionFilter, reason, format, args...)
}

// PropagateFilterAvailability marks FilterReady from the filter Service's
// Endpoints.
func (bs *BrokerStatus) PropagateFilterAvailability(ep *corev1.Endpoints) {
	if duck.EndpointsAreAvailable(ep) {
		bs.GetConditionSet().Manage(bs).MarkTrue(BrokerConditionFilter)
	} else {
		bs.MarkFilterFailed("EndpointsUnavailable", "Endpoints %q are unavailable.", ep.Name)
	}
}
