package kv

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/treekv/kv/node"
)

// Defaults of ClientConfig.
const (
	defaultClientAttempts    = 6
	defaultClientBaseBackoff = 25 * time.Millisecond
	defaultClientMaxBackoff  = time.Second
)

// ClientConfig configures a Client. Its zero value, plus at least one
// endpoint, is a working configuration.
type ClientConfig struct {
	// Endpoints are the base URLs of nodes or of the balancer, as "host:port"
	// (plain HTTP) or "http://host:port" / "https://host:port". At least one
	// is required unless Controller is set. Calls start on each endpoint in
	// turn and retries move on to the next.
	Endpoints []string
	// Controller, when set, turns on partition-aware routing: the base URL
	// of the controller, or the comma-separated URLs of its instances. The
	// client then follows the controller's cluster map (fetched at once and
	// refreshed by long polling, in a goroutine that Close stops) and sends
	// each single-key call (Get, Put, Delete and their compare-and-swap
	// forms) straight to the leader of the key's partition, and a stale
	// read to any replica of it. A call the map cannot route yet, and every
	// retry after a routed attempt failed, goes to the endpoints in turn;
	// when Endpoints is empty, the nodes of the map are the endpoints. An
	// answer served by another node than the expected leader, or a failed
	// routed attempt, makes the client fetch the map again.
	Controller string
	// HTTPClient sends the requests. Nil means a client of its own (its own
	// Transport, never http.DefaultClient) with dial, TLS handshake and
	// response header timeouts.
	HTTPClient *http.Client
	// MaxAttempts is the number of attempts per call, the first included.
	// Zero means 6.
	MaxAttempts int
	// BaseBackoff is the backoff ceiling after the first failed attempt; it
	// doubles with every further attempt, up to MaxBackoff, and the actual
	// pause is drawn uniformly below it (full jitter). Zero means 25ms.
	BaseBackoff time.Duration
	// MaxBackoff caps every pause, including one asked for by a server's
	// Retry-After header. Zero means 1s.
	MaxBackoff time.Duration
	// MaxBatch bounds how many calls share one request in partition-aware
	// mode. There, a single-key call (Get, Put, Delete and their
	// compare-and-swap forms) routed to a node that already has a request
	// of this client in flight waits for it to end, and every call waiting
	// for that node then leaves in one POST /v1/batch,
	// whose calls the node serves independently, each exactly as if it had
	// come alone (a batch is not a transaction). Fewer requests carry more
	// calls: less CPU per call on both sides under concurrency, no change
	// for calls made one at a time. Zero means 128; 1 sends every call
	// alone.
	MaxBatch int
}

// Client is the Go API of treekv's HTTP data API. It is safe for concurrent
// use by many goroutines. Every call takes a context that bounds the whole
// call, retries included.
type Client struct {
	endpoints   []string // normalized base URLs, without a trailing slash
	http        *http.Client
	maxAttempts int
	baseBackoff time.Duration
	maxBackoff  time.Duration
	next        atomic.Uint64 // the endpoint the next call starts on
	router      *router       // nil unless partition-aware
	batch       *batcher      // nil unless partition-aware with batching
	// jitter, when set, replaces the uniform draw of a pause below its
	// ceiling (tests make it deterministic).
	jitter func(ceiling time.Duration) time.Duration
}

// Value is a key's value with its mod revision: the Raft index of the write
// that last changed the key.
type Value struct {
	Data     []byte
	Revision uint64
}

// NewClient returns a client for cfg, or an error saying which setting is
// invalid. It does not contact any endpoint.
func NewClient(cfg ClientConfig) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	endpoints, err := parseClientEndpoints(cfg.Endpoints)
	if err != nil {
		return nil, err
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = newClientHTTP(30 * time.Second)
	}
	c := &Client{
		endpoints:   endpoints,
		http:        httpClient,
		maxAttempts: cfg.MaxAttempts,
		baseBackoff: cfg.BaseBackoff,
		maxBackoff:  cfg.MaxBackoff,
	}
	if cfg.Controller != "" {
		controllers, err := parseControllers(cfg.Controller)
		if err != nil {
			return nil, err
		}
		c.router = newRouter(controllers, cfg.routerHTTP())
		if cfg.MaxBatch > 1 {
			c.batch = newBatcher(c, cfg.MaxBatch)
		}
	}
	return c, nil
}

