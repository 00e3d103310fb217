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

// Package testing holds functional-option builders for the autoscaling and
// networking objects (PodAutoscaler, Metric, ServerlessService, Ingress) and
// the Kubernetes objects around them, so reconciler table tests can state
// each object of a row in one line, as upstream serving's pkg/testing does.
package testing

import (
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/kmeta"

	"github.com/skiffhq/skiff/pkg/apis/autoscaling"
	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
)

// ---- PodAutoscaler ----

// PodAutoscalerOption mutates a PodAutoscaler.
type PodAutoscalerOption func(*autoscalingv1alpha1.PodAutoscaler)

// PodAutoscaler returns a KPA-class PodAutoscaler scaling the Deployment
// "<name>-deployment", with generation 1 and initialized conditions, then
// applies opts. Reconcilers that build PAs from a Revision (MakePA) should
// compare against their builder's output instead.
func PodAutoscaler(ns, name string, opts ...PodAutoscalerOption) *autoscalingv1alpha1.PodAutoscaler {
	pa := &autoscalingv1alpha1.PodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:  ns,
			Name:       name,
			UID:        "test-uid",
			Generation: 1,
			Annotations: map[string]string{
				autoscaling.ClassAnnotationKey:  autoscaling.KPA,
				autoscaling.MetricAnnotationKey: autoscaling.Concurrency,
			},
		},
		Spec: autoscalingv1alpha1.PodAutoscalerSpec{
			ScaleTargetRef: corev1.ObjectReference{
				APIVersion: "apps/v1",
				Kind:       "Deployment",
				Name:       kmeta.ChildName(name, "-deployment"),
			},
			ProtocolType: networking.ProtocolHTTP1,
		},
	}
	pa.Status.InitializeConditions()
	for _, opt := range opts {
		opt(pa)
	}
	return pa
}

// WithProtocolType sets the protocol type of the PodAutoscaler.
func WithProtocolType(pt networking.ProtocolType) PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		pa.Spec.ProtocolType = pt
	}
}

// WithReachability sets the reachability of the PodAutoscaler.
func WithReachability(r autoscalingv1alpha1.ReachabilityType) PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		pa.Spec.Reachability = r
	}
}

// WithReachabilityUnknown sets the reachability to unknown.
func WithReachabilityUnknown(pa *autoscalingv1alpha1.PodAutoscaler) {
	WithReachability(autoscalingv1alpha1.ReachabilityUnknown)(pa)
}

// WithReachabilityReachable sets the reachability to reachable.
func WithReachabilityReachable(pa *autoscalingv1alpha1.PodAutoscaler) {
	WithReachability(autoscalingv1alpha1.ReachabilityReachable)(pa)
}

// WithReachabilityUnreachable sets the reachability to unreachable.
func WithReachabilityUnreachable(pa *autoscalingv1alpha1.PodAutoscaler) {
	WithReachability(autoscalingv1alpha1.ReachabilityUnreachable)(pa)
}

// WithPAOwnersRemoved clears the owner references of the PA.
func WithPAOwnersRemoved(pa *autoscalingv1alpha1.PodAutoscaler) {
	pa.OwnerReferences = nil
}

// WithPodAutoscalerOwnersRemoved clears the owner references of the PA
// (upstream's second name for WithPAOwnersRemoved).
func WithPodAutoscalerOwnersRemoved(pa *autoscalingv1alpha1.PodAutoscaler) {
	pa.OwnerReferences = nil
}

// MarkResourceNotOwnedByPA marks the PA as not owning a resource it should own.
func MarkResourceNotOwnedByPA(rType, name string) PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		pa.Status.MarkResourceNotOwned(rType, name)
	}
}

// WithTraffic marks the PA active.
func WithTraffic(pa *autoscalingv1alpha1.PodAutoscaler) {
	pa.Status.MarkActive()
}

// WithPASKSReady marks the PA's SKS ready.
func WithPASKSReady(pa *autoscalingv1alpha1.PodAutoscaler) {
	pa.Status.MarkSKSReady()
}

// WithPASKSNotReady marks the PA's SKS not ready with message m.
func WithPASKSNotReady(m string) PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		pa.Status.MarkSKSNotReady(m)
	}
}

// WithScaleTargetInitialized marks the PA's scale target initialized.
func WithScaleTargetInitialized(pa *autoscalingv1alpha1.PodAutoscaler) {
	pa.Status.MarkScaleTargetInitialized()
}

