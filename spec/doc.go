// Package spec reads the project's OpenAPI 3.x contract and exposes it as our
// own small model: operations, parameters, schemas, responses, the error
// matrix (x-error-codes), the plan catalog (x-plan-catalog), the order of the
// server's checks (x-check-order, completed by x-check-placement) and every
// x-assumption note. It also holds the contract's vocabulary that the mock
// and the runner share as facts, never as decisions: row ids and lookups,
// message templates (filling and matching placeholders), the body fields
// that carry plan codes (x-catalog) and the codes a body names, and the
// rooms add-on. It validates HTTP exchanges against the contract.
//
// It is the only package that imports libopenapi and libopenapi-validator;
// nothing of their types leaks out. It does not generate payloads (package
// gen), serve the endpoint (package mock) or judge a server (package
// contract).
package spec
