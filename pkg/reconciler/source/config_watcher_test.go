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

package source

import (
	"context"
	"encoding/json"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/logging"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/metrics"
	_ "knative.dev/pkg/system/testing"
	tracingconfig "knative.dev/pkg/tracing/config"

	"github.com/skiffhq/skiff/pkg/apis/feature"
)

func cm(name string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "knative-testing"}, Data: data}
}

const testZapConfig = `{"level": "info", "encoding": "json", "outputPaths": ["stdout"], "errorOutputPaths": ["stderr"],
  "encoderConfig": {"timeKey": "ts", "levelKey": "level", "messageKey": "msg"}}`

func TestWatchConfigurations(t *testing.T) {
	ctx := logtesting.TestContextWithLogger(t)
	cmw := configmap.NewStaticWatcher(
		cm(logging.ConfigMapName(), map[string]string{"zap-logger-config": testZapConfig, "loglevel.pingsource": "debug", "_example": "ignored"}),
		cm(metrics.ConfigMapName(), map[string]string{"metrics.backend-destination": "prometheus"}),
		cm(tracingconfig.ConfigName, map[string]string{"backend": "none"}),
	)
	cw := WatchConfigurations(ctx, "pingsource", cmw)
	if err := cmw.Start(nil); err != nil {
		t.Fatal(err)
	}

	envs := map[string]string{}
	var order []string
	for _, e := range cw.ToEnvVars() {
		envs[e.Name] = e.Value
		order = append(order, e.Name)
	}
	if got, want := order, []string{EnvLoggingCfg, EnvMetricsCfg, EnvTracingCfg}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("variables %v, want %v", got, want)
	}

	// The component's own level is applied to its zap configuration.
	logCfg, err := logging.JSONToConfig(envs[EnvLoggingCfg])
	if err != nil {
		t.Fatal(err)
	}
	var zc struct {
		Level string `json:"level"`
	}
	if err := json.Unmarshal([]byte(logCfg.LoggingConfig), &zc); err != nil {
		t.Fatal(err)
	}
	if zc.Level != "debug" {
		t.Errorf("zap level = %q, want the component's debug", zc.Level)
	}

	opts, err := metrics.JSONToOptions(envs[EnvMetricsCfg])
	if err != nil {
		t.Fatal(err)
	}
	if opts.Component != "pingsource" || opts.ConfigMap["metrics.backend-destination"] != "prometheus" {
		t.Errorf("metrics options = %+v", opts)
	}
	if _, ok := opts.ConfigMap["_example"]; ok {
		t.Error("_example leaked into the metrics config")
	}
	if tc, err := tracingconfig.JSONToTracingConfig(envs[EnvTracingCfg]); err != nil || tc.Backend != tracingconfig.None {
		t.Errorf("tracing config = %+v, %v", tc, err)
	}
}

func TestWatchOnlyLogging(t *testing.T) {
	cmw := configmap.NewStaticWatcher(cm(logging.ConfigMapName(), nil))
	cw := WatchConfigurations(logtesting.TestContextWithLogger(t), "apiserversource", cmw, WithLogging)
	envs := cw.ToEnvVars()
	if len(envs) != 1 || envs[0].Name != EnvLoggingCfg {
		t.Errorf("ToEnvVars() = %v, want only the logging config", envs)
	}
	if cw.MetricsConfig() != nil || cw.TracingConfig() != nil {
		t.Error("unwatched configurations are not nil")
	}
	var nilWatcher *ConfigWatcher
	if nilWatcher.LoggingConfig() != nil || nilWatcher.MetricsConfig() != nil || nilWatcher.TracingConfig() != nil {
		t.Error("a nil watcher has configurations")
	}
}

func TestEmptyVarsGenerator(t *testing.T) {
	envs := (&EmptyVarsGenerator{}).ToEnvVars()
	if len(envs) != 3 || envs[0].Value != "" || envs[1].Value != "" || envs[2].Value != "" {
		t.Errorf("ToEnvVars() = %v", envs)
	}
}

func TestReconcileOIDCIdentity(t *testing.T) {
	for _, tc := range []struct {
		name       string
		ctx        context.Context
		wantReason string
		wantFailed bool
	}{
		{"no flags: disabled", context.Background(), OIDCFeatureDisabledReason, false},
		{"disabled", feature.ToContext(context.Background(), feature.Flags{feature.OIDCAuthentication: feature.Disabled}), OIDCFeatureDisabledReason, false},
		{"enabled: not supported", feature.ToContext(context.Background(), feature.Flags{feature.OIDCAuthentication: feature.Enabled}), OIDCNotSupportedReason, true},
	} {
		var st recorder
		ReconcileOIDCIdentity(tc.ctx, &st)
		if st.reason != tc.wantReason || st.failed != tc.wantFailed {
			t.Errorf("%s: reason %q failed %v, want %q %v", tc.name, st.reason, st.failed, tc.wantReason, tc.wantFailed)
		}
	}
	if OIDCFeatureDisabledReason != "authentication-oidc feature disabled" {
		t.Errorf("OIDCFeatureDisabledReason = %q, want upstream's", OIDCFeatureDisabledReason)
	}
}

type recorder struct {
	reason string
	failed bool
}

func (r *recorder) MarkOIDCIdentityCreatedSucceededWithReason(reason, _ string, _ ...interface{}) {
	r.reason = reason
}

func (r *recorder) MarkOIDCIdentityCreatedFailed(reason, _ string, _ ...interface{}) {
	r.reason, r.failed = reason, true
}
