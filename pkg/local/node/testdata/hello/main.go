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

// Command hello is the node agent tests' workload: an HTTP server that reports what a
// container sees.
//
//	GET /            hello, <$TARGET>! (from <hostname>)
//	GET /env?k=NAME  the value of an environment variable
//	GET /file?p=PATH the content of a file
//	GET /get?url=URL fetches URL (from inside the Pod) and returns the body
//	GET /healthz     200, or 503 while the file /tmp/unhealthy exists
//	GET /whoami      uid gid hostname pid
//	GET /exit?code=N exits with code N
package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	host, _ := os.Hostname()
	target := os.Getenv("TARGET")
	if target == "" {
		target = "world"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		log.Printf("request %s %s", r.Method, r.URL.Path)
		fmt.Fprintf(w, "hello, %s! (from %s)\n", target, host)
	})
	mux.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) {
		v, ok := os.LookupEnv(r.URL.Query().Get("k"))
		if !ok {
			http.Error(w, "unset", http.StatusNotFound)
			return
		}
		io.WriteString(w, v)
	})
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(r.URL.Query().Get("p"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		w.Write(b)
	})
	mux.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		if err := os.WriteFile(r.URL.Query().Get("p"), []byte("x"), 0o644); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		c := &http.Client{Timeout: 5 * time.Second}
		resp, err := c.Get(r.URL.Query().Get("url"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		io.Copy(w, resp.Body)
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := os.Stat("/tmp/unhealthy"); err == nil {
			http.Error(w, "unhealthy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%d %d %s %d", os.Getuid(), os.Getgid(), host, os.Getpid())
	})
	mux.HandleFunc("/exit", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("exiting on request")
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		io.WriteString(w, "bye")
		go func() { time.Sleep(50 * time.Millisecond); os.Exit(code) }()
	})
	srv := &http.Server{Addr: ":" + port, Handler: mux}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM)
		<-sig
		log.Print("SIGTERM: shutting down")
		srv.Close()
	}()
	log.Printf("hello listening on :%s", port)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
	log.Print("bye")
}
