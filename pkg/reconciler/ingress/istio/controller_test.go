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
package istio

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	_ "knative.dev/pkg/client/injection/kube/informers/core/v1/endpoints/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/core/v1/pod/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/core/v1/service/fake"
	"knative.dev/pkg/configmap"
	rtesting "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/system"

	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	_ "github.com/skiffhq/skiff/pkg/client/injection/informers/networking/v1alpha1/ingress/fake"
	_ "github.com/skiffhq/skiff/pkg/client/istio/injection/informers/networking/v1beta1/gateway/fake"
	_ "github.com/skiffhq/skiff/pkg/client/istio/injection/informers/networking/v1beta1/virtualservice/fake"
	"github.com/skiffhq/skiff/pkg/reconciler/ingress/istio/config"
)

func TestNewController(t *testing.T) {
	ctx, _ := rtesting.SetupFakeContext(t)
	cmw := configmap.NewStaticWatcher(
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: system.Namespace(), Name: config.IstioConfigName}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: system.Namespace(), Name: netcfg.ConfigMapName}},
	)
	if impl := NewController(ctx, cmw); impl == nil {
		t.Fatal("NewController returned nil")
	}
}
