// The demo courses' hands-on labs: pure data, one lab per course (keyed by the LAB lesson's key).
//
// Every lab works in the sandbox its profile describes, offline: the setup script prepares the
// learner's home, and each check runs as `bash -lc '<check>'` with cwd = HOME = /home/learner,
// passes on exit code 0 and prints one helpful line (what is missing) otherwise. The known
// solutions are in demoLabSolutions.ts; test/demoLabs.test.ts runs setup, solution and checks in a
// bubblewrap sandbox. Checks use only bash builtins and tools under /usr/bin (coreutils, grep,
// sed, sort), plus `node` and `tsc` (NODE) or `kubectl` (KUBERNETES); no awk or which (on
// Debian-like hosts they are /etc/alternatives links that a sandbox without /etc cannot follow).
//
// Host paths a local (bubblewrap) sandbox needs, read-only, besides /usr (with /bin, /lib, /lib64
// as symlinks into it), /proc, /dev, a tmpfs /tmp and the learner's home:
// - LINUX: nothing more.
// - NODE: the `typescript` package directory (here the repo's node_modules/typescript) at
//   /opt/typescript with /opt/typescript/bin on PATH (its `tsc` is `#!/usr/bin/env node`), and
//   node's directory when node is not under /usr (e.g. nvm).
// - KUBERNETES: kubectl's directory when kubectl is not under /usr (here /usr/bin/kubectl ->
//   /usr/lib/google-cloud-sdk/bin/kubectl, a static binary, so nothing more).
// Binding /etc/alternatives as well makes vi/vim, awk and which usable in the terminal.
// A NODE check runs tsc, which takes a few seconds on a busy machine: give checks >= 30 s.
import type { DemoLab } from './demoCatalog';

const LINUX_IMAGE = 'learncraft/lab-ubuntu:24.04';
const NODE_IMAGE = 'learncraft/lab-node:20';
const KUBERNETES_IMAGE = 'learncraft/lab-kubernetes:1.32';

