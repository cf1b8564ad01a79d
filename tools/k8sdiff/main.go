// Command k8sdiff is the Go side of the differential test in tools/k8sdiff.
//
// It is built against the k8s.io/apimachinery module pinned in go.mod (see README.md)
// and answers one JSON request per input line with one JSON line:
//
//	k8sdiff parse     "selector string"          -> {"ok","string","reqs","err"}
//	k8sdiff ls        {"sel": LabelSelector|null} -> {"ok","string","reqs","err","nothing","empty","ml_errs"}
//	k8sdiff validate  "text"                      -> {"key": [...], "value": [...]}
//	k8sdiff match     {"sel": "s"|null, "ls": LabelSelector, "labels": {...}} -> {"ok","err","match","ml_errs"}
//
// reqs are [key, operator, values] with Go's operator names and the values in stored order.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/util/validation"
)

type selOut struct {
	OK      bool            `json:"ok"`
	String  string          `json:"string"`
	Reqs    [][]interface{} `json:"reqs"`
	Err     string          `json:"err"`
	Nothing bool            `json:"nothing"`
	Empty   bool            `json:"empty"`
	MLErrs  []string        `json:"ml_errs,omitempty"`
	Match   *bool           `json:"match,omitempty"`
}

func describe(sel labels.Selector, err error) selOut {
	out := selOut{Reqs: [][]interface{}{}}
	if err != nil {
		out.Err = err.Error()
		return out
	}
	out.OK = true
	out.String = sel.String()
	out.Nothing = labels.MatchesNothing(sel)
	out.Empty = sel.Empty()
	reqs, _ := sel.Requirements()
	for _, r := range reqs {
		out.Reqs = append(out.Reqs, []interface{}{r.Key(), string(r.Operator()), r.ValuesUnsorted()})
	}
	return out
}

// matchLabelErrors lists the error each matchLabels entry would give on its own:
// Go visits the map in random order, so any of them may be the one reported.
func matchLabelErrors(ps *metav1.LabelSelector) []string {
	if ps == nil {
		return nil
	}
	var errs []string
	for k, v := range ps.MatchLabels {
		if _, err := labels.NewRequirement(k, selection.Equals, []string{v}); err != nil {
			errs = append(errs, err.Error())
		}
	}
	sort.Strings(errs)
	return errs
}

type matchReq struct {
	Sel    *string               `json:"sel"`
	LS     *metav1.LabelSelector `json:"ls"`
	Labels map[string]string     `json:"labels"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: k8sdiff parse|ls|validate|match < requests.jsonl")
		os.Exit(2)
	}
	mode := os.Args[1]
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer w.Flush()
	enc := json.NewEncoder(w)
	for in.Scan() {
		line := in.Bytes()
		var out interface{}
		switch mode {
		case "parse":
			var s string
			if err := json.Unmarshal(line, &s); err != nil {
				fmt.Fprintln(os.Stderr, "bad input:", err)
				os.Exit(1)
			}
			out = describe(labels.Parse(s))
		case "ls":
			var req struct {
				Sel *metav1.LabelSelector `json:"sel"`
			}
			if err := json.Unmarshal(line, &req); err != nil {
				fmt.Fprintln(os.Stderr, "bad input:", err)
				os.Exit(1)
			}
			o := describe(metav1.LabelSelectorAsSelector(req.Sel))
			o.MLErrs = matchLabelErrors(req.Sel)
			out = o
		case "validate":
			var s string
			if err := json.Unmarshal(line, &s); err != nil {
				fmt.Fprintln(os.Stderr, "bad input:", err)
				os.Exit(1)
			}
			key := validation.IsQualifiedName(s)
			value := validation.IsValidLabelValue(s)
			if key == nil {
				key = []string{}
			}
			if value == nil {
				value = []string{}
			}
			out = map[string][]string{"key": key, "value": value}
		case "match":
			var req matchReq
			if err := json.Unmarshal(line, &req); err != nil {
				fmt.Fprintln(os.Stderr, "bad input:", err)
				os.Exit(1)
			}
			var sel labels.Selector
			var err error
			if req.Sel != nil {
				sel, err = labels.Parse(*req.Sel)
			} else {
				sel, err = metav1.LabelSelectorAsSelector(req.LS)
			}
			o := selOut{Reqs: [][]interface{}{}, MLErrs: matchLabelErrors(req.LS)}
			if err != nil {
				o.Err = err.Error()
			} else {
				o.OK = true
				m := sel.Matches(labels.Set(req.Labels))
				o.Match = &m
			}
			out = o
		default:
			fmt.Fprintln(os.Stderr, "unknown mode", mode)
			os.Exit(2)
		}
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(os.Stderr, "encode:", err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "read:", err)
		os.Exit(1)
	}
}