// WithPAStatusService sets status.serviceName.
func WithPAStatusService(svc string) PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		pa.Status.ServiceName = svc
	}
}

// WithPAMetricsService sets status.metricsServiceName.
func WithPAMetricsService(svc string) PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		pa.Status.MetricsServiceName = svc
	}
}

// WithBufferedTraffic marks the PA activating with upstream's "Queued"
// reason, as when the activator buffers requests during a cold start.
func WithBufferedTraffic(pa *autoscalingv1alpha1.PodAutoscaler) {
	pa.Status.MarkActivating("Queued",
		"Requests to the target are being buffered as resources are provisioned.")
}

// WithNoTraffic marks the PA inactive.
func WithNoTraffic(reason, message string) PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		pa.Status.MarkInactive(reason, message)
	}
}

// WithScales sets status.desiredScale and status.actualScale.
func WithScales(desired, actual int32) PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		pa.Status.DesiredScale, pa.Status.ActualScale = &desired, &actual
	}
}

// WithDeletionTimestamp sets a fixed deletion timestamp on any object.
func WithDeletionTimestamp[T metav1.Object](obj T) T {
	t := metav1.NewTime(time.Unix(1e9, 0))
	obj.SetDeletionTimestamp(&t)
	return obj
}

// WithHPAClass sets the HPA class annotation.
func WithHPAClass(pa *autoscalingv1alpha1.PodAutoscaler) {
	withAnnotationValue(autoscaling.ClassAnnotationKey, autoscaling.HPA)(pa)
}

// WithPAContainerConcurrency sets spec.containerConcurrency.
func WithPAContainerConcurrency(cc int64) PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		pa.Spec.ContainerConcurrency = cc
	}
}

func withAnnotationValue(key, value string) PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		if pa.Annotations == nil {
			pa.Annotations = make(map[string]string, 1)
		}
		pa.Annotations[key] = value
	}
}

// WithPAAnnotation sets any annotation on the PA.
func WithPAAnnotation(key, value string) PodAutoscalerOption {
	return withAnnotationValue(key, value)
}

// WithTargetAnnotation sets the target annotation.
func WithTargetAnnotation(target string) PodAutoscalerOption {
	return withAnnotationValue(autoscaling.TargetAnnotationKey, target)
}

// WithTUAnnotation sets the target-utilization-percentage annotation.
func WithTUAnnotation(tu string) PodAutoscalerOption {
	return withAnnotationValue(autoscaling.TargetUtilizationPercentageKey, tu)
}

// WithWindowAnnotation sets the window annotation.
func WithWindowAnnotation(window string) PodAutoscalerOption {
	return withAnnotationValue(autoscaling.WindowAnnotationKey, window)
}

// WithPanicThresholdPercentageAnnotation sets the panic-threshold-percentage
// annotation.
func WithPanicThresholdPercentageAnnotation(percentage string) PodAutoscalerOption {
	return withAnnotationValue(autoscaling.PanicThresholdPercentageAnnotationKey, percentage)
}

// WithPanicWindowPercentageAnnotation sets the panic-window-percentage
// annotation.
func WithPanicWindowPercentageAnnotation(percentage string) PodAutoscalerOption {
	return withAnnotationValue(autoscaling.PanicWindowPercentageAnnotationKey, percentage)
}

// WithMetricAnnotation sets the metric annotation of the PA.
func WithMetricAnnotation(metric string) PodAutoscalerOption {
	return withAnnotationValue(autoscaling.MetricAnnotationKey, metric)
}

// WithObservedGeneration sets status.observedGeneration.
func WithObservedGeneration(gen int64) PodAutoscalerOption {
	return func(pa *autoscalingv1alpha1.PodAutoscaler) {
		pa.Status.ObservedGeneration = gen
	}
}

// WithUpperScaleBound sets the max-scale annotation.
func WithUpperScaleBound(i int) PodAutoscalerOption {
	return withAnnotationValue(autoscaling.MaxScaleAnnotationKey, strconv.Itoa(i))
}

// WithLowerScaleBound sets the min-scale annotation.
func WithLowerScaleBound(i int) PodAutoscalerOption {
	return withAnnotationValue(autoscaling.MinScaleAnnotationKey, strconv.Itoa(i))
}

// ---- Metric ----

