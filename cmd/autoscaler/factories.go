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

package main

import (
	"fmt"
	"time"

	"go.uber.org/zap"
	corev1listers "k8s.io/client-go/listers/core/v1"

	autoscalingv1alpha1 "github.com/skiffhq/skiff/pkg/apis/autoscaling/v1alpha1"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/apis/serving"
	asmetrics "github.com/skiffhq/skiff/pkg/autoscaler/metrics"
	"github.com/skiffhq/skiff/pkg/autoscaler/scaling"
	"github.com/skiffhq/skiff/pkg/resources"
)

// uniScalerFactoryFunc returns the factory of the deciders: each counts
// its revision's ready pods and reads the collector's windows.
func uniScalerFactoryFunc(podLister corev1listers.PodLister, metricClient asmetrics.MetricClient) scaling.UniScalerFactory {
	return func(decider *scaling.Decider) (scaling.UniScaler, error) {
		configName := decider.Labels[serving.ConfigurationLabelKey]
		if configName == "" {
			return nil, fmt.Errorf("label %q not found or empty in Decider %s", serving.ConfigurationLabelKey, decider.Name)
		}
		revisionName := decider.Labels[serving.RevisionLabelKey]
		if revisionName == "" {
			return nil, fmt.Errorf("label %q not found or empty in Decider %s", serving.RevisionLabelKey, decider.Name)
		}
		// The service label may be empty (a bare Configuration).
		ctx := asmetrics.RevisionContext(decider.Namespace, decider.Labels[serving.ServiceLabelKey], configName, revisionName)
		podAccessor := resources.NewPodAccessor(podLister, decider.Namespace, revisionName)
		return scaling.New(ctx, decider.Namespace, decider.Name, metricClient, podAccessor, &decider.Spec), nil
	}
}

// statsScraperFactoryFunc returns the factory of the scrapers: each
// scrapes a sample of its revision's ready pods.
func statsScraperFactoryFunc(podLister corev1listers.PodLister, usePassthroughLb bool, meshMode netcfg.MeshCompatibilityMode) asmetrics.StatsScraperFactory {
	return func(metric *autoscalingv1alpha1.Metric, logger *zap.SugaredLogger) (asmetrics.StatsScraper, error) {
		if metric.Spec.ScrapeTarget == "" {
			return nil, nil
		}
		revisionName := metric.Labels[serving.RevisionLabelKey]
		if revisionName == "" {
			return nil, fmt.Errorf("label %q not found or empty in Metric %s", serving.RevisionLabelKey, metric.Name)
		}
		podAccessor := resources.NewPodAccessor(podLister, metric.Namespace, revisionName)
		return asmetrics.NewStatsScraper(metric, revisionName, podAccessor, usePassthroughLb, meshMode, logger), nil
	}
}

// processStats records the stats arriving from activators into the
// collector and pokes their deciders, until statsCh is closed.
func processStats(statsCh <-chan asmetrics.StatMessage, collector asmetrics.Collector, multiScaler *scaling.MultiScaler) {
	for sm := range statsCh {
		// Stats are stamped when first received.
		if sm.Stat.Timestamp == 0 {
			sm.Stat.Timestamp = time.Now().Unix()
		}
		collector.Record(sm.Key, time.Unix(sm.Stat.Timestamp, 0), sm.Stat)
		multiScaler.Poke(sm.Key, sm.Stat)
	}
}
