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

package proxy

import (
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/apimachinery/pkg/labels"
)

func labelsEverything() labels.Selector { return labels.Everything() }

// dialTimeout bounds a connection attempt to one endpoint before the next is tried.
const dialTimeout = 2 * time.Second

// listener forwards TCP connections on one address to a Service's endpoints.
type listener struct {
	p        *Proxy
	ln       net.Listener
	backends atomic.Pointer[[]string]
	next     atomic.Uint32
	conns    sync.WaitGroup
}

func listen(p *Proxy, addr string) (*listener, error) {
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		return nil, err
	}
	l := &listener{p: p, ln: ln}
	empty := []string{}
	l.backends.Store(&empty)
	l.next.Store(rand.Uint32())
	go l.serve()
	return l, nil
}

func (l *listener) setBackends(b []string) { l.backends.Store(&b) }

// close stops accepting; established connections continue, as with conntrack.
func (l *listener) close() { l.ln.Close() }

func (l *listener) serve() {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				continue
			}
			return
		}
		go l.handle(c.(*net.TCPConn))
	}
}

func (l *listener) handle(in *net.TCPConn) {
	defer in.Close()
	backends := *l.backends.Load()
	if len(backends) == 0 {
		in.SetLinger(0) // reset, as a reject rule would
		return
	}
	start := int(l.next.Add(1))
	var out *net.TCPConn
	for i := range backends {
		b := backends[(start+i)%len(backends)]
		c, err := net.DialTimeout("tcp4", b, dialTimeout)
		if err == nil {
			out = c.(*net.TCPConn)
			break
		}
	}
	if out == nil {
		in.SetLinger(0)
		return
	}
	defer out.Close()
	in.SetNoDelay(true)
	out.SetNoDelay(true)
	done := make(chan struct{})
	go func() {
		// TCPConn.ReadFrom splices on Linux: no copying through user space.
		io.Copy(out, in)
		out.CloseWrite()
		close(done)
	}()
	io.Copy(in, out)
	in.CloseWrite()
	<-done
}
