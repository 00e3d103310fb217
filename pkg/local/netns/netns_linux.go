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

// Package netns gives each local Pod its own network namespace on the skiff0 bridge:
// a persisted namespace (a bind mount under a runtime directory, as `ip netns add`
// makes), a veth pair whose host end is a bridge port, an address from the pod CIDR
// (machine-wide IPAM, so several node agents sharing the bridge never hand out the same
// address), loopback up and a default route via the bridge's host address.
package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/skiffhq/skiff/pkg/local/netlink"
)

// DefaultRunDir holds namespaces and IPAM state. It is machine-wide on purpose: every
// agent on the machine shares the bridge and so the address pool.
const DefaultRunDir = "/run/skiff"

// ErrNotRoot is returned (wrapped) when namespaces cannot be created for lack of
// privileges.
var ErrNotRoot = errors.New("root (CAP_SYS_ADMIN, CAP_NET_ADMIN) is needed to create network namespaces")

func wrapPerm(err error) error {
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return fmt.Errorf("%w: %v", ErrNotRoot, err)
	}
	return err
}

// ensureSharedDir makes dir a mount point with shared propagation, as iproute2 does for
// /run/netns: an unmount of a namespace file then propagates to the copies other mount
// namespaces took, so a deleted namespace is not kept alive by them.
func ensureSharedDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for attempt := 0; attempt < 2; attempt++ {
		err := unix.Mount("", dir, "none", unix.MS_SHARED|unix.MS_REC, "")
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EINVAL) || attempt == 1 {
			return wrapPerm(fmt.Errorf("making %s a shared mount: %w", dir, err))
		}
		// Not a mount point yet: bind it onto itself first.
		if err := unix.Mount(dir, dir, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return wrapPerm(fmt.Errorf("bind-mounting %s: %w", dir, err))
		}
	}
	return nil
}

// Create makes a new network namespace and pins it at path (a bind mount of the
// namespace file), so it outlives the thread that created it. Loopback is brought up.
func Create(path string) (retErr error) {
	if err := ensureSharedDir(filepath.Dir(path)); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDONLY, 0o444)
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	f.Close()
	defer func() {
		if retErr != nil {
			os.Remove(path)
		}
	}()

	errc := make(chan error, 1)
	// A fresh goroutine on a locked thread: unshare moves that thread into the new
	// namespace; if it cannot be moved back the thread is discarded (the goroutine exits
	// while locked), so no other goroutine ever runs in the wrong namespace.
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			errc <- wrapPerm(fmt.Errorf("unshare(CLONE_NEWNET): %w", err))
			runtime.UnlockOSThread()
			return
		}
		err = unix.Mount("/proc/thread-self/ns/net", path, "none", unix.MS_BIND, "")
		if err == nil {
			err = setLoopbackUp()
		}
		if serr := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); serr != nil {
			errc <- errors.Join(err, fmt.Errorf("returning to the host network namespace: %w", serr))
			return // thread stays locked and dies with this goroutine
		}
		runtime.UnlockOSThread()
		errc <- err
	}()
	if err := <-errc; err != nil {
		unix.Unmount(path, unix.MNT_DETACH)
		return fmt.Errorf("creating network namespace %s: %w", path, err)
	}
	return nil
}

func setLoopbackUp() error {
	c, err := netlink.Dial()
	if err != nil {
		return err
	}
	defer c.Close()
	// In a new namespace loopback is always index 1.
	if err := c.SetUp(1); err != nil {
		return fmt.Errorf("setting lo up: %w", err)
	}
	return nil
}

// Delete unpins and removes a namespace created by Create. The namespace itself goes
// away once no process runs in it. A missing path is not an error.
func Delete(path string) error {
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmounting %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing %s: %w", path, err)
	}
	return nil
}

// Do runs fn on an OS thread that has joined the namespace at path. fn must not start
// goroutines that expect to be in the namespace.
func Do(path string, fn func() error) error {
	ns, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("opening network namespace: %w", err)
	}
	defer ns.Close()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- wrapPerm(fmt.Errorf("joining network namespace %s: %w", path, err))
			return
		}
		ferr := fn()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- errors.Join(ferr, fmt.Errorf("returning to the host network namespace: %w", err))
			return // thread discarded
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}
