package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestControllerURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://controller.test:8080", "http://controller.test:8080"},
		{"https://controller.test", "https://controller.test"},
		{"http://controller.test:8080/", "http://controller.test:8080"},
		{"controller.test:8080", "http://controller.test:8080"},
		{"[::1]:8080", "http://[::1]:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ControllerURL(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestControllerURLRefuses(t *testing.T) {
	for _, in := range []string{"", "ftp://controller.test", "http://", "http://controller.test/api",
		"http://controller.test?x=1", "http://user@controller.test", "http://contr oller"} {
		t.Run(in, func(t *testing.T) {
			_, err := ControllerURL(in)
			require.ErrorContains(t, err, "is not a controller URL such as http://127.0.0.1:8080")
		})
	}
}
