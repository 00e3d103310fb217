/*
Copyright 2025 The Skiff Authors

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

// Package image is the local image store of Skiff's node agent. There are no container
// images locally: an image reference resolves to an executable that runs over a view
// of the host's root filesystem.
//
//   - `ko://<import path>` builds that Go main package of the Skiff module with
//     `go build`, as `ko` would (run as the nonroot user 65532 of ko's default base image,
//     KO_DATA_PATH=/var/run/ko; not static: it runs over the host's root filesystem). This is how Skiff's own components in
//     config/ run as Pods.
//   - Any other name (e.g. `dev.local/hello-go:serving`) must have been added with
//     `skiff image add NAME DIR`: DIR is a Go main package (built with `go build`) or an
//     executable file.
//
// Builds are cached by a hash of the sources (the enclosing module's files, its go.mod,
// go.sum and vendor/modules.txt, the Go version and the build flags), so an unchanged
// package is never rebuilt and a changed one always is.
package image

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// KoPrefix marks an image reference built from a Go import path.
const KoPrefix = "ko://"

// NonRootUID is the user ko's default base image runs as.
const NonRootUID = 65532

// KoDataPath is where a ko image's kodata directory appears.
const KoDataPath = "/var/run/ko"

// ErrNotFound is returned (wrapped) for a reference that is neither ko:// nor added.
var ErrNotFound = errors.New("image not found in the local image store")

// Kind says how an entry's path is turned into an executable.
type Kind string

const (
	// KindGo is a Go main package directory, built with go build.
	KindGo Kind = "go"
	// KindExecutable is an executable file, used as is.
	KindExecutable Kind = "executable"
)

// Entry is an image added with Add.
type Entry struct {
	Name  string    `json:"name"`
	Path  string    `json:"path"`
	Kind  Kind      `json:"kind"`
	Added time.Time `json:"added"`
}

// Image is a resolved reference: what the node agent mounts and runs.
type Image struct {
	// Ref is the reference as given in the Pod.
	Ref string
	// Binary is the executable on the host.
	Binary string
	// Entrypoint is where Binary appears inside the container (the image's entrypoint
	// when the container sets no command).
	Entrypoint string
	// ID identifies the build (a content hash), for the container status' imageID.
	ID string
	// UID is the user the image runs as unless the Pod says otherwise.
	UID int64
	// Env are the image's default environment variables.
	Env []string
	// KoData is a host directory to mount at KoDataPath ("" if none).
	KoData string
	// Built is true if Resolve had to build (not a cache hit).
	Built bool
}

// Store resolves image references.
type Store struct {
	// Dir holds the registry of added images (images.json), normally $SKIFF_HOME.
	Dir string
	// CacheDir holds built binaries, normally $SKIFF_CACHE/images.
	CacheDir string
	// SourceRoot is the Skiff module root that ko:// references are built in.
	SourceRoot string
	// Log receives build progress; nil discards it.
	Log io.Writer

	mu     sync.Mutex
	keys   map[string]*sync.Mutex
	build  sync.Mutex // one go build at a time: it uses every core by itself
	hashes fileHashCache
}

// DefaultCacheDir is $SKIFF_CACHE/images, or the user cache directory's skiff/images.
func DefaultCacheDir() (string, error) {
	root := os.Getenv("SKIFF_CACHE")
	if root == "" {
		uc, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("finding a cache directory (set SKIFF_CACHE): %w", err)
		}
		root = filepath.Join(uc, "skiff")
	}
	return filepath.Join(root, "images"), nil
}

func (s *Store) registry() string { return filepath.Join(s.Dir, "images.json") }

// Normalize returns the canonical form of a reference: docker.io/library/ prefixes
// dropped, ":latest" added when there is no tag, a digest dropped (local images have
// none).
func Normalize(ref string) string {
	if strings.HasPrefix(ref, KoPrefix) {
		return ref
	}
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	ref = strings.TrimPrefix(ref, "docker.io/")
	ref = strings.TrimPrefix(ref, "index.docker.io/")
	ref = strings.TrimPrefix(ref, "library/")
	if !strings.Contains(ref[strings.LastIndex(ref, "/")+1:], ":") {
		ref += ":latest"
	}
	return ref
}

func (s *Store) lockRegistry() (func(), error) {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(s.registry()+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

func (s *Store) load() (map[string]Entry, error) {
	m := map[string]Entry{}
	b, err := os.ReadFile(s.registry())
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	var list []Entry
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", s.registry(), err)
	}
	for _, e := range list {
		m[e.Name] = e
	}
	return m, nil
}

func (s *Store) save(m map[string]Entry) error {
	list := make([]Entry, 0, len(m))
	for _, e := range m {
		list = append(list, e)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	b, _ := json.MarshalIndent(list, "", "  ")
	tmp := s.registry() + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, s.registry())
}

// Add maps name to path (a Go main package directory or an executable file) and, for a
// Go package, builds it now so mistakes show at once. Adding a name again replaces it.
func (s *Store) Add(ctx context.Context, name, path string) (*Image, error) {
	if name == "" || strings.HasPrefix(name, KoPrefix) {
		return nil, fmt.Errorf("invalid image name %q (ko:// references need no adding)", name)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("image source: %w", err)
	}
	e := Entry{Name: Normalize(name), Path: abs, Added: time.Now().UTC()}
	switch {
	case st.IsDir():
		e.Kind = KindGo
		if m, _ := filepath.Glob(filepath.Join(abs, "*.go")); len(m) == 0 {
			return nil, fmt.Errorf("%s has no .go files: give a Go main package directory or an executable file", abs)
		}
	case st.Mode()&0o111 != 0:
		e.Kind = KindExecutable
	default:
		return nil, fmt.Errorf("%s is neither a directory (Go main package) nor an executable file", abs)
	}
	img, err := s.resolveEntry(ctx, e.Name, e)
	if err != nil {
		return nil, err
	}
	unlock, err := s.lockRegistry()
	if err != nil {
		return nil, err
	}
	defer unlock()
	m, err := s.load()
	if err != nil {
		return nil, err
	}
	m[e.Name] = e
	if err := s.save(m); err != nil {
		return nil, fmt.Errorf("saving the image registry: %w", err)
	}
	return img, nil
}

// Remove forgets name.
func (s *Store) Remove(name string) error {
	unlock, err := s.lockRegistry()
	if err != nil {
		return err
	}
	defer unlock()
	m, err := s.load()
	if err != nil {
		return err
	}
	if _, ok := m[Normalize(name)]; !ok {
		return fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	delete(m, Normalize(name))
	return s.save(m)
}

// List returns the added images, sorted by name.
func (s *Store) List() ([]Entry, error) {
	m, err := s.load()
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(m))
	for _, e := range m {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// NotFoundError explains how to make ref resolvable.
func NotFoundError(ref string) error {
	return fmt.Errorf("%w: %q; add it with `skiff image add %s DIR` (DIR: a Go main package directory or an executable)",
		ErrNotFound, ref, Normalize(ref))
}

// Resolve returns the executable for ref, building it if needed.
func (s *Store) Resolve(ctx context.Context, ref string) (*Image, error) {
	if ip, ok := strings.CutPrefix(ref, KoPrefix); ok {
		return s.resolveKo(ctx, ref, ip)
	}
	m, err := s.load()
	if err != nil {
		return nil, err
	}
	e, ok := m[Normalize(ref)]
	if !ok {
		return nil, NotFoundError(ref)
	}
	return s.resolveEntry(ctx, ref, e)
}

func (s *Store) resolveEntry(ctx context.Context, ref string, e Entry) (*Image, error) {
	switch e.Kind {
	case KindExecutable:
		st, err := os.Stat(e.Path)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w (re-add it with skiff image add)", ref, err)
		}
		return &Image{Ref: ref, Binary: e.Path, Entrypoint: "/ko-app/" + filepath.Base(e.Path),
			ID: fmt.Sprintf("file:%s@%d", e.Path, st.ModTime().UnixNano())}, nil
	case KindGo:
		img, err := s.buildGo(ctx, ref, e.Path, ".")
		if err != nil {
			return nil, err
		}
		return img, nil
	}
	return nil, fmt.Errorf("image %s: unknown kind %q", ref, e.Kind)
}

func (s *Store) resolveKo(ctx context.Context, ref, importPath string) (*Image, error) {
	if s.SourceRoot == "" {
		return nil, fmt.Errorf("cannot build %s: the Skiff source tree is unknown (set SKIFF_SOURCE)", ref)
	}
	mod, err := modulePath(filepath.Join(s.SourceRoot, "go.mod"))
	if err != nil {
		return nil, err
	}
	rel, ok := strings.CutPrefix(importPath, mod)
	if !ok || (rel != "" && !strings.HasPrefix(rel, "/")) {
		return nil, fmt.Errorf("cannot build %s: only packages of module %s (in %s) can be built locally", ref, mod, s.SourceRoot)
	}
	dir := filepath.Join(s.SourceRoot, filepath.FromSlash(rel))
	img, err := s.buildGo(ctx, ref, dir, importPath)
	if err != nil {
		return nil, err
	}
	img.UID = NonRootUID
	img.Env = append(img.Env, "KO_DATA_PATH="+KoDataPath)
	if st, err := os.Stat(filepath.Join(dir, "kodata")); err == nil && st.IsDir() {
		img.KoData = filepath.Join(dir, "kodata")
	}
	return img, nil
}

func (s *Store) keyLock(key string) *sync.Mutex {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string]*sync.Mutex{}
	}
	if s.keys[key] == nil {
		s.keys[key] = &sync.Mutex{}
	}
	return s.keys[key]
}
