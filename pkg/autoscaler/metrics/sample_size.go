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

import "math"

const (
	// criticalValueSquared is the square of the critical value of the normal
	// distribution for a 95% confidence level.
	criticalValueSquared = 1.96 * 1.96
	// marginOfErrorSquared is the square of the accepted margin of error.
	marginOfErrorSquared = 5.0 * 5.0
	// populationVariance is the variance assumed in the pods' metrics.
	populationVariance = 100.0

	// sampleSize is the sample size an unbounded population needs for that
	// confidence, about 15.4; populationMeanSampleSize scales it down for a
	// finite number of pods.
	sampleSize = criticalValueSquared * populationVariance / marginOfErrorSquared
)

// populationMeanSampleSize returns how many of population pods to scrape:
// all of them up to 3, then N·X/(N+X-1) with X = C²σ²/MOE² (so it tends to
// 16 for large N).
func populationMeanSampleSize(population float64) float64 {
	if population <= 3 {
		return math.Max(population, 0)
	}
	return math.Ceil(population * sampleSize / (population + sampleSize - 1))
}
