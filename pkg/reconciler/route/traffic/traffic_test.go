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

package traffic

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/ptr"

	net "github.com/skiffhq/skiff/pkg/apis/networking"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	netv1alpha1 "github.com/skiffhq/skiff/pkg/apis/networking/v1alpha1"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	v1 "github.com/skiffhq/skiff/pkg/apis/serving/v1"
	"github.com/skiffhq/skiff/pkg/reconciler/route/config"
	rtesting "github.com/skiffhq/skiff/pkg/reconciler/testing/v1"
	. "github.com/skiffhq/skiff/pkg/testing/v1"
)

const ns = "default"

// The world of these tests: configuration "hello-go" with ready revisions
// hello-go-00001 and -00002 (the latest), "pending" with none ready yet,
// "failed" whose latest failed, "stale" whose latest ready revision lost
// its readiness, and h2c revision "grpc-00001".
func world() []runtime.Object {
	return []runtime.Object{
		Configuration(ns, "hello-go", WithLatestCreated("hello-go-00002"), WithLatestReady("hello-go-00002")),
		rev("hello-go-00001", "hello-go", MarkRevisionReady),
		rev("hello-go-00002", "hello-go", MarkRevisionReady),
		Configuration(ns, "pending", WithLatestCreated("pending-00001")),
		rev("pending-00001", "pending", WithInitRevConditions),
		Configuration(ns, "failed", WithLatestCreated("failed-00001"), MarkLatestCreatedFailed("boom")),
		rev("failed-00001", "failed", WithInitRevConditions, MarkContainerHealthyFalse("ExitCode1")),
		Configuration(ns, "stale", WithLatestCreated("stale-00001"), WithLatestReady("stale-00001")),
		rev("stale-00001", "stale", WithInitRevConditions),
		Configuration(ns, "grpc", WithLatestCreated("grpc-00001"), WithLatestReady("grpc-00001")),
		rev("grpc-00001", "grpc", MarkRevisionReady, withH2C),
	}
}

func rev(name, cfg string, opts ...RevisionOption) *v1.Revision {
	return Revision(ns, name, append([]RevisionOption{WithRevisionLabel(serving.ConfigurationLabelKey, cfg)}, opts...)...)
}

func withH2C(r *v1.Revision) {
	r.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "h2c", ContainerPort: 8080}}
}

func route(traffic ...v1.TrafficTarget) *v1.Route {
	return Route(ns, "hello-go", WithSpecTraffic(traffic...))
}

func configTarget(cfg string, percent int64, tag string) v1.TrafficTarget {
	return v1.TrafficTarget{ConfigurationName: cfg, Percent: ptr.Int64(percent), Tag: tag, LatestRevision: ptr.Bool(true)}
}

func revTarget(rev string, percent int64, tag string) v1.TrafficTarget {
	return v1.TrafficTarget{RevisionName: rev, Percent: ptr.Int64(percent), Tag: tag, LatestRevision: ptr.Bool(false)}
}

// resolved is a flattened target as BuildTrafficConfiguration makes it.
func resolved(cfg, rev string, percent int64, tag string, latest bool) RevisionTarget {
	return RevisionTarget{
		TrafficTarget: v1.TrafficTarget{
			ConfigurationName: cfg,
			RevisionName:      rev,
			Percent:           ptr.Int64(percent),
			Tag:               tag,
			LatestRevision:    ptr.Bool(latest),
		},
		Protocol: net.ProtocolHTTP1,
	}
}

