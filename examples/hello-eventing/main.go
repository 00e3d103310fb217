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

// Command hello-eventing is the seed's Eventing sample: a CloudEvents receiver (the
// CloudEvents Go SDK's default client, HTTP on port 8080) that logs the "msg" of each
// event's JSON data and answers 400 to data it cannot parse, so the sender retries and
// finally dead-letters it. Run it on Skiff with:
//
//	skiff image add dev.local/hello-go:eventing examples/hello-eventing
//	skiff kubectl apply -f examples/hello-eventing/app.yaml \
//	  -f examples/hello-eventing/broker.yaml -f examples/hello-eventing/trigger.yaml
package main

import (
	"context"
	"log"

	cloudevents "github.com/cloudevents/sdk-go/v2"
)

// HelloWorld is the data of a dev.knative.samples.helloworld event.
type HelloWorld struct {
	Msg string `json:"msg,omitempty"`
}

func receive(ctx context.Context, event cloudevents.Event) (*cloudevents.Event, cloudevents.Result) {
	data := &HelloWorld{}
	if err := event.DataAs(data); err != nil {
		log.Printf("Error while extracting cloudevent Data: %s\n", err.Error())
		return nil, cloudevents.NewHTTPResult(400, "failed to convert data: %s", err)
	}
	log.Printf("Hello World Message from received event %q", data.Msg)
	return nil, nil
}

func main() {
	c, err := cloudevents.NewDefaultClient()
	if err != nil {
		log.Fatalf("failed to create client, %v", err)
	}
	log.Fatal(c.StartReceiver(context.Background(), receive))
}
