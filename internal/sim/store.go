package sim

import (
	"crypto/md5"
	"encoding/hex"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// account is one simulated IONOS account: credentials, data and the requests
// created against it. Everything under mu; nextDue is read without it.
type account struct {
	token, username, password string
	index                     int // position among accounts; seeds request ids
	seed                      int64
	userID                    string
	limiter                   *rate.Limiter // nil when rate limiting is off

	mu        sync.RWMutex
	dcs       []*dcState
	dcByID    map[string]*dcState
	srvByID   map[string]*srvState
	volByID   map[string]*volState
	nicByID   map[string]*nicState
	imgByID   map[string]*cdState // images attached as CD-ROMs
	lbByID    map[string]*lbState
	reqs      []*request // creation order, oldest first
	reqByID   map[string]*request
	events    eventQueue // pending releases, earliest first
	appliedAt time.Time  // latest time effects were applied for
	reqSeq    uint64
	labelSeq  uint64 // label writes so far; see labelState.seq

	// nextDue is the UnixNano of the earliest pending effect (MaxInt64 if
	// none). Readers compare it with now to know whether they may take
	// only the read lock.
	nextDue atomic.Int64
}

// dcState is a data center as the API shows it.
type dcState struct {
	id, name, description, location string
	userID                          string // the account's, for createdByUserId
	servers                         []*srvState
	volumes                         []*volState // attached (in server order), then unattached
	lans                            []*lanState
	lbs                             []*lbState
	created                         string // formatted createdDate
	modified                        string
	etag                            string
	version                         int32
}

// srvState is a server as the API shows it, plus the engine's bookkeeping.
type srvState struct {
	id, name, typ, cpuFamily, zone string
	cores, ram                     int32
	templateID                     string // CUBE and GPU servers are built from a template
	dc                             *dcState
	volumes                        []*volState
	cdroms                         []*cdState
	nics                           []*nicState
	bootVol                        *volState // at most one of bootVol and bootCD
	bootCD                         *cdState
	labels                         []labelState // sorted by key

	vmState  string
	created  string
	modified string
	version  uint64
	etag     string

	pending   int       // accepted requests not yet released; BUSY while > 0
	projected string    // vmState once every accepted request has run
	lastDone  time.Time // doneAt of the last accepted request, for queueing
}

// state is metadata.state: BUSY while a request is pending, else derived
// from vmState.
func (s *srvState) state() string {
	if s.pending > 0 {
		return "BUSY"
	}
	return stateOf(s.vmState)
}

// touch records a change: new version, new etag, new lastModifiedDate.
func (s *srvState) touch(at time.Time) {
	s.version++
	s.etag = etagOf(s.id, s.version)
	s.modified = formatTime(at)
}

// datasetEpoch anchors the created dates of dataset resources, so the same
// dataset always renders the same timestamps.
var datasetEpoch = time.Date(2024, time.January, 15, 9, 30, 0, 0, time.UTC)

func newAccount(index int, seed int64, token, username, password string, d *dataset.Dataset, rl RateLimit) *account {
	n := d.ServerCount()
	a := &account{
		token:    token,
		username: username,
		password: password,
		index:    index,
		seed:     seed,
		userID:   dataset.NameUUID("user", strconv.Itoa(index)),
		dcByID:   make(map[string]*dcState, len(d.Datacenters)),
		srvByID:  make(map[string]*srvState, n),
		volByID:  make(map[string]*volState, d.VolumeCount()),
		nicByID:  make(map[string]*nicState, n),
		imgByID:  make(map[string]*cdState),
		lbByID:   make(map[string]*lbState),
		reqByID:  make(map[string]*request),
	}
	if rl.enabled() {
		a.limiter = rate.NewLimiter(rate.Limit(float64(rl.PerMinute)/60), max(rl.Burst, 1))
	}
	a.nextDue.Store(math.MaxInt64)
	srvs := make([]srvState, n) // one allocation for all servers
	pools := newDevicePools(d)
	k := 0
	for i, dd := range d.Datacenters {
		born := datasetEpoch.Add(time.Duration(i) * 24 * time.Hour)
		dc := newDCState(born, dd, a.userID)
		a.addLANs(dc, dd.LANs)
		for j, ds := range dd.Servers {
			s := &srvs[k]
			k++
			initServer(s, dc, born.Add(time.Duration(j+1)*time.Minute), ds)
			a.addDevices(pools, s, ds)
			pools.addLabels(s, ds.Labels)
			dc.servers = append(dc.servers, s)
			a.srvByID[s.id] = s
		}
		for _, dv := range dd.Volumes {
			a.addVolume(pools, dc, dv)
		}
		a.addLoadbalancers(dc, born, dd.Loadbalancers)
		a.dcs = append(a.dcs, dc)
		a.dcByID[dc.id] = dc
	}
	return a
}

func newDCState(born time.Time, d dataset.Datacenter, userID string) *dcState {
	created := formatTime(born)
	dc := &dcState{
		id:          canonicalID(d.ID),
		name:        d.Name,
		description: d.Description,
		location:    d.Location,
		userID:      userID,
		servers:     make([]*srvState, 0, len(d.Servers)),
		created:     created,
		modified:    created,
		version:     1,
	}
	dc.etag = etagOf(dc.id, uint64(dc.version))
	return dc
}

func initServer(s *srvState, dc *dcState, born time.Time, d dataset.Server) {
	created := formatTime(born)
	*s = srvState{
		id:        canonicalID(d.ID),
		name:      d.Name,
		typ:       d.Type,
		cpuFamily: d.CPUFamily,
		zone:      d.AvailabilityZone,
		cores:     d.Cores,
		ram:       d.RAM,
		dc:        dc,
		vmState:   d.VMState,
		projected: d.VMState,
		created:   created,
		modified:  created,
		version:   1,
	}
	if s.zone == "" {
		s.zone = "AUTO"
	}
	if templateBased(s.typ) {
		s.templateID = dataset.NameUUID("template", s.typ, strconv.Itoa(int(s.cores)), strconv.Itoa(int(s.ram)))
	}
	s.etag = etagOf(s.id, s.version)
}

// etagOf derives an etag from an id and a version counter: unique per change
// and, unlike a counter alone, unique across resources.
func etagOf(id string, version uint64) string {
	var buf [64]byte
	b := append(buf[:0], id...)
	b = append(b, ':')
	b = strconv.AppendUint(b, version, 10)
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// timeLayout is the API's timestamp format: RFC 3339, UTC, milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// server finds a server in a data center; both must exist and match.
func (a *account) server(dcID, srvID string) (*srvState, bool) {
	s, ok := a.srvByID[srvID]
	if !ok || s.dc.id != dcID {
		return nil, false
	}
	return s, true
}

// dataset copies the current state back into a Dataset (caller holds mu).
func (a *account) dataset() *dataset.Dataset {
	d := &dataset.Dataset{Datacenters: make([]dataset.Datacenter, len(a.dcs))}
	for i, dc := range a.dcs {
		out := dataset.Datacenter{ID: dc.id, Name: dc.name, Description: dc.description, Location: dc.location,
			Servers: make([]dataset.Server, len(dc.servers))}
		for j, s := range dc.servers {
			out.Servers[j] = dataset.Server{ID: s.id, Name: s.name, Type: s.typ, VMState: s.vmState,
				CPUFamily: s.cpuFamily, AvailabilityZone: s.zone, Cores: s.cores, RAM: s.ram, Labels: s.datasetLabels()}
			s.datasetDevices(&out.Servers[j])
		}
		dc.datasetDevices(&out)
		d.Datacenters[i] = out
	}
	return d
}