/** The Linux Command Line: files, permissions and grep. */
export const shellWorkoutLab: DemoLab = {
  image: LINUX_IMAGE,
  profile: 'LINUX',
  timeLimitMinutes: 40,
  idleTimeoutMinutes: 15,
  instructionsMarkdown: `# Lab: Shell Workout

Time to put your new skills together in a real shell. You will:

1. Create a directory and a file with exact content.
2. Write an executable shell script and set its permissions.
3. Use \`grep\` and output redirection to extract errors from a log file.

Work in your home directory; the lab has prepared \`~/workshop/logs/app.log\` for you. After each step, click **Check** to verify it. You can always inspect your work with \`ls -l\` and \`cat\`.
`,
  setupScript: String.raw`set -e
mkdir -p ~/workshop/logs
printf '%s\n' \
  '2025-01-10 08:00:01 INFO  server started' \
  '2025-01-10 08:00:07 ERROR database connection refused' \
  '2025-01-10 08:01:12 WARN  slow response' \
  '2025-01-10 08:02:45 ERROR timeout calling payments' \
  '2025-01-10 08:03:00 INFO  request completed' \
  '2025-01-10 08:04:09 ERROR disk quota exceeded' \
  > ~/workshop/logs/app.log
`,
  steps: [
    {
      key: 'create-note',
      title: 'Create a directory and a file',
      instructionsMarkdown: `Create the directory \`~/workshop/notes\` and in it a file \`hello.txt\` whose only line is:

\`\`\`text
Hello, LearnCraft
\`\`\`

Tip: \`mkdir -p\` creates missing parent directories, and \`echo '...' > file\` writes a line into a file.
`,
      check: {
        command: String.raw`f=~/workshop/notes/hello.txt
[ -d ~/workshop/notes ] || { echo "Missing directory ~/workshop/notes: create it with mkdir -p ~/workshop/notes"; exit 1; }
[ -f "$f" ] || { echo "Missing file ~/workshop/notes/hello.txt"; exit 1; }
[ "$(cat "$f")" = 'Hello, LearnCraft' ] || { echo "~/workshop/notes/hello.txt must contain exactly one line: Hello, LearnCraft"; exit 1; }
echo "hello.txt is in place."`,
        expectExitCode: 0,
      },
      hint: 'mkdir -p creates a directory (and any missing parents); echo with > writes its text into a file. Check the exact spelling and capitalisation of the line.',
    },
    {
      key: 'executable-script',
      title: 'Write an executable script',
      instructionsMarkdown: `Create the script \`~/workshop/scripts/hello.sh\` that prints \`Hello, LearnCraft\`:

\`\`\`bash
mkdir -p ~/workshop/scripts
cat > ~/workshop/scripts/hello.sh <<'EOF'
#!/usr/bin/env bash
echo "Hello, LearnCraft"
EOF
\`\`\`

Then give it the permissions \`rwxr-xr-x\` (owner can read, write and execute; everyone else can read and execute) and run it with \`~/workshop/scripts/hello.sh\`.
`,
      check: {
        command: String.raw`s=~/workshop/scripts/hello.sh
[ -f "$s" ] || { echo "Missing script ~/workshop/scripts/hello.sh"; exit 1; }
mode=$(stat -c %a "$s")
[ "$mode" = 755 ] || { echo "hello.sh has mode $mode; it needs 755 (rwxr-xr-x): chmod 755 ~/workshop/scripts/hello.sh"; exit 1; }
out=$("$s" 2>&1) || { echo "hello.sh failed: $out"; exit 1; }
[ "$out" = 'Hello, LearnCraft' ] || { echo "hello.sh printed '$out' instead of 'Hello, LearnCraft'"; exit 1; }
echo "hello.sh runs and greets."`,
        expectExitCode: 0,
      },
      hint: 'Write each rwx triplet as a digit (r=4, w=2, x=1) and give chmod the three digits. The first line of the script must be a shebang that runs bash through env.',
    },
    {
      key: 'filter-errors',
      title: 'Extract errors with grep',
      instructionsMarkdown: `The file \`~/workshop/logs/app.log\` holds a day of log lines. Write **only the lines containing \`ERROR\`**, in their order, to \`~/workshop/logs/errors.txt\` using \`grep\` and output redirection. Then count them with \`wc -l\`.
`,
      check: {
        command: String.raw`log=~/workshop/logs/app.log
out=~/workshop/logs/errors.txt
[ -f "$log" ] || { echo "~/workshop/logs/app.log is missing: reset the lab to get it back"; exit 1; }
[ -f "$out" ] || { echo "Missing ~/workshop/logs/errors.txt: redirect grep's output into it with >"; exit 1; }
[ "$(cat "$out")" = "$(grep ERROR "$log")" ] || { echo "errors.txt must hold exactly the $(grep -c ERROR "$log") ERROR lines of app.log, in order; it has $(wc -l < "$out") lines"; exit 1; }
echo "errors.txt holds the $(wc -l < "$out") ERROR lines."`,
        expectExitCode: 0,
      },
      hint: "grep prints the matching lines; > sends a command's output into a file instead of the screen. The result should contain exactly 3 lines.",
    },
  ],
};

