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
	"context"
	"errors"
	"fmt"
	"math/rand"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.opencensus.io/stats"
	"go.opencensus.io/stats/view"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
	pkgmetrics "knative.dev/pkg/metrics"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	"github.com/skiffhq/skiff/pkg/networking"
)

const (
	httpClientTimeout = 3 * time.Second

	// scraperPodName is the pod name of the Stat a scrape produces. The
	// sampled pods are averaged into one Stat, so the autoscaler only
	// sees stats from the scraper and from activators.
	scraperPodName = "service-scraper"

	// scraperMaxRetries bounds the attempts of one service scrape worker
	// to reach a pod not seen yet (the Service picks pods at random).
	scraperMaxRetries = 10
)

var (
	// ErrFailedGetEndpoints is returned when the scraper cannot count the
	// revision's pods.
	ErrFailedGetEndpoints = errors.New("failed to get endpoints")

	// ErrDidNotReceiveStat is returned when a service scrape reached a pod
	// that was already scraped instead of a new one.
	ErrDidNotReceiveStat = errors.New("did not receive stat from an unscraped pod")

	// errDirectScrapingNotAvailable means every pod scrape failed the way a
	// mesh fails direct pod access: fall back to scraping the Service.
	errDirectScrapingNotAvailable = errors.New("all pod scrapes returned 503 error")
	errPodsExhausted              = errors.New("pods exhausted")

	scrapeTimeM = stats.Float64(
		"scrape_time",
		"Time to scrape metrics in milliseconds",
		stats.UnitMilliseconds)
)

func init() {
	if err := pkgmetrics.RegisterResourceView(&view.View{
		Description: "The time to scrape metrics in milliseconds",
		Measure:     scrapeTimeM,
		Aggregation: view.Distribution(pkgmetrics.Buckets125(1, 100000)...),
	}); err != nil {
		panic(err)
	}
}

// StatsScraper collects a revision's metrics.
type StatsScraper interface {
	// Scrape returns one Stat standing for all the revision's pods. Pods
	// younger than window are used only if there are not enough older
	// ones, since their averages are skewed low.
	Scrape(window time.Duration) (Stat, error)
}

// PodIPLister lists a revision's ready pods; resources.PodAccessor
// implements it.
type PodIPLister interface {
	// PodIPsSplitByAge returns the ready pods' IPs, split into those at
	// least cutOff old and the younger ones.
	PodIPsSplitByAge(cutOff time.Duration, now time.Time) (older, younger []string, err error)
	// ReadyCount is the number of ready pods.
	ReadyCount() (int, error)
}

// keepAliveClient scrapes pods directly, reusing connections between
// scrapes of the same pod.
var keepAliveClient = &http.Client{
	Timeout: httpClientTimeout,
	Transport: func() *http.Transport {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = 1000
		t.MaxIdleConnsPerHost = 4
		return t
	}(),
}

// noKeepAliveClient scrapes through the Service under a mesh: a new
// connection per scrape lands, hopefully, on another pod.
var noKeepAliveClient = &http.Client{
	Timeout: httpClientTimeout,
	Transport: func() *http.Transport {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DisableKeepAlives = true
		return t
	}(),
}

// serviceScraper scrapes a sample of a revision's pods, directly by pod IP
// when it can, else through the revision's private Service.
type serviceScraper struct {
	meshMode     netcfg.MeshCompatibilityMode
	directClient scrapeClient
	meshClient   scrapeClient

	host     string
	url      string
	statsCtx context.Context
	logger   *zap.SugaredLogger

	pods             PodIPLister
	usePassthroughLb bool
	// podsAddressable turns false once pods failed direct scraping the way
	// a mesh fails it, while the Service worked.
	podsAddressable bool
}

// NewStatsScraper creates a StatsScraper for the revision the Metric is for.
func NewStatsScraper(metric *autoscalingv1alpha1.Metric, revisionName string, pods PodIPLister,
	usePassthroughLb bool, meshMode netcfg.MeshCompatibilityMode, logger *zap.SugaredLogger,
) StatsScraper {
	return newServiceScraperWithClient(metric, revisionName, pods, usePassthroughLb, meshMode,
		newHTTPScrapeClient(keepAliveClient), newHTTPScrapeClient(noKeepAliveClient), logger)
}

