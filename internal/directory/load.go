package directory

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// header must match the first line written by the generator (gen/build.go).
const header = "kind\tinsee\tsiren\tname\tdepartement\tregion\tpopulation\tpostal_codes\tepci"

// parse decompresses and reads the directory file. The whole text becomes
// one string and every field a substring of it, which saves one allocation
// per field: loading is dominated by the number of allocations.
func parse(gz []byte) ([]Body, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	text := string(raw)
	first, rest, _ := strings.Cut(text, "\n")
	if first != header {
		return nil, fmt.Errorf("directory: unexpected header %q", first)
	}
	bodies := make([]Body, 0, strings.Count(rest, "\n"))
	for n := 2; rest != ""; n++ {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		b, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("directory: line %d: %w", n, err)
		}
		bodies = append(bodies, b)
	}
	return bodies, nil
}

// parseLine reads one TSV line in the order of header.
func parseLine(line string) (Body, error) {
	var f [9]string
	if n := strings.Count(line, "\t") + 1; n != len(f) {
		return Body{}, fmt.Errorf("%d fields, want %d", n, len(f))
	}
	for i := range f {
		f[i], line, _ = strings.Cut(line, "\t")
	}
	pop, err := strconv.Atoi(f[6])
	if err != nil {
		return Body{}, err
	}
	b := Body{Kind: Kind(f[0]), INSEE: f[1], SIREN: f[2], Name: f[3], Departement: f[4],
		Region: f[5], Population: pop, EPCI: f[8]}
	if f[7] != "" {
		b.PostalCodes = strings.Split(f[7], ",")
	}
	return b, nil
}

// newDirectory builds the lookup maps and the search index.
func newDirectory(bodies []Body) *Directory {
	d := &Directory{
		bodies:   bodies,
		byINSEE:  make(map[string]int32, len(bodies)),
		byDep:    map[string]int32{},
		byRegion: map[string]int32{},
		bySIREN:  make(map[string]int32, len(bodies)),
		byKey:    make(map[string]int32, len(bodies)),
		byPostal: make(map[string][]int32, 7000),
		members:  make(map[string][]int32, 1300),
	}
	for i := range bodies {
		d.add(int32(i))
	}
	d.search = buildIndex(bodies)
	for _, m := range d.members {
		slices.SortFunc(m, func(a, b int32) int {
			return cmp.Or(strings.Compare(d.search.norm(a), d.search.norm(b)), cmp.Compare(a, b))
		})
	}
	return d
}

// add files body i under its codes.
func (d *Directory) add(i int32) {
	b := &d.bodies[i]
	switch b.Kind {
	case KindDepartement:
		d.byDep[b.INSEE] = i
	case KindRegion:
		d.byRegion[b.INSEE] = i
	default:
		if b.INSEE != "" {
			d.byINSEE[b.INSEE] = i
		}
	}
	if b.SIREN != "" {
		d.bySIREN[b.SIREN] = i
	}
	d.byKey[b.Key()] = i
	for _, pc := range b.PostalCodes {
		d.byPostal[pc] = append(d.byPostal[pc], i)
	}
	if b.EPCI != "" {
		d.members[b.EPCI] = append(d.members[b.EPCI], i)
	}
}
