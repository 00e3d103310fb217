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

package config

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"knative.dev/pkg/configmap"
	logtesting "knative.dev/pkg/logging/testing"
	"knative.dev/pkg/system"

	cfgmap "github.com/skiffhq/skiff/pkg/apis/config"
	netcfg "github.com/skiffhq/skiff/pkg/apis/networking/config"
	"github.com/skiffhq/skiff/pkg/testing/configmaps"
)

func TestStoreServesTheShippedConfigMaps(t *testing.T) {
	store := NewStore(logtesting.TestContextWithLogger(t))
	store.WatchConfigs(configmap.NewStaticWatcher(configmaps.Shipped(t, "core/configmaps")...))

	cfg := FromContext(store.ToContext(context.Background()))
	if got := cfg.Domain.LookupDomainForLabels(nil); got != "example.com" {
		t.Errorf("domain = %q, want example.com", got)
	}
	if got := cfg.Network.DefaultIngressClass; got != netcfg.SkiffIngressClassName {
		t.Errorf("ingress class = %q, want %q", got, netcfg.SkiffIngressClassName)
	}
	if got := cfg.Network.DomainTemplate; got != netcfg.DefaultDomainTemplate {
		t.Errorf("domain template = %q, want %q", got, netcfg.DefaultDomainTemplate)
	}
	if cfg.Features == nil {
		t.Error("features not loaded")
	}
	if cfg.GC == nil {
		t.Error("config-gc not loaded")
	}
}

func TestStoreHotReloadsDomains(t *testing.T) {
	var changed []string
	store := NewStore(logtesting.TestContextWithLogger(t), func(name string, _ interface{}) {
		changed = append(changed, name)
	})
	watcher := configmap.NewStaticWatcher(configmaps.Shipped(t, "core/configmaps")...)
	store.WatchConfigs(watcher)
	before := store.Load()

	// What the InformedWatcher does on an edit of config-domain.
	store.OnConfigChanged(&corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: system.Namespace(), Name: DomainConfigName},
		Data:       map[string]string{"knative.example.org": ""},
	})
	after := store.Load()
	if got := after.Domain.LookupDomainForLabels(nil); got != "knative.example.org" {
		t.Errorf("after the edit, domain = %q, want knative.example.org", got)
	}
	if got := before.Domain.LookupDomainForLabels(nil); got != "example.com" {
		t.Errorf("an earlier Load changed under its holder: domain = %q", got)
	}
	if len(changed) == 0 || changed[len(changed)-1] != DomainConfigName {
		t.Errorf("onAfterStore saw %v, want it to end with %s", changed, DomainConfigName)
	}
}

func TestFromContextOrDefaults(t *testing.T) {
	cfg := FromContextOrDefaults(context.Background())
	if cfg.Features == nil || cfg.Features.TagHeaderBasedRouting != cfgmap.Disabled {
		t.Errorf("features = %+v, want the defaults", cfg.Features)
	}
	attached := &Config{Network: &netcfg.Config{DefaultIngressClass: "x"}}
	cfg = FromContextOrDefaults(ToContext(context.Background(), attached))
	if cfg.Network.DefaultIngressClass != "x" || cfg.Features == nil {
		t.Errorf("got %+v, want the attached network config and default features", cfg)
	}
	if attached.Features != nil {
		t.Error("FromContextOrDefaults modified the attached Config")
	}
}
