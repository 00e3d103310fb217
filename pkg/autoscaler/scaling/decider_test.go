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

package scaling

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDeciderDeepCopy(t *testing.T) {
	if (*Decider)(nil).DeepCopy() != nil {
		t.Error("DeepCopy of nil is not nil")
	}
	orig := &Decider{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "rev", Labels: map[string]string{"a": "b"}},
		Spec:       DeciderSpec{TargetValue: 70, TotalValue: 100, StableWindow: time.Minute, Reachable: true},
		Status:     DeciderStatus{DesiredScale: 3, ExcessBurstCapacity: -1},
	}
	cp := orig.DeepCopy()
	if !cmp.Equal(orig, cp) {
		t.Fatal("DeepCopy differs:", cmp.Diff(orig, cp))
	}
	cp.Labels["a"] = "c"
	cp.Spec.TargetValue = 1
	cp.Status.DesiredScale = 0
	if orig.Labels["a"] != "b" || orig.Spec.TargetValue != 70 || orig.Status.DesiredScale != 3 {
		t.Error("DeepCopy shares state with the original:", orig)
	}
}
