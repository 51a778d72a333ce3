package contract

import "github.com/addons-contract/contract/spec"

// rejectionRows are the rows that answer a request the client got wrong
// (its body or its media type), which invalid-rejected guards.
var rejectionRows = map[string]bool{spec.RowInvalidBody: true, spec.RowBodyTooLarge: true, spec.RowUnsupportedMedia: true}
