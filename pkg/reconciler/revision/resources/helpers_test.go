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
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/metrics"
	"knative.dev/pkg/ptr"
	pkgtracing "knative.dev/pkg/tracing/config"

	_ "knative.dev/pkg/system/testing" // SYSTEM_NAMESPACE for the queue-proxy env.

	apiconfig "github.com/skiffhq/skiff/pkg/apis/config"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/deployment"
	"github.com/skiffhq/skiff/pkg/reconciler/revision/config"
)

// testConfig is the configuration a cluster gets from empty ConfigMaps.
func testConfig(t *testing.T) *config.Config {
	t.Helper()
	dep, err := deployment.NewConfigFromMap(map[string]string{deployment.QueueSidecarImageKey: "queue:latest"})
	if err != nil {
		t.Fatal(err)
	}
	logCfg, err := logging.NewConfigFromMap(map[string]string{"loglevel.queueproxy": "debug"})
	if err != nil {
		t.Fatal(err)
	}
	obs, _ := metrics.NewObservabilityConfigFromConfigMap(nil)
	net, err := netcfg.NewConfigFromMap(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &config.Config{
		Config:        apiconfig.FromContextOrDefaults(context.Background()),
		Deployment:    dep,
		Logging:       logCfg,
		Network:       net,
		Observability: obs,
		Tracing:       &pkgtracing.Config{Backend: pkgtracing.None},
	}
}

type revOption func(*v1.Revision)

// testRevision is a defaulted revision "bar" of configuration "cfg" of
// service "svc", owned by its configuration.
func testRevision(opts ...revOption) *v1.Revision {
	rev := &v1.Revision{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: "foo",
			Name:      "bar",
			UID:       "1234",
			Labels: map[string]string{
				serving.ConfigurationLabelKey: "cfg",
				serving.ServiceLabelKey:       "svc",
			},
			Annotations: map[string]string{"a": "b"},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion:         v1.SchemeGroupVersion.String(),
				Kind:               "Configuration",
				Name:               "cfg",
				UID:                types.UID("cfg-uid"),
				Controller:         ptr.Bool(true),
				BlockOwnerDeletion: ptr.Bool(true),
			}},
		},
		Spec: v1.RevisionSpec{
			PodSpec: corev1.PodSpec{
				Containers: []corev1.Container{{
					Name:  "user-container",
					Image: "busybox",
				}},
			},
		},
	}
	rev.SetDefaults(context.Background())
	for _, o := range opts {
		o(rev)
	}
	return rev
}
