package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// callJSON runs `call --sim --json` and decodes the structured result.
func callJSON(t *testing.T, words ...string) map[string]any {
	t.Helper()
	code, out, errs := run(t, "", append([]string{"call", "--sim", "--json", "--log-level", "error"}, words...)...)
	if code != 0 {
		t.Fatalf("call %v: exit %d\n%s\n%s", words, code, out, errs)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("call %v: %v\n%s", words, err, out)
	}
	return res
}

// serverNames lists the names of the servers of a list_servers or
// power_servers result, in order.
func serverNames(res map[string]any) []string {
	var names []string
	add := func(list any) {
		for _, s := range list.([]any) {
			m := s.(map[string]any)
			names = append(names, strings.TrimSpace(str(m["name"])+str(m["server"])))
		}
	}
	if dcs, ok := res["datacenters"].([]any); ok {
		for _, dc := range dcs {
			if s, ok := dc.(map[string]any)["servers"]; ok {
				add(s)
			}
		}
	}
	if s, ok := res["servers"]; ok {
		add(s)
	}
	return names
}

func str(v any) string { s, _ := v.(string); return s }

// key=value words reach the tool typed by its input schema, against the
// simulator: a number stays a number, a list splits at commas or repeats,
// "=" inside a value stays in the value, an object takes k=v or a dotted
// key, and a JSON object still works, alone or with words after it.
func TestCallKeyValueArguments(t *testing.T) {
	for _, tt := range []struct {
		name  string
		words []string
		want  []string // server names, in order
		check func(t *testing.T, res map[string]any)
	}{
		{"string", []string{"list_servers", "datacenter=staging"},
			[]string{"web-1", "build-runner", "dev-cube", "batch-worker"}, nil},
		{"integer", []string{"list_servers", "limit=2"}, []string{"web-1", "web-2"},
			func(t *testing.T, res map[string]any) {
				if str(res["next"]) == "" {
					t.Errorf("limit=2 gave no next page: %v", res)
				}
			}},
		{"boolean and comma list", []string{"power_servers", "action=stop", "servers=web-2,db-1", "datacenter=production", "dry_run=true"},
			[]string{"db-1", "web-2"}, nil},
		{"repeated list key", []string{"power_servers", "action=stop", "servers=web-2", "servers=db-1", "datacenter=production", "dry_run=true"},
			[]string{"db-1", "web-2"}, nil},
		{"= inside a value", []string{"power_servers", "action=reboot", "labels=env=staging,role=web", "dry_run=true"},
			[]string{"web-1"}, nil},
		{"object as k=v", []string{"list_servers", "filter=type=CUBE"}, []string{"cache-cube", "dev-cube", "report-cube"}, nil},
		{"object as dotted key", []string{"list_servers", "filter.type=CUBE", "datacenter=staging"}, []string{"dev-cube"}, nil},
		{"JSON, then a word", []string{"get_server", `{"server":"web-1"}`, "datacenter=staging"}, nil,
			func(t *testing.T, res map[string]any) {
				if s := res["server"].(map[string]any); s["type"] != "VCPU" || s["datacenterName"] != "staging" {
					t.Errorf("server %v, want staging's web-1", s)
				}
			}},
		{"integer in an object-free tool", []string{"get_server", "server=etl-1", "depth=1"}, nil,
			func(t *testing.T, res map[string]any) {
				if _, ok := res["raw"]; !ok {
					t.Errorf("depth=1 gave no raw object: %v", res)
				}
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := callJSON(t, tt.words...)
			if tt.want != nil {
				if got := serverNames(res); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("servers %v, want %v", got, tt.want)
				}
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

// The coercion by type, the number type included (no tool has one), and
// what it refuses.
func TestCallArgumentsCoerce(t *testing.T) {
	tool := &mcp.Tool{Name: "t", InputSchema: map[string]any{
		"type": "object",
		"properties": map[string]any{
			"n":     map[string]any{"type": "integer"},
			"x":     map[string]any{"type": []any{"null", "number"}},
			"b":     map[string]any{"type": "boolean"},
			"s":     map[string]any{"type": "string"},
			"ids":   map[string]any{"type": "array", "items": map[string]any{"type": "integer"}},
			"names": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			"f":     map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		},
		"required": []any{"s"},
	}}
	for _, tt := range []struct {
		words []string
		want  map[string]any
		err   string
	}{
		{[]string{"n=3", "x=1.5", "b=false", "s=a=b c"}, map[string]any{"n": int64(3), "x": 1.5, "b": false, "s": "a=b c"}, ""},
		{[]string{"ids=1,2", "ids=3"}, map[string]any{"ids": []any{int64(1), int64(2), int64(3)}}, ""},
		{[]string{"names=[\"a,b\",\"c\"]"}, map[string]any{"names": []any{"a,b", "c"}}, ""},
		{[]string{"names="}, map[string]any{"names": []any{}}, ""},
		{[]string{"f=k=v,k2=v=2", "f.k3=w"}, map[string]any{"f": map[string]any{"k": "v", "k2": "v=2", "k3": "w"}}, ""},
		{[]string{`{"n":1}`, ""}, map[string]any{"n": float64(1)}, ""},
		{[]string{"n=three"}, nil, "n takes a whole number"},
		{[]string{"x=fast"}, nil, "x takes a number"},
		{[]string{"b=maybe"}, nil, "b takes true or false"},
		{[]string{"ids=1,two"}, nil, "ids takes a whole number"},
		{[]string{"s=a", "s=b"}, nil, "s is given twice"},
		{[]string{"f=novalue"}, nil, `"novalue" is not k=v`},
		{[]string{"etl-1"}, nil, "write it as s=etl-1"},
		{[]string{"=x"}, nil, "neither key=value nor a JSON object"},
		{[]string{"z=1", "s.y=2"}, nil, `unknown arguments "s.y", "z" for t`},
	} {
		got, err := callArguments(tool, tt.words)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.words, err, tt.err)
			}
		case err != nil:
			t.Errorf("%q: %v", tt.words, err)
		case !reflect.DeepEqual(got, tt.want):
			t.Errorf("%q: %#v, want %#v", tt.words, got, tt.want)
		}
	}
}

// A mistyped tool or argument is refused with the names meant, before
// anything reaches the API: the simulator counts no request.
func TestCallRefusesUnknownNamesBeforeSending(t *testing.T) {
	s := startTestSim(t, sim.Options{Token: "tok"})
	for _, tt := range []struct {
		name   string
		words  []string
		want   []string
		unwant []string
	}{
		{"typo of a tool", []string{"stop_sever", "server=etl-1"},
			[]string{`unknown tool "stop_sever"; did you mean stop_server?`, "ionos-mcp tools"}, nil},
		{"part of a tool name", []string{"list"},
			[]string{`unknown tool "list"; did you mean list_datacenters or list_servers?`}, nil},
		{"nothing close", []string{"frobnicate"},
			[]string{`unknown tool "frobnicate"; the tools are get_request_status, get_server, list_datacenters,`, "ionos-mcp tools"},
			[]string{"apply_power_decision"}},
		{"typo of an argument", []string{"list_servers", "datacentre=staging"},
			[]string{`unknown argument "datacentre" for list_servers; did you mean datacenter?`,
				"Its arguments: cursor, datacenter, filter, limit, name, offset, vm_state", "Nothing was sent"}, nil},
		{"unknown key in JSON", []string{"stop_server", `{"server":"etl-1","force":true}`},
			[]string{`unknown argument "force" for stop_server; its arguments: confirmation_token, datacenter, server, timeout_seconds, wait`}, nil},
		{"dotted key of a string", []string{"get_server", "server.name=etl-1"},
			[]string{`unknown argument "server.name" for get_server; did you mean server?`}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			t.Setenv("IONOS_API_URL", s.URL)
			t.Setenv("IONOS_TOKEN", "tok")
			before := s.Stats().Requests
			code, out, errs := runIn(t, "", append([]string{"--env-file", "", "call"}, tt.words...)...)
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errs)
			}
			contains(t, "stderr", errs, tt.want, tt.unwant)
			if n := s.Stats().Requests - before; n != 0 {
				t.Errorf("%d API requests were made", n)
			}
		})
	}
	// The same names, spelled right, do reach the API.
	isolate(t)
	t.Setenv("IONOS_API_URL", s.URL)
	t.Setenv("IONOS_TOKEN", "tok")
	if code, _, errs := runIn(t, "", "--env-file", "", "call", "list_servers", "datacenter=staging"); code != 0 || s.Stats().Requests == 0 {
		t.Fatalf("exit %d, %d requests: %s", code, s.Stats().Requests, errs)
	}
}

