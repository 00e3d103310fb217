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
	"fmt"

	"github.com/skiffhq/skiff/pkg/apis/feature"
)

// OIDCFeatureDisabledReason is the reason of a source's True
// OIDCIdentityCreated condition while authentication-oidc is disabled.
var OIDCFeatureDisabledReason = fmt.Sprintf("%s feature disabled", feature.OIDCAuthentication)

// OIDCNotSupportedReason is the reason of a source's False
// OIDCIdentityCreated condition when authentication-oidc is enabled:
// Skiff's adapters send no OIDC tokens, so a sink demanding them would
// reject every event.
const OIDCNotSupportedReason = "OIDCNotSupported"

// OIDCIdentityStatus is the part of a source's status about its OIDC
// identity.
type OIDCIdentityStatus interface {
	MarkOIDCIdentityCreatedSucceededWithReason(reason, messageFormat string, messageA ...interface{})
	MarkOIDCIdentityCreatedFailed(reason, messageFormat string, messageA ...interface{})
}

// ReconcileOIDCIdentity sets the OIDCIdentityCreated condition from the
// authentication-oidc flag in ctx (config-features).
func ReconcileOIDCIdentity(ctx context.Context, status OIDCIdentityStatus) {
	if feature.FromContext(ctx).IsOIDCAuthentication() {
		status.MarkOIDCIdentityCreatedFailed(OIDCNotSupportedReason,
			"Skiff's sources send events without OIDC tokens; set %s to disabled in config-features", feature.OIDCAuthentication)
		return
	}
	status.MarkOIDCIdentityCreatedSucceededWithReason(OIDCFeatureDisabledReason, "")
}
