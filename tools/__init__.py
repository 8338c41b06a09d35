"""Developer tools (benchmarks, shared browser settings); not part of the package, never shipped."""