// A bare `call` shows how to write a call, with examples, instead of
// cobra's argument-count error.
func TestCallWithoutToolPrintsUsage(t *testing.T) {
	code, out, errs := run(t, "", "call")
	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	contains(t, "usage", errs,
		[]string{"Usage:", "ionos-mcp call TOOL [key=value ...]", "ionos-mcp call list_servers datacenter=staging",
			`ionos-mcp call get_server '{"server":"etl-1","depth":1}'`, "The tools and their arguments: ionos-mcp tools"},
		[]string{"accepts between", "ionos-mcp: ", "--wait-timeout"})
}

// With --json, a failure is a JSON document on stdout, whatever failed:
// the command line's own checks, the tool, the configuration, a flag.
// The human line stays on stderr.
func TestJSONErrors(t *testing.T) {
	for _, tt := range []struct {
		name      string
		args      []string
		code      int
		message   string
		errorCode string
		hint      string
	}{
		{"unknown tool", []string{"call", "--sim", "--json", "stop_sever"}, 1,
			`unknown tool "stop_sever"; did you mean stop_server?`, codeUnknownTool, "ionos-mcp tools"},
		{"unknown argument", []string{"call", "--sim", "--json", "list_servers", "datacentre=x"}, 1,
			`unknown argument "datacentre"`, codeUnknownArgument, "Nothing was sent"},
		{"bad value", []string{"call", "--sim", "--json", "list_servers", "limit=ten"}, 1,
			"limit takes a whole number", codeInvalidArgument, "limit=10"},
		{"tool error", []string{"call", "--sim", "--json", "get_server", "server=web-1"}, 1,
			"2 servers are named", codeToolError, ""},
		{"no tool", []string{"call", "--json"}, 2, "name the tool to call", codeUsage, ""},
		{"configuration", []string{"call", "--sim", "--json", "--confirm", "maybe", "list_servers"}, 1, "--confirm", "", ""},
		{"flag that does not parse", []string{"call", "--json", "--wait-timeout", "soon", "list_servers"}, 1, "wait-timeout", "", ""},
		{"tools", []string{"tools", "--json", "--confirm", "maybe"}, 1, "--confirm", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.code, out, errs)
			}
			var doc errorJSON
			dec := json.NewDecoder(strings.NewReader(out))
			if err := dec.Decode(&doc); err != nil || dec.More() {
				t.Fatalf("stdout is not one JSON document (%v):\n%s", err, out)
			}
			e := doc.Error
			if !strings.Contains(e.Message, tt.message) || e.Code != tt.errorCode || !strings.Contains(e.Hint, tt.hint) {
				t.Errorf("error %+v, want message with %q, code %q, hint with %q", e, tt.message, tt.errorCode, tt.hint)
			}
			if !strings.Contains(errs, "ionos-mcp: ") && tt.code != 2 {
				t.Errorf("no human line on stderr:\n%s", errs)
			}
		})
	}
	// Without --json, stdout stays free of it.
	if _, out, _ := run(t, "", "call", "--sim", "stop_sever"); out != "" {
		t.Errorf("without --json, stdout %q", out)
	}
}

// Identical consecutive progress messages print once: a wait that polls
// reports the same state more than once.
func TestProgressPrintedOnce(t *testing.T) {
	var b strings.Builder
	p := &progressPrinter{w: &b, prefix: "… "}
	for _, m := range []string{"QUEUED", "RUNNING after 1s", "RUNNING after 1s", "", "RUNNING after 2s", "RUNNING after 2s", "DONE"} {
		p.handle(t.Context(), &mcp.ProgressNotificationClientRequest{Params: &mcp.ProgressNotificationParams{Message: m}})
	}
	if want := "… QUEUED\n… RUNNING after 1s\n… RUNNING after 2s\n… DONE\n"; b.String() != want {
		t.Errorf("printed %q, want %q", b.String(), want)
	}
}
