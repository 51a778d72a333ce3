package spec

// The x- tables this project adds to the vendor's document. A vendor's own
// published document has none of them; it still loads, and Missing says
// which are absent so a runner can switch off what needs them and say why.
const (
	TableErrors     = extErrorCodes // the error matrix: rows, codes, messages (error-row checks, matrix scenarios)
	TableCatalog    = extCatalog    // the plan catalog: codes and their places (the success sweep, catalog checks and classes)
	TableCheckOrder = extCheckOrder // the order of the server's checks (precedence scenarios)
)

// Missing lists the tables (TableErrors, TableCatalog, TableCheckOrder, in
// that order) that op lacks or that are empty: the checks built on them have
// nothing to judge against. Nil means op carries all three.
func (op *Operation) Missing() []string {
	return op.Lacks(TableErrors, TableCatalog, TableCheckOrder)
}

// Lacks lists those of tables that op lacks or that are empty, in their
// order; nil when it carries them all (or tables is empty).
func (op *Operation) Lacks(tables ...string) []string {
	has := map[string]bool{TableErrors: len(op.Errors) > 0, TableCatalog: len(op.Catalog) > 0, TableCheckOrder: len(op.CheckOrder) > 0}
	var out []string
	for _, t := range tables {
		if !has[t] {
			out = append(out, t)
		}
	}
	return out
}
