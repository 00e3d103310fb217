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

package netns

import (
	"errors"
	"fmt"
	"net"

	"golang.org/x/sys/unix"

	"github.com/skiffhq/skiff/pkg/local/netlink"
)

// AddHostAddress puts ip/32 on the interface ifname in the caller's namespace, without a
// prefix route: the address becomes local (so listeners can bind it and traffic to it
// from Pods and the host is delivered here) and changes no routing. It reports whether
// the address was added (false: it was already there).
func AddHostAddress(ifname string, ip net.IP) (bool, error) {
	ifc, err := net.InterfaceByName(ifname)
	if err != nil {
		return false, fmt.Errorf("interface %s: %w", ifname, err)
	}
	c, err := netlink.Dial()
	if err != nil {
		return false, err
	}
	defer c.Close()
	err = c.AddAddr(ifc.Index, ip, 32, unix.IFA_F_NOPREFIXROUTE)
	if errors.Is(err, unix.EEXIST) {
		return false, nil
	}
	if err != nil {
		return false, wrapPerm(fmt.Errorf("adding %s/32 to %s: %w", ip, ifname, err))
	}
	return true, nil
}

// DelHostAddress removes ip/32 from ifname; a missing address or interface is fine.
func DelHostAddress(ifname string, ip net.IP) error {
	ifc, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil
	}
	c, err := netlink.Dial()
	if err != nil {
		return err
	}
	defer c.Close()
	err = c.DelAddr(ifc.Index, ip, 32)
	if err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) && !errors.Is(err, unix.ENODEV) {
		return fmt.Errorf("removing %s/32 from %s: %w", ip, ifname, err)
	}
	return nil
}
