package main

import (
	"context"
	"io"
	"io/ioutil"
	"log/slog"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/clitest"
	"github.com/treekv/kv/cmd/internal/local"
)
