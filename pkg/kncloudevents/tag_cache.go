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

package kncloudevents

import (
	"context"
	"sync"
)

// maxTagContexts bounds a TagContextCache: tag values such as the event
// type come from users, so the set of keys is not bounded by itself.
const maxTagContexts = 4096

// TagContextCache remembers the OpenCensus tag context built for a set of
// tag values, so the data-plane reporters, which record several
// measurements per event, build each distinct one once instead of
// allocating a tag map per measurement.
type TagContextCache[K comparable] struct {
	mu sync.RWMutex
	m  map[K]context.Context
}

// Get returns the context for key, building it with build on a miss.
func (c *TagContextCache[K]) Get(key K, build func() (context.Context, error)) (context.Context, error) {
	c.mu.RLock()
	ctx, ok := c.m[key]
	c.mu.RUnlock()
	if ok {
		return ctx, nil
	}
	ctx, err := build()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxTagContexts {
		c.m = make(map[K]context.Context)
	}
	c.m[key] = ctx
	c.mu.Unlock()
	return ctx, nil
}
