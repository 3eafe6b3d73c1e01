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

// TestDocsCompile builds every Go block of the README, each a whole file, and the package
// doc's snippet, wrapped in a file of its own, inside this module: documentation that does not
// compile fails here.
func TestDocsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the README's programs; not in -short")
	}
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1)
	require.NotEmpty(t, blocks, "the README has Go blocks")

	dir, err := os.MkdirTemp(".", "docs-compile-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	for i, b := range blocks {
		src := b[1]
		require.True(t, bytes.HasPrefix(src, []byte("package ")), "README Go block %d is not a whole file", i+1)
		name := "main.go"
		if bytes.Contains(src, []byte("\nfunc Test")) {
			name = "block_test.go"
		}
		write(t, filepath.Join(dir, "readme"+strconv.Itoa(i+1), name), src)
	}
	write(t, filepath.Join(dir, "doc", "main.go"), docSnippet(t))

	cmd := exec.Command("go", "vet", "./"+filepath.ToSlash(dir)+"/...")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "the docs do not compile:\n%s", out)
}

// docSnippet wraps doc.go's indented code in a file with the imports it uses.
func docSnippet(t *testing.T) []byte {
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	var code []string
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "//\t") {
			code = append(code, strings.TrimPrefix(line, "//\t"))
		}
	}
	require.NotEmpty(t, code, "doc.go has a snippet")
	return []byte(`package main

import (
	"context"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/fromenv"
)

` + strings.Join(code, "\n") + `

func main() { _, _ = serve(context.Background(), "appointment-1", "doctor-1") }

var _ video.Role
var _ = fromenv.New
`)
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o644))
}
