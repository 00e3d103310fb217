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

// Package labeler marks the Configurations and Revisions a Route references:
// each gets the Route's name in its serving.knative.dev/routes annotation,
// and each Revision gets the serving.knative.dev/routingState label (active
// or reserve) with the time of its last change in
// serving.knative.dev/routingStateModified. The revision garbage collector
// reads these to never collect a routed Revision. As upstream
// pkg/reconciler/labeler (the "v2" annotation mode, the only one in 1.17).
package labeler
