package node

// JSON bodies of the HTTP data API, shared by the node's handlers, the
// balancer and the Go client. Byte slices travel as base64, as encoding/json
// writes them.

// Headers and query parameters of the data API.
const (
	HeaderRevision       = "X-Kv-Revision"
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderForwarded      = "X-Kv-Forwarded" // hops a request has been forwarded
	HeaderNode           = "X-Kv-Node"      // the ID of the node that served the request
	ParamIfRevision      = "if_revision"
	ParamConsistency     = "consistency"
	ConsistencyLinear    = "linearizable"
	ConsistencyStale     = "stale"
)

// ErrorBody is the JSON body of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong. Revision is set on a conflict: the key's
// current mod revision (0 when it is absent).
type ErrorDetail struct {
	Code     string  `json:"code"`
	Message  string  `json:"message"`
	Revision *uint64 `json:"revision,omitempty"`
}

// PutResponse answers PUT /v1/kv/{key}.
type PutResponse struct {
	Revision uint64 `json:"revision"`
}

// DeleteResponse answers DELETE /v1/kv/{key}.
type DeleteResponse struct {
	Deleted  bool   `json:"deleted"`
	Revision uint64 `json:"revision"`
}

// ScanItem is one key of a scan answer.
type ScanItem struct {
	Key      string `json:"key"`
	Value    []byte `json:"value"`
	Revision uint64 `json:"revision"`
}

// ScanResponse answers GET /v1/scan. Next is the cursor for the following
// page, empty when the scan is complete.
type ScanResponse struct {
	Items []ScanItem `json:"items"`
	Next  string     `json:"next"`
}

// TxnCompare is one guard of a transaction. Target is "mod", "create",
// "version" or "value"; Op is "=", "!=", "<" or ">". Number is the operand
// of the numeric targets, Value that of "value".
type TxnCompare struct {
	Key    string `json:"key"`
	Target string `json:"target"`
	Op     string `json:"op"`
	Number uint64 `json:"number,omitempty"`
	Value  []byte `json:"value,omitempty"`
}

// TxnOp is one operation of a transaction branch: Op is "get", "put" or
// "delete"; Value is the new value of a put.
type TxnOp struct {
	Op    string `json:"op"`
	Key   string `json:"key"`
	Value []byte `json:"value,omitempty"`
}

// TxnRequest is the body of POST /v1/txn: if every compare holds the success
// ops apply, otherwise the failure ops. All keys must share one partition.
type TxnRequest struct {
	Compare []TxnCompare `json:"compare"`
	Success []TxnOp      `json:"success"`
	Failure []TxnOp      `json:"failure"`
}

// TxnOpResult is the outcome of one op of the branch taken. Found means the
// key existed (get, delete); Value is set for a get; Revision is the key's mod
// revision after the op (for a delete, the transaction's revision).
type TxnOpResult struct {
	Op             string `json:"op"`
	Key            string `json:"key"`
	Found          bool   `json:"found"`
	Value          []byte `json:"value,omitempty"`
	Revision       uint64 `json:"revision"`
	CreateRevision uint64 `json:"create_revision,omitempty"`
	Version        uint64 `json:"version,omitempty"`
}

// TxnResponse answers POST /v1/txn.
type TxnResponse struct {
	Succeeded bool          `json:"succeeded"`
	Revision  uint64        `json:"revision"`
	Results   []TxnOpResult `json:"results"`
}