/** Docker for Developers: the files that containerize a Node.js service (no Docker daemon needed). */
export const containerizeNodeAppLab: DemoLab = {
  image: LINUX_IMAGE,
  profile: 'LINUX',
  timeLimitMinutes: 45,
  idleTimeoutMinutes: 15,
  instructionsMarkdown: `# Lab: Containerize a Node.js Service

The sandbox contains a small Node.js/TypeScript service in \`~/app\` with a \`package.json\`, a lockfile, a \`src/\` folder and a local \`.env\` with a secret. Your job is to write the files that turn it into a production-ready image:

1. A \`.dockerignore\` that keeps the build context small and secret-free.
2. A multi-stage \`Dockerfile\` with a separate build stage.
3. A hardened runtime stage that runs as a non-root user.

The sandbox has no Docker daemon, so the checks inspect your files. The same files build unchanged with \`docker build -t my-app ~/app\` on your own machine.
`,
  setupScript: String.raw`set -e
mkdir -p ~/app/src ~/app/node_modules
cd ~/app
cat > package.json <<'EOF'
{
  "name": "greeter",
  "version": "1.0.0",
  "private": true,
  "scripts": { "build": "tsc -p .", "start": "node dist/server.js" },
  "devDependencies": { "typescript": "5.9.3" }
}
EOF
cat > package-lock.json <<'EOF'
{ "name": "greeter", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": {} }
EOF
cat > tsconfig.json <<'EOF'
{ "compilerOptions": { "target": "es2022", "module": "commonjs", "rootDir": "src", "outDir": "dist", "strict": true } }
EOF
cat > src/server.ts <<'EOF'
import { createServer } from 'node:http';

createServer((_req, res) => res.end('Hello from the container\n')).listen(3000);
EOF
echo 'API_TOKEN=do-not-ship-me' > .env
`,
  steps: [
    {
      key: 'create-dockerignore',
      title: 'Create a .dockerignore file',
      instructionsMarkdown: `Create \`~/app/.dockerignore\` so that dependencies, Git metadata and local secrets never enter the build context. It must contain at least these entries, one per line:

\`\`\`text
node_modules
.git
.env
\`\`\`
`,
      check: {
        command: String.raw`f=~/app/.dockerignore
[ -f "$f" ] || { echo "Missing ~/app/.dockerignore"; exit 1; }
for entry in node_modules .git .env; do
  grep -qxF "$entry" "$f" || { echo ".dockerignore lacks the line: $entry"; exit 1; }
done
echo ".dockerignore keeps node_modules, .git and .env out."`,
        expectExitCode: 0,
      },
      hint: 'Each entry must be on its own line with no leading spaces or slashes, e.g. exactly "node_modules".',
    },
    {
      key: 'multi-stage-dockerfile',
      title: 'Write a multi-stage Dockerfile',
      instructionsMarkdown: `Create \`~/app/Dockerfile\` with **two stages**:

- a build stage that starts with \`FROM node:20-alpine AS build\`, installs dependencies with \`npm ci\` and runs \`npm run build\`
- a runtime stage that starts from \`node:20-alpine\` again

\`\`\`dockerfile
FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-alpine
WORKDIR /app
\`\`\`
`,
      check: {
        command: String.raw`f=~/app/Dockerfile
[ -f "$f" ] || { echo "Missing ~/app/Dockerfile"; exit 1; }
froms=$(grep -iE '^FROM[[:space:]]' "$f")
printf '%s\n' "$froms" | sed -n 1p | grep -qiE '^FROM[[:space:]]+node:20-alpine[[:space:]]+AS[[:space:]]+build[[:space:]]*$' || { echo "The first stage must start with: FROM node:20-alpine AS build"; exit 1; }
printf '%s\n' "$froms" | sed -n 2p | grep -qiE '^FROM[[:space:]]+node:20-alpine([[:space:]]|$)' || { echo "Start a second (runtime) stage with: FROM node:20-alpine"; exit 1; }
grep -qE '^RUN[[:space:]]+npm ci' "$f" || { echo "Install dependencies in the build stage with: RUN npm ci"; exit 1; }
grep -qE '^RUN[[:space:]]+npm run build' "$f" || { echo "Compile in the build stage with: RUN npm run build"; exit 1; }
echo "The Dockerfile has a build stage and a runtime stage."`,
        expectExitCode: 0,
      },
      hint: 'A multi-stage build has one FROM per stage. Name the first stage with AS so a later stage can copy from it; both stages use the same Node 20 Alpine base image.',
    },
    {
      key: 'harden-runtime-stage',
      title: 'Harden the runtime stage',
      instructionsMarkdown: `Finish the runtime stage (after the second \`FROM\`):

- copy the compiled output from the build stage with \`COPY --from=build\`
- switch to the built-in \`node\` user with \`USER node\`
- start the app with an exec-form \`CMD\`, e.g. \`CMD ["node", "dist/server.js"]\`
`,
      check: {
        command: String.raw`f=~/app/Dockerfile
[ -f "$f" ] || { echo "Missing ~/app/Dockerfile"; exit 1; }
last_from=$(grep -niE '^FROM[[:space:]]' "$f" | tail -n 1 | cut -d: -f1)
copy=$(grep -niE '^COPY[[:space:]]+--from=build[[:space:]]' "$f" | tail -n 1 | cut -d: -f1)
user=$(grep -nE '^USER[[:space:]]+node[[:space:]]*$' "$f" | tail -n 1 | cut -d: -f1)
[ -n "$copy" ] && [ "$copy" -gt "$last_from" ] || { echo "Copy the build output into the runtime stage with: COPY --from=build /app/dist ./dist"; exit 1; }
[ -n "$user" ] && [ "$user" -gt "$last_from" ] || { echo "Switch the runtime stage to the node user with: USER node"; exit 1; }
grep -E '^(CMD|ENTRYPOINT)' "$f" | tail -n 1 | grep -qE '^CMD[[:space:]]*\[' || { echo 'End with an exec-form CMD, e.g. CMD ["node", "dist/server.js"]'; exit 1; }
echo "The runtime stage runs as node with an exec-form CMD."`,
        expectExitCode: 0,
      },
      hint: 'In the runtime stage, COPY --from=<stage> brings in only the built output, USER switches away from root, and CMD in exec form is a JSON array of the program and its arguments.',
    },
  ],
};

