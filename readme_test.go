package video_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDocsCompile builds every Go block of the README, each a whole file, and the snippets of
// the package docs (this package's and fromenv's), each wrapped in a file of its own, inside
// this module: documentation that does not compile fails here. The files go to a directory
// whose name starts with '_', which ./... patterns never match.
func TestDocsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the README's programs; not in -short")
	}
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1)
	require.NotEmpty(t, blocks, "the README has Go blocks")

	dir, err := os.MkdirTemp(".", "_docs-compile-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	var pkgs []string
	add := func(name, file string, src []byte) {
		write(t, filepath.Join(dir, name, file), src)
		pkgs = append(pkgs, "./"+filepath.ToSlash(filepath.Join(dir, name)))
	}
	for i, b := range blocks {
		src := b[1]
		require.True(t, bytes.HasPrefix(src, []byte("package ")), "README Go block %d is not a whole file", i+1)
		file := "main.go"
		if bytes.Contains(src, []byte("\nfunc Test")) {
			file = "block_test.go"
		}
		add("readme"+strconv.Itoa(i+1), file, src)
	}
	add("doc", "main.go", docSnippet(t, "doc.go"))
	add("fromenv", "main.go", docSnippet(t, "fromenv/fromenv.go"))

	out, err := exec.Command("go", append([]string{"vet"}, pkgs...)...).CombinedOutput()
	require.NoError(t, err, "the docs do not compile:\n%s", out)
}

// docSnippet wraps the indented code of a file's package doc in a program with the imports a
// snippet may use: declarations as they are, statements as main's body.
func docSnippet(t *testing.T, path string) []byte {
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	var code []string
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "package ") {
			break
		}
		if strings.HasPrefix(line, "//\t") {
			code = append(code, strings.TrimPrefix(line, "//\t"))
		}
	}
	require.NotEmpty(t, code, "%s has a snippet", path)
	body := strings.Join(code, "\n")
	if !strings.HasPrefix(body, "func ") {
		body = "func main() {\n" + body + "\n}"
	}
	return []byte(`package main

import (
	"context"
	"encoding/json"
	"log"
	"net/http"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/fromenv"
)

var (
	_ = context.Background
	_ = json.NewEncoder
	_ = log.Fatal
	_ = http.HandleFunc
	_ video.Role
	_ = fromenv.New
)

` + body + "\n")
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o644))
}
