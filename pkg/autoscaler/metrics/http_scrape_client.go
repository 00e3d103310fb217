/*
Copyright 2026 The Skiff Authors

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

package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	netheader "knative.dev/networking/pkg/http/header"
)

var errUnsupportedMetricType = errors.New("unsupported metric type")

// scrapeClient fetches one Stat.
type scrapeClient interface {
	// Do executes the given request and decodes the Stat in the response.
	Do(*http.Request) (Stat, error)
}

// httpScrapeClient asks a queue-proxy's :9090/metrics for the protobuf
// encoding of its Stat.
type httpScrapeClient struct {
	httpClient *http.Client
}

// scrapeError is a failed scrape whose response status could have come from
// a service mesh refusing direct pod access (502 or 503).
type scrapeError struct {
	error
	mightBeMesh bool
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func newHTTPScrapeClient(httpClient *http.Client) *httpScrapeClient {
	return &httpScrapeClient{httpClient: httpClient}
}

var acceptProtobuf = []string{netheader.ProtobufMIMEType}

func (c *httpScrapeClient) Do(req *http.Request) (Stat, error) {
	req.Header["Accept"] = acceptProtobuf
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return Stat{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < http.StatusOK || resp.StatusCode >= http.StatusMultipleChoices {
		// Drain a little so the connection can be reused.
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return Stat{}, scrapeError{
			error:       fmt.Errorf("GET request for URL %q returned HTTP status %v", req.URL.String(), resp.StatusCode),
			mightBeMesh: isPotentialMeshErrorResponse(resp),
		}
	}
	if resp.Header.Get("Content-Type") != netheader.ProtobufMIMEType {
		return Stat{}, errUnsupportedMetricType
	}
	return statFromProto(resp.Body)
}

// isPotentialMeshErrorResponse reports whether a response status is what a
// mesh sidecar answers when a pod is addressed directly (as
// knative.dev/networking's http.IsPotentialMeshErrorResponse).
func isPotentialMeshErrorResponse(resp *http.Response) bool {
	return resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusBadGateway
}

// isPotentialMeshError reports whether a scrape error is compatible with a
// mesh being enabled.
func isPotentialMeshError(err error) bool {
	var se scrapeError
	return errors.As(err, &se) && se.mightBeMesh
}

func statFromProto(body io.Reader) (Stat, error) {
	b := bufPool.Get().(*bytes.Buffer)
	b.Reset()
	defer bufPool.Put(b)
	// A valid Stat is at most MaxStatSize bytes; read one more to notice a
	// body that is not a Stat at all without reading all of it.
	if _, err := b.ReadFrom(io.LimitReader(body, MaxStatSize+1)); err != nil {
		return Stat{}, fmt.Errorf("reading body failed: %w", err)
	}
	if b.Len() > MaxStatSize {
		return Stat{}, fmt.Errorf("stat larger than %d bytes", MaxStatSize)
	}
	var stat Stat
	if err := stat.Unmarshal(b.Bytes()); err != nil {
		return Stat{}, fmt.Errorf("unmarshalling failed: %w", err)
	}
	return stat, nil
}