// MetricOption mutates a Metric.
type MetricOption func(*autoscalingv1alpha1.Metric)

// Metric returns a Metric scraping "<name>-private" over the default 60s
// stable and 6s panic windows, then applies opts.
func Metric(ns, name string, opts ...MetricOption) *autoscalingv1alpha1.Metric {
	m := &autoscalingv1alpha1.Metric{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:   ns,
			Name:        name,
			Annotations: map[string]string{},
			Labels:      map[string]string{},
		},
		Spec: autoscalingv1alpha1.MetricSpec{
			StableWindow: 60 * time.Second,
			PanicWindow:  6 * time.Second,
			ScrapeTarget: kmeta.ChildName(name, "-private"),
		},
	}
	for _, opt := range opts {
		opt(m)
	}
	return m
}

// WithMetricOwnersRemoved clears the owner references of the Metric.
func WithMetricOwnersRemoved(m *autoscalingv1alpha1.Metric) {
	m.OwnerReferences = nil
}

// WithMetricWindows sets the stable and panic windows.
func WithMetricWindows(stable, panic time.Duration) MetricOption {
	return func(m *autoscalingv1alpha1.Metric) {
		m.Spec.StableWindow, m.Spec.PanicWindow = stable, panic
	}
}

// WithScrapeTarget sets spec.scrapeTarget.
func WithScrapeTarget(svc string) MetricOption {
	return func(m *autoscalingv1alpha1.Metric) {
		m.Spec.ScrapeTarget = svc
	}
}

// WithMetricReady marks the Metric ready.
func WithMetricReady(m *autoscalingv1alpha1.Metric) {
	m.Status.MarkMetricReady()
}

// WithMetricNotReady marks the Metric not ready.
func WithMetricNotReady(reason, message string) MetricOption {
	return func(m *autoscalingv1alpha1.Metric) {
		m.Status.MarkMetricNotReady(reason, message)
	}
}

// WithMetricFailed marks the Metric failed.
func WithMetricFailed(reason, message string) MetricOption {
	return func(m *autoscalingv1alpha1.Metric) {
		m.Status.MarkMetricFailed(reason, message)
	}
}

// ---- Kubernetes Services, Endpoints, Pods ----

// K8sServiceOption mutates a Kubernetes Service.
type K8sServiceOption func(*corev1.Service)

// OverrideServiceName renames the Service.
func OverrideServiceName(name string) K8sServiceOption {
	return func(svc *corev1.Service) {
		svc.Name = name
	}
}

// MutateK8sService wipes the Service spec, a change a reconciler must undo.
func MutateK8sService(svc *corev1.Service) {
	svc.Spec = corev1.ServiceSpec{}
}

// WithClusterIP sets the Service's cluster IP.
func WithClusterIP(ip string) K8sServiceOption {
	return func(svc *corev1.Service) {
		svc.Spec.ClusterIP = ip
	}
}

// WithExternalName makes the Service an ExternalName Service with an h2c
// port 80, as the Route's placeholder Services are.
func WithExternalName(name string) K8sServiceOption {
	return func(svc *corev1.Service) {
		svc.Spec.ExternalName = name
		svc.Spec.Ports = []corev1.ServicePort{{
			Name:        networking.ServicePortNameH2C,
			AppProtocol: &networking.AppProtocolH2C,
			Port:        int32(networking.ServiceHTTPPort),
			TargetPort:  intstr.FromInt(networking.ServiceHTTPPort),
		}}
	}
}

// WithK8sSvcOwnersRemoved clears the owner references of the Service.
func WithK8sSvcOwnersRemoved(svc *corev1.Service) {
	svc.OwnerReferences = nil
}

// EndpointsOption mutates a Kubernetes Endpoints.
type EndpointsOption func(*corev1.Endpoints)

// WithSubsets gives the Endpoints one loopback address on ports 8012/8013.
func WithSubsets(ep *corev1.Endpoints) {
	ep.Subsets = []corev1.EndpointSubset{{
		Addresses: []corev1.EndpointAddress{{IP: "127.0.0.1"}},
		Ports:     []corev1.EndpointPort{{Port: 8012}, {Port: 8013}},
	}}
}

// WithEndpointsOwnersRemoved clears the owner references of the Endpoints.
func WithEndpointsOwnersRemoved(eps *corev1.Endpoints) {
	eps.OwnerReferences = nil
}

// PodOption mutates a Pod.
type PodOption func(*corev1.Pod)

