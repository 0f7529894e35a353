// Stand-in for the `server-only` marker package: Next resolves it to an empty module on the
// server; under Vitest the lib modules are imported directly, so it must not throw.
export {};