func TestBuildTrafficConfiguration(t *testing.T) {
	h2c := resolved("grpc", "grpc-00001", 100, "", true)
	h2c.Protocol = net.ProtocolH2C

	tests := []struct {
		name        string
		route       *v1.Route
		wantTargets map[string]RevisionTargets
		wantStatus  RevisionTargets
		wantMissing []string
		wantErr     string // Error() of the TargetError, "" for none
		wantFailure bool
	}{{
		name:  "configuration target follows its latest ready revision",
		route: route(configTarget("hello-go", 100, "")),
		wantTargets: map[string]RevisionTargets{
			DefaultTarget: {resolved("hello-go", "hello-go-00002", 100, "", true)},
		},
		wantStatus: RevisionTargets{resolved("hello-go", "hello-go-00002", 100, "", true)},
	}, {
		name:  "revision target learns its configuration from the revision's label",
		route: route(revTarget("hello-go-00001", 100, "")),
		wantTargets: map[string]RevisionTargets{
			DefaultTarget: {resolved("hello-go", "hello-go-00001", 100, "", false)},
		},
		wantStatus: RevisionTargets{resolved("hello-go", "hello-go-00001", 100, "", false)},
	}, {
		name:  "50/50 split with a tag: the tag's group gets all of its host's traffic",
		route: route(revTarget("hello-go-00001", 50, ""), configTarget("hello-go", 50, "candidate")),
		wantTargets: map[string]RevisionTargets{
			DefaultTarget: {
				resolved("hello-go", "hello-go-00001", 50, "", false),
				resolved("hello-go", "hello-go-00002", 50, "candidate", true),
			},
			"candidate": {resolved("hello-go", "hello-go-00002", 100, "candidate", true)},
		},
		wantStatus: RevisionTargets{
			resolved("hello-go", "hello-go-00001", 50, "", false),
			resolved("hello-go", "hello-go-00002", 50, "candidate", true),
		},
	}, {
		name:  "tag-only target with 0% is routable by its tag only",
		route: route(configTarget("hello-go", 100, ""), revTarget("hello-go-00001", 0, "previous")),
		wantTargets: map[string]RevisionTargets{
			DefaultTarget: {
				resolved("hello-go", "hello-go-00002", 100, "", true),
				resolved("hello-go", "hello-go-00001", 0, "previous", false),
			},
			"previous": {resolved("hello-go", "hello-go-00001", 100, "previous", false)},
		},
		wantStatus: RevisionTargets{
			resolved("hello-go", "hello-go-00002", 100, "", true),
			resolved("hello-go", "hello-go-00001", 0, "previous", false),
		},
	}, {
		name:  "targets of the same revision and kind are merged",
		route: route(configTarget("hello-go", 40, ""), configTarget("hello-go", 60, "")),
		wantTargets: map[string]RevisionTargets{
			DefaultTarget: {resolved("hello-go", "hello-go-00002", 100, "", true)},
		},
		wantStatus: RevisionTargets{resolved("hello-go", "hello-go-00002", 100, "", true)},
	}, {
		name:  "a revision named both ways is one split but two status entries",
		route: route(configTarget("hello-go", 40, ""), revTarget("hello-go-00002", 60, "")),
		wantTargets: map[string]RevisionTargets{
			DefaultTarget: {resolved("hello-go", "hello-go-00002", 100, "", true)},
		},
		wantStatus: RevisionTargets{
			resolved("hello-go", "hello-go-00002", 40, "", true),
			resolved("hello-go", "hello-go-00002", 60, "", false),
		},
	}, {
		name:        "h2c revisions are marked so",
		route:       route(configTarget("grpc", 100, "")),
		wantTargets: map[string]RevisionTargets{DefaultTarget: {h2c}},
		wantStatus:  RevisionTargets{h2c},
	}, {
		name:        "missing configuration",
		route:       route(configTarget("nope", 100, "")),
		wantErr:     `Configuration "nope" referenced in traffic not found`,
		wantFailure: true,
		wantMissing: []string{"Configuration/nope"},
	}, {
		name:        "missing revision",
		route:       route(revTarget("nope-00001", 100, "")),
		wantErr:     `Revision "nope-00001" referenced in traffic not found`,
		wantFailure: true,
		wantMissing: []string{"Revision/nope-00001"},
	}, {
		name:    "configuration without a ready revision yet",
		route:   route(configTarget("pending", 100, "")),
		wantErr: `Configuration "pending" not ready, isFailure=false`,
	}, {
		name:        "configuration whose latest revision failed",
		route:       route(configTarget("failed", 100, "")),
		wantErr:     `Configuration "failed" not ready, isFailure=true`,
		wantFailure: true,
	}, {
		name:    "revision not ready yet",
		route:   route(revTarget("pending-00001", 100, "")),
		wantErr: `Revision "pending-00001" not ready, isFailure=false`,
	}, {
		name:        "failed revision",
		route:       route(revTarget("failed-00001", 100, "")),
		wantErr:     `Revision "failed-00001" not ready, isFailure=true`,
		wantFailure: true,
	}, {
		name:    "latest ready revision no longer ready",
		route:   route(configTarget("stale", 100, "")),
		wantErr: `Revision "stale-00001" not ready, isFailure=false`,
	}, {
		name:        "a failure is reported over an earlier unready target, and all missing targets are listed",
		route:       route(configTarget("pending", 30, ""), revTarget("gone-00001", 30, ""), configTarget("gone", 40, "")),
		wantErr:     `Configuration "gone" referenced in traffic not found`,
		wantFailure: true,
		wantMissing: []string{"Revision/gone-00001", "Configuration/gone"},
	}, {
		name:        "an unready target is not reported over an earlier failure",
		route:       route(configTarget("gone", 50, ""), configTarget("pending", 50, "")),
		wantErr:     `Configuration "gone" referenced in traffic not found`,
		wantFailure: true,
		wantMissing: []string{"Configuration/gone"},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			ls := rtesting.NewListers(world())
			tc, err := BuildTrafficConfiguration(ls.GetConfigurationLister(), ls.GetRevisionLister(), test.route)
			if tc == nil {
				t.Fatalf("no Config, err = %v", err)
			}
			if test.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
			} else {
				var te TargetError
				if !errors.As(err, &te) {
					t.Fatalf("err = %v, want a TargetError", err)
				}
				if err.Error() != test.wantErr {
					t.Errorf("err = %q, want %q", err, test.wantErr)
				}
				if te.IsFailure() != test.wantFailure {
					t.Errorf("IsFailure() = %v, want %v", te.IsFailure(), test.wantFailure)
				}
				if len(tc.Targets) != 0 || len(tc.revisionTargets) != 0 {
					t.Errorf("targets resolved despite the error: %v", tc.Targets)
				}
			}
			if !cmp.Equal(tc.Targets, test.wantTargets, cmpopts.EquateEmpty()) {
				t.Errorf("Targets (-want,+got):\n%s", cmp.Diff(test.wantTargets, tc.Targets, cmpopts.EquateEmpty()))
			}
			if !cmp.Equal(tc.revisionTargets, test.wantStatus, cmpopts.EquateEmpty()) {
				t.Errorf("revisionTargets (-want,+got):\n%s", cmp.Diff(test.wantStatus, tc.revisionTargets, cmpopts.EquateEmpty()))
			}
			var missing []string
			for _, m := range tc.MissingTargets {
				if m.Namespace != ns || m.APIVersion != "serving.knative.dev/v1" {
					t.Errorf("missing target %+v: wrong namespace or apiVersion", m)
				}
				missing = append(missing, m.Kind+"/"+m.Name)
			}
			if !cmp.Equal(missing, test.wantMissing) {
				t.Errorf("MissingTargets = %v, want %v", missing, test.wantMissing)
			}
		})
	}
}

