package cli

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// prop is what the command line reads of a property of an input schema:
// enough to turn the text of key=value into the JSON the tool expects.
type prop struct {
	typ    string // integer, number, boolean, array, object, string ("" = unknown: a string)
	items  *prop  // of an array
	values *prop  // of an object: its additionalProperties
}

// schemaProps reads the properties of a tool's input schema as tools/list
// gave it.
func schemaProps(schema any) map[string]*prop {
	m, _ := schema.(map[string]any)
	raw, _ := m["properties"].(map[string]any)
	props := make(map[string]*prop, len(raw))
	for name, p := range raw {
		props[name] = readProp(p)
	}
	return props
}

func readProp(v any) *prop {
	m, _ := v.(map[string]any)
	if m == nil {
		return &prop{}
	}
	p := &prop{typ: schemaType(m["type"])}
	if items, ok := m["items"].(map[string]any); ok {
		p.items = readProp(items)
	}
	if values, ok := m["additionalProperties"].(map[string]any); ok {
		p.values = readProp(values)
	}
	return p
}

// schemaType is the type of a schema, the first that is not "null" when
// it lists several.
func schemaType(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		for _, e := range t {
			if s, _ := e.(string); s != "" && s != "null" {
				return s
			}
		}
	}
	return ""
}

// callArguments turns the words after the tool's name into its arguments:
// each word is a JSON object or key=value, split at the first "=" so that
// values may hold "=" (labels=env=prod). Values take the type the schema
// gives their key. A key the schema lacks is refused before anything is
// sent, naming the keys it has. Without a tool (one that tools/list does
// not offer), values stay strings and the server answers for the name.
func callArguments(tool *mcp.Tool, words []string) (map[string]any, error) {
	var props map[string]*prop
	if tool != nil {
		props = schemaProps(tool.InputSchema)
	}
	a := argBuilder{args: map[string]any{}, props: props, seen: map[string]bool{}}
	for _, w := range words {
		if err := a.word(tool, w); err != nil {
			return nil, err
		}
	}
	if tool != nil {
		if err := checkKnown(tool, props, a.args, a.unknown); err != nil {
			return nil, err
		}
	}
	return a.args, nil
}

type argBuilder struct {
	args    map[string]any
	props   map[string]*prop
	seen    map[string]bool // keys given as key=value
	unknown []string        // dotted keys whose first part is not an object
}

func (a *argBuilder) word(tool *mcp.Tool, w string) error {
	if strings.TrimSpace(w) == "" {
		return nil
	}
	if strings.HasPrefix(strings.TrimSpace(w), "{") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(w), &obj); err != nil {
			return &cliError{msg: fmt.Sprintf("arguments must be a JSON object, e.g. '{\"server\":\"web-1\"}': %v", err),
				code: codeInvalidArgument, hint: "or write them as key=value, e.g. server=web-1"}
		}
		maps.Copy(a.args, obj)
		return nil
	}
	key, val, ok := strings.Cut(w, "=")
	if !ok || strings.TrimSpace(key) == "" {
		return &cliError{msg: fmt.Sprintf("argument %q is neither key=value nor a JSON object", w), code: codeInvalidArgument,
			hint: positionalHint(tool, w)}
	}
	return a.set(strings.TrimSpace(key), val)
}

// set puts key=val into the arguments, typed by the schema.
func (a *argBuilder) set(key, val string) error {
	base, sub, dotted := strings.Cut(key, ".")
	if dotted {
		p := a.props[base]
		if a.props != nil && (p == nil || p.typ != "object") {
			a.unknown = append(a.unknown, key)
			return nil
		}
		obj, _ := a.args[base].(map[string]any)
		if obj == nil {
			obj = map[string]any{}
		}
		v, err := coerce(key, val, valuesOf(p))
		if err != nil {
			return err
		}
		obj[sub] = v
		a.args[base] = obj
		return nil
	}
	p := a.props[key]
	if a.seen[key] && (p == nil || (p.typ != "array" && p.typ != "object")) {
		return &cliError{msg: fmt.Sprintf("%s is given twice", key), code: codeInvalidArgument,
			hint: "give a key once; only list arguments take several values (servers=a,b or servers=a servers=b)"}
	}
	a.seen[key] = true
	v, err := coerce(key, val, p)
	if err != nil {
		return err
	}
	a.args[key] = merge(a.args[key], v)
	return nil
}

func valuesOf(p *prop) *prop {
	if p == nil {
		return nil
	}
	return p.values
}

