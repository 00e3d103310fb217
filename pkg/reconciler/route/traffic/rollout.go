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
	"math"
	"sort"
	"time"

	"go.uber.org/zap"
	"knative.dev/pkg/logging"
)

// Rollout is the gradual rollout state of a Route: one ConfigurationRollout
// per (tag, configuration) pair that follows the latest revision. It is
// serialized into the KIngress's networking.internal.knative.dev/rollout
// annotation (JSON field names as upstream, so either implementation can
// pick up the other's state).
type Rollout struct {
	// Configurations are sorted by tag, then by configuration name.
	Configurations []*ConfigurationRollout `json:"configurations,omitempty"`
}

// ConfigurationRollout is the rollout state of one configuration under one
// tag ("" for the default target).
type ConfigurationRollout struct {
	// ConfigurationName and Tag identify the rollout.
	ConfigurationName string `json:"configurationName"`
	Tag               string `json:"tag,omitempty"`

	// Percent is the configuration's share of the route's traffic; the
	// revisions' percents add up to it.
	Percent int `json:"percent"`

	// Revisions, oldest first. Steady state has none (no ready revision) or
	// one; a rollout in progress has several and ends with the newest
	// holding all of Percent.
	Revisions []RevisionRollout `json:"revisions,omitempty"`

	// StepParams are the timing of the rollout in progress.
	StepParams RolloutParams `json:"stepParams"`
}

// RolloutParams are the timing and step size of a ConfigurationRollout.
type RolloutParams struct {
	// StartTime is when the rollout started, in Unix ns.
	StartTime int64 `json:"starttime,omitempty"`

	// NextStepTime is when the next step is due, in Unix ns.
	NextStepTime int64 `json:"nextStepTime,omitempty"`

	// StepDuration is the time between steps, in ns.
	StepDuration int64 `json:"stepDuration,omitempty"`

	// StepSize is the percentage of traffic moved per step.
	StepSize int `json:"stepSize,omitempty"`
}

// RevisionRollout is one revision of a ConfigurationRollout.
type RevisionRollout struct {
	// RevisionName is the revision.
	RevisionName string `json:"revisionName"`

	// Percent is the revision's share of the whole route's traffic (not of
	// the configuration's).
	Percent int `json:"percent"`
}

// RolloutsByTag returns the ConfigurationRollouts of tag t (several only for
// the default tag).
func (cur *Rollout) RolloutsByTag(t string) []*ConfigurationRollout {
	ret := []*ConfigurationRollout{}
	// Configurations are sorted by tag, so those of t are contiguous.
	i := sort.Search(len(cur.Configurations), func(i int) bool {
		return cur.Configurations[i].Tag >= t
	})
	for ; i < len(cur.Configurations) && cur.Configurations[i].Tag == t; i++ {
		ret = append(ret, cur.Configurations[i])
	}
	return ret
}

// Done reports whether no configuration is in the middle of a rollout.
func (cur *Rollout) Done() bool {
	for _, c := range cur.Configurations {
		if !c.done() {
			return false
		}
	}
	return true
}

// done: a configuration with at most one revision is not rolling out.
func (cur *ConfigurationRollout) done() bool {
	return len(cur.Revisions) < 2
}

// Validate reports whether a deserialized Rollout is consistent. An invalid
// one (hand-edited annotation, corruption) is discarded by the caller.
func (cur *Rollout) Validate() bool {
	for _, c := range cur.Configurations {
		if c.Percent > 100 {
			return false
		}
		if c.StepParams.StepSize < 0 || c.StepParams.StepSize > c.Percent {
			return false
		}
		total := 0
		for _, r := range c.Revisions {
			total += r.Percent
		}
		if total != c.Percent {
			return false
		}
	}
	return true
}

// ObserveReady is called when the KIngress first becomes ready with a
// rollout started: every started configuration without step timing gets it
// now. The time the first 1% took to become ready (at least 1s) is the
// smallest sensible step.
func (cur *Rollout) ObserveReady(ctx context.Context, nowTS int64, durationSecs float64) {
	logger := logging.FromContext(ctx)
	for _, c := range cur.Configurations {
		if c.StepParams.StepDuration == 0 && c.StepParams.StartTime > 0 {
			minStepSec := math.Max(1, math.Ceil(time.Duration(nowTS-c.StepParams.StartTime).Seconds()))
			c.computeProperties(float64(nowTS), minStepSec, durationSecs)
			logger.Debugf("Computed rollout properties for %s: %#v", c.ConfigurationName, c.StepParams)
		}
	}
}