func TestBuildTrafficConfigurationReportsReferencedObjects(t *testing.T) {
	ls := rtesting.NewListers(world())
	tc, err := BuildTrafficConfiguration(ls.GetConfigurationLister(), ls.GetRevisionLister(),
		route(configTarget("hello-go", 50, ""), revTarget("grpc-00001", 50, "")))
	if err != nil {
		t.Fatal(err)
	}
	var cfgs, revs []string
	for name := range tc.Configurations {
		cfgs = append(cfgs, name)
	}
	for name := range tc.Revisions {
		revs = append(revs, name)
	}
	less := func(a, b string) bool { return a < b }
	if want := []string{"grpc", "hello-go"}; !cmp.Equal(cfgs, want, cmpopts.SortSlices(less)) {
		t.Errorf("Configurations = %v, want %v", cfgs, want)
	}
	if want := []string{"grpc-00001", "hello-go-00002"}; !cmp.Equal(revs, want, cmpopts.SortSlices(less)) {
		t.Errorf("Revisions = %v, want %v", revs, want)
	}
}

func testContext(t *testing.T, network map[string]string) context.Context {
	t.Helper()
	nc, err := netcfg.NewConfigFromMap(network)
	if err != nil {
		t.Fatal(err)
	}
	return config.ToContext(context.Background(), &config.Config{
		Domain:  &config.Domain{Domains: map[string]config.DomainConfig{"example.com": {}}},
		Network: nc,
	})
}

