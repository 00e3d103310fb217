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

package v1

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	// The webhook and the ping adapter must agree on which time zones
	// exist whatever the image ships in /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/robfig/cron/v3"
	"knative.dev/pkg/apis"

	"github.com/skiffhq/skiff/pkg/apis/sources/config"
)

// applicationJSON is the content type under which data must be valid JSON
// (cloudevents.ApplicationJSON, spelled out so the API package does not pull
// in the CloudEvents SDK).
const applicationJSON = "application/json"

// cronParser accepts the standard five fields, an optional leading seconds
// field and descriptors such as @hourly, like the ping adapter.
var cronParser = cron.NewParser(
	cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor,
)

// Validate implements apis.Validatable.
func (s *PingSource) Validate(ctx context.Context) *apis.FieldError {
	return s.Spec.Validate(ctx).ViaField("spec")
}

// Validate checks the schedule, the time zone, the sink, ceOverrides and the
// payload (data xor dataBase64, size limit from config-ping-defaults, JSON
// when the content type says so).
func (ss *PingSourceSpec) Validate(ctx context.Context) *apis.FieldError {
	errs := validateSchedule(ss.Schedule, ss.Timezone)
	errs = errs.Also(ss.SourceSpec.Validate(ctx))
	return errs.Also(ss.validatePayload(ctx))
}

// validateSchedule checks the schedule and the time zone separately, so that
// a bad time zone does not hide a bad schedule (cron reports only the first).
func validateSchedule(schedule, timezone string) *apis.FieldError {
	var errs *apis.FieldError
	if strings.Contains(schedule, "@every") {
		// The adapter fires on wall-clock boundaries; an interval has none.
		errs = errs.Also(apis.ErrInvalidValue(errors.New("unsupported descriptor @every"), "schedule"))
	} else if _, err := cronParser.Parse(schedule); err != nil {
		errs = errs.Also(apis.ErrInvalidValue(err, "schedule"))
	}

	if timezone != "" {
		if _, err := time.LoadLocation(timezone); err != nil {
			errs = errs.Also(apis.ErrInvalidValue(fmt.Errorf("provided bad location %s: %w", timezone, err), "timezone"))
		} else if strings.HasPrefix(schedule, "CRON_TZ=") || strings.HasPrefix(schedule, "TZ=") {
			errs = errs.Also(apis.ErrGeneric("a schedule with a CRON_TZ= or TZ= prefix cannot also set a timezone", "schedule", "timezone"))
		}
	}
	return errs
}

func (ss *PingSourceSpec) validatePayload(ctx context.Context) *apis.FieldError {
	limit := config.FromContextOrDefaults(ctx).PingDefaults.DataMaxSize

	switch {
	case ss.Data != "" && ss.DataBase64 != "":
		return apis.ErrMultipleOneOf("data", "dataBase64")

	case ss.DataBase64 != "":
		var errs *apis.FieldError
		// As upstream, the limit applies to the encoded length.
		if size := int64(len(ss.DataBase64)); limit > -1 && size > limit {
			errs = errs.Also(apis.ErrInvalidValue(
				fmt.Sprintf("the dataBase64 length of %d bytes exceeds limit set at %d.", size, limit), "dataBase64"))
		}
		decoded, err := base64.StdEncoding.DecodeString(ss.DataBase64)
		if err != nil {
			return errs.Also(apis.ErrInvalidValue(err, "dataBase64"))
		}
		if ss.ContentType == applicationJSON && !json.Valid(decoded) {
			errs = errs.Also(apis.ErrInvalidValue("decoded dataBase64 is not valid JSON", "dataBase64"))
		}
		return errs

	case ss.Data != "":
		var errs *apis.FieldError
		if size := int64(len(ss.Data)); limit > -1 && size > limit {
			errs = errs.Also(apis.ErrInvalidValue(
				fmt.Sprintf("the data length of %d bytes exceeds limit set at %d.", size, limit), "data"))
		}
		if ss.ContentType == applicationJSON && !json.Valid([]byte(ss.Data)) {
			errs = errs.Also(apis.ErrInvalidValue("data is not valid JSON", "data"))
		}
		return errs
	}
	return nil
}
