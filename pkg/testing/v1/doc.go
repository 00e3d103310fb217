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

// Package v1 holds functional options that build serving.knative.dev/v1
// objects for tests: Service("name", "ns", WithConfigSpec(...),
// WithInitSvcConditions), Revision("ns", "name", MarkRevisionReady), and so
// on. Reconciler table tests use them to keep each row short. The options
// change status only through the types' Mark…/Propagate… methods, so
// objects look exactly as a reconciler would leave them.
package v1