// WithPodCondition sets (or adds) a pod condition.
func WithPodCondition(conditionType corev1.PodConditionType, status corev1.ConditionStatus, reason string) PodOption {
	return func(pod *corev1.Pod) {
		for i, condition := range pod.Status.Conditions {
			if condition.Type == conditionType {
				pod.Status.Conditions[i].Status = status
				pod.Status.Conditions[i].Reason = reason
				return
			}
		}
		pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{
			Type:   conditionType,
			Status: status,
			Reason: reason,
		})
	}
}

// WithFailingContainer makes container name's last termination a failure.
func WithFailingContainer(name string, exitCode int, message string) PodOption {
	return func(pod *corev1.Pod) {
		pod.Status.ContainerStatuses = []corev1.ContainerStatus{{
			Name: name,
			LastTerminationState: corev1.ContainerState{
				Terminated: &corev1.ContainerStateTerminated{
					ExitCode: int32(exitCode),
					Message:  message,
				},
			},
		}}
	}
}

// WithUnschedulableContainer marks the pod unschedulable.
func WithUnschedulableContainer(reason, message string) PodOption {
	return func(pod *corev1.Pod) {
		pod.Status.Conditions = []corev1.PodCondition{{
			Type:    corev1.PodScheduled,
			Reason:  reason,
			Message: message,
			Status:  corev1.ConditionFalse,
		}}
	}
}

// WithWaitingContainer makes container name wait with reason and message.
func WithWaitingContainer(name, reason, message string) PodOption {
	return func(pod *corev1.Pod) {
		pod.Status.ContainerStatuses = []corev1.ContainerStatus{{
			Name: name,
			State: corev1.ContainerState{
				Waiting: &corev1.ContainerStateWaiting{
					Reason:  reason,
					Message: message,
				},
			},
		}}
	}
}

// ---- Ingress ----

// IngressOption mutates an Ingress.
type IngressOption func(*netv1alpha1.Ingress)

// Ingress returns an empty-spec Ingress of Skiff's default class, then
// applies opts.
func Ingress(ns, name string, opts ...IngressOption) *netv1alpha1.Ingress {
	ing := &netv1alpha1.Ingress{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:   ns,
			Name:        name,
			UID:         "test-uid",
			Annotations: map[string]string{networking.IngressClassAnnotationKey: netcfg.SkiffIngressClassName},
		},
	}
	for _, opt := range opts {
		opt(ing)
	}
	return ing
}

// WithIngressClass sets the ingress class annotation.
func WithIngressClass(class string) IngressOption {
	return func(ing *netv1alpha1.Ingress) {
		if ing.Annotations == nil {
			ing.Annotations = make(map[string]string, 1)
		}
		ing.Annotations[networking.IngressClassAnnotationKey] = class
	}
}

// WithIngressRules appends rules to the spec.
func WithIngressRules(rules ...netv1alpha1.IngressRule) IngressOption {
	return func(ing *netv1alpha1.Ingress) {
		ing.Spec.Rules = append(ing.Spec.Rules, rules...)
	}
}

// WithHosts sets the hosts of rule index, which must exist.
func WithHosts(index int, hosts ...string) IngressOption {
	return func(ing *netv1alpha1.Ingress) {
		ing.Spec.Rules[index].Hosts = hosts
	}
}

// WithIngressTLS appends TLS entries to the spec.
func WithIngressTLS(tls ...netv1alpha1.IngressTLS) IngressOption {
	return func(ing *netv1alpha1.Ingress) {
		ing.Spec.TLS = append(ing.Spec.TLS, tls...)
	}
}

// WithIngressGeneration sets metadata.generation.
func WithIngressGeneration(gen int64) IngressOption {
	return func(ing *netv1alpha1.Ingress) {
		ing.Generation = gen
	}
}

// WithIngressObservedGeneration sets status.observedGeneration.
func WithIngressObservedGeneration(gen int64) IngressOption {
	return func(ing *netv1alpha1.Ingress) {
		ing.Status.ObservedGeneration = gen
	}
}

// WithNetworkConfigured marks the network configured.
func WithNetworkConfigured(ing *netv1alpha1.Ingress) {
	ing.Status.MarkNetworkConfigured()
}

