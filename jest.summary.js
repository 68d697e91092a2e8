// Prints "tests: N passed, N failed[, N skipped]" alone on a line after the run, for CI logs.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failedSuites = results.numFailedTestSuites + results.numRuntimeErrorTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests + (failedSuites > 0 && results.numFailedTests === 0 ? failedSuites : 0)} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
