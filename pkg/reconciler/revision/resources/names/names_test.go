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

package names

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
)

func TestNames(t *testing.T) {
	long := strings.Repeat("f", 63)
	for _, tc := range []struct {
		name string
		rev  string
		f    func(kmetaAccessor *v1.Revision) string
		want string
	}{
		{"deployment", "foo", func(r *v1.Revision) string { return Deployment(r) }, "foo-deployment"},
		{"image cache", "foo", func(r *v1.Revision) string { return ImageCache(r) }, "foo-cache"},
		{"pa", "foo", func(r *v1.Revision) string { return PA(r) }, "foo"},
		// Names past 63 characters are shortened with a hash, as kmeta.ChildName does.
		{"long deployment", long, func(r *v1.Revision) string { return Deployment(r) }, "ffffffffffffffffffff105d7597f637e83cc711605ac3ea4957-deployment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rev := &v1.Revision{ObjectMeta: metav1.ObjectMeta{Name: tc.rev, Namespace: "default"}}
			if got := tc.f(rev); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if got := tc.f(rev); len(got) > 63 {
				t.Errorf("%q is longer than 63 characters", got)
			}
		})
	}
}
