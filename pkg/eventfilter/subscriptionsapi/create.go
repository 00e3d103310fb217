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

package subscriptionsapi

import (
	"fmt"
	"sync"

	"go.uber.org/zap"

	v1 "github.com/skiffhq/skiff/pkg/apis/eventing/v1"
	"github.com/skiffhq/skiff/pkg/eventfilter"
)

// MaterializeSubscriptionsAPIFilter turns one SubscriptionsAPIFilter into a
// runnable Filter; it returns nil for an invalid one (the webhook rejects
// those, so this only happens for objects that bypassed it).
func MaterializeSubscriptionsAPIFilter(logger *zap.Logger, filter v1.SubscriptionsAPIFilter) eventfilter.Filter {
	var f eventfilter.Filter
	var err error
	switch {
	case len(filter.Exact) > 0:
		f, err = NewExactFilter(filter.Exact)
	case len(filter.Prefix) > 0:
		f, err = NewPrefixFilter(filter.Prefix)
	case len(filter.Suffix) > 0:
		f, err = NewSuffixFilter(filter.Suffix)
	case len(filter.All) > 0:
		f = NewAllFilter(MaterializeFiltersList(logger, filter.All)...)
	case len(filter.Any) > 0:
		f = NewAnyFilter(MaterializeFiltersList(logger, filter.Any)...)
	case filter.Not != nil:
		inner := MaterializeSubscriptionsAPIFilter(logger, *filter.Not)
		if inner == nil {
			return nil
		}
		f = NewNotFilter(inner)
	case filter.CESQL != "":
		f, err = NewCESQLFilter(filter.CESQL)
	}
	if err != nil {
		logger.Debug("Invalid filter expression", zap.Any("filter", filter), zap.Error(err))
		return nil
	}
	return f
}

// CreateSubscriptionsAPIFilters returns the filter for a Trigger's
// spec.filters: all of them must pass.
func CreateSubscriptionsAPIFilters(logger *zap.Logger, filters []v1.SubscriptionsAPIFilter) eventfilter.Filter {
	if len(filters) == 0 {
		return NewNoFilter()
	}
	return NewAllFilter(MaterializeFiltersList(logger, filters)...)
}

// MaterializeFiltersList materializes each filter, skipping invalid ones.
func MaterializeFiltersList(logger *zap.Logger, filters []v1.SubscriptionsAPIFilter) []eventfilter.Filter {
	out := make([]eventfilter.Filter, 0, len(filters))
	for _, f := range filters {
		m := MaterializeSubscriptionsAPIFilter(logger, f)
		if m == nil {
			logger.Warn("Failed to parse filter. Skipping filter.", zap.Any("filter", f))
			continue
		}
		out = append(out, m)
	}
	return out
}

// FiltersMap caches materialized filters per Trigger (namespace/name).
type FiltersMap struct {
	mu      sync.RWMutex
	filters map[string]eventfilter.Filter
}

// NewFiltersMap returns an empty FiltersMap.
func NewFiltersMap() *FiltersMap {
	return &FiltersMap{filters: make(map[string]eventfilter.Filter)}
}

// Set stores the filter of trigger, cleaning up the one it replaces.
func (fm *FiltersMap) Set(trigger *v1.Trigger, filter eventfilter.Filter) {
	key := keyFromTrigger(trigger)
	fm.mu.Lock()
	defer fm.mu.Unlock()
	if old, ok := fm.filters[key]; ok {
		old.Cleanup()
	}
	fm.filters[key] = filter
}

// Get returns the filter of trigger.
func (fm *FiltersMap) Get(trigger *v1.Trigger) (eventfilter.Filter, bool) {
	fm.mu.RLock()
	defer fm.mu.RUnlock()
	f, ok := fm.filters[keyFromTrigger(trigger)]
	return f, ok
}

// Delete removes the filter of trigger.
func (fm *FiltersMap) Delete(trigger *v1.Trigger) {
	key := keyFromTrigger(trigger)
	fm.mu.Lock()
	defer fm.mu.Unlock()
	if old, ok := fm.filters[key]; ok {
		old.Cleanup()
	}
	delete(fm.filters, key)
}

func keyFromTrigger(trigger *v1.Trigger) string {
	return fmt.Sprintf("%s.%s", trigger.Namespace, trigger.Name)
}
