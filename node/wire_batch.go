package node

// MaxBatchOps is the most requests one POST /v1/batch may carry.
const MaxBatchOps = 1024

// BatchRequest is the body of POST /v1/batch: independent single-key
// requests of the data API (GET, PUT and DELETE on /v1/kv/{key}) that the
// node serves as if each had come on its own, concurrently. A batch is not a
// transaction: each request succeeds or fails by itself, and the answers
// come back in the order of the requests. Its body is bounded like a
// transaction's (Limits.MaxTxnSize).
type BatchRequest struct {
	Ops []BatchOp `json:"ops"`
}

// BatchOp is one request of a batch. Path is the escaped path with its
// query, as "/v1/kv/a%2Fb?consistency=stale"; Body is a PUT's value.
type BatchOp struct {
	Method         string `json:"method"`
	Path           string `json:"path"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	Body           []byte `json:"body,omitempty"`
}

// BatchResponse answers POST /v1/batch: one result per request, in order.
type BatchResponse struct {
	Results []BatchResult `json:"results"`
}

// BatchResult is the answer to one request of a batch, as it would have
// come on its own: its status, the headers of the data API it carried
// (BatchHeaders) and its body.
type BatchResult struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header,omitempty"`
	Body   []byte            `json:"body,omitempty"`
}

// BatchHeaders are the headers a BatchResult carries, when set.
var BatchHeaders = []string{HeaderRevision, HeaderNode, "Retry-After", "Content-Type"}
