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

// Package container runs one container of a local Pod as a process of this machine:
// in the Pod's network namespace, with a mount, PID, UTS and IPC namespace of its own,
// over a private copy-on-write view of the host's root filesystem (an overlay whose
// upper layer is the container's own directory, so the host's files never change), with
// /proc, /sys, a minimal /dev, the Pod's volumes at their mount paths, its hostname, and
// the requested user, groups and capabilities.
//
// The process is started through a re-execution of the running binary (like runc's
// init): the child, PID 1 of its new PID namespace, sets the namespaces and mounts up
// and then execs the container's command, which so becomes PID 1 itself. Any binary
// that links this package can start containers; the re-executed copy is recognised in
// this package's init function, before main or TestMain run.
package container

// InitArg is argv[0] of the re-executed binary that sets a container up.
const InitArg = "skiff-container-init"

// Mount is a bind mount of a host path into the container.
type Mount struct {
	// Source is a host path (file or directory).
	Source string `json:"source"`
	// Target is the absolute path inside the container; missing directories (or an
	// empty file, when Source is a file) are created in the container's view.
	Target string `json:"target"`
	// ReadOnly mounts it read-only.
	ReadOnly bool `json:"readOnly,omitempty"`
}

// Spec is everything the init process needs to set a container up.
type Spec struct {
	// Dir is the container's private directory on the host: the overlay's upper and
	// work directories and the root mount point are created in it. It must be empty or
	// missing at start.
	Dir string `json:"dir"`
	// NetNS is the network namespace file to join; empty keeps the host's network.
	NetNS string `json:"netns,omitempty"`
	// Hostname is set in the container's UTS namespace.
	Hostname string `json:"hostname"`
	// ReadOnlyRoot makes the root filesystem (and /tmp) read-only.
	ReadOnlyRoot bool `json:"readOnlyRoot,omitempty"`
	// Mounts are applied in order (parents before children).
	Mounts []Mount `json:"mounts,omitempty"`
	// Args is the command line; Args[0] is looked up in the PATH of Env when it has no
	// slash.
	Args []string `json:"args"`
	// Env is the complete environment.
	Env []string `json:"env,omitempty"`
	// WorkingDir is the working directory ("" means /).
	WorkingDir string `json:"workingDir,omitempty"`
	// UID, GID and Groups are the process's credentials.
	UID    uint32   `json:"uid"`
	GID    uint32   `json:"gid"`
	Groups []uint32 `json:"groups,omitempty"`
	// NoNewPrivs sets PR_SET_NO_NEW_PRIVS (allowPrivilegeEscalation: false).
	NoNewPrivs bool `json:"noNewPrivs,omitempty"`
	// Capabilities is the bounding set for a root process (names such as
	// "CAP_NET_BIND_SERVICE"); nil means DefaultCapabilities. A non-root process has no
	// capabilities.
	Capabilities []string `json:"capabilities"`
}

// DefaultCapabilities are the capabilities a root container gets unless its
// securityContext changes them: the container runtimes' default set.
var DefaultCapabilities = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// capNames maps capability names to numbers (linux/capability.h).
var capNames = map[string]int{
	"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_DAC_READ_SEARCH": 2, "CAP_FOWNER": 3, "CAP_FSETID": 4,
	"CAP_KILL": 5, "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_SETPCAP": 8, "CAP_LINUX_IMMUTABLE": 9,
	"CAP_NET_BIND_SERVICE": 10, "CAP_NET_BROADCAST": 11, "CAP_NET_ADMIN": 12, "CAP_NET_RAW": 13,
	"CAP_IPC_LOCK": 14, "CAP_IPC_OWNER": 15, "CAP_SYS_MODULE": 16, "CAP_SYS_RAWIO": 17,
	"CAP_SYS_CHROOT": 18, "CAP_SYS_PTRACE": 19, "CAP_SYS_PACCT": 20, "CAP_SYS_ADMIN": 21,
	"CAP_SYS_BOOT": 22, "CAP_SYS_NICE": 23, "CAP_SYS_RESOURCE": 24, "CAP_SYS_TIME": 25,
	"CAP_SYS_TTY_CONFIG": 26, "CAP_MKNOD": 27, "CAP_LEASE": 28, "CAP_AUDIT_WRITE": 29,
	"CAP_AUDIT_CONTROL": 30, "CAP_SETFCAP": 31, "CAP_MAC_OVERRIDE": 32, "CAP_MAC_ADMIN": 33,
	"CAP_SYSLOG": 34, "CAP_WAKE_ALARM": 35, "CAP_BLOCK_SUSPEND": 36, "CAP_AUDIT_READ": 37,
	"CAP_PERFMON": 38, "CAP_BPF": 39, "CAP_CHECKPOINT_RESTORE": 40,
}

// AllCapabilities lists every capability name, for privileged containers.
func AllCapabilities() []string {
	out := make([]string, 0, len(capNames))
	for n := range capNames {
		out = append(out, n)
	}
	return out
}

// KnownCapability reports whether name (with the CAP_ prefix) is a capability.
func KnownCapability(name string) bool {
	_, ok := capNames[name]
	return ok
}
