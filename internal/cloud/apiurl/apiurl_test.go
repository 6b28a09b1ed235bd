package apiurl

import (
	"strings"
	"testing"
)

func TestParseAPIURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "https://api.ionos.com/cloudapi/v6"},
		{"api.ionos.com", "https://api.ionos.com/cloudapi/v6"},
		{"https://api.ionos.com", "https://api.ionos.com/cloudapi/v6"},
		{"https://api.ionos.com/", "https://api.ionos.com/cloudapi/v6"},  // sdk-go makes this ...//cloudapi/v6
		{"https://api.ionos.com//", "https://api.ionos.com/cloudapi/v6"}, // any number of slashes
		{"https://api.ionos.com/cloudapi/v6", "https://api.ionos.com/cloudapi/v6"},
		{"https://api.ionos.com/cloudapi/v6/", "https://api.ionos.com/cloudapi/v6"}, // sdk-go appends a second /cloudapi/v6
		{"  http://127.0.0.1:18080  ", "http://127.0.0.1:18080/cloudapi/v6"},
		{"HTTPS://API.IONOS.COM", "https://api.ionos.com/cloudapi/v6"},
		{"https://proxy.example/ionos", "https://proxy.example/ionos/cloudapi/v6"},
		{"[::1]:8080", "https://[::1]:8080/cloudapi/v6"},
	}
	for _, tt := range tests {
		u, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := u.String(); got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseAPIURLRejects(t *testing.T) {
	for _, in := range []string{
		"ftp://api.ionos.com",
		"https://",
		"https://user:pass@api.ionos.com",
		"https://api.ionos.com/?depth=10",
		"https://api.ionos.com/#x",
		"https://api.ionos.com/ x",
		"https://api.ionos\n.com",
		"http://%zz",
	} {
		if u, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, u)
		} else if strings.Contains(err.Error(), "pass") && strings.Contains(in, "pass@") {
			t.Errorf("error repeats the credentials: %v", err)
		}
	}
}
