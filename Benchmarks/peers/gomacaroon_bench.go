// Decode + verify with go-macaroon (Debian golang-gopkg-macaroon.v2-dev, gopkg.in/macaroon.v2 2.1.0).
// Reads the token file written by PeerComparison and prints one JSON line per case.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"time"

	macaroon "gopkg.in/macaroon.v2"
)

func main() {
	file, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		fields := strings.Split(scanner.Text(), "\t")
		name, token := fields[0], fields[2]
		secret, _ := hex.DecodeString(fields[1])
		var predicates [][]byte
		if len(fields) > 3 && fields[3] != "" {
			for _, p := range strings.Split(fields[3], ",") {
				b, _ := hex.DecodeString(p)
				predicates = append(predicates, b)
			}
		}
		check := func(caveat string) error {
			for _, p := range predicates {
				if bytes.Equal([]byte(caveat), p) {
					return nil
				}
			}
			return fmt.Errorf("caveat not satisfied")
		}
		best := time.Duration(1 << 62)
		for run := 0; run < 5; run++ {
			iterations := 0
			start := time.Now()
			for time.Since(start) < 200*time.Millisecond {
				for i := 0; i < 100; i++ {
					raw, err := base64.RawURLEncoding.DecodeString(token)
					if err != nil {
						panic(err)
					}
					var m macaroon.Macaroon
					if err := m.UnmarshalBinary(raw); err != nil {
						panic(err)
					}
					if err := m.Verify(secret, check, nil); err != nil {
						panic(err)
					}
				}
				iterations += 100
			}
			if perOp := time.Since(start) / time.Duration(iterations); perOp < best {
				best = perOp
			}
		}
		fmt.Printf("{\"scenario\":\"%s\",\"implementation\":\"go-macaroon\",\"ns_per_op\":%d}\n", name, best.Nanoseconds())
	}
}
