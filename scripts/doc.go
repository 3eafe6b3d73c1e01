// Package scripts holds the tests of the project's shell scripts (fuzz.sh, test.sh); it has no
// code of its own.
package scripts
