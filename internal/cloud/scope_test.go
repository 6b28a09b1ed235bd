package cloud_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/sim"
)

// scoped returns a client limited to the production data center by name,
// and an unlimited one, on the same simulated account.
func scoped(t *testing.T) (limited, full *cloud.Client, s *sim.Server) {
	t.Helper()
	s, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	mk := func(scope func(cloud.Datacenter) bool) *cloud.Client {
		c, err := cloud.New(cloud.Config{Token: s.Token(), APIURL: s.URL, Scope: scope})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return mk(func(d cloud.Datacenter) bool { return d.Name == "production" }), mk(nil), s
}

// A request whose targets lie outside the allow-list is not found, in the
// words used for a request that does not exist; one inside it is read.
func TestRequestStatusScoped(t *testing.T) {
	limited, full, _ := scoped(t)
	ctx := context.Background()
	hiddenSrv, err := full.ResolveServer(ctx, "build-runner", "staging")
	if err != nil {
		t.Fatal(err)
	}
	hidden, err := full.PowerAction(ctx, hiddenSrv, cloud.Start)
	if err != nil {
		t.Fatal(err)
	}
	shownSrv, err := full.ResolveServer(ctx, "web-2", "production")
	if err != nil {
		t.Fatal(err)
	}
	shown, err := full.PowerAction(ctx, shownSrv, cloud.Reboot)
	if err != nil {
		t.Fatal(err)
	}

	if st, err := limited.RequestStatus(ctx, shown); err != nil || st.RequestID != shown || len(st.Targets) != 1 {
		t.Fatalf("request in production: %+v, %v", st, err)
	}
	st, err := limited.RequestStatus(ctx, hidden)
	if err == nil {
		t.Fatalf("request in staging read through a production-only client: %+v", st)
	}
	const missing = "0b4c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3"
	_, merr := limited.RequestStatus(ctx, missing)
	if !cloud.IsNotFound(err) || !cloud.IsNotFound(merr) {
		t.Fatalf("hidden: %v; missing: %v; want both not found", err, merr)
	}
	if got, want := strings.ReplaceAll(err.Error(), hidden, "ID"), strings.ReplaceAll(merr.Error(), missing, "ID"); got != want {
		t.Errorf("a hidden request reads %q, a missing one %q: they must read alike", got, want)
	}
	if strings.Contains(err.Error(), hiddenSrv.ID) {
		t.Errorf("the error names the hidden server: %v", err)
	}
}

// A data center outside the allow-list and one that does not exist are
// refused alike, by name and by id.
func TestHiddenDatacenterReadsAsMissing(t *testing.T) {
	limited, full, _ := scoped(t)
	ctx := context.Background()
	staging, err := full.ResolveDatacenter(ctx, "staging")
	if err != nil {
		t.Fatal(err)
	}
	const missingID = "0b4c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3"
	for _, pair := range [][2]string{{"staging", "no-such-dc"}, {staging.ID, missingID}} {
		_, herr := limited.ResolveDatacenter(ctx, pair[0])
		_, merr := limited.ResolveDatacenter(ctx, pair[1])
		if herr == nil || merr == nil {
			t.Fatalf("hidden %q: %v; missing %q: %v", pair[0], herr, pair[1], merr)
		}
		if got, want := strings.ReplaceAll(herr.Error(), pair[0], "REF"), strings.ReplaceAll(merr.Error(), pair[1], "REF"); got != want {
			t.Errorf("hidden reads %q, missing %q", got, want)
		}
	}
	if _, err := limited.ListServers(ctx, staging); !cloud.IsNotFound(err) {
		t.Errorf("servers of a hidden data center: %v, want not found", err)
	}
}
