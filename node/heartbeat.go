package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultHeartbeatInterval is how often a node reports to its controller
// when Config.HeartbeatInterval is zero.
const DefaultHeartbeatInterval = time.Second

const (
	// controllerTimeout bounds one request to the controller.
	controllerTimeout = 5 * time.Second
	// joinBackoffMin and joinBackoffMax bound the wait between join attempts.
	joinBackoffMin = 100 * time.Millisecond
	joinBackoffMax = 5 * time.Second
)

// validateController checks the controller settings of a Config.
func validateController(bases string, interval time.Duration) error {
	if interval < 0 {
		return fmt.Errorf("HeartbeatInterval (%s) cannot be negative", interval)
	}
	if bases == "" {
		return nil
	}
	for _, base := range controllerURLs(bases) {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("Controller %q is not an http:// or https:// URL with a host", base)
		}
	}
	return nil
}

// controllerURLs splits Config.Controller into its base URLs.
func controllerURLs(bases string) []string {
	var out []string
	for _, b := range strings.Split(bases, ",") {
		if b = strings.TrimSuffix(strings.TrimSpace(b), "/"); b != "" {
			out = append(out, b)
		}
	}
	return out
}

// Report returns what the node tells its controller with every heartbeat:
// its addresses, its map version, its data API request rate over the last
// seconds and the status of every replica it hosts.
func (n *Node) Report() NodeReport {
	s := n.Status()
	return NodeReport{
		ID:             s.ID,
		HTTPAddr:       s.HTTPAddr,
		RaftAddr:       s.RaftAddr,
		MapVersion:     s.MapVersion,
		RequestsPerSec: n.metrics.rate.rate(),
		Replicas:       s.Replicas,
	}
}

// heartbeater is the node's one goroutine that talks to the controller: it
// joins, then reports every interval and installs the newer maps it is
// answered. The node starts it in New and stops it in Close.
type heartbeater struct {
	n       *Node
	bases   []string // the controller instances, tried in turn
	next    int      // the instance to ask; only the goroutine uses it
	client  *http.Client
	logger  *slog.Logger
	cancel  context.CancelFunc
	done    chan struct{}
	failing bool // the last request failed; only the goroutine uses it
}

// startHeartbeat starts the heartbeater when the node has a controller.
func (n *Node) startHeartbeat() {
	if n.cfg.Controller == "" {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.beater = &heartbeater{
		n:      n,
		bases:  controllerURLs(n.cfg.Controller),
		client: &http.Client{Timeout: controllerTimeout, Transport: http.DefaultTransport.(*http.Transport).Clone()},
		logger: n.logger.With("controller", n.cfg.Controller),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	go n.beater.run(ctx)
}

// stop cancels the request in flight and waits for the goroutine to end.
func (h *heartbeater) stop() {
	h.cancel()
	<-h.done
	h.client.CloseIdleConnections()
}

// run joins, then heartbeats until ctx ends; a controller that no longer
// knows the node (it answers not_found) is joined again.
func (h *heartbeater) run(ctx context.Context) {
	defer close(h.done)
	for h.join(ctx) && h.beatLoop(ctx) {
		h.logger.Warn("the controller no longer knows this node: joining again")
	}
}

// beatLoop heartbeats every interval until ctx ends (false) or the controller
// answers that it does not know the node (true).
func (h *heartbeater) beatLoop(ctx context.Context) bool {
	ticker := time.NewTicker(h.n.cfg.HeartbeatInterval)
	defer ticker.Stop()
	for {
		if err := h.heartbeat(ctx); errors.Is(err, ErrNotFound) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-ticker.C:
		}
	}
}

// join asks the controller to admit the node, retrying with a growing wait
// until it succeeds (true) or ctx ends (false).
func (h *heartbeater) join(ctx context.Context) bool {
	req := JoinRequest{ID: h.n.ID(), HTTPAddr: h.n.HTTPAddr(), RaftAddr: h.n.RaftAddr()}
	for wait := joinBackoffMin; ; wait = min(2*wait, joinBackoffMax) {
		err := h.post(ctx, "/v1/nodes", req, nil)
		if ctx.Err() != nil {
			return false
		}
		h.note("join", err)
		if err == nil {
			h.logger.Info("joined the controller")
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
	}
}

// heartbeat sends one report and installs the map answered, if newer. It
// returns the request's error.
func (h *heartbeater) heartbeat(ctx context.Context) error {
	report := h.n.Report()
	var resp HeartbeatResponse
	err := h.post(ctx, "/v1/nodes/"+url.PathEscape(report.ID)+"/heartbeat", report, &resp)
	if ctx.Err() != nil {
		return err
	}
	h.note("heartbeat", err)
	if err != nil || resp.Map == nil || resp.Map.Version <= report.MapVersion {
		return err
	}
	switch err := h.n.SetMap(resp.Map); {
	case err == nil:
		h.logger.Debug("partition map installed", "version", resp.Map.Version)
	case !errors.Is(err, ErrConflict): // a conflict means a newer map arrived meanwhile
		h.logger.Warn("partition map from the controller refused", "version", resp.Map.Version, "err", err)
	}
	return nil
}

// note logs the outcome of a request once per change between success and
// failure; repeated failures go to the debug level.
func (h *heartbeater) note(what string, err error) {
	switch {
	case err != nil && !h.failing:
		h.logger.Warn("controller request failed", "request", what, "err", err)
	case err != nil:
		h.logger.Debug("controller request failed", "request", what, "err", err)
	case h.failing:
		h.logger.Info("controller reachable again", "request", what)
	}
	h.failing = err != nil
}

// post sends body as JSON to the controller's path and decodes a 2xx
// answer into out (when not nil; an empty answer leaves out as it is).
func (h *heartbeater) post(ctx context.Context, path string, body, out any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.bases[h.next]+path, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.client.Do(req)
	if err != nil {
		h.next = (h.next + 1) % len(h.bases) // any instance forwards to the leader: try the next
		return err
	}
	defer resp.Body.Close()
	answer := io.LimitReader(resp.Body, maxAdminBody)
	if resp.StatusCode/100 != 2 {
		return controllerError(path, resp.Status, answer)
	}
	if out != nil {
		if err := json.NewDecoder(answer).Decode(out); err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("POST %s: invalid answer: %w", path, err)
		}
	}
	_, _ = io.Copy(io.Discard, answer)
	return nil
}

// controllerError describes an error answer, with the sentinel of its code
// when the body is the API's JSON error.
func controllerError(path, status string, body io.Reader) error {
	var e ErrorBody
	if err := json.NewDecoder(body).Decode(&e); err != nil || e.Error.Code == "" {
		return fmt.Errorf("POST %s: controller answered %s", path, status)
	}
	return Errorf(CodeError(e.Error.Code), "POST %s: controller answered %s: %s", path, status, e.Error.Message)
}