// routerHTTP is the HTTP client that fetches cluster views: the configured
// one, or one of its own whose header timeout outlasts a long poll.
func (cfg ClientConfig) routerHTTP() *http.Client {
	if cfg.HTTPClient != nil {
		return cfg.HTTPClient
	}
	return newClientHTTP(routerHeaderTimeout)
}

// Close stops the client: in partition-aware mode it stops following the
// cluster map and waits for the goroutine that did; it closes the idle
// connections of the client's HTTP transports. It does not wait for calls
// in flight; a call made after Close still works (from the last map known,
// in partition-aware mode) and opens new connections. Close is safe to call
// more than once.
func (c *Client) Close() {
	if c.router != nil {
		c.router.close()
		c.router.http.CloseIdleConnections()
	}
	c.http.CloseIdleConnections()
}

func (cfg ClientConfig) withDefaults() ClientConfig {
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = defaultClientAttempts
	}
	if cfg.BaseBackoff == 0 {
		cfg.BaseBackoff = defaultClientBaseBackoff
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = defaultClientMaxBackoff
	}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = defaultMaxBatch
	}
	return cfg
}

func (cfg ClientConfig) validate() error {
	switch {
	case len(cfg.Endpoints) == 0 && cfg.Controller == "":
		return errors.New(`kv: ClientConfig.Endpoints is empty: give at least one "host:port" or base URL, or a Controller`)
	case cfg.MaxAttempts < 0:
		return fmt.Errorf("kv: ClientConfig.MaxAttempts (%d) cannot be negative", cfg.MaxAttempts)
	case cfg.BaseBackoff < 0:
		return fmt.Errorf("kv: ClientConfig.BaseBackoff (%s) cannot be negative", cfg.BaseBackoff)
	case cfg.MaxBatch < 0 || cfg.MaxBatch > node.MaxBatchOps:
		return fmt.Errorf("kv: ClientConfig.MaxBatch (%d) must be between 0 (default) and %d", cfg.MaxBatch, node.MaxBatchOps)
	case cfg.MaxBackoff < 0:
		return fmt.Errorf("kv: ClientConfig.MaxBackoff (%s) cannot be negative", cfg.MaxBackoff)
	case cfg.BaseBackoff > cfg.MaxBackoff:
		return fmt.Errorf("kv: ClientConfig.BaseBackoff (%s) cannot be larger than MaxBackoff (%s)",
			cfg.BaseBackoff, cfg.MaxBackoff)
	}
	return nil
}

func parseClientEndpoints(raw []string) ([]string, error) {
	out := make([]string, len(raw))
	for i, e := range raw {
		base, err := parseClientEndpoint(e)
		if err != nil {
			return nil, fmt.Errorf("kv: ClientConfig.Endpoints[%d] (%q) %w", i, e, err)
		}
		out[i] = base
	}
	return out, nil
}

// parseClientEndpoint turns "host:port" or a base URL into a base URL without
// a trailing slash, or says what is wrong with it.
func parseClientEndpoint(e string) (string, error) {
	if strings.TrimSpace(e) == "" {
		return "", errors.New("is empty")
	}
	if !strings.Contains(e, "://") {
		e = "http://" + e
	}
	u, err := url.Parse(e)
	switch {
	case err != nil:
		return "", fmt.Errorf("is not a URL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("has scheme %q: want http or https", u.Scheme)
	case u.Host == "":
		return "", errors.New("has no host")
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "", errors.New("must be a base URL, without user info, query or fragment")
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// newClientHTTP returns an HTTP client with its own transport, sized for
// many concurrent calls to a few hosts.
func newClientHTTP(responseHeaderTimeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: responseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
	}}
}
