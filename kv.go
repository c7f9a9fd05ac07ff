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
	// is required. Calls start on each endpoint in turn and retries move on
	// to the next.
	Endpoints []string
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
		httpClient = newClientHTTP()
	}
	return &Client{
		endpoints:   endpoints,
		http:        httpClient,
		maxAttempts: cfg.MaxAttempts,
		baseBackoff: cfg.BaseBackoff,
		maxBackoff:  cfg.MaxBackoff,
	}, nil
}

// Close closes the idle connections of the client's HTTP transport. It does
// not wait for calls in flight; a call made after Close opens new
// connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

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
	return cfg
}

func (cfg ClientConfig) validate() error {
	switch {
	case len(cfg.Endpoints) == 0:
		return errors.New(`kv: ClientConfig.Endpoints is empty: give at least one "host:port" or base URL`)
	case cfg.MaxAttempts < 0:
		return fmt.Errorf("kv: ClientConfig.MaxAttempts (%d) cannot be negative", cfg.MaxAttempts)
	case cfg.BaseBackoff < 0:
		return fmt.Errorf("kv: ClientConfig.BaseBackoff (%s) cannot be negative", cfg.BaseBackoff)
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
func newClientHTTP() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}}
}
