package main

// -config FILE: the flags of a subcommand from a YAML or JSON file, so
// that a CI job is one short line (contract run -config ci.yaml).

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	yaml "github.com/pb33f/go-yaml"
)

// configFlag is the flag that names the file.
const configFlag = "config"

// parseWithConfig is parseFlags plus -config FILE, the one call a
// subcommand makes to take -config: it defines -config on fs, parses args,
// then sets from the file every flag the command line left unset. Paths
// in the file are as on the command line, relative to the working
// directory.
func parseWithConfig(fs *flag.FlagSet, args []string) error {
	path := fs.String(configFlag, "", "read flags from this YAML or JSON `file`: keys are flag names without the dash (target: URL, rate: 20, checks: [a, b]); flags on the command line win")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *path == "" {
		return nil
	}
	return applyConfig(fs, *path)
}

// configEntry is one key of a config file with its value.
type configEntry struct {
	key   string
	line  int
	value *yaml.Node
}

// applyConfig sets the flags the file at path names, except those given
// on the command line. Every key is checked, even those the command line
// overrides, so that a stale file fails wherever it is used.
func applyConfig(fs *flag.FlagSet, path string) error {
	entries, err := readConfig(path)
	if err != nil {
		return usageError("-config %s: %v", path, err)
	}
	onLine := givenFlags(fs)
	for _, en := range entries {
		if err := applyEntry(fs, en, onLine[en.key]); err != nil {
			return usageError("-config %s, line %d: %v", path, en.line, err)
		}
	}
	return nil
}

// applyEntry checks one key and, unless skip, sets its flag through
// flag.FlagSet.Set, so that every flag parses and checks its value as on
// the command line.
func applyEntry(fs *flag.FlagSet, en configEntry, skip bool) error {
	f := fs.Lookup(en.key)
	switch {
	case en.key == configFlag:
		return fmt.Errorf("key %q: a config file cannot name another", en.key)
	case f == nil:
		return unknownKey(fs.Name(), en.key)
	}
	value, err := flagValue(f, en.value)
	if err != nil || skip {
		return err
	}
	if err := fs.Set(en.key, value); err != nil {
		return fmt.Errorf("invalid value %q for key %q: %v", value, en.key, err)
	}
	return nil
}

// flagValue is the text flag.Set takes for a value: a scalar as written,
// a list (of a list flag only) joined with commas.
func flagValue(f *flag.Flag, n *yaml.Node) (string, error) {
	_, isList := f.Value.(*listFlag)
	switch {
	case isScalar(n):
		return n.Value, nil
	case n.Kind == yaml.SequenceNode && isList:
		items := make([]string, len(n.Content))
		for i, item := range n.Content {
			if !isScalar(item) {
				return "", fmt.Errorf("key %q: want a list of names", f.Name)
			}
			items[i] = item.Value
		}
		return strings.Join(items, ","), nil
	case isList:
		return "", fmt.Errorf("key %q: want a list or a comma-separated string", f.Name)
	}
	return "", fmt.Errorf("key %q: want one value, as -%s takes on the command line", f.Name, f.Name)
}

// isScalar reports whether n is a single value; null (an empty value) is
// none, so that "rate:" with nothing after it is an error, not "".
func isScalar(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null"
}

// unknownKey names the subcommands a stray key is a flag of, or says it
// is no flag at all.
func unknownKey(self, key string) error {
	var owners []string
	for _, name := range commandNames() {
		c := commands[name]
		if name == self || c.flags == nil {
			continue
		}
		other := flag.NewFlagSet(name, flag.ContinueOnError)
		c.flags(other)
		if other.Lookup(key) != nil {
			owners = append(owners, "'contract "+name+"'")
		}
	}
	if len(owners) > 0 {
		return fmt.Errorf("key %q is a flag of %s, not of 'contract %s'", key, strings.Join(owners, " and "), self)
	}
	return fmt.Errorf("unknown key %q: keys are the flags of 'contract %s -h', without the dash", key, self)
}

// readConfig reads a YAML or JSON file (JSON is YAML) whose top level maps
// flag names to values, in the file's order.
func readConfig(path string) ([]configEntry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in the message already
		}
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, errors.New(singleLine(err.Error()))
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file sets nothing
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: want a mapping of flag names to values, such as seed: 3", top.Line)
	}
	return configEntries(top)
}

// configEntries lists the keys of a mapping; a key given twice is an
// error, as neither value would be sure to win.
func configEntries(top *yaml.Node) ([]configEntry, error) {
	var out []configEntry
	first := map[string]int{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if !isScalar(k) {
			return nil, fmt.Errorf("line %d: a key is a flag name, not a list or mapping", k.Line)
		}
		if line, ok := first[k.Value]; ok {
			return nil, fmt.Errorf("line %d: key %q given twice (first on line %d)", k.Line, k.Value, line)
		}
		first[k.Value] = k.Line
		out = append(out, configEntry{key: k.Value, line: k.Line, value: v})
	}
	return out, nil
}
