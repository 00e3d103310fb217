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

// Command hello-go is the seed's Serving sample: an ordinary Go web server that
// answers every request with "hello, world!" on port 8080. Nothing in it knows about
// Knative. Run it on Skiff with:
//
//	skiff image add dev.local/hello-go:serving examples/hello-go
//	skiff kubectl apply -f examples/hello-go/service.yaml
//	curl -H 'Host: hello-go.default.example.com' http://127.0.0.1:8080
package main

import (
	"fmt"
	"log"
	"net/http"
)

func handler(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "hello, world!\n")
}

func main() {
	http.HandleFunc("/", handler)
	port := "8080"
	log.Fatal(http.ListenAndServe(fmt.Sprintf(":%s", port), nil))
}
