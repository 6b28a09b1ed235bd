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

// An error about IONOS_API_URL shows its scheme, host and path only: a
// query, a fragment or credentials may hold a secret.
func TestParseErrorsShowNoSecret(t *testing.T) {
	for _, in := range []string{
		"https://user:pass@api.example.com/cloudapi/v6?secret=s3cr3t",
		"user:pass@api.example.com?secret=s3cr3t",
		"https://api.example.com/?secret=s3cr3t",
		"https://api.example.com/cloudapi/v6#secret=s3cr3t",
		"https://api.example.com/%zz?secret=s3cr3t",
		"https://api.example.com:x?secret=s3cr3t",
		"https://api.example.com/#%zzsecret=s3cr3t",
	} {
		_, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", in)
			continue
		}
		msg := err.Error()
		for _, secret := range []string{"s3cr3t", "secret", "user", "pass"} {
			if strings.Contains(msg, secret) {
				t.Errorf("Parse(%q): the error shows %q: %s", in, secret, msg)
			}
		}
		if !strings.Contains(msg, "api.example.com") {
			t.Errorf("Parse(%q): the error does not name the host: %s", in, msg)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.example.com/cloudapi/v6", "https://api.example.com/cloudapi/v6"},
		{"https://user:pass@api.example.com:8443/x?secret=1#f", "https://api.example.com:8443/x"},
		{"user:pass@api.example.com", "api.example.com"},
		{"api.example.com/p@th?q", "api.example.com/p@th"},
		{"https://us?er:pass@h", "https://us"},
		{"%zz", "%zz"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