/** TypeScript Fundamentals: fix a strict project that does not compile. */
export const typedModuleLab: DemoLab = {
  image: NODE_IMAGE,
  profile: 'NODE',
  timeLimitMinutes: 30,
  idleTimeoutMinutes: 15,
  instructionsMarkdown: `# Lab: Make a Strict Project Compile

The sandbox has Node.js and the TypeScript compiler (\`node\` and \`tsc\` are on your PATH). In \`~/ts-lab\` you will find a small project with \`"strict": true\` that does not compile yet:

- \`src/sum.ts\` adds up numbers, but its parameter has no type;
- \`src/average.ts\` computes a mean, but claims to always return a number;
- \`src/main.ts\` prints both.

Run \`tsc -p ~/ts-lab --noEmit\` to see the errors, fix them one by one, then build and run the project. Each step has a **Check** button.
`,
  setupScript: String.raw`set -e
mkdir -p ~/ts-lab/src
cd ~/ts-lab
cat > package.json <<'EOF'
{
  "name": "ts-lab",
  "version": "1.0.0",
  "private": true,
  "scripts": { "build": "tsc -p .", "start": "node dist/main.js" }
}
EOF
cat > tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "target": "es2022",
    "module": "commonjs",
    "rootDir": "./src",
    "outDir": "./dist",
    "strict": true,
    "types": []
  },
  "include": ["src"]
}
EOF
cat > src/sum.ts <<'EOF'
/** The total of the values. */
export function sum(values) {
  return values.reduce((total, value) => total + value, 0);
}
EOF
cat > src/average.ts <<'EOF'
import { sum } from './sum';

/** The mean of the values, or undefined when there are none. */
export function average(values: number[]): number {
  if (values.length === 0) return undefined;
  return sum(values) / values.length;
}
EOF
cat > src/main.ts <<'EOF'
import { average } from './average';
import { sum } from './sum';

const scores = [3, 4, 5, 8];
console.log('sum=' + sum(scores) + ' average=' + average(scores) + ' empty=' + (average([]) ?? 'none'));
EOF
`,
  steps: [
    {
      key: 'type-sum',
      title: 'Type the parameter of sum',
      instructionsMarkdown: `Under \`strict\`, a parameter without a type is an error (\`TS7006: Parameter 'values' implicitly has an 'any' type\`). In \`~/ts-lab/src/sum.ts\`, declare that \`sum\` takes an array of numbers and returns a number:

\`\`\`ts
export function sum(values: number[]): number {
\`\`\`
`,
      check: {
        command: String.raw`[ -f ~/ts-lab/src/sum.ts ] || { echo "~/ts-lab/src/sum.ts is missing: reset the lab to get it back"; exit 1; }
t=$(mktemp -d)
printf '%s\n' "import { sum } from '$HOME/ts-lab/src/sum';" 'const total: number = sum([1, 2, 3]);' '// @ts-expect-error sum takes numbers only' "sum(['a']);" 'export { total };' > "$t/check.ts"
out=$(tsc --noEmit --strict --target es2022 --module commonjs "$t/check.ts" 2>&1) || {
  if printf '%s\n' "$out" | grep -q 'check.ts'; then echo "sum still accepts anything: give values the type number[]"; else echo "src/sum.ts does not compile yet: $(printf '%s\n' "$out" | grep -m1 error | sed "s|$HOME/||")"; fi
  exit 1
}
echo "sum is typed."`,
        expectExitCode: 0,
      },
      hint: 'Under strict mode every parameter needs a type. Give values an array type and declare what the function returns.',
    },
    {
      key: 'fix-average',
      title: 'Let average say "no values"',
      instructionsMarkdown: `\`average([])\` returns \`undefined\`, but its signature promises a \`number\` (\`TS2322: Type 'undefined' is not assignable to type 'number'\`). Make the return type honest:

\`\`\`ts
export function average(values: number[]): number | undefined {
\`\`\`

\`src/main.ts\` already handles the \`undefined\` case with \`??\`.
`,
      check: {
        command: String.raw`[ -f ~/ts-lab/src/average.ts ] || { echo "~/ts-lab/src/average.ts is missing: reset the lab to get it back"; exit 1; }
t=$(mktemp -d)
printf '%s\n' "import { average } from '$HOME/ts-lab/src/average';" 'const maybe: number | undefined = average([]);' '// @ts-expect-error the mean of no values is undefined' 'const sure: number = average([1]);' 'export { maybe, sure };' > "$t/check.ts"
out=$(tsc --noEmit --strict --target es2022 --module commonjs "$t/check.ts" 2>&1) || {
  if printf '%s\n' "$out" | grep -q 'check.ts'; then echo "average must declare the return type number | undefined"; else echo "src/average.ts (or src/sum.ts) does not compile yet: $(printf '%s\n' "$out" | grep -m1 error | sed "s|$HOME/||")"; fi
  exit 1
}
tsc --strict --target es2022 --module commonjs --rootDir ~/ts-lab/src --outDir "$t/out" ~/ts-lab/src/average.ts >/dev/null 2>&1
node -e 'const { average } = require(process.argv[1]); if (average([]) !== undefined || average([2, 4]) !== 3) { console.log("average([]) must be undefined and average([2, 4]) must be 3"); process.exit(1); }' "$t/out/average.js" || exit 1
echo "average is typed and correct."`,
        expectExitCode: 0,
      },
      hint: 'An average of an empty list has no value: the return type must say the function may give back undefined, and the parameter needs an array type.',
    },
    {
      key: 'build-and-run',
      title: 'Build and run the project',
      instructionsMarkdown: `Compile the whole project. Because of \`rootDir\` and \`outDir\`, the JavaScript lands in \`~/ts-lab/dist\`; then run it:

\`\`\`bash
cd ~/ts-lab
tsc -p .
node dist/main.js
\`\`\`

It prints \`sum=20 average=5 empty=none\`. Notice that \`dist/main.js\` contains no type annotations: types are erased after checking.
`,
      check: {
        command: String.raw`cd ~/ts-lab 2>/dev/null || { echo "~/ts-lab is missing: reset the lab"; exit 1; }
out=$(tsc --noEmit -p . 2>&1) || { echo "The project does not compile yet: $(printf '%s\n' "$out" | grep -m1 error)"; exit 1; }
[ -f dist/main.js ] || { echo "dist/main.js is missing: run tsc -p . in ~/ts-lab"; exit 1; }
got=$(node dist/main.js 2>&1)
[ "$got" = 'sum=20 average=5 empty=none' ] || { echo "node dist/main.js printed '$got' instead of 'sum=20 average=5 empty=none': rebuild with tsc -p ."; exit 1; }
echo "The project compiles and prints: $got"`,
        expectExitCode: 0,
      },
      hint: 'Compile the project with tsc pointed at the directory holding tsconfig.json, then run the compiled entry point from the output directory with node.',
    },
  ],
};

