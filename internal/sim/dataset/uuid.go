package dataset

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
)

// NameUUID derives a version-5-style UUID from parts, so the default
// dataset's ids are stable across runs and machines. The simulator derives
// its request, user and template ids with it too: one namespace for all.
func NameUUID(parts ...string) string {
	h := sha1.New()
	h.Write([]byte("ionos-mcp/sim"))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x50 // version 5
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return formatUUID(b)
}

// uuidFromWords builds a version-4-style UUID from two random words, for
// generated datasets where hashing 100,000 names would be wasted work.
func uuidFromWords(hi, lo uint64) string {
	var b [16]byte
	for i := range 8 {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

func formatUUID(b [16]byte) string {
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:])
}

// IsUUID reports whether s is a UUID in 8-4-4-4-12 hex form (either case):
// the form every id of a dataset but a LAN's takes.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// MACFromID derives a NIC's MAC address from its id: 02:01 (the locally
// administered prefix IONOS NICs carry) and four bytes of a hash. It is
// what a NIC without a MAC in its dataset gets; pass the id in lower case,
// as the simulator stores it, so the MAC does not depend on the id's case.
func MACFromID(id string) string {
	sum := sha1.Sum([]byte(id))
	return fmt.Sprintf("02:01:%02x:%02x:%02x:%02x", sum[0], sum[1], sum[2], sum[3])
}
