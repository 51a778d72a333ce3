package spec

// TEMPORARY: signatures the loader implements; replaced by load.go/validate.go.

import "net/http"

// AddonsOperationID is the operationId of the endpoint this project tests.
const AddonsOperationID = "accountPlanAddonCreate"

// Document is a loaded OpenAPI 3.x document.
type Document struct{}

// Load reads and builds the OpenAPI 3.x document in the file at path.
func Load(path string) (*Document, error) { panic("todo") }

// Parse builds a document from bytes; name appears in error messages.
func Parse(name string, data []byte) (*Document, error) { panic("todo") }

// Default returns the embedded addons document (spec/addons.yaml).
func Default() (*Document, error) { panic("todo") }

// Raw returns the document's bytes as loaded.
func (d *Document) Raw() []byte { panic("todo") }

// Operation returns the operation with the given operationId.
func (d *Document) Operation(id string) (*Operation, error) { panic("todo") }

// Find returns the operation at method and path template.
func (d *Document) Find(method, path string) (*Operation, error) { panic("todo") }

// Validator returns the document's validator (built once, safe for concurrent use).
func (d *Document) Validator() (*Validator, error) { panic("todo") }

// Validator checks HTTP requests and responses against the document with
// libopenapi-validator, formats asserted.
type Validator struct{}

// Request validates r against the document; r.Body is restored for later readers.
func (v *Validator) Request(r *http.Request) []Problem { panic("todo") }

// Body validates body, sent with contentType, as the request body of op.
func (v *Validator) Body(op *Operation, contentType string, body []byte) []Problem { panic("todo") }

// Response validates a response to req: status documented, content type, headers, body schema.
func (v *Validator) Response(req *http.Request, status int, header http.Header, body []byte) []Problem {
	panic("todo")
}