func mustURL(s string) *apis.URL {
	u, err := apis.ParseURL(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestGetRevisionTrafficTargets(t *testing.T) {
	r := route(revTarget("hello-go-00001", 50, ""), configTarget("hello-go", 50, "candidate"))
	ls := rtesting.NewListers(world())
	tc, err := BuildTrafficConfiguration(ls.GetConfigurationLister(), ls.GetRevisionLister(), r)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		network    map[string]string
		visibility map[string]netv1alpha1.IngressVisibility
		rollout    *Rollout
		want       []v1.TrafficTarget
	}{{
		name: "status names revisions only, and tags get their URL",
		want: []v1.TrafficTarget{{
			RevisionName: "hello-go-00001", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(false),
		}, {
			Tag: "candidate", RevisionName: "hello-go-00002", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(true),
			URL: mustURL("http://candidate-hello-go.default.example.com"),
		}},
	}, {
		name:    "tag URLs follow the tag template and external scheme",
		network: map[string]string{netcfg.TagTemplateKey: "{{.Name}}-{{.Tag}}", netcfg.DefaultExternalSchemeKey: "https"},
		want: []v1.TrafficTarget{{
			RevisionName: "hello-go-00001", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(false),
		}, {
			Tag: "candidate", RevisionName: "hello-go-00002", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(true),
			URL: mustURL("https://hello-go-candidate.default.example.com"),
		}},
	}, {
		name:       "a cluster-local tag gets a cluster-local http URL",
		network:    map[string]string{netcfg.DefaultExternalSchemeKey: "https"},
		visibility: map[string]netv1alpha1.IngressVisibility{"candidate": netv1alpha1.IngressVisibilityClusterLocal},
		want: []v1.TrafficTarget{{
			RevisionName: "hello-go-00001", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(false),
		}, {
			Tag: "candidate", RevisionName: "hello-go-00002", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(true),
			URL: mustURL("http://candidate-hello-go.default.svc.cluster.local"),
		}},
	}, {
		name: "a latestRevision target in a rollout is reported per revision",
		rollout: &Rollout{Configurations: []*ConfigurationRollout{{
			ConfigurationName: "hello-go", Tag: "candidate", Percent: 50,
			Revisions: []RevisionRollout{{RevisionName: "hello-go-00001", Percent: 30}, {RevisionName: "hello-go-00002", Percent: 20}},
		}}},
		want: []v1.TrafficTarget{{
			RevisionName: "hello-go-00001", Percent: ptr.Int64(50), LatestRevision: ptr.Bool(false),
		}, {
			Tag: "candidate", RevisionName: "hello-go-00001", Percent: ptr.Int64(30), LatestRevision: ptr.Bool(true),
			URL: mustURL("http://candidate-hello-go.default.example.com"),
		}, {
			Tag: "candidate", RevisionName: "hello-go-00002", Percent: ptr.Int64(20), LatestRevision: ptr.Bool(true),
			URL: mustURL("http://candidate-hello-go.default.example.com"),
		}},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			tc.Visibility = test.visibility
			ro := test.rollout
			if ro == nil {
				ro = &Rollout{}
			}
			got, err := tc.GetRevisionTrafficTargets(testContext(t, test.network), r, ro)
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(got, test.want) {
				t.Errorf("GetRevisionTrafficTargets (-want,+got):\n%s", cmp.Diff(test.want, got))
			}
		})
	}
}

func TestBuildRollout(t *testing.T) {
	ls := rtesting.NewListers(world())
	tc, err := BuildTrafficConfiguration(ls.GetConfigurationLister(), ls.GetRevisionLister(),
		route(configTarget("hello-go", 70, ""), configTarget("grpc", 30, "beta"), revTarget("hello-go-00001", 0, "old")))
	if err != nil {
		t.Fatal(err)
	}
	want := &Rollout{Configurations: []*ConfigurationRollout{{
		ConfigurationName: "grpc", Percent: 30,
		Revisions: []RevisionRollout{{RevisionName: "grpc-00001", Percent: 30}},
	}, {
		ConfigurationName: "hello-go", Percent: 70,
		Revisions: []RevisionRollout{{RevisionName: "hello-go-00002", Percent: 70}},
	}, {
		ConfigurationName: "grpc", Tag: "beta", Percent: 100,
		Revisions: []RevisionRollout{{RevisionName: "grpc-00001", Percent: 100}},
	}}}
	if got := tc.BuildRollout(); !cmp.Equal(got, want) {
		t.Errorf("BuildRollout (-want,+got):\n%s", cmp.Diff(want, got))
	}
}
