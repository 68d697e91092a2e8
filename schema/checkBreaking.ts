/**
 * `npm run check:breaking -w @learncraft/schema [-- --released <file> --current <file>]`: fails
 * (exit 1) when schema/api.graphql breaks the released contract (see breaking.ts).
 */
import { checkBreakingChanges, formatReport, readContracts } from './breaking';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<number> {
  const { releasedSdl, currentSdl } = readContracts(option('--released'), option('--current'));
  const result = await checkBreakingChanges(releasedSdl, currentSdl);
  const report = formatReport(result);
  if (result.breaking.length > 0) {
    console.error(report);
    return 1;
  }
  console.log(report);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