// Step merges the desired state cur (one revision per configuration, as
// BuildRollout makes it) with the previous state prev and returns the state
// to apply now, plus the Unix ns time of the next step (0 if none is
// scheduled). With no previous state, cur applies as is.
func (cur *Rollout) Step(ctx context.Context, prev *Rollout, nowTS int64) (*Rollout, int64) {
	logger := logging.FromContext(ctx)
	if prev == nil || len(prev.Configurations) == 0 {
		return cur, 0
	}

	curByTag := map[string][]*ConfigurationRollout{}
	prevByTag := map[string][]*ConfigurationRollout{}
	for _, c := range cur.Configurations {
		curByTag[c.Tag] = append(curByTag[c.Tag], c)
	}
	for _, c := range prev.Configurations {
		prevByTag[c.Tag] = append(prevByTag[c.Tag], c)
	}

	var ret []*ConfigurationRollout
	next := int64(math.MaxInt64)
	for tag, curs := range curByTag {
		prevs, ok := prevByTag[tag]
		if !ok {
			// A new tag: nothing to roll from, it gets its traffic at once.
			// (Only the default tag can hold several configurations, and it
			// always exists.)
			ret = append(ret, curs[0])
			continue
		}
		// Both lists are sorted by configuration name: walk them together.
		for i, j := 0, 0; i < len(curs); {
			switch {
			case j >= len(prevs):
				// Configurations added in this update.
				ret = append(ret, curs[i])
				i++
			case curs[i].ConfigurationName == prevs[j].ConfigurationName:
				switch p := curs[i].Percent; {
				case p > 1:
					sc := stepConfig(curs[i], prevs[j], nowTS, logger)
					ret = append(ret, sc)
					if nst := sc.StepParams.NextStepTime; nst > 0 && nst < next {
						next = nst
					}
				case p == 1:
					// 1% cannot be split further (the common A/B case).
					ret = append(ret, curs[i])
				}
				// 0%: no traffic, no rollout.
				i++
				j++
			case curs[i].ConfigurationName < prevs[j].ConfigurationName:
				// A configuration added in this update.
				if curs[i].Percent != 0 {
					ret = append(ret, curs[i])
				}
				i++
			default:
				// A configuration removed in this update.
				j++
			}
		}
	}

	ro := &Rollout{Configurations: ret}
	// Map iteration above is random; keep the result canonical.
	sortRollout(ro)
	if next == math.MaxInt64 {
		next = 0
	}
	return ro, next
}

// adjustPercentage rescales a previous rollout to a changed configuration
// percent: an increase goes to the newest revision, a decrease is taken from
// the oldest revisions first.
func adjustPercentage(goal int, cr *ConfigurationRollout, logger *zap.SugaredLogger) {
	switch diff := goal - cr.Percent; {
	case goal == 0:
		logger.Infof("Traffic for config %s got assigned 0%%", cr.ConfigurationName)
		cr.Revisions = nil
	case diff > 0:
		logger.Infof("Traffic for config %s increased by %d%%, assigning the difference to the latest revision",
			cr.ConfigurationName, diff)
		cr.Revisions[len(cr.Revisions)-1].Percent += diff
	case diff < 0:
		diff = -diff
		logger.Infof("Traffic for config %s decreased by %d%%, removing the difference from the oldest revision(s)",
			cr.ConfigurationName, diff)
		i := 0
		for diff > 0 && i < len(cr.Revisions) {
			if cr.Revisions[i].Percent > diff {
				cr.Revisions[i].Percent -= diff
				break
			}
			diff -= cr.Revisions[i].Percent
			i++
		}
		// Drop the revisions cut to 0%.
		cr.Revisions = cr.Revisions[i:]
	}
}

// stepRevisions moves one step of traffic, taken from the newest of the
// older revisions backwards, to the newest revision, once the step is due.
func stepRevisions(goal *ConfigurationRollout, nowTS int64) {
	if nowTS < goal.StepParams.NextStepTime || len(goal.Revisions) < 2 {
		return
	}

	n := len(goal.Revisions)
	remaining := goal.StepParams.StepSize
	// write is where the newest revision ends up; read walks the older ones
	// from newest to oldest, draining them.
	write, read := n-1, n-2
	for remaining > 0 && read >= 0 {
		if goal.Revisions[read].Percent > remaining {
			goal.Revisions[read].Percent -= remaining
			break
		}
		remaining -= goal.Revisions[read].Percent
		write--
		read--
	}
	// When the configuration's percent dropped below the step size, the
	// older revisions may all be drained with some step left over; capping
	// at Percent below handles that.
	goal.Revisions[write] = goal.Revisions[n-1]
	goal.Revisions[write].Percent += goal.StepParams.StepSize
	if goal.Revisions[write].Percent > goal.Percent {
		goal.Revisions[write].Percent = goal.Percent
	}
	goal.Revisions = goal.Revisions[:write+1]

	if len(goal.Revisions) > 1 {
		goal.StepParams.NextStepTime = nowTS + goal.StepParams.StepDuration
	} else {
		// Last step: the rollout is over.
		goal.StepParams = RolloutParams{}
	}
}

