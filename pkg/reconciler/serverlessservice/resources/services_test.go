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

package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/pkg/ptr"

	pkgnet "github.com/skiffhq/skiff/pkg/apis/networking"
	"github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
)

func sks(proto pkgnet.ProtocolType) *v1alpha1.ServerlessService {
	return &v1alpha1.ServerlessService{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:   "default",
			Name:        "hello-go-00001",
			UID:         "1982",
			Labels:      map[string]string{"serving.knative.dev/revision": "hello-go-00001"},
			Annotations: map[string]string{"a": "b"},
		},
		Spec: v1alpha1.ServerlessServiceSpec{ProtocolType: proto, Mode: v1alpha1.SKSOperationModeProxy},
	}
}

var wantOwner = []metav1.OwnerReference{{
	APIVersion:         v1alpha1.SchemeGroupVersion.String(),
	Kind:               "ServerlessService",
	Name:               "hello-go-00001",
	UID:                "1982",
	Controller:         ptr.Bool(true),
	BlockOwnerDeletion: ptr.Bool(true),
}}

func TestMakePublicService(t *testing.T) {
	for _, tc := range []struct {
		name  string
		proto pkgnet.ProtocolType
		want  []corev1.ServicePort
	}{{
		name:  "http1: 80 to queue-proxy's 8012",
		proto: pkgnet.ProtocolHTTP1,
		want: []corev1.ServicePort{{
			Name: "http", Protocol: corev1.ProtocolTCP, Port: 80, TargetPort: intstr.FromInt(8012),
		}},
	}, {
		name:  "h2c: 81 to 8013",
		proto: pkgnet.ProtocolH2C,
		want: []corev1.ServicePort{{
			Name: "http2", Protocol: corev1.ProtocolTCP, Port: 81, TargetPort: intstr.FromInt(8013),
			AppProtocol: &pkgnet.AppProtocolH2C,
		}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := MakePublicService(sks(tc.proto))
			want := &corev1.Service{
				ObjectMeta: metav1.ObjectMeta{
					Namespace: "default",
					Name:      "hello-go-00001",
					Labels: map[string]string{
						"serving.knative.dev/revision":                      "hello-go-00001",
						"networking.internal.knative.dev/serverlessservice": "hello-go-00001",
						"networking.internal.knative.dev/serviceType":       "Public",
					},
					Annotations:     map[string]string{"a": "b"},
					OwnerReferences: wantOwner,
				},
				// No selector: the SKS reconciler writes the Endpoints.
				Spec: corev1.ServiceSpec{Ports: tc.want},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Error("MakePublicService (-want,+got):", diff)
			}
		})
	}
}

func TestMakePrivateService(t *testing.T) {
	selector := map[string]string{"serving.knative.dev/revisionUID": "1234"}
	for _, tc := range []struct {
		name  string
		proto pkgnet.ProtocolType
		first corev1.ServicePort
	}{{
		name:  "http1",
		proto: pkgnet.ProtocolHTTP1,
		first: corev1.ServicePort{Name: "http", Protocol: corev1.ProtocolTCP, Port: 80, TargetPort: intstr.FromInt(8012)},
	}, {
		name:  "h2c",
		proto: pkgnet.ProtocolH2C,
		first: corev1.ServicePort{Name: "http2", Protocol: corev1.ProtocolTCP, Port: 80, TargetPort: intstr.FromInt(8013), AppProtocol: &pkgnet.AppProtocolH2C},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := MakePrivateService(sks(tc.proto), selector)
			want := &corev1.Service{
				ObjectMeta: metav1.ObjectMeta{
					Namespace: "default",
					Name:      "hello-go-00001-private",
					Labels: map[string]string{
						"serving.knative.dev/revision":                      "hello-go-00001",
						"networking.internal.knative.dev/serverlessservice": "hello-go-00001",
						"networking.internal.knative.dev/serviceType":       "Private",
					},
					Annotations:     map[string]string{"a": "b"},
					OwnerReferences: wantOwner,
				},
				Spec: corev1.ServiceSpec{
					// kubectl get svc: 80/TCP,9090/TCP,9091/TCP,8022/TCP
					Ports: []corev1.ServicePort{tc.first, {
						Name: "http-autometric", Protocol: corev1.ProtocolTCP, Port: 9090, TargetPort: intstr.FromString("http-autometric"),
					}, {
						Name: "http-usermetric", Protocol: corev1.ProtocolTCP, Port: 9091, TargetPort: intstr.FromString("http-usermetric"),
					}, {
						Name: "http-queueadm", Protocol: corev1.ProtocolTCP, Port: 8022, TargetPort: intstr.FromInt(8022),
					}},
					Selector: selector,
				},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Error("MakePrivateService (-want,+got):", diff)
			}
		})
	}
}

func TestMakePublicEndpoints(t *testing.T) {
	src := &corev1.Endpoints{Subsets: []corev1.EndpointSubset{{
		Addresses: []corev1.EndpointAddress{{IP: "10.0.0.1"}, {IP: "10.0.0.2"}},
		Ports: []corev1.EndpointPort{
			{Name: "http", Port: 8012}, {Name: "http2", Port: 8013}, {Name: "http-metrics", Port: 9090},
		},
	}}}
	got := MakePublicEndpoints(sks(pkgnet.ProtocolHTTP1), src)
	if got.Name != "hello-go-00001" || got.Labels["networking.internal.knative.dev/serviceType"] != "Public" {
		t.Errorf("metadata = %+v", got.ObjectMeta)
	}
	if diff := cmp.Diff(wantOwner, got.OwnerReferences); diff != "" {
		t.Error("owners (-want,+got):", diff)
	}
	want := []corev1.EndpointSubset{{
		Addresses: []corev1.EndpointAddress{{IP: "10.0.0.1"}, {IP: "10.0.0.2"}},
		Ports:     []corev1.EndpointPort{{Name: "http", Port: 8012}},
	}}
	if diff := cmp.Diff(want, got.Subsets); diff != "" {
		t.Error("subsets (-want,+got):", diff)
	}
	if len(src.Subsets[0].Ports) != 3 {
		t.Error("the source endpoints were changed")
	}

	h2c := FilterSubsetPorts(sks(pkgnet.ProtocolH2C), src.Subsets)
	if diff := cmp.Diff([]corev1.EndpointPort{{Name: "http2", Port: 8013}}, h2c[0].Ports); diff != "" {
		t.Error("h2c ports (-want,+got):", diff)
	}
	if got := FilterSubsetPorts(sks(pkgnet.ProtocolHTTP1), nil); got != nil {
		t.Errorf("FilterSubsetPorts(nil) = %v, want nil", got)
	}
}
