// Per-project setup: Jest ignores a project's `testTimeout` in multi-project runs, so it is set
// here. PGlite start-up, argon2 hashing and the e2e harness (six subgraphs and a gateway in one
// process) are slow on a busy 2-core machine; the limit only catches a hang.
jest.setTimeout(120_000);