func newServiceScraperWithClient(metric *autoscalingv1alpha1.Metric, revisionName string, pods PodIPLister,
	usePassthroughLb bool, meshMode netcfg.MeshCompatibilityMode, directClient, meshClient scrapeClient,
	logger *zap.SugaredLogger,
) *serviceScraper {
	return &serviceScraper{
		meshMode:         meshMode,
		directClient:     directClient,
		meshClient:       meshClient,
		host:             metric.Spec.ScrapeTarget + "." + metric.Namespace,
		url:              urlFromTarget(metric.Spec.ScrapeTarget, metric.Namespace),
		pods:             pods,
		podsAddressable:  true,
		usePassthroughLb: usePassthroughLb,
		statsCtx: RevisionContext(metric.Namespace, metric.Labels[serving.ServiceLabelKey],
			metric.Labels[serving.ConfigurationLabelKey], revisionName),
		logger: logger,
	}
}

var portAndPath = strconv.Itoa(networking.AutoscalingQueueMetricsPort) + "/metrics"

func urlFromTarget(t, ns string) string {
	return fmt.Sprintf("http://%s.%s:", t, ns) + portAndPath
}

// Scrape implements StatsScraper.
func (s *serviceScraper) Scrape(window time.Duration) (stat Stat, err error) {
	start := time.Now()
	defer func() {
		// An empty stat without error means there was nothing to scrape
		// (scaled to zero): not a scrape worth timing.
		if stat == (Stat{}) && err == nil {
			return
		}
		pkgmetrics.RecordBatch(s.statsCtx, scrapeTimeM.M(float64(time.Since(start).Milliseconds())))
	}()

	switch s.meshMode {
	case netcfg.MeshCompatibilityModeEnabled:
		return s.scrapeService(window)
	case netcfg.MeshCompatibilityModeDisabled:
		return s.scrapePods(window)
	default:
		if s.podsAddressable || s.usePassthroughLb {
			stat, err := s.scrapePods(window)
			// Done unless every pod failed the way a mesh fails them.
			if !errors.Is(err, errDirectScrapingNotAvailable) || s.usePassthroughLb {
				return stat, err
			}
		}
		stat, err = s.scrapeService(window)
		if err == nil && s.podsAddressable {
			s.logger.Info("Direct pod scraping off, service scraping on")
			s.podsAddressable = false
		}
		return stat, err
	}
}

// scrapePods scrapes a sample of the pods by IP, older pods first, in
// parallel, moving on to the next pod when one fails.
func (s *serviceScraper) scrapePods(window time.Duration) (Stat, error) {
	pods, youngPods, err := s.pods.PodIPsSplitByAge(window, time.Now())
	if err != nil {
		s.logger.Infow("Error querying pods by age", zap.Error(err))
		return Stat{}, err
	}
	lp, lyp := len(pods), len(youngPods)
	total := lp + lyp
	if total == 0 {
		return Stat{}, nil
	}

	frpc := float64(total)
	sampleSizeF := populationMeanSampleSize(frpc)
	sampleSize := int(sampleSizeF)
	results := make(chan Stat, sampleSize)

	// Shuffle whichever list the sample is drawn from at random: the young
	// pods if there are not enough old ones, else the old ones (young pods
	// then only stand in for failures).
	if lp < sampleSize {
		rand.Shuffle(lyp, func(i, j int) { youngPods[i], youngPods[j] = youngPods[j], youngPods[i] })
	} else {
		rand.Shuffle(lp, func(i, j int) { pods[i], pods[j] = pods[j], pods[i] })
	}
	pods = append(pods, youngPods...)

	grp, egCtx := errgroup.WithContext(context.Background())
	var idx atomic.Int32
	idx.Store(-1)
	var sawNonMeshError atomic.Bool
	for range sampleSize {
		grp.Go(func() error {
			for {
				myIdx := int(idx.Add(1))
				if myIdx >= len(pods) {
					return errPodsExhausted
				}
				target := "http://" + pods[myIdx] + ":" + portAndPath
				req, err := http.NewRequestWithContext(egCtx, http.MethodGet, target, nil)
				if err != nil {
					return err
				}
				if s.usePassthroughLb {
					req.Host = s.host
					req.Header.Add("Knative-Direct-Lb", "true")
				}
				stat, err := s.directClient.Do(req)
				if err == nil {
					results <- stat
					return nil
				}
				if !isPotentialMeshError(err) {
					sawNonMeshError.Store(true)
				}
				s.logger.Infow("Failed scraping pod "+pods[myIdx], zap.Error(err))
			}
		})
	}

	err = grp.Wait()
	close(results)
	if err != nil {
		if len(results) > 0 {
			s.logger.Warn("Too many pods failed scraping for meaningful interpolation")
			return Stat{}, errPodsExhausted
		}
		if sawNonMeshError.Load() {
			s.logger.Warn("0 pods scraped, but did not see a mesh-related error")
			return Stat{}, errPodsExhausted
		}
		s.logger.Warnf("0 pods were successfully scraped out of %d", len(pods))
		return Stat{}, errDirectScrapingNotAvailable
	}
	return computeAverages(results, sampleSizeF, frpc), nil
}

