package cloud

import (
	"strings"
	"testing"
)

func TestRequestIDFromLocation(t *testing.T) {
	const id = "f2354da4-83e3-4e92-9d23-f3cb1ffecc31"
	good := []string{
		"https://api.ionos.com/cloudapi/v6/requests/" + id + "/status",
		"http://127.0.0.1:1/cloudapi/v6/requests/" + id + "/status",
		"https://evil.example/requests/" + id + "/status", // the host is ignored, never used
		"/cloudapi/v6/requests/" + strings.ToUpper(id) + "/status",
	}
	for _, loc := range good {
		got, err := RequestIDFromLocation(loc)
		if err != nil || got != id {
			t.Errorf("RequestIDFromLocation(%q) = %q, %v", loc, got, err)
		}
	}
	for _, loc := range []string{"", "https://api.ionos.com/cloudapi/v6/requests/abc/status", "https://api.ionos.com/cloudapi/v6/servers/" + id, "::"} {
		if got, err := RequestIDFromLocation(loc); err == nil {
			t.Errorf("RequestIDFromLocation(%q) = %q, want an error", loc, got)
		}
	}
}

func TestParseRequestRef(t *testing.T) {
	c, err := New(Config{Token: "t", APIURL: "http://127.0.0.1:18080/"})
	if err != nil {
		t.Fatal(err)
	}
	const id = "f2354da4-83e3-4e92-9d23-f3cb1ffecc31"
	for _, ref := range []string{
		id,
		" " + strings.ToUpper(id) + " ",
		"http://127.0.0.1:18080/cloudapi/v6/requests/" + id + "/status",
		"http://127.0.0.1:18080/cloudapi/v6/requests/" + id,
	} {
		if got, err := c.ParseRequestRef(ref); err != nil || got != id {
			t.Errorf("ParseRequestRef(%q) = %q, %v", ref, got, err)
		}
	}
	for _, ref := range []string{
		"",
		"abc",
		"../../datacenters",
		"https://127.0.0.1:18080/cloudapi/v6/requests/" + id + "/status", // other scheme
		"http://127.0.0.2:18080/cloudapi/v6/requests/" + id + "/status",  // other host
		"http://127.0.0.1:18081/cloudapi/v6/requests/" + id + "/status",  // other port
		"http://127.0.0.1:18080/other/requests/" + id + "/status",        // other base path
		"http://127.0.0.1:18080/cloudapi/v6/requests/" + id + "/status?depth=10",
		"http://127.0.0.1:18080/cloudapi/v6/requests/" + id + "/status#x",
		"http://127.0.0.1:18080/cloudapi/v6/requests/%2e%2e/status",
		"http://127.0.0.1:18080/cloudapi/v6/requests/../datacenters/status",
		"http://u:p@127.0.0.1:18080/cloudapi/v6/requests/" + id + "/status",
	} {
		if got, err := c.ParseRequestRef(ref); err == nil {
			t.Errorf("ParseRequestRef(%q) = %q, want an error", ref, got)
		}
	}
}

func TestIsUUID(t *testing.T) {
	for s, want := range map[string]bool{
		"f2354da4-83e3-4e92-9d23-f3cb1ffecc31":  true,
		"F2354DA4-83E3-4E92-9D23-F3CB1FFECC31":  true,
		"f2354da4-83e3-4e92-9d23-f3cb1ffecc3":   false,
		"f2354da483e34e929d23f3cb1ffecc31":      false,
		"g2354da4-83e3-4e92-9d23-f3cb1ffecc31":  false,
		"f2354da4-83e3-4e92-9d23-f3cb1ffecc31/": false,
		"":                                      false,
	} {
		if IsUUID(s) != want {
			t.Errorf("IsUUID(%q) = %v", s, !want)
		}
	}
}
