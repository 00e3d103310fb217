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

// Command sender is the e2e tests' ContainerSource and SinkBinding subject (upstream's
// heartbeats, smaller): every second it POSTs a binary-mode CloudEvent with data
// {"msg":$MSG} to $K_SINK, adding the extensions of $K_CE_OVERRIDES, both injected by
// the SinkBinding. Without K_SINK it waits for the binding (the webhook restarts the Pod).
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	sink := os.Getenv("K_SINK")
	msg := os.Getenv("MSG")
	source := os.Getenv("SOURCE")
	if source == "" {
		source = "dev.knative.e2e/sender"
	}
	var overrides struct {
		Extensions map[string]string `json:"extensions"`
	}
	if s := os.Getenv("K_CE_OVERRIDES"); s != "" {
		if err := json.Unmarshal([]byte(s), &overrides); err != nil {
			log.Fatalf("K_CE_OVERRIDES=%q: %v", s, err)
		}
	}
	// As PID 1 of its Pod the sender gets no default SIGTERM handling: exit on it, so
	// a deleted Pod stops sending at once rather than after its grace period.
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-term
		log.Print("terminating")
		os.Exit(0)
	}()
	log.Printf("sending %q to K_SINK=%q every second (overrides %v)", msg, sink, overrides.Extensions)
	data, _ := json.Marshal(map[string]string{"msg": msg})
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 1; ; i++ {
		time.Sleep(time.Second)
		if sink == "" {
			continue
		}
		req, err := http.NewRequest(http.MethodPost, sink, strings.NewReader(string(data)))
		if err != nil {
			log.Fatalf("K_SINK=%q: %v", sink, err)
		}
		req.Header.Set("Ce-Id", fmt.Sprintf("%s-%d", os.Getenv("HOSTNAME"), i))
		req.Header.Set("Ce-Specversion", "1.0")
		req.Header.Set("Ce-Type", "dev.knative.e2e.sender")
		req.Header.Set("Ce-Source", source)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range overrides.Extensions {
			req.Header.Set("Ce-"+k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			log.Printf("event %d: %v", i, err)
			continue
		}
		resp.Body.Close()
		log.Printf("event %d: %s", i, resp.Status)
	}
}