/** Advanced TypeScript Types: two utilities and type-level tests for them. */
export const typeUtilitiesLab: DemoLab = {
  image: NODE_IMAGE,
  profile: 'NODE',
  timeLimitMinutes: 60,
  idleTimeoutMinutes: 20,
  instructionsMarkdown: `# Lab: Build and Test Type Utilities

In this lab you will implement two reusable type utilities and prove that they work with **type-level tests**. A type-level test is a file that must compile: correct usages compile cleanly, and incorrect usages are marked with \`// @ts-expect-error\`, which itself fails if the line below it does *not* produce an error.

The sandbox has Node.js and \`tsc\` on your PATH. The project is in \`~/types-lab\` (a strict \`tsconfig.json\` and \`src/utils.ts\` with two placeholder types). Check your work at any time with \`cd ~/types-lab && tsc -p .\`.
`,
  setupScript: String.raw`set -e
mkdir -p ~/types-lab/src
cd ~/types-lab
cat > tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "target": "es2022",
    "module": "commonjs",
    "strict": true,
    "noEmit": true,
    "types": []
  },
  "include": ["src"]
}
EOF
cat > src/utils.ts <<'EOF'
/** Makes every property readonly, at every depth (arrays included); functions stay as they are. */
export type DeepReadonly<T> = T; // TODO: step 1

/** The names of the ":param" segments of a route, e.g. "id" for "/users/:id". */
export type RouteParams<Path extends string> = string; // TODO: step 2
EOF
`,
  steps: [
    {
      key: 'deep-readonly',
      title: 'Implement DeepReadonly',
      instructionsMarkdown: `In \`~/types-lab/src/utils.ts\`, replace the placeholder with a recursive \`DeepReadonly<T>\` that makes every nested property readonly (arrays included) and leaves functions callable:

\`\`\`ts
export type DeepReadonly<T> = T extends (...args: any[]) => unknown
  ? T
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
\`\`\`
`,
      check: {
        command: String.raw`[ -f ~/types-lab/src/utils.ts ] || { echo "~/types-lab/src/utils.ts is missing: reset the lab to get it back"; exit 1; }
t=$(mktemp -d)
printf '%s\n' "import type { DeepReadonly } from '$HOME/types-lab/src/utils';" \
  'type Config = { db: { hosts: string[]; port: number }; log: (line: string) => void };' \
  'declare const config: DeepReadonly<Config>;' \
  '// @ts-expect-error nested properties are readonly' 'config.db.port = 1;' \
  '// @ts-expect-error arrays are readonly' "config.db.hosts.push('b');" \
  "config.log('functions stay callable');" 'export const port: number = config.db.port;' > "$t/check.ts"
out=$(tsc --noEmit --strict --target es2022 --module commonjs "$t/check.ts" 2>&1) || {
  if printf '%s\n' "$out" | grep -q "check.ts(4,"; then echo "Nested properties are still writable: DeepReadonly must recurse with readonly [K in keyof T]"
  elif printf '%s\n' "$out" | grep -q "check.ts(6,"; then echo "Arrays are still mutable: DeepReadonly must map arrays too"
  else echo "DeepReadonly does not behave yet: $(printf '%s\n' "$out" | grep -m1 error | sed "s|$HOME/||")"; fi
  exit 1
}
echo "DeepReadonly works."`,
        expectExitCode: 0,
      },
      hint: 'A mapped type over keyof T can add readonly to each property; make the type apply itself to each property type so nested objects are covered too. Leave functions unchanged so they stay callable.',
    },
    {
      key: 'route-params',
      title: 'Implement RouteParams',
      instructionsMarkdown: `In the same file, replace the second placeholder with a \`RouteParams<Path>\` type that extracts the \`:param\` names from a route string using template literal types and \`infer\`:

\`\`\`ts
type P = RouteParams<"/courses/:courseId/lessons/:lessonId">;
// "courseId" | "lessonId"
type None = RouteParams<"/health">;
// never
\`\`\`

Write it yourself first; the reading "Template Literal Types" has a reference implementation if you get stuck.
`,
      check: {
        command: String.raw`[ -f ~/types-lab/src/utils.ts ] || { echo "~/types-lab/src/utils.ts is missing: reset the lab to get it back"; exit 1; }
t=$(mktemp -d)
printf '%s\n' "import type { RouteParams } from '$HOME/types-lab/src/utils';" \
  'type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;' \
  "export const two: Equal<RouteParams<'/courses/:courseId/lessons/:lessonId'>, 'courseId' | 'lessonId'> = true;" \
  "export const one: Equal<RouteParams<'/users/:id'>, 'id'> = true;" \
  "export const none: Equal<RouteParams<'/health'>, never> = true;" > "$t/check.ts"
out=$(tsc --noEmit --strict --target es2022 --module commonjs "$t/check.ts" 2>&1) || {
  if printf '%s\n' "$out" | grep -q "check.ts(3,"; then echo "RouteParams<'/courses/:courseId/lessons/:lessonId'> must be 'courseId' | 'lessonId'"
  elif printf '%s\n' "$out" | grep -q "check.ts(4,"; then echo "RouteParams<'/users/:id'> must be 'id'"
  elif printf '%s\n' "$out" | grep -q "check.ts(5,"; then echo "RouteParams<'/health'> must be never"
  else echo "src/utils.ts does not compile yet: $(printf '%s\n' "$out" | grep -m1 error | sed "s|$HOME/||")"; fi
  exit 1
}
echo "RouteParams works."`,
        expectExitCode: 0,
      },
      hint: 'Use a template literal type with infer to capture a parameter after a colon and the rest of the path after the next slash, and recurse on the rest; a path with no parameter gives never.',
    },
    {
      key: 'type-tests',
      title: 'Write type-level tests',
      instructionsMarkdown: `Create \`~/types-lab/src/checks.ts\` with type-level tests. It must use both utilities and \`@ts-expect-error\` at least twice:

\`\`\`ts
import type { DeepReadonly, RouteParams } from "./utils";

const config: DeepReadonly<{ db: { hosts: string[] } }> = { db: { hosts: ["a"] } };
// @ts-expect-error nested properties are readonly
config.db.hosts = [];

const ok: RouteParams<"/users/:id"> = "id";
// @ts-expect-error "name" is not a parameter of this route
const bad: RouteParams<"/users/:id"> = "name";

export { ok, bad };
\`\`\`

Run the checker; it must finish without errors:

\`\`\`bash
cd ~/types-lab && tsc -p .
\`\`\`
`,
      check: {
        command: String.raw`cd ~/types-lab 2>/dev/null || { echo "~/types-lab is missing: reset the lab"; exit 1; }
f=src/checks.ts
[ -f "$f" ] || { echo "Missing ~/types-lab/src/checks.ts"; exit 1; }
grep -q 'DeepReadonly' "$f" && grep -q 'RouteParams' "$f" || { echo "checks.ts must use both DeepReadonly and RouteParams"; exit 1; }
n=$(grep -c '@ts-expect-error' "$f")
[ "$n" -ge 2 ] || { echo "checks.ts has $n @ts-expect-error lines; write at least 2"; exit 1; }
out=$(tsc -p . 2>&1) || { echo "tsc -p . reports errors: $(printf '%s\n' "$out" | grep -m1 error)"; exit 1; }
echo "The type-level tests pass ($n expected errors)."`,
        expectExitCode: 0,
      },
      hint: 'If tsc reports "Unused @ts-expect-error directive", the line below it compiled fine, which means your utility type is too permissive.',
    },
  ],
};