// WithLoadBalancerReady marks the load balancer ready at the given internal
// domains (public, private), e.g. the skiff-gateway Services.
func WithLoadBalancerReady(publicDomain, privateDomain string) IngressOption {
	return func(ing *netv1alpha1.Ingress) {
		ing.Status.MarkLoadBalancerReady(
			[]netv1alpha1.LoadBalancerIngressStatus{{DomainInternal: publicDomain}},
			[]netv1alpha1.LoadBalancerIngressStatus{{DomainInternal: privateDomain}},
		)
	}
}

// WithLoadBalancerNotReady marks the load balancer not ready yet.
func WithLoadBalancerNotReady(ing *netv1alpha1.Ingress) {
	ing.Status.MarkLoadBalancerNotReady()
}

// WithLoadbalancerFailed marks the load balancer failed.
func WithLoadbalancerFailed(reason, message string) IngressOption {
	return func(ing *netv1alpha1.Ingress) {
		ing.Status.MarkLoadBalancerFailed(reason, message)
	}
}

// WithIngressNotReady marks the Ingress not ready.
func WithIngressNotReady(reason, message string) IngressOption {
	return func(ing *netv1alpha1.Ingress) {
		ing.Status.MarkIngressNotReady(reason, message)
	}
}

// ---- ServerlessService ----

// SKSOption mutates a ServerlessService.
type SKSOption func(sks *netv1alpha1.ServerlessService)

// SKS returns a Serve-mode, http1 ServerlessService for the Deployment
// "foo-deployment" with the activator marked out of the path, then applies
// opts.
func SKS(ns, name string, so ...SKSOption) *netv1alpha1.ServerlessService {
	s := &netv1alpha1.ServerlessService{
		ObjectMeta: metav1.ObjectMeta{
			Name:      name,
			Namespace: ns,
			UID:       "test-uid",
		},
		Spec: netv1alpha1.ServerlessServiceSpec{
			Mode:         netv1alpha1.SKSOperationModeServe,
			ProtocolType: networking.ProtocolHTTP1,
			ObjectRef: corev1.ObjectReference{
				APIVersion: "apps/v1",
				Kind:       "Deployment",
				Name:       "foo-deployment",
			},
		},
	}
	// Tests presume the happy Serve path unless told otherwise.
	s.Status.MarkActivatorEndpointsRemoved()
	for _, opt := range so {
		opt(s)
	}
	return s
}

// WithPubService sets status.serviceName to the SKS name.
func WithPubService(sks *netv1alpha1.ServerlessService) {
	sks.Status.ServiceName = sks.Name
}

// WithPrivateService sets status.privateServiceName to "<name>-private".
func WithPrivateService(sks *netv1alpha1.ServerlessService) {
	sks.Status.PrivateServiceName = kmeta.ChildName(sks.Name, "-private")
}

// WithDeployRef points the SKS at Deployment name.
func WithDeployRef(name string) SKSOption {
	return func(sks *netv1alpha1.ServerlessService) {
		sks.Spec.ObjectRef = corev1.ObjectReference{
			APIVersion: "apps/v1",
			Kind:       "Deployment",
			Name:       name,
		}
	}
}

// WithSKSReady fills both service names and marks the endpoints ready.
func WithSKSReady(sks *netv1alpha1.ServerlessService) {
	WithPrivateService(sks)
	WithPubService(sks)
	sks.Status.MarkEndpointsReady()
}

// WithSKSNotReady marks the endpoints not ready with reason.
func WithSKSNotReady(reason string) SKSOption {
	return func(sks *netv1alpha1.ServerlessService) {
		sks.Status.MarkEndpointsNotReady(reason)
	}
}

// WithNumActivators sets spec.numActivators.
func WithNumActivators(n int32) SKSOption {
	return func(sks *netv1alpha1.ServerlessService) {
		sks.Spec.NumActivators = n
	}
}

// WithSKSOwnersRemoved clears the owner references of the SKS.
func WithSKSOwnersRemoved(sks *netv1alpha1.ServerlessService) {
	sks.OwnerReferences = nil
}

// WithProxyMode puts the SKS in Proxy mode.
func WithProxyMode(sks *netv1alpha1.ServerlessService) {
	sks.Spec.Mode = netv1alpha1.SKSOperationModeProxy
}

// WithActivatorEndpoints marks the activator in the request path.
func WithActivatorEndpoints(sks *netv1alpha1.ServerlessService) {
	sks.Status.MarkActivatorEndpointsPopulated()
}
