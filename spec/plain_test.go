package spec

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPlainVendorDocument feeds the vendor's own kind of document: OpenAPI
// 3.0, the same operation, none of our x- tables. It loads, says what it
// lacks, and its schemas still judge bodies.
func TestPlainVendorDocument(t *testing.T) {
	d := mustLoad(t, "testdata/diff/plain.yaml")
	op, err := d.Operation(AddonsOperationID)
	require.NoError(t, err)
	require.Equal(t, []string{TableErrors, TableCatalog, TableCheckOrder}, op.Missing())
	require.Empty(t, op.Assumptions)
	require.NotNil(t, op.Body)
	require.Len(t, op.Body.Schema.OneOf, 2, "both body forms are the vendor's")

	v, err := d.Validator()
	require.NoError(t, err)
	require.Empty(t, v.Body(op, "application/json", []byte(`{"type":"webinar500_monthly","hosts":18}`)))
	require.NotEmpty(t, v.Body(op, "application/json", []byte(`{"type":"webinar500_monthly","hosts":"18"}`)), "the schema still types hosts")
	require.Empty(t, v.Body(op, "application/json", []byte(`{"type":"webinar500_monthly","hosts":0}`)), "its lower bound is our assumption, not the vendor's")

	_, ours := addonsOp(t)
	require.Nil(t, ours.Missing(), "our contract carries every table")

	// Lacks answers for the tables asked about only, in their order.
	require.Equal(t, []string{TableCheckOrder, TableErrors}, op.Lacks(TableCheckOrder, TableErrors))
	require.Nil(t, op.Lacks(), "a check that needs no table is never off")
	require.Nil(t, ours.Lacks(TableErrors, TableCatalog))
}

// PathFor puts the (escaped) id in place of the path parameter, and
// Before orders two rows by a check order.
func TestPathForAndBefore(t *testing.T) {
	_, op := addonsOp(t)
	require.Equal(t, "/accounts/a%2Fb/plans/addons", op.PathFor("a%2Fb"))
	require.True(t, Before(op.FullCheckOrder, RowInvalidToken, RowInvalidBody))
	require.False(t, Before(op.FullCheckOrder, RowInvalidBody, RowInvalidToken))
	require.False(t, Before(op.FullCheckOrder, RowInvalidToken, "no_such_row"), "a row not in the order is before nothing")
}
