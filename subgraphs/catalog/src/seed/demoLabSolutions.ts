// Known solutions of the demo labs (demoLabs.ts), for end-to-end tests: per LAB lesson key, the
// commands a learner types into the lab terminal for each step, one command per line, in order.
// Typed after the setup script has run, from any directory (commands use absolute ~ paths or cd
// themselves); after a step's commands its check passes, and before them it fails.
// test/demoLabs.test.ts verifies exactly that in a bubblewrap sandbox.

export interface DemoLabSolution {
  /** The demo course the lab belongs to. */
  courseSlug: string;
  /** The LAB lesson's key in the demo catalog (unique across the demo courses). */
  lessonKey: string;
  /** Per step, in the lab's step order: the step's key and the commands that complete it. */
  steps: { stepKey: string; commands: string[] }[];
}

export const demoLabSolutions: Record<string, DemoLabSolution> = {
  'shell-workout-lab': {
    courseSlug: 'the-linux-command-line',
    lessonKey: 'shell-workout-lab',
    steps: [
      {
        stepKey: 'create-note',
        commands: ['mkdir -p ~/workshop/notes', "echo 'Hello, LearnCraft' > ~/workshop/notes/hello.txt"],
      },
      {
        stepKey: 'executable-script',
        commands: [
          'mkdir -p ~/workshop/scripts',
          `printf '#!/usr/bin/env bash\\necho "Hello, LearnCraft"\\n' > ~/workshop/scripts/hello.sh`,
          'chmod 755 ~/workshop/scripts/hello.sh',
          '~/workshop/scripts/hello.sh',
        ],
      },
      {
        stepKey: 'filter-errors',
        commands: [
          'grep ERROR ~/workshop/logs/app.log > ~/workshop/logs/errors.txt',
          'wc -l ~/workshop/logs/errors.txt',
        ],
      },
    ],
  },
  'containerize-node-app': {
    courseSlug: 'docker-for-developers',
    lessonKey: 'containerize-node-app',
    steps: [
      {
        stepKey: 'create-dockerignore',
        commands: ["printf 'node_modules\\n.git\\n.env\\n' > ~/app/.dockerignore"],
      },
      {
        stepKey: 'multi-stage-dockerfile',
        commands: [
          "printf 'FROM node:20-alpine AS build\\nWORKDIR /app\\nCOPY package.json package-lock.json ./\\nRUN npm ci\\nCOPY . .\\nRUN npm run build\\n\\nFROM node:20-alpine\\nWORKDIR /app\\n' > ~/app/Dockerfile",
        ],
      },
      {
        stepKey: 'harden-runtime-stage',
        commands: [
          `printf 'COPY --from=build /app/dist ./dist\\nUSER node\\nCMD ["node", "dist/server.js"]\\n' >> ~/app/Dockerfile`,
        ],
      },
    ],
  },
  'typed-module-lab': {
    courseSlug: 'typescript-fundamentals',
    lessonKey: 'typed-module-lab',
    steps: [
      {
        stepKey: 'type-sum',
        commands: [
          "sed -i 's/export function sum(values) {/export function sum(values: number[]): number {/' ~/ts-lab/src/sum.ts",
        ],
      },
      {
        stepKey: 'fix-average',
        commands: ["sed -i 's/): number {/): number | undefined {/' ~/ts-lab/src/average.ts"],
      },
      {
        stepKey: 'build-and-run',
        commands: ['cd ~/ts-lab', 'tsc -p .', 'node dist/main.js'],
      },
    ],
  },
  'type-utilities-lab': {
    courseSlug: 'advanced-typescript-types',
    lessonKey: 'type-utilities-lab',
    steps: [
      {
        stepKey: 'deep-readonly',
        commands: [
          "sed -i 's/^export type DeepReadonly<T> = T; .*$/export type DeepReadonly<T> = T extends (...args: any[]) => unknown ? T : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;/' ~/types-lab/src/utils.ts",
        ],
      },
      {
        stepKey: 'route-params',
        commands: [
          "sed -i 's/^export type RouteParams<Path extends string> = string; .*$/export type RouteParams<Path extends string> = Path extends `${string}:${infer Param}\\/${infer Rest}` ? Param | RouteParams<`\\/${Rest}`> : Path extends `${string}:${infer Param}` ? Param : never;/' ~/types-lab/src/utils.ts",
        ],
      },
      {
        stepKey: 'type-tests',
        commands: [
          `printf '%s\\n' 'import type { DeepReadonly, RouteParams } from "./utils";' 'const config: DeepReadonly<{ db: { hosts: string[] } }> = { db: { hosts: ["a"] } };' '// @ts-expect-error nested properties are readonly' 'config.db.hosts = [];' 'const ok: RouteParams<"/users/:id"> = "id";' '// @ts-expect-error "name" is not a parameter of this route' 'const bad: RouteParams<"/users/:id"> = "name";' 'export { ok, bad };' > ~/types-lab/src/checks.ts`,
          'cd ~/types-lab && tsc -p .',
        ],
      },
    ],
  },
  'first-deployment-lab': {
    courseSlug: 'kubernetes-basics',
    lessonKey: 'first-deployment-lab',
    steps: [
      {
        stepKey: 'write-deployment',
        commands: [
          "printf '%s\\n' 'apiVersion: apps/v1' 'kind: Deployment' 'metadata:' '  name: web' 'spec:' '  replicas: 3' '  selector:' '    matchLabels:' '      app: web' '  template:' '    metadata:' '      labels:' '        app: web' '    spec:' '      containers:' '        - name: web' '          image: nginx:1.27' '          ports:' '            - containerPort: 80' > ~/k8s/deployment.yaml",
        ],
      },
      {
        stepKey: 'write-service',
        commands: [
          "printf '%s\\n' 'apiVersion: v1' 'kind: Service' 'metadata:' '  name: web' 'spec:' '  selector:' '    app: web' '  ports:' '    - port: 80' '      targetPort: 80' > ~/k8s/service.yaml",
        ],
      },
      {
        stepKey: 'write-kustomization',
        commands: [
          "printf '%s\\n' 'apiVersion: kustomize.config.k8s.io/v1beta1' 'kind: Kustomization' 'resources:' '  - deployment.yaml' '  - service.yaml' 'labels:' '  - pairs:' '      app.kubernetes.io/part-of: shop' 'replicas:' '  - name: web' '    count: 4' > ~/k8s/kustomization.yaml",
          'kubectl kustomize ~/k8s',
        ],
      },
    ],
  },
};
