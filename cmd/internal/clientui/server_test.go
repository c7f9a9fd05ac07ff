package clientui

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewRefusesUnusableEndpoints(t *testing.T) {
	tests := []struct {
		name      string
		endpoints []string
		message   string
	}{
		{"none", nil, "Endpoints names no balancer or node"},
		{"a blank one", []string{" "}, "is empty"},
		{"another scheme", []string{"ftp://localhost:8081"}, `has scheme "ftp"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Config{Endpoints: tt.endpoints})
			require.ErrorContains(t, err, tt.message)
			require.Nil(t, s)
		})
	}
}
