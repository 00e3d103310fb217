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
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	logtesting "knative.dev/pkg/logging/testing"
)

var now = time.Unix(1e9, 0).UnixNano()

func cfgRO(cfg, tag string, percent int, params RolloutParams, revs ...RevisionRollout) *ConfigurationRollout {
	return &ConfigurationRollout{ConfigurationName: cfg, Tag: tag, Percent: percent, Revisions: revs, StepParams: params}
}

func rr(name string, percent int) RevisionRollout {
	return RevisionRollout{RevisionName: name, Percent: percent}
}

func TestStep(t *testing.T) {
	sec := int64(time.Second)
	tests := []struct {
		name     string
		cur      *Rollout
		prev     *Rollout
		want     *Rollout
		wantNext int64
	}{{
		name: "no previous state: the desired split applies at once",
		cur:  &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-2", 100))}},
		want: &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-2", 100))}},
	}, {
		name: "steady state stays",
		cur:  &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-1", 100))}},
		prev: &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-1", 100))}},
		want: &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-1", 100))}},
	}, {
		name: "a new revision starts with 1% and the start time",
		cur:  &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-2", 100))}},
		prev: &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-1", 100))}},
		want: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: now}, rr("c-1", 99), rr("c-2", 1)),
		}},
	}, {
		name: "before ObserveReady nothing moves",
		cur:  &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-2", 100))}},
		prev: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: now - sec}, rr("c-1", 99), rr("c-2", 1)),
		}},
		want: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: now - sec}, rr("c-1", 99), rr("c-2", 1)),
		}},
	}, {
		name: "a step not yet due waits, and reports when it is",
		cur:  &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-2", 100))}},
		prev: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: now - 10*sec, NextStepTime: now + sec, StepDuration: 5 * sec, StepSize: 25},
				rr("c-1", 99), rr("c-2", 1)),
		}},
		want: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: now - 10*sec, NextStepTime: now + sec, StepDuration: 5 * sec, StepSize: 25},
				rr("c-1", 99), rr("c-2", 1)),
		}},
		wantNext: now + sec,
	}, {
		name: "a due step moves step size to the newest revision",
		cur:  &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-2", 100))}},
		prev: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: now - 10*sec, NextStepTime: now, StepDuration: 5 * sec, StepSize: 25},
				rr("c-1", 99), rr("c-2", 1)),
		}},
		want: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: now - 10*sec, NextStepTime: now + 5*sec, StepDuration: 5 * sec, StepSize: 25},
				rr("c-1", 74), rr("c-2", 26)),
		}},
		wantNext: now + 5*sec,
	}, {
		name: "a step draining several old revisions drops them",
		cur:  &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-3", 100))}},
		prev: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: 1, NextStepTime: now, StepDuration: sec, StepSize: 30},
				rr("c-1", 60), rr("c-2", 10), rr("c-3", 30)),
		}},
		want: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: 1, NextStepTime: now + sec, StepDuration: sec, StepSize: 30},
				rr("c-1", 40), rr("c-3", 60)),
		}},
		wantNext: now + sec,
	}, {
		name: "the last step ends the rollout",
		cur:  &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-2", 100))}},
		prev: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: 1, NextStepTime: now, StepDuration: sec, StepSize: 25},
				rr("c-1", 10), rr("c-2", 90)),
		}},
		want: &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-2", 100))}},
	}, {
		name: "a lower configuration percent is taken from the oldest revisions",
		cur:  &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 50, RolloutParams{}, rr("c-3", 50))}},
		prev: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: 1, NextStepTime: now + sec, StepDuration: sec, StepSize: 10},
				rr("c-1", 40), rr("c-2", 30), rr("c-3", 30)),
		}},
		want: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 50, RolloutParams{StartTime: 1, NextStepTime: now + sec, StepDuration: sec, StepSize: 10},
				rr("c-2", 20), rr("c-3", 30)),
		}},
		wantNext: now + sec,
	}, {
		name: "a higher configuration percent goes to the newest revision",
		cur:  &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-2", 100))}},
		prev: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 80, RolloutParams{StartTime: 1, NextStepTime: now + sec, StepDuration: sec, StepSize: 10},
				rr("c-1", 60), rr("c-2", 20)),
		}},
		want: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("c", "", 100, RolloutParams{StartTime: 1, NextStepTime: now + sec, StepDuration: sec, StepSize: 10},
				rr("c-1", 60), rr("c-2", 40)),
		}},
		wantNext: now + sec,
	}, {
		name: "a 1% configuration does not roll out",
		cur:  &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 1, RolloutParams{}, rr("c-2", 1))}},
		prev: &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 1, RolloutParams{}, rr("c-1", 1))}},
		want: &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 1, RolloutParams{}, rr("c-2", 1))}},
	}, {
		name: "new tags and configurations apply at once, removed ones are dropped",
		cur: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("a", "", 50, RolloutParams{}, rr("a-1", 50)),
			cfgRO("c", "", 50, RolloutParams{}, rr("c-1", 50)),
			cfgRO("c", "beta", 100, RolloutParams{}, rr("c-1", 100)),
		}},
		prev: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("b", "", 50, RolloutParams{}, rr("b-1", 50)),
			cfgRO("c", "", 50, RolloutParams{}, rr("c-1", 50)),
		}},
		want: &Rollout{Configurations: []*ConfigurationRollout{
			cfgRO("a", "", 50, RolloutParams{}, rr("a-1", 50)),
			cfgRO("c", "", 50, RolloutParams{}, rr("c-1", 50)),
			cfgRO("c", "beta", 100, RolloutParams{}, rr("c-1", 100)),
		}},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got, next := test.cur.Step(logtesting.TestContextWithLogger(t), test.prev, now)
			if !cmp.Equal(got, test.want) {
				t.Errorf("Step (-want,+got):\n%s", cmp.Diff(test.want, got))
			}
			if next != test.wantNext {
				t.Errorf("next step = %d, want %d", next, test.wantNext)
			}
			if err := got.Validate(); !err {
				t.Errorf("Step produced an invalid rollout: %+v", got)
			}
		})
	}
}

