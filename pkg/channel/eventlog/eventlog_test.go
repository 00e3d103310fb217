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

package eventlog

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// countingSyncer counts fsyncs and can hold one back behind a gate.
type countingSyncer struct {
	n    atomic.Int64
	gate chan struct{} // when non-nil, the next Sync waits for it
	in   chan struct{} // signalled when a gated Sync starts
	mu   sync.Mutex
	err  error
}

func (c *countingSyncer) Sync(f *os.File) error {
	c.n.Add(1)
	c.mu.Lock()
	gate, in, err := c.gate, c.in, c.err
	c.gate = nil
	c.mu.Unlock()
	if gate != nil {
		in <- struct{}{}
		<-gate
	}
	if err != nil {
		return err
	}
	return f.Sync()
}

func open(t *testing.T, dir string, opts Options) (*Log, []Entry) {
	t.Helper()
	opts.Dir = dir
	l, pending, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return l, pending
}

func entry(i, subs int) *Entry {
	e := &Entry{
		Channel: "imc-kn-channel.ns.svc.cluster.local",
		Header:  http.Header{"X-Request-Id": {fmt.Sprintf("req-%d", i)}},
		Event:   []byte(fmt.Sprintf(`{"specversion":"1.0","id":"%d","type":"t","source":"s"}`, i)),
	}
	for s := 0; s < subs; s++ {
		e.Subscribers = append(e.Subscribers, fmt.Sprintf("sub-%d", s))
	}
	return e
}

func mustAppend(t *testing.T, l *Log, e *Entry) uint64 {
	t.Helper()
	seq, err := l.Append(context.Background(), e)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return seq
}

func TestReopenReturnsIncompleteEntries(t *testing.T) {
	dir := t.TempDir()
	l, pending := open(t, dir, Options{})
	if len(pending) != 0 {
		t.Fatalf("fresh log has %d pending entries", len(pending))
	}
	e1, e2, e3 := entry(1, 2), entry(2, 2), entry(3, 1)
	s1, s2, s3 := mustAppend(t, l, e1), mustAppend(t, l, e2), mustAppend(t, l, e3)
	if !(s1 < s2 && s2 < s3) {
		t.Errorf("sequence numbers not increasing: %d %d %d", s1, s2, s3)
	}
	l.Complete(s1, 0)
	l.Complete(s1, 1)
	l.Complete(s2, 1)
	l.Complete(s2, 1) // duplicate completions are harmless
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l2, pending := open(t, dir, Options{})
	defer l2.Close()
	e2.Done, e3.Done = []bool{false, true}, []bool{false}
	want := []Entry{*e2, *e3}
	if diff := cmp.Diff(want, pending); diff != "" {
		t.Errorf("pending entries (-want +got):\n%s", diff)
	}
	// Completing them after the restart finishes them for good.
	l2.Complete(s2, 0)
	l2.Complete(s3, 0)
	if err := l2.Close(); err != nil {
		t.Fatal(err)
	}
	l3, pending := open(t, dir, Options{})
	defer l3.Close()
	if len(pending) != 0 {
		t.Errorf("after completing everything, %d entries pending", len(pending))
	}
	if s := mustAppend(t, l3, entry(4, 1)); s <= s3 {
		t.Errorf("sequence %d after restart reuses an earlier number (last %d)", s, s3)
	}
}

func TestGroupCommitBatchesFsyncs(t *testing.T) {
	syncer := &countingSyncer{}
	l, _ := open(t, t.TempDir(), Options{Syncer: syncer})
	defer l.Close()
	base := syncer.n.Load() // Open syncs once

	// Hold the first commit's fsync; everything appended meanwhile must be
	// committed together with one more fsync.
	gate, in := make(chan struct{}), make(chan struct{}, 1)
	syncer.mu.Lock()
	syncer.gate, syncer.in = gate, in
	syncer.mu.Unlock()

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		mustAppend(t, l, entry(0, 1))
	}()
	<-in // the writer is inside the first fsync

	const n = 100
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mustAppend(t, l, entry(i, 1))
		}(i)
	}
	for len(l.reqs) < n {
		// wait until all n appends are queued behind the held fsync
		runtime.Gosched()
	}
	close(gate)
	wg.Wait()

	if got := syncer.n.Load() - base; got != 2 {
		t.Errorf("%d appends took %d fsyncs, want 2 (one held, one for the queued batch)", n+1, got)
	}
	st := l.Stats()
	if st.Appends != n+1 || st.Commits != 2 {
		t.Errorf("stats = %+v, want %d appends in 2 commits", st, n+1)
	}
}

func TestCompletionsDoNotFsync(t *testing.T) {
	syncer := &countingSyncer{}
	l, _ := open(t, t.TempDir(), Options{Syncer: syncer})
	seq := mustAppend(t, l, entry(1, 3))
	before := syncer.n.Load()
	l.Complete(seq, 0)
	l.Complete(seq, 1)
	// A third append forces a commit behind the completions.
	mustAppend(t, l, entry(2, 1))
	if got := syncer.n.Load() - before; got != 1 {
		t.Errorf("two completions and an append took %d fsyncs, want 1", got)
	}
	if st := l.Stats(); st.Completions != 2 || st.Live != 2 {
		t.Errorf("stats = %+v, want 2 completions and 2 live entries", st)
	}
	l.Close()
}

func segmentFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*"+segmentSuffix))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFinishedSegmentsAreRemoved(t *testing.T) {
	dir := t.TempDir()
	l, _ := open(t, dir, Options{SegmentBytes: 512})
	// One entry stays incomplete in the first segment; everything after it
	// completes.
	stuck := mustAppend(t, l, entry(0, 2))
	for i := 1; i <= 50; i++ {
		seq := mustAppend(t, l, entry(i, 1))
		l.Complete(seq, 0)
		if i == 10 {
			// Recorded several segments after the entry, in a segment
			// that will be removed.
			l.Complete(stuck, 0)
		}
	}
	mustAppend(t, l, entry(99, 1)) // flush the completions queued above
	st := l.Stats()
	if st.SegmentsRemoved == 0 {
		t.Fatalf("no segment was removed; files: %v", segmentFiles(t, dir))
	}
	files := segmentFiles(t, dir)
	// Left: the first segment (holds the stuck entry) and the active one,
	// possibly the one with entry 99 if it rotated exactly there.
	if len(files) > 3 {
		t.Errorf("%d segment files left, want at most 3: %v", len(files), files)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	// The stuck entry's first subscriber finished in a segment that has
	// been removed since; the checkpoint carried that forward.
	l2, pending := open(t, dir, Options{SegmentBytes: 512})
	var found *Entry
	for i := range pending {
		if pending[i].Seq == stuck {
			found = &pending[i]
		}
	}
	if found == nil {
		t.Fatalf("stuck entry %d not pending after reopen: %v", stuck, pending)
	}
	if diff := cmp.Diff([]bool{true, false}, found.Done); diff != "" {
		t.Errorf("stuck entry Done (-want +got):\n%s", diff)
	}
	for _, p := range pending {
		l2.Complete(p.Seq, 0)
		l2.Complete(p.Seq, 1)
	}
	if err := l2.Close(); err != nil {
		t.Fatal(err)
	}
	l3, pending := open(t, dir, Options{})
	defer l3.Close()
	if len(pending) != 0 {
		t.Errorf("%d entries pending after completing all", len(pending))
	}
	if files := segmentFiles(t, dir); len(files) != 1 {
		t.Errorf("segment files after everything completed = %v, want only the active one", files)
	}
}

func TestTornTailIsIgnored(t *testing.T) {
	dir := t.TempDir()
	l, _ := open(t, dir, Options{})
	mustAppend(t, l, entry(1, 1))
	mustAppend(t, l, entry(2, 1))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	files := segmentFiles(t, dir)
	last := files[len(files)-1]
	data, err := os.ReadFile(last)
	if err != nil {
		t.Fatal(err)
	}
	// A crash in the middle of writing a third record: half a frame.
	torn := appendFrame(nil, encodeEntry(entry(3, 1)))
	if err := os.WriteFile(last, append(data, torn[:len(torn)/2]...), 0o640); err != nil {
		t.Fatal(err)
	}
	l2, pending := open(t, dir, Options{})
	defer l2.Close()
	if len(pending) != 2 || string(pending[0].Event) != string(entry(1, 1).Event) || string(pending[1].Event) != string(entry(2, 1).Event) {
		t.Errorf("pending = %v, want entries 1 and 2 intact", pending)
	}
}

func TestCorruptRecordEndsSegment(t *testing.T) {
	dir := t.TempDir()
	l, _ := open(t, dir, Options{})
	mustAppend(t, l, entry(1, 1))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	files := segmentFiles(t, dir)
	last := files[len(files)-1]
	data, _ := os.ReadFile(last)
	data[len(data)-1] ^= 0xff // flip a bit of the payload: CRC mismatch
	if err := os.WriteFile(last, data, 0o640); err != nil {
		t.Fatal(err)
	}
	l2, pending := open(t, dir, Options{})
	defer l2.Close()
	if len(pending) != 0 {
		t.Errorf("a corrupt record was replayed: %v", pending)
	}
}

func TestAppendAfterCloseFails(t *testing.T) {
	l, _ := open(t, t.TempDir(), Options{})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(context.Background(), entry(1, 1)); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close = %v, want ErrClosed", err)
	}
	l.Complete(1, 0) // must not panic
	if err := l.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestSyncFailureRefusesAppends(t *testing.T) {
	syncer := &countingSyncer{}
	l, _ := open(t, t.TempDir(), Options{Syncer: syncer})
	defer l.Close()
	syncer.mu.Lock()
	syncer.err = errors.New("disk on fire")
	syncer.mu.Unlock()
	if _, err := l.Append(context.Background(), entry(1, 1)); err == nil {
		t.Fatal("Append succeeded although fsync failed")
	}
	syncer.mu.Lock()
	syncer.err = nil
	syncer.mu.Unlock()
	if _, err := l.Append(context.Background(), entry(2, 1)); err == nil {
		t.Error("Append succeeded on a log whose fsync failed before")
	}
}

func TestEntryWithoutSubscribersIsRejected(t *testing.T) {
	l, _ := open(t, t.TempDir(), Options{})
	defer l.Close()
	if _, err := l.Append(context.Background(), entry(1, 0)); err == nil {
		t.Error("Append accepted an entry nobody must receive")
	}
}
