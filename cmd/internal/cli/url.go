package cli

import (
	"fmt"
	"net/url"
	"strings"
)

// ControllerURL checks the value of a -join flag, the base URL of a
// controller, and returns it without a trailing slash. A bare host:port is
// taken as http://host:port. The URL may have no path, query or fragment.
func ControllerURL(s string) (string, error) {
	raw := s
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	raw = strings.TrimSuffix(raw, "/")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%q is not a controller URL such as http://127.0.0.1:8080", s)
	}
	return raw, nil
}