func TestObserveReady(t *testing.T) {
	sec := int64(time.Second)
	ro := &Rollout{Configurations: []*ConfigurationRollout{
		// The first 1% took 5s to become ready; 120s in all: 23 steps of 5s
		// moving round(99/23) = 4%.
		cfgRO("c", "", 100, RolloutParams{StartTime: now - 5*sec}, rr("c-1", 99), rr("c-2", 1)),
		// Already timed: untouched.
		cfgRO("d", "", 100, RolloutParams{StartTime: 1, StepDuration: 7, StepSize: 3, NextStepTime: 9}, rr("d-1", 99), rr("d-2", 1)),
		// Not rolling out: untouched.
		cfgRO("e", "", 100, RolloutParams{}, rr("e-1", 100)),
	}}
	ro.ObserveReady(logtesting.TestContextWithLogger(t), now, 120)

	want := []RolloutParams{
		{StartTime: now - 5*sec, StepDuration: 5 * sec, StepSize: 4, NextStepTime: now + 5*sec},
		{StartTime: 1, StepDuration: 7, StepSize: 3, NextStepTime: 9},
		{},
	}
	for i, c := range ro.Configurations {
		if !cmp.Equal(c.StepParams, want[i]) {
			t.Errorf("%s: StepParams (-want,+got):\n%s", c.ConfigurationName, cmp.Diff(want[i], c.StepParams))
		}
	}
}

func TestObserveReadyShortRollout(t *testing.T) {
	// The first 1% took longer than the whole rollout: one step of the rest.
	sec := int64(time.Second)
	ro := &Rollout{Configurations: []*ConfigurationRollout{
		cfgRO("c", "", 100, RolloutParams{StartTime: now - 30*sec}, rr("c-1", 99), rr("c-2", 1)),
	}}
	ro.ObserveReady(logtesting.TestContextWithLogger(t), now, 10)
	want := RolloutParams{StartTime: now - 30*sec, StepDuration: sec, StepSize: 99, NextStepTime: now + sec}
	if got := ro.Configurations[0].StepParams; !cmp.Equal(got, want) {
		t.Errorf("StepParams (-want,+got):\n%s", cmp.Diff(want, got))
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		ro   *Rollout
		want bool
	}{{
		name: "empty",
		ro:   &Rollout{},
		want: true,
	}, {
		name: "consistent",
		ro:   &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{StepSize: 10}, rr("c-1", 60), rr("c-2", 40))}},
		want: true,
	}, {
		name: "over 100%",
		ro:   &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 101, RolloutParams{}, rr("c-1", 101))}},
	}, {
		name: "negative step",
		ro:   &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{StepSize: -1}, rr("c-1", 100))}},
	}, {
		name: "step larger than the configuration",
		ro:   &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 50, RolloutParams{StepSize: 51}, rr("c-1", 50))}},
	}, {
		name: "revisions not adding up",
		ro:   &Rollout{Configurations: []*ConfigurationRollout{cfgRO("c", "", 100, RolloutParams{}, rr("c-1", 60), rr("c-2", 30))}},
	}}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			if got := test.ro.Validate(); got != test.want {
				t.Errorf("Validate() = %v, want %v", got, test.want)
			}
		})
	}
}

func TestRolloutsByTagAndDone(t *testing.T) {
	ro := &Rollout{Configurations: []*ConfigurationRollout{
		cfgRO("a", "", 50, RolloutParams{}, rr("a-1", 50)),
		cfgRO("b", "", 50, RolloutParams{}, rr("b-1", 49), rr("b-2", 1)),
		cfgRO("a", "alpha", 100, RolloutParams{}, rr("a-1", 100)),
		cfgRO("b", "beta", 100, RolloutParams{}, rr("b-2", 100)),
	}}
	names := func(cs []*ConfigurationRollout) (out []string) {
		for _, c := range cs {
			out = append(out, c.ConfigurationName+"/"+c.Tag)
		}
		return out
	}
	for tag, want := range map[string][]string{
		"":      {"a/", "b/"},
		"alpha": {"a/alpha"},
		"beta":  {"b/beta"},
		"gamma": nil,
	} {
		if got := names(ro.RolloutsByTag(tag)); !cmp.Equal(got, want) {
			t.Errorf("RolloutsByTag(%q) = %v, want %v", tag, got, want)
		}
	}
	if ro.Done() {
		t.Error("Done() = true with b rolling out")
	}
	ro.Configurations[1].Revisions = []RevisionRollout{rr("b-2", 50)}
	if !ro.Done() {
		t.Error("Done() = false with every configuration on one revision")
	}
}
