package balancer

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Routing policies of Config.Policy.
const (
	// PolicyRoundRobin sends each request to the next healthy backend in turn.
	PolicyRoundRobin = "round-robin"
	// PolicyLeastOutstanding sends each request to the healthy backend with
	// the fewest requests in flight; ties go round-robin.
	PolicyLeastOutstanding = "least-outstanding"
	// PolicyLeaderAware sends a single-key request to its partition's
	// leader, spreads stale reads over the partition's replicas, and sends
	// everything else round-robin. It needs a controller for the leaders.
	PolicyLeaderAware = "leader-aware"
)

// Defaults of Config.
const (
	DefaultCheckInterval = time.Second
	DefaultCheckTimeout  = time.Second
	DefaultRise          = 2
	DefaultFall          = 3
	DefaultEjectBase     = time.Second
	DefaultEjectMax      = 30 * time.Second
	DefaultMaxRetries    = 2
	DefaultRetryBudget   = 5 * time.Second
	DefaultRetryBackoff  = 25 * time.Millisecond
	DefaultMaxBodySize   = 8 << 20
)

// Config configures a Balancer. Its zero value plus at least one backend or
// a controller is a working configuration.
type Config struct {
	// Backends are static storage nodes, as "host:port" or base URLs
	// ("http://host:port"). They stay until deleted through the API.
	Backends []string
	// Controller is the base URL of the controller, or the comma-separated
	// URLs of its instances, tried in turn. When set, backends and the
	// partition leaders are learned from its cluster view.
	Controller string
	// Policy is PolicyRoundRobin (default), PolicyLeastOutstanding or
	// PolicyLeaderAware.
	Policy string
	// CheckInterval is how often each backend's /readyz is checked. Zero
	// means 1s; a negative value turns active checks off.
	CheckInterval time.Duration
	// CheckTimeout bounds one check. Zero means 1s.
	CheckTimeout time.Duration
	// Rise is how many consecutive successful checks make an unhealthy
	// backend healthy (default 2); Fall how many consecutive failed checks
	// make a healthy one unhealthy (default 3). A new backend starts
	// healthy, pending its first check: if that one fails, it is unhealthy
	// at once.
	Rise int
	Fall int
	// EjectBase is how long a connection failure or a 5xx answer ejects a
	// backend (default 1s); each further ejection without a success in
	// between doubles it, up to EjectMax (default 30s).
	EjectBase time.Duration
	EjectMax  time.Duration
	// MaxRetries is how many times a failed request is sent again, each time
	// to another backend when there is one. Zero means 2; negative means
	// none.
	MaxRetries int
	// RetryBudget is how long a read (GET or HEAD) that fails with a
	// transport error or a 502, 503 or 504 answer keeps being retried,
	// counted from its first attempt: long enough to ride out a leader
	// election, so a plain HTTP client sees no failed read when a node
	// dies. A read gets at least MaxRetries retries and more while the
	// budget lasts; writes get MaxRetries only. Zero means 5s; negative
	// means reads, like writes, get MaxRetries.
	RetryBudget time.Duration
	// RetryBackoff is the pause before a retry that follows an error answer
	// (a connection that failed is retried at once). It doubles with every
	// further retry, up to ten times itself. Zero means 25ms.
	RetryBackoff time.Duration
	// MaxBodySize caps a request body, which the balancer buffers so that it
	// can send it again. Zero means 8 MiB.
	MaxBodySize int64
	// Logger receives the balancer's logs; nil discards them.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Policy == "" {
		c.Policy = PolicyRoundRobin
	}
	setDuration(&c.CheckInterval, DefaultCheckInterval)
	setDuration(&c.CheckTimeout, DefaultCheckTimeout)
	setInt(&c.Rise, DefaultRise)
	setInt(&c.Fall, DefaultFall)
	setDuration(&c.EjectBase, DefaultEjectBase)
	setDuration(&c.EjectMax, DefaultEjectMax)
	setInt(&c.MaxRetries, DefaultMaxRetries)
	setDuration(&c.RetryBudget, DefaultRetryBudget)
	setDuration(&c.RetryBackoff, DefaultRetryBackoff)
	if c.MaxBodySize == 0 {
		c.MaxBodySize = DefaultMaxBodySize
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

func setInt(n *int, def int) {
	if *n == 0 {
		*n = def
	}
}

// Validate reports the first setting that cannot work, with a message
// naming it.
func (c Config) Validate() error {
	c = c.withDefaults()
	if err := c.validateSources(); err != nil {
		return err
	}
	switch {
	case c.Policy != PolicyRoundRobin && c.Policy != PolicyLeastOutstanding && c.Policy != PolicyLeaderAware:
		return fmt.Errorf("Policy %q is unknown: want %q, %q or %q",
			c.Policy, PolicyRoundRobin, PolicyLeastOutstanding, PolicyLeaderAware)
	case c.CheckTimeout < 0:
		return fmt.Errorf("CheckTimeout (%s) cannot be negative", c.CheckTimeout)
	case c.Rise < 1 || c.Fall < 1:
		return fmt.Errorf("Rise (%d) and Fall (%d) must be at least 1", c.Rise, c.Fall)
	case c.EjectBase < 0:
		return fmt.Errorf("EjectBase (%s) cannot be negative", c.EjectBase)
	case c.EjectMax < c.EjectBase:
		return fmt.Errorf("EjectMax (%s) cannot be shorter than EjectBase (%s)", c.EjectMax, c.EjectBase)
	case c.RetryBackoff < 0:
		return fmt.Errorf("RetryBackoff (%s) cannot be negative", c.RetryBackoff)
	case c.MaxBodySize < 0:
		return fmt.Errorf("MaxBodySize (%d) cannot be negative", c.MaxBodySize)
	}
	return nil
}

func (c Config) validateSources() error {
	if len(c.Backends) == 0 && c.Controller == "" {
		return errors.New("set Backends or Controller: the balancer has nowhere to send requests")
	}
	for i, b := range c.Backends {
		if _, err := parseBackendURL(b); err != nil {
			return fmt.Errorf("Backends[%d] (%q) %w", i, b, err)
		}
	}
	if c.Controller != "" && len(controllerURLs(c.Controller)) == 0 {
		return fmt.Errorf("Controller (%q) holds no URL", c.Controller)
	}
	for _, base := range controllerURLs(c.Controller) {
		if _, err := parseBackendURL(base); err != nil {
			return fmt.Errorf("Controller URL %q %w", base, err)
		}
	}
	return nil
}

// maxRetries is the configured number of retries, negative meaning none.
func (c Config) maxRetries() int { return max(c.MaxRetries, 0) }

// parseBackendURL turns "host:port" or a base URL into a base URL without
// a trailing slash, or says what is wrong with it.
func parseBackendURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("is empty")
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return nil, fmt.Errorf("is not a URL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("has scheme %q: want http or https", u.Scheme)
	case u.Host == "":
		return nil, errors.New("has no host")
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return nil, errors.New("must be a base URL, without user info, query or fragment")
	case strings.Trim(u.Path, "/") != "":
		return nil, errors.New("must be a base URL, without a path")
	}
	u.Path, u.RawPath = "", ""
	return u, nil
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