// stepConfig combines the goal (one revision) with the previous state of the
// same configuration.
func stepConfig(goal, prev *ConfigurationRollout, nowTS int64, logger *zap.SugaredLogger) *ConfigurationRollout {
	ret := &ConfigurationRollout{
		ConfigurationName: goal.ConfigurationName,
		Tag:               goal.Tag,
		Percent:           goal.Percent,
		Revisions:         goal.Revisions,
		// Timing starts empty; it is carried over or stamped below.
	}

	if len(prev.Revisions) > 0 {
		adjustPercentage(goal.Percent, prev, logger)
	}

	// The goal's revision is the newest one already: no new rollout. The
	// length is taken after adjustPercentage, which may have dropped old
	// revisions (upstream indexes with the length from before and panics
	// when a configuration's percent drops during a rollout).
	if pc := len(prev.Revisions); pc == 0 || goal.Revisions[0].RevisionName == prev.Revisions[pc-1].RevisionName {
		// With one revision (or none) we are in steady state; with several a
		// rollout is in progress and continues.
		if len(prev.Revisions) > 1 {
			ret.Revisions = prev.Revisions
			ret.StepParams = prev.StepParams
			// Before ObserveReady ran, StepSize is 0: do not step yet.
			if ret.StepParams.StepSize > 0 {
				stepRevisions(ret, nowTS)
			}
		}
		return ret
	}

	// A new revision: start a rollout by giving it 1%, taken from the newest
	// previous revision that has traffic. Step timing is computed by
	// ObserveReady once the KIngress has the new revision ready.
	logger.Debugf("Starting a new revision rollout for configuration %s and revision %s at %d",
		goal.ConfigurationName, goal.Revisions[0].RevisionName, nowTS)
	ret.StepParams.StartTime = nowTS
	for i := len(prev.Revisions) - 1; i >= 0; i-- {
		if prev.Revisions[i].Percent > 0 {
			prev.Revisions[i].Percent--
			break
		}
	}
	out := make([]RevisionRollout, 0, len(prev.Revisions)+1)
	for _, r := range prev.Revisions {
		// Skip revisions at 0% (e.g. the one just cut from 1%).
		if r.Percent > 0 {
			out = append(out, r)
		}
	}
	newest := goal.Revisions[0]
	newest.Percent = 1
	ret.Revisions = append(out, newest)
	return ret
}

// computeProperties sets the step size, step duration and next step time of
// a rollout that just became ready, given the smallest step (minStepSec, at
// least 1s) and the whole rollout duration (durationSecs). All times in the
// same units as nowTS (ns) except where named Sec.
func (cur *ConfigurationRollout) computeProperties(nowTS, minStepSec, durationSecs float64) {
	// The first 1% already took minStepSec; at least one step remains.
	durationSecs = math.Max(1, durationSecs-minStepSec)
	numSteps := math.Max(1, durationSecs/minStepSec)

	// Steps are at least 1%, and 1% has already moved.
	remPercent := float64(cur.Percent - 1)
	if remPercent < numSteps {
		numSteps = remPercent
	}

	// Equal steps, rounded to the nearest percent: rounding down would
	// almost double the rollout for, e.g., 1.9% steps.
	stepSize := math.Round(remPercent / numSteps)
	stepDuration := durationSecs / numSteps * float64(time.Second)

	cur.StepParams.StepDuration = int64(stepDuration)
	cur.StepParams.StepSize = int(stepSize)
	cur.StepParams.NextStepTime = int64(nowTS + stepDuration)
}

// sortRollout sorts by tag, then configuration name, so the serialized state
// is stable from one reconcile to the next.
func sortRollout(r *Rollout) {
	sort.Slice(r.Configurations, func(i, j int) bool {
		if r.Configurations[i].Tag == r.Configurations[j].Tag {
			return r.Configurations[i].ConfigurationName < r.Configurations[j].ConfigurationName
		}
		return r.Configurations[i].Tag < r.Configurations[j].Tag
	})
}
