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

package networking

import (
	"context"
	"testing"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
)

func TestGetHTTPOption(t *testing.T) {
	for _, tc := range []struct {
		name        string
		config      netcfg.HTTPProtocol
		annotations map[string]string
		want        netv1alpha1.HTTPOption
		wantErr     bool
	}{{
		name:   "config enabled",
		config: netcfg.HTTPEnabled,
		want:   netv1alpha1.HTTPOptionEnabled,
	}, {
		name:   "config redirected",
		config: netcfg.HTTPRedirected,
		want:   netv1alpha1.HTTPOptionRedirected,
	}, {
		name:   "config disabled is deprecated and yields no option",
		config: netcfg.HTTPDisabled,
	}, {
		name:   "unknown config value yields no option",
		config: "sometimes",
	}, {
		name:        "annotation overrides config",
		config:      netcfg.HTTPEnabled,
		annotations: map[string]string{networking.HTTPProtocolAnnotationKey: "Redirected"},
		want:        netv1alpha1.HTTPOptionRedirected,
	}, {
		name:        "legacy annotation spelling",
		config:      netcfg.HTTPRedirected,
		annotations: map[string]string{networking.HTTPOptionAnnotationKey: "enabled"},
		want:        netv1alpha1.HTTPOptionEnabled,
	}, {
		name:        "bad annotation is an error",
		config:      netcfg.HTTPEnabled,
		annotations: map[string]string{networking.HTTPProtocolAnnotationKey: "disabled"},
		wantErr:     true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := GetHTTPOption(context.Background(), &netcfg.Config{HTTPProtocol: tc.config}, tc.annotations)
			if (err != nil) != tc.wantErr {
				t.Fatalf("GetHTTPOption() error = %v, wantErr %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("GetHTTPOption() = %q, want %q", got, tc.want)
			}
		})
	}
}
