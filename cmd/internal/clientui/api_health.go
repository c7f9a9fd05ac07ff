package clientui

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// probeTimeout bounds one endpoint's readiness check.
const probeTimeout = 2 * time.Second

// healthJSON is the answer of GET /api/health: the state of every endpoint
// the client was given, in the order given.
type healthJSON struct {
	Endpoints []endpointJSON `json:"endpoints"`
}

// endpointJSON is one endpoint's state: "ready" (its /readyz answered 200),
// "not_ready" (it answered otherwise) or "unreachable" (no answer).
type endpointJSON struct {
	Endpoint  string  `json:"endpoint"`
	State     string  `json:"state"`
	Reachable bool    `json:"reachable"`
	Status    int     `json:"status,omitempty"`
	LatencyMS float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
}

// health answers GET /api/health, probing every endpoint at once.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ans := healthJSON{Endpoints: make([]endpointJSON, len(s.endpoints))}
	var wg sync.WaitGroup
	for i, e := range s.endpoints {
		wg.Go(func() { ans.Endpoints[i] = s.probeEndpoint(r.Context(), e) })
	}
	wg.Wait()
	writeJSON(w, http.StatusOK, ans)
}

// probeEndpoint asks endpoint's /readyz whether it is ready to serve.
func (s *Server) probeEndpoint(ctx context.Context, endpoint string) endpointJSON {
	e := endpointJSON{Endpoint: endpoint, State: "unreachable"}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL(endpoint)+"/readyz", nil)
	if err != nil {
		e.Error = err.Error()
		return e
	}
	start := time.Now()
	resp, err := s.probe.Do(req)
	e.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		e.Error = err.Error()
		return e
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	e.Reachable, e.Status, e.State = true, resp.StatusCode, "not_ready"
	if resp.StatusCode == http.StatusOK {
		e.State = "ready"
	}
	return e
}

// baseURL turns "host:port" or a base URL into a base URL without a
// trailing slash, as kv.Client reads its endpoints.
func baseURL(endpoint string) string {
	if !strings.Contains(endpoint, "://") {
		endpoint = "http://" + endpoint
	}
	return strings.TrimSuffix(endpoint, "/")
}
