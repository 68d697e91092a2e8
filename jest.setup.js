// Per-project setup: Jest ignores a project's `testTimeout` in multi-project runs, so it is set
// here. PGlite start-up and argon2 hashing are slow on a busy 2-core machine.
jest.setTimeout(60_000);