/** Kubernetes Basics: manifests and a kustomization, rendered offline with kubectl. */
export const firstDeploymentLab: DemoLab = {
  image: KUBERNETES_IMAGE,
  profile: 'KUBERNETES',
  timeLimitMinutes: 45,
  idleTimeoutMinutes: 15,
  instructionsMarkdown: `# Lab: Your First Deployment

In this lab you will write the manifests that almost every Kubernetes application starts with: a **Deployment** that runs NGINX, a **Service** that gives it a stable address, and a **kustomization** that labels both and sets the replica count for this environment.

The sandbox has \`kubectl\` but no cluster, so the checks render your files offline (\`kubectl kustomize\`) rather than applying them. Everything you write here would work unchanged with \`kubectl apply -k ~/k8s\`.

Work in \`~/k8s\`. When you finish a step, click **Check** to verify it.
`,
  setupScript: String.raw`set -e
mkdir -p ~/k8s
cat > ~/k8s/README.md <<'EOF'
Write deployment.yaml, service.yaml and kustomization.yaml in this directory.
Render them with: kubectl kustomize ~/k8s
EOF
`,
  steps: [
    {
      key: 'write-deployment',
      title: 'Write the Deployment manifest',
      instructionsMarkdown: `Create \`~/k8s/deployment.yaml\` containing a Deployment that:

- is named \`web\` and uses \`apiVersion: apps/v1\`
- runs **3** replicas
- selects and labels its Pods with \`app: web\` (\`spec.selector.matchLabels\` and \`spec.template.metadata.labels\`)
- runs a container named \`web\` from the image \`nginx:1.27\` with \`containerPort: 80\`
`,
      check: {
        command: String.raw`f=~/k8s/deployment.yaml
[ -f "$f" ] || { echo "Missing ~/k8s/deployment.yaml"; exit 1; }
got=$(kubectl annotate --local -f "$f" lab=check -o jsonpath='{.apiVersion} {.kind} {.metadata.name} {.spec.replicas} {.spec.selector.matchLabels.app} {.spec.template.metadata.labels.app} {.spec.template.spec.containers[0].name} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}' 2>&1) || { echo "kubectl cannot read deployment.yaml: $(printf '%s\n' "$got" | head -n 1)"; exit 1; }
want='apps/v1 Deployment web 3 web web web nginx:1.27 80'
[ "$got" = "$want" ] || { echo "Expected apiVersion, kind, name, replicas, selector app, Pod app, container, image, port: '$want'; found: '$got'"; exit 1; }
echo "The Deployment is right."`,
        expectExitCode: 0,
      },
      hint: "A Deployment lives in the apps/v1 API group. Its selector must match the labels of its Pod template exactly, and the container port goes in the container's ports list. Check the replica count the step asks for.",
    },
    {
      key: 'write-service',
      title: 'Write the Service manifest',
      instructionsMarkdown: `Create \`~/k8s/service.yaml\` with a Service named \`web\` of the default type (ClusterIP) that:

- selects Pods labelled \`app: web\`
- exposes \`port: 80\` and forwards to \`targetPort: 80\`
`,
      check: {
        command: String.raw`f=~/k8s/service.yaml
[ -f "$f" ] || { echo "Missing ~/k8s/service.yaml"; exit 1; }
got=$(kubectl annotate --local -f "$f" lab=check -o jsonpath='{.apiVersion} {.kind} {.metadata.name} {.spec.selector.app} {.spec.ports[0].port} {.spec.ports[0].targetPort}' 2>&1) || { echo "kubectl cannot read service.yaml: $(printf '%s\n' "$got" | head -n 1)"; exit 1; }
want='v1 Service web web 80 80'
[ "$got" = "$want" ] || { echo "Expected apiVersion, kind, name, selector app, port, targetPort: '$want'; found: '$got'"; exit 1; }
echo "The Service is right."`,
        expectExitCode: 0,
      },
      hint: "A Service is in the core v1 API. Its selector must use the same label as the Deployment's Pods, and each entry of spec.ports names the Service port and the target port on the Pods.",
    },
    {
      key: 'write-kustomization',
      title: 'Label and scale with a kustomization',
      instructionsMarkdown: `Create \`~/k8s/kustomization.yaml\` that:

- lists both manifests under \`resources\`
- adds the label \`app.kubernetes.io/part-of: shop\` to every object (\`labels\` with \`pairs\`)
- runs the \`web\` Deployment with **4** replicas using the kustomization's \`replicas\` field (leave \`deployment.yaml\` at 3)

\`\`\`yaml
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
\`\`\`

Render the result with \`kubectl kustomize ~/k8s\`.
`,
      check: {
        command: String.raw`cd ~/k8s 2>/dev/null || { echo "~/k8s is missing"; exit 1; }
[ -f kustomization.yaml ] || { echo "Missing ~/k8s/kustomization.yaml"; exit 1; }
out=$(kubectl kustomize . 2>&1) || { echo "kubectl kustomize failed: $(printf '%s\n' "$out" | head -n 1)"; exit 1; }
got=$(printf '%s\n' "$out" | kubectl annotate --local -f - lab=check -o jsonpath='{.kind}:{.metadata.labels.app\.kubernetes\.io/part-of}:{.spec.replicas}{"\n"}' 2>&1 | sort | tr '\n' ' ')
[ "$got" = 'Deployment:shop:4 Service:shop: ' ] || { echo "kubectl kustomize must render the Deployment with 4 replicas and the Service, both labelled app.kubernetes.io/part-of: shop (kind:label:replicas); found: $got"; exit 1; }
base=$(kubectl annotate --local -f deployment.yaml lab=check -o jsonpath='{.spec.replicas}' 2>&1)
[ "$base" = 3 ] || { echo "Leave deployment.yaml at 3 replicas and set 4 in kustomization.yaml (it has $base)"; exit 1; }
echo "The kustomization labels both objects and scales web to 4."`,
        expectExitCode: 0,
      },
      hint: 'kustomization.yaml has a labels field (a list of pairs to add) and a replicas field (a list of workload names with their counts); kubectl kustomize . shows what it renders.',
    },
  ],
};
