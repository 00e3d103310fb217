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
	"errors"
	"strings"

	"knative.dev/pkg/logging"

	"github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
)

// GetHTTPOption returns the KIngress HTTPOption for an object: its
// networking.knative.dev/http-protocol annotation if set, else config-network's
// http-protocol. "disabled" (deprecated) and unknown config values yield "".
func GetHTTPOption(ctx context.Context, networkConfig *netcfg.Config, annotations map[string]string) (netv1alpha1.HTTPOption, error) {
	if protocol := networking.GetHTTPProtocol(annotations); protocol != "" {
		switch netcfg.HTTPProtocol(strings.ToLower(protocol)) {
		case netcfg.HTTPEnabled:
			return netv1alpha1.HTTPOptionEnabled, nil
		case netcfg.HTTPRedirected:
			return netv1alpha1.HTTPOptionRedirected, nil
		default:
			return "", errors.New("incorrect http-protocol annotation: " + strings.ToLower(protocol))
		}
	}

	logger := logging.FromContext(ctx)
	switch httpProtocol := networkConfig.HTTPProtocol; httpProtocol {
	case netcfg.HTTPEnabled:
		return netv1alpha1.HTTPOptionEnabled, nil
	case netcfg.HTTPRedirected:
		return netv1alpha1.HTTPOptionRedirected, nil
	case netcfg.HTTPDisabled:
		logger.Warnf("http-protocol %s in config-network ConfigMap will be deprecated soon", httpProtocol)
		return "", nil
	default:
		logger.Warnf("http-protocol %s in config-network ConfigMap is not supported", httpProtocol)
		return "", nil
	}
}
