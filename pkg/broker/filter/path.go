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

package filter

import (
	"fmt"
	"path"
	"strings"

	"k8s.io/apimachinery/pkg/types"

	eventingv1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
)

const (
	pathPrefix  = "triggers"
	replySuffix = "reply"
	dlsSuffix   = "dls"
)

// TriggerPath is the broker-filter path of a Trigger's subscription:
// /triggers/<ns>/<name>/<uid> (upstream's sugar/trigger/path.Generate).
func TriggerPath(t *eventingv1.Trigger) string {
	return fmt.Sprintf("/%s/%s/%s/%s", pathPrefix, t.Namespace, t.Name, t.UID)
}

// TriggerReplyPath is TriggerPath + "/reply".
func TriggerReplyPath(t *eventingv1.Trigger) string {
	return path.Join(TriggerPath(t), replySuffix)
}

// TriggerDLSPath is TriggerPath + "/dls".
func TriggerDLSPath(t *eventingv1.Trigger) string {
	return path.Join(TriggerPath(t), dlsSuffix)
}

// TriggerRef is a parsed trigger path.
type TriggerRef struct {
	types.NamespacedName
	UID     types.UID
	IsReply bool
	IsDLS   bool
}

// ParseTriggerPath parses /triggers/<ns>/<name>/<uid>[/reply|/dls].
func ParseTriggerPath(p string) (TriggerRef, error) {
	parts := strings.Split(p, "/")
	if len(parts) != 5 && len(parts) != 6 {
		return TriggerRef{}, fmt.Errorf("incorrect number of parts in the path, expected 5 or 6, actual %d, '%s'", len(parts), p)
	}
	if parts[0] != "" {
		return TriggerRef{}, fmt.Errorf("text before the first slash, actual '%s'", p)
	}
	if parts[1] != pathPrefix {
		return TriggerRef{}, fmt.Errorf("incorrect prefix, expected '%s', actual '%s'", pathPrefix, p)
	}
	if parts[2] == "" || parts[3] == "" || parts[4] == "" {
		return TriggerRef{}, fmt.Errorf("empty namespace, name or uid in '%s'", p)
	}
	ref := TriggerRef{
		NamespacedName: types.NamespacedName{Namespace: parts[2], Name: parts[3]},
		UID:            types.UID(parts[4]),
	}
	if len(parts) == 6 {
		switch parts[5] {
		case replySuffix:
			ref.IsReply = true
		case dlsSuffix:
			ref.IsDLS = true
		default:
			return TriggerRef{}, fmt.Errorf("unknown path suffix '%s'", parts[5])
		}
	}
	return ref, nil
}