// computeAverages sums the sampled stats and scales them from sample to
// total pods: sampled pods stand for the others.
func computeAverages(results <-chan Stat, sample, total float64) Stat {
	ret := Stat{PodName: scraperPodName}
	for stat := range results {
		ret.add(stat)
	}
	ret.average(sample, total)
	return ret
}

// scrapeService scrapes through the private Service, which picks a pod per
// connection, until sampleSize distinct pods answered (preferring pods
// older than window).
func (s *serviceScraper) scrapeService(window time.Duration) (Stat, error) {
	readyPods, err := s.pods.ReadyCount()
	if err != nil {
		return Stat{}, ErrFailedGetEndpoints
	}
	if readyPods == 0 {
		return Stat{}, nil
	}

	frpc := float64(readyPods)
	sampleSizeF := populationMeanSampleSize(frpc)
	sampleSize := int(sampleSizeF)
	oldStatCh := make(chan Stat, sampleSize)
	youngStatCh := make(chan Stat, sampleSize)
	scrapedPods := &sync.Map{}

	grp, egCtx := errgroup.WithContext(context.Background())
	youngPodCutOffSecs := window.Seconds()
	for range sampleSize {
		grp.Go(func() error {
			for tries := 1; ; tries++ {
				stat, err := s.tryScrape(egCtx, scrapedPods)
				if err != nil {
					if tries >= scraperMaxRetries {
						return err
					}
					continue
				}
				if stat.ProcessUptime >= youngPodCutOffSecs {
					// sampleSize workers each send at most one old stat.
					oldStatCh <- stat
					return nil
				}
				select {
				case youngStatCh <- stat:
				default:
					return nil
				}
			}
		})
	}

	if err := grp.Wait(); err != nil {
		// Enough distinct pods answered even if a worker ran out of tries.
		if !errors.Is(err, ErrDidNotReceiveStat) || len(oldStatCh)+len(youngStatCh) < sampleSize {
			return Stat{}, fmt.Errorf("unsuccessful scrape, sampleSize=%d: %w", sampleSize, err)
		}
	}
	close(oldStatCh)
	close(youngStatCh)

	ret := Stat{PodName: scraperPodName}
	oldCnt := len(oldStatCh)
	for stat := range oldStatCh {
		ret.add(stat)
	}
	for i := oldCnt; i < sampleSize; i++ {
		ret.add(<-youngStatCh)
	}
	ret.average(sampleSizeF, frpc)
	return ret, nil
}

// tryScrape scrapes the Service once and returns the stat if it came from a
// pod not scraped before.
func (s *serviceScraper) tryScrape(ctx context.Context, scrapedPods *sync.Map) (Stat, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return Stat{}, err
	}
	stat, err := s.meshClient.Do(req)
	if err != nil {
		return Stat{}, err
	}
	if _, exists := scrapedPods.LoadOrStore(stat.PodName, struct{}{}); exists {
		return Stat{}, ErrDidNotReceiveStat
	}
	return stat, nil
}

// add adds src's counters to dst.
func (dst *Stat) add(src Stat) {
	dst.AverageConcurrentRequests += src.AverageConcurrentRequests
	dst.AverageProxiedConcurrentRequests += src.AverageProxiedConcurrentRequests
	dst.RequestCount += src.RequestCount
	dst.ProxiedRequestCount += src.ProxiedRequestCount
}

// average scales the sum over sample pods to total pods, assuming the pods
// not sampled carry similar load.
func (dst *Stat) average(sample, total float64) {
	dst.AverageConcurrentRequests = dst.AverageConcurrentRequests / sample * total
	dst.AverageProxiedConcurrentRequests = dst.AverageProxiedConcurrentRequests / sample * total
	dst.RequestCount = dst.RequestCount / sample * total
	dst.ProxiedRequestCount = dst.ProxiedRequestCount / sample * total
}
