package contract

// Row ids the checks refer to by name (x-error-codes ids in the spec).
const (
	rowInvalidToken   = "invalid_token"
	rowAlreadyHas     = "already_has"
	rowRoomsBase      = "rooms_base"
	rowInvalidBody    = "invalid_body"
	rowBodyTooLarge   = "body_too_large"
	rowUnsupported    = "unsupported_media_type"
	rowRateLimited    = "rate_limited"
	rowVolume         = "volume_license"
	rowSelfPay        = "self_pay"
	rowFreePlan       = "free_plan"
	rowUserMissing    = "user_missing"
	rowAccountMissing = "account_missing"
)

// rejectionRows are the rows that answer a request the client got wrong
// (its body or its media type), which invalid-rejected guards.
var rejectionRows = map[string]bool{rowInvalidBody: true, rowBodyTooLarge: true, rowUnsupported: true}
