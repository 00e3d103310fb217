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

// Command eventrecorder is the e2e tests' CloudEvents sink (upstream's event-display):
// it logs one line per request and answers $STATUS (default 202), so it serves both
// as a dead-letter sink (logs what arrives, with the knativeerror* extensions) and as a
// subscriber that always fails (STATUS=503: every attempt is logged, so retries can be
// counted with kubectl logs).
//
//	received id=<id> type=<type> source=<source> ext=<k=v;...> data=<data> -> <status>
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"

	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
)

func main() {
	status := http.StatusAccepted
	if s := os.Getenv("STATUS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			log.Fatalf("STATUS=%q: %v", s, err)
		}
		status = n
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		ev, err := cehttp.NewEventFromHTTPRequest(r)
		if err != nil {
			log.Printf("not a CloudEvent: %v -> 400", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var ext []string
		for k, v := range ev.Extensions() {
			ext = append(ext, fmt.Sprintf("%s=%v", k, v))
		}
		sort.Strings(ext)
		log.Printf("received id=%s type=%s source=%s ext=%s data=%s -> %d",
			ev.ID(), ev.Type(), ev.Source(), strings.Join(ext, ";"), string(ev.Data()), status)
		w.WriteHeader(status)
	})
	log.Printf("listening on :%s, answering %d", port, status)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