// merge adds a repeated list or object argument to what was given before.
func merge(old, v any) any {
	switch nv := v.(type) {
	case []any:
		if ov, ok := old.([]any); ok {
			return append(ov, nv...)
		}
	case map[string]any:
		if ov, ok := old.(map[string]any); ok {
			maps.Copy(ov, nv)
			return ov
		}
	}
	return v
}

// coerce turns the text of a value into the type p says.
func coerce(key, val string, p *prop) (any, error) {
	if p == nil {
		return val, nil
	}
	bad := func(want, example string) error {
		return &cliError{msg: fmt.Sprintf("%s=%s: %s takes %s", key, val, key, want), code: codeInvalidArgument,
			hint: fmt.Sprintf("e.g. %s=%s", key, example)}
	}
	switch p.typ {
	case "integer":
		n, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
		if err != nil {
			return nil, bad("a whole number", "10")
		}
		return n, nil
	case "number":
		n, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			return nil, bad("a number", "1.5")
		}
		return n, nil
	case "boolean":
		b, err := strconv.ParseBool(strings.TrimSpace(val))
		if err != nil {
			return nil, bad("true or false", "true")
		}
		return b, nil
	case "array":
		return coerceList(key, val, p)
	case "object":
		return coerceObject(key, val, p)
	}
	return val, nil
}

// coerceList reads a JSON array, or items separated by commas.
func coerceList(key, val string, p *prop) (any, error) {
	if strings.HasPrefix(strings.TrimSpace(val), "[") {
		var list []any
		if err := json.Unmarshal([]byte(val), &list); err != nil {
			return nil, &cliError{msg: fmt.Sprintf("%s: not a JSON array: %v", key, err), code: codeInvalidArgument,
				hint: fmt.Sprintf("or separate the items with commas, e.g. %s=a,b", key)}
		}
		return list, nil
	}
	list := []any{}
	for item := range strings.SplitSeq(val, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		v, err := coerce(key, item, p.items)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, nil
}

// coerceObject reads a JSON object, or k=v pairs separated by commas.
func coerceObject(key, val string, p *prop) (any, error) {
	if strings.HasPrefix(strings.TrimSpace(val), "{") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(val), &obj); err != nil {
			return nil, &cliError{msg: fmt.Sprintf("%s: not a JSON object: %v", key, err), code: codeInvalidArgument,
				hint: fmt.Sprintf("or write it as %s=k=v,k2=v2, or %s.k=v", key, key)}
		}
		return obj, nil
	}
	obj := map[string]any{}
	for pair := range strings.SplitSeq(val, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, &cliError{msg: fmt.Sprintf("%s=%s: %q is not k=v", key, val, pair), code: codeInvalidArgument,
				hint: fmt.Sprintf("e.g. %s=type=CUBE,cores=2, or %s.type=CUBE", key, key)}
		}
		typed, err := coerce(key+"."+strings.TrimSpace(k), v, p.values)
		if err != nil {
			return nil, err
		}
		obj[strings.TrimSpace(k)] = typed
	}
	return obj, nil
}

// checkKnown refuses arguments the tool's input schema does not have, and
// names the ones it has, the likeliest meant first.
func checkKnown(tool *mcp.Tool, props map[string]*prop, args map[string]any, unknown []string) error {
	for k := range args {
		if _, ok := props[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	valid := slices.Sorted(maps.Keys(props))
	quoted := make([]string, len(unknown))
	for i, u := range unknown {
		quoted[i] = strconv.Quote(u)
	}
	noun := "argument"
	if len(unknown) > 1 {
		noun = "arguments"
	}
	head, _, _ := strings.Cut(unknown[0], ".")
	msg := fmt.Sprintf("unknown %s %s for %s", noun, strings.Join(quoted, ", "), tool.Name)
	if near := closest(head, valid); len(near) > 0 {
		msg += didYouMean(near) + " Its"
	} else {
		msg += "; its"
	}
	if len(valid) == 0 {
		msg += " arguments: none"
	} else {
		msg += " arguments: " + strings.Join(valid, ", ")
	}
	return &cliError{msg: msg, code: codeUnknownArgument, hint: "`ionos-mcp tools` says what each argument means. Nothing was sent."}
}

// positionalHint says how to write a bare value: as the tool's one
// required argument when it has one.
func positionalHint(tool *mcp.Tool, w string) string {
	if tool != nil {
		m, _ := tool.InputSchema.(map[string]any)
		if req, _ := m["required"].([]any); len(req) == 1 {
			return fmt.Sprintf("write it as %v=%s", req[0], w)
		}
	}
	return "write arguments as key=value (e.g. server=web-1) or as one JSON object"
}
