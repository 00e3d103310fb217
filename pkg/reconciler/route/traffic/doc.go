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

// Package traffic resolves a Route's traffic block into revision-level
// targets grouped by traffic name (the unnamed default target and each tag),
// reports missing or unready targets as TargetErrors, and keeps the state of
// gradual rollouts of a configuration's latest revision (Rollout, stored as
// an annotation on the KIngress).
package traffic
