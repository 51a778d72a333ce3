package contract

import "github.com/addons-contract/contract/spec"

// The names suite.go reads under their old spelling: the row ids are
// spec's constants, catalogPlan is Operation.Plan. suite.go is being
// changed concurrently, so it switches to spec's names (and to
// Operation.RoomsAddon for roomsAddon) once that lands; then this file goes.
const (
	rowInvalidToken   = spec.RowInvalidToken
	rowUserMissing    = spec.RowUserMissing
	rowAccountMissing = spec.RowAccountMissing
	rowUnsupported    = spec.RowUnsupportedMedia
	rowInvalidBody    = spec.RowInvalidBody
	rowBodyTooLarge   = spec.RowBodyTooLarge
	rowVolume         = spec.RowVolumeLicense
	rowSelfPay        = spec.RowSelfPay
	rowFreePlan       = spec.RowFreePlan
	rowAlreadyHas     = spec.RowAlreadyHas
	rowRoomsBase      = spec.RowRoomsBase
)

// roomsAddon is the code the spec's rooms_base row names (x-error-codes,
// its "plans" key; Operation.RoomsAddon), spelt out for suite.go alone.
const roomsAddon = "zroom_monthly"

// catalogPlan returns the catalog entry of code.
func catalogPlan(op *spec.Operation, code string) (spec.Plan, bool) { return op.Plan(code) }
