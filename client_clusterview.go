package kv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// routerHeaderTimeout bounds the wait for a cluster view's answer headers:
// longer than the controller holds a long poll (30s).
const routerHeaderTimeout = 45 * time.Second

// fetchView gets GET /v1/cluster from the controller at base; with wait set,
// the controller answers once its view is newer than *wait (or after its
// own long-poll bound). A view without a partition map is an error.
func fetchView(ctx context.Context, hc *http.Client, base string, wait *uint64) (ClusterView, error) {
	u := base + "/v1/cluster"
	if wait != nil {
		u += "?wait=" + strconv.FormatUint(*wait, 10)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return ClusterView{}, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return ClusterView{}, err
	}
	defer resp.Body.Close()
	body, err := readCapped(resp.Body, maxAnswerBytes)
	if err != nil {
		return ClusterView{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return ClusterView{}, decodeError(resp.StatusCode, body, "")
	}
	var view ClusterView
	if err := json.Unmarshal(body, &view); err != nil {
		return ClusterView{}, fmt.Errorf("kv: malformed cluster view from %s: %v (%w)", base, err, ErrInternal)
	}
	if view.Map == nil {
		return ClusterView{}, errors.New("kv: the controller has no partition map yet")
	}
	return view, nil
}

// parseControllers splits ClientConfig.Controller into base URLs.
func parseControllers(raw string) ([]string, error) {
	var out []string
	for i, e := range strings.Split(raw, ",") {
		base, err := parseClientEndpoint(strings.TrimSpace(e))
		if err != nil {
			return nil, fmt.Errorf("kv: ClientConfig.Controller URL %d (%q) %w", i+1, e, err)
		}
		out = append(out, base)
	}
	return out, nil
}
