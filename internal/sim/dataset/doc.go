// Package dataset is the content of a simulated IONOS account as data: data
// centers, servers and their labels, volumes, CD-ROMs and NICs, LANs and
// load balancers. It loads, saves and validates dataset files and builds the
// default account and large generated ones with ids stable across runs.
// It knows nothing of the simulator (package sim) that serves a dataset.
package dataset
