package cli

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzControllerURL checks arbitrary -join values. It never panics; an
// accepted value is an http(s) base URL with a host and nothing after it,
// which reads back as itself.
func FuzzControllerURL(f *testing.F) {
	for _, seed := range []string{
		"http://127.0.0.1:8080", "127.0.0.1:8080/", "https://[::1]:8080", "ftp://h:1", "http://h:1/x",
		"http://h:1?q", "http://u:p@h:1", "http://:1", "h%zz:1", "", "http://h:1#f",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		base, err := ControllerURL(s)
		if err != nil {
			require.Contains(t, err.Error(), "is not a controller URL")
			return
		}
		u, err := url.Parse(base)
		require.NoError(t, err)
		require.Contains(t, []string{"http", "https"}, u.Scheme)
		require.NotEmpty(t, u.Hostname())
		require.Empty(t, u.Path+u.RawQuery+u.Fragment)
		again, err := ControllerURL(base)
		require.NoError(t, err)
		require.Equal(t, base, again)
	})
}
