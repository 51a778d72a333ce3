package spec

// The row ids of the addons error matrix (x-error-codes in
// spec/addons.yaml). TestRowConstants holds them to the embedded document.
const (
	RowVolumeLicense    = "volume_license"
	RowSelfPay          = "self_pay"
	RowFreePlan         = "free_plan"
	RowRoomsBase        = "rooms_base"
	RowAlreadyHas       = "already_has"
	RowInvalidBody      = "invalid_body"
	RowInvalidToken     = "invalid_token"
	RowTokenExpired     = "token_expired"
	RowUserMissing      = "user_missing"
	RowAccountMissing   = "account_missing"
	RowBodyTooLarge     = "body_too_large"
	RowUnsupportedMedia = "unsupported_media_type"
	RowRateLimited      = "rate_limited"
)

// CheckRoute is the x-check-order entry of the route check (an unknown path
// answers 404, another method 405), the one check that is no error row.
const CheckRoute = "route"

// Row returns the error row with the given id.
func (op *Operation) Row(id string) (ErrorRow, bool) {
	for _, r := range op.Errors {
		if r.ID == id {
			return r, true
		}
	}
	return ErrorRow{}, false
}

// RoomsAddon returns the catalog plan the rooms_base row refuses to an
// account holding a Zoom Rooms base plan: the one code its "plans" key
// names (RowPlans). ok is false when the row names no single plan.
func (op *Operation) RoomsAddon() (Plan, bool) {
	plans := op.RowPlans[RowRoomsBase]
	if len(plans) != 1 {
		return Plan{}, false
	}
	return op.Plan(plans[0])
}

// Plan returns the catalog entry of code.
func (op *Operation) Plan(code string) (Plan, bool) {
	for _, p := range op.Catalog {
		if p.Code == code {
			return p, true
		}
	}
	return Plan{}, false
}
