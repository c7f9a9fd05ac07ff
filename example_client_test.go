package kv_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/treekv/kv"
)

// Errors match the sentinels of package kv with errors.Is, whichever layer
// produced them; a failed compare-and-swap is a *kv.ConflictError that also
// tells the key's current revision.
func Example_errors() {
	c, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{"balancer.example:8081"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	// An empty key is refused before any request is sent.
	_, err = c.Get(context.Background(), "")
	fmt.Println(errorAdvice(err))

	// Errors as the client returns them for a server's answers.
	fmt.Println(errorAdvice(&kv.Error{StatusCode: 404, Code: "not_found"}))
	fmt.Println(errorAdvice(&kv.ConflictError{Key: "config", Revision: 42}))
	fmt.Println(errorAdvice(fmt.Errorf("saving config: %w", &kv.Error{StatusCode: 504, Code: "indeterminate"})))
	// Output:
	// bad request: kv: the key is empty
	// absent
	// conflict: "config" is at revision 42
	// unknown outcome: read the key before writing again
}

func errorAdvice(err error) string {
	var conflict *kv.ConflictError
	switch {
	case errors.As(err, &conflict):
		return fmt.Sprintf("conflict: %q is at revision %d", conflict.Key, conflict.Revision)
	case errors.Is(err, kv.ErrNotFound):
		return "absent"
	case errors.Is(err, kv.ErrIndeterminate):
		return "unknown outcome: read the key before writing again"
	case errors.Is(err, kv.ErrUnavailable):
		return "unavailable: try again later"
	case errors.Is(err, kv.ErrBadRequest):
		return "bad request: " + err.Error()
	}
	return fmt.Sprint(err)
}
