// Demo catalog seed data for LearnCraft.
// Pure data: categories and courses (modules, lessons, quizzes and labs) used to seed demo environments.
// The labs themselves (setup scripts and checks) are in demoLabs.ts.
import {
  containerizeNodeAppLab,
  firstDeploymentLab,
  shellWorkoutLab,
  typedModuleLab,
  typeUtilitiesLab,
} from './demoLabs';

export type DemoLessonKind = 'VIDEO' | 'READING' | 'QUIZ' | 'LAB';
export interface DemoQuizQuestion {
  key: string;
  prompt: string;
  multiple: boolean;
  options: { key: string; label: string }[];
  correctOptionKeys: string[];
  explanation: string;
}
export interface DemoLabStep {
  key: string;
  title: string;
  instructionsMarkdown: string;
  check: { command: string; expectExitCode: 0 };
  hint: string;
}
/** A lab: the image (Kubernetes runtime), the tool profile (local runtime), setup and steps. */
export interface DemoLab {
  image: string;
  profile: 'LINUX' | 'NODE' | 'KUBERNETES';
  instructionsMarkdown: string;
  timeLimitMinutes: number;
  idleTimeoutMinutes: number;
  /** Run once in the learner's home when the sandbox is created. */
  setupScript: string;
  steps: DemoLabStep[];
}
export interface DemoLesson {
  key: string; // unique within the course, kebab-case
  title: string;
  kind: DemoLessonKind;
  durationSeconds: number; // VIDEO: video length; others: estimated time to complete
  video?: { url: string; transcriptVtt: string }; // kind VIDEO only
  reading?: { markdown: string }; // kind READING only
  // kind QUIZ only; maxAttempts null = unlimited practice
  quiz?: {
    passPercent: number;
    maxAttempts: number | null;
    cooldownSeconds: number;
    questions: DemoQuizQuestion[];
  };
  lab?: DemoLab; // kind LAB only
}
export interface DemoModule {
  key: string;
  title: string;
  summary: string;
  lessons: DemoLesson[];
}
export interface DemoCourse {
  slug: string;
  title: string;
  summary: string;
  descriptionMarkdown: string;
  level: 'BEGINNER' | 'INTERMEDIATE' | 'ADVANCED';
  categorySlug: string;
  language: string;
  thumbnailUrl: string;
  instructorEmail: string;
  modules: DemoModule[];
}
export interface DemoCategory {
  slug: string;
  name: string;
  description: string;
}

export const demoCategories: DemoCategory[] = [
  {
    slug: 'cloud-native',
    name: 'Cloud Native',
    description: 'Containers, Kubernetes and the tools for building and running applications in the cloud.',
  },
  {
    slug: 'programming',
    name: 'Programming',
    description: 'Programming languages, type systems and software design for everyday developers.',
  },
  {
    slug: 'linux',
    name: 'Linux & Systems',
    description: 'The Linux command line, shell scripting and the fundamentals of operating systems.',
  },
];

export const demoCourses: DemoCourse[] = [
  {
    slug: 'kubernetes-basics',
    title: 'Kubernetes Basics',
    summary:
      'Understand how Kubernetes clusters work and deploy your first application with Deployments and Services.',
    descriptionMarkdown: `Kubernetes has become the standard way to run containerized applications in production, but its vocabulary can feel overwhelming at first. This course builds your mental model step by step: you start with what Kubernetes actually does and how a cluster is organized, then move on to the objects you will use every day.

You will read and write real manifests, understand how the control plane keeps your application running, and finish with a hands-on lab in which you author a Deployment and a Service from scratch. No prior Kubernetes experience is required; basic familiarity with containers and the command line is helpful.

## What you'll learn

- What problems Kubernetes solves and how declarative desired state works
- The roles of the API server, etcd, the scheduler, controllers and the kubelet
- How Pods group containers and why you rarely create them directly
- How to write Deployments for rolling updates and Services for stable networking
- How to structure and sanity-check YAML manifests before applying them
`,
    level: 'BEGINNER',
    categorySlug: 'cloud-native',
    language: 'en',
    thumbnailUrl: '/media/thumbnails/kubernetes-basics.svg',
    instructorEmail: 'instructor@learncraft.dev',
    modules: [
      {
        key: 'k8s-foundations',
        title: 'Kubernetes Foundations',
        summary: 'What Kubernetes is, how a cluster is put together and how Pods run your containers.',
        lessons: [
          {
            key: 'what-is-kubernetes',
            title: 'What Is Kubernetes?',
            kind: 'VIDEO',
            durationSeconds: 540,
            video: {
              url: 'https://storage.googleapis.com/gtv-videos-bucket/sample/BigBuckBunny.mp4',
              transcriptVtt: `WEBVTT

00:00:00.000 --> 00:00:08.000
Welcome to Kubernetes Basics. In this first lesson we answer a simple question: what is Kubernetes, and why do teams use it?

00:00:08.000 --> 00:00:18.000
Kubernetes is an open-source platform for running containerized applications across a cluster of machines. It started at Google and is now maintained by the Cloud Native Computing Foundation.

00:00:18.000 --> 00:00:28.000
Running one container on one server is easy. Running hundreds of containers across dozens of servers, keeping them healthy and updating them without downtime, is not.

00:00:28.000 --> 00:00:38.000
Kubernetes solves this by letting you declare the desired state of your application, for example three replicas of a web server, and then working continuously to make reality match.

00:00:38.000 --> 00:00:48.000
If a container crashes, Kubernetes restarts it. If a whole node fails, the affected Pods are recreated on healthy nodes. This behaviour is called self-healing.

00:00:48.000 --> 00:00:58.000
It also gives you service discovery and load balancing, rolling updates and rollbacks, and the ability to scale an application up or down with a single command.

00:00:58.000 --> 00:01:08.000
You talk to a cluster through its API, usually with the kubectl command-line tool and YAML manifests that describe objects such as Pods, Deployments and Services.

00:01:08.000 --> 00:01:16.000
In the next lessons we will look at how a cluster is built and then deploy our first application. Let's get started.
`,
            },
          },
          {
            key: 'cluster-architecture',
            title: 'Cluster Architecture',
            kind: 'READING',
            durationSeconds: 480,
            reading: {
              markdown: `# Kubernetes Cluster Architecture

A Kubernetes cluster is a set of machines that work together to run containerized applications. Every cluster is split into two parts: the **control plane**, which makes decisions about the cluster, and the **worker nodes**, which actually run your workloads. Knowing who does what makes debugging much easier later on.

## The control plane

The control plane is the "brain" of the cluster. On managed services such as GKE, EKS or AKS it is operated for you, but the same components are always present:

- **kube-apiserver** – the front door of the cluster. Every request, whether it comes from \`kubectl\`, a CI pipeline or another component, goes through this REST API, which validates objects and persists them.
- **etcd** – a consistent, highly available key-value store that holds the entire cluster state. If etcd is lost and there is no backup, the cluster forgets everything it was running.
- **kube-scheduler** – watches for newly created Pods that have no node assigned and picks a node for each one, taking resource requests, affinity rules and taints into account.
- **kube-controller-manager** – runs the control loops (controllers) that continuously compare the *desired* state with the *actual* state and act to close the gap. The Deployment, ReplicaSet and Node controllers all live here.
- **cloud-controller-manager** – optional; integrates with a cloud provider to create load balancers, routes and volumes.

## Worker nodes

Each worker node runs a small set of agents:

- **kubelet** – the node agent. It receives Pod specs from the API server and makes sure the described containers are running and healthy.
- **Container runtime** – the software that actually starts containers, such as containerd or CRI-O, driven through the Container Runtime Interface (CRI).
- **kube-proxy** – maintains network rules (iptables or IPVS) so that traffic sent to a Service reaches one of its backing Pods.

## Desired state and reconciliation

Kubernetes is *declarative*. You do not tell it "start three containers"; you submit an object that says "there should be three replicas", and controllers work until reality matches. If a node dies, a controller notices that only two replicas exist and creates a replacement. This reconciliation loop is the single most important idea in Kubernetes.

## Exploring a cluster

You can inspect these pieces yourself with a few read-only commands:

\`\`\`bash
# List nodes with their internal IPs, OS image and runtime version
kubectl get nodes -o wide

# On self-managed clusters, control-plane components run as Pods in kube-system
kubectl get pods -n kube-system

# Show everything the API server knows about a single node
kubectl describe node <node-name>
\`\`\`

On a kubeadm or kind cluster you will see Pods named \`etcd-...\`, \`kube-apiserver-...\` and \`kube-scheduler-...\` in \`kube-system\`. On a managed cluster these are hidden because the provider runs them for you.

## Key takeaways

1. The API server is the only component that talks to etcd directly; everything else goes through the API.
2. The scheduler only *decides* where a Pod runs; the kubelet on that node *runs* it.
3. Controllers constantly reconcile desired state with actual state, which is what makes Kubernetes self-healing.
`,
            },
          },
          {
            key: 'pods-and-containers',
            title: 'Pods and Containers',
            kind: 'VIDEO',
            durationSeconds: 600,
            video: {
              url: 'https://storage.googleapis.com/gtv-videos-bucket/sample/ElephantsDream.mp4',
              transcriptVtt: `WEBVTT

00:00:00.000 --> 00:00:06.000
In this lesson we look at the Pod, the smallest deployable unit in Kubernetes.

00:00:06.000 --> 00:00:15.000
A Pod wraps one or more containers that are always scheduled together on the same node. Most Pods contain exactly one application container.

00:00:15.000 --> 00:00:25.000
Containers in a Pod share a network namespace. They have the same IP address and can reach each other on localhost, so they must not listen on the same port.

00:00:25.000 --> 00:00:34.000
They can also share volumes. A common pattern is a sidecar container that ships the main container's log files or refreshes its configuration.

00:00:34.000 --> 00:00:44.000
Every Pod gets its own cluster-internal IP address, but Pods are ephemeral. When a Pod is replaced, the new one usually gets a different IP.

00:00:44.000 --> 00:00:53.000
A Pod moves through phases: Pending while it is scheduled and images are pulled, Running, and finally Succeeded or Failed when its containers exit.

00:00:53.000 --> 00:01:03.000
The kubelet restarts crashed containers according to the restart policy, and liveness and readiness probes tell it whether a container is healthy and ready for traffic.

00:01:03.000 --> 00:01:13.000
Because a bare Pod is not recreated if its node disappears, you normally let a controller such as a Deployment create Pods for you. That is our next topic.
`,
            },
          },
        ],
      },
      {
        key: 'k8s-workloads',
        title: 'Deploying Workloads',
        summary:
          'Run replicated applications with Deployments, expose them with Services and practise writing manifests.',
        lessons: [
          {
            key: 'deployments-and-services',
            title: 'Deployments and Services',
            kind: 'READING',
            durationSeconds: 540,
            reading: {
              markdown: `# Deployments and Services

Pods are the smallest deployable unit in Kubernetes, but you almost never create them directly. A bare Pod is not recreated if its node fails, and updating it means deleting and recreating it by hand. Instead, you describe your application with a **Deployment** and expose it with a **Service**.

## Deployments

A Deployment declares how many identical Pods (replicas) you want and what they should look like. Under the hood it creates a **ReplicaSet**, which in turn creates the Pods. When you change the Pod template, for example to a new image tag, the Deployment creates a new ReplicaSet and gradually shifts replicas from the old one to the new one. This is a **rolling update**.

\`\`\`yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
\`\`\`

Three details matter here:

- \`spec.selector.matchLabels\` must match the labels in \`spec.template.metadata.labels\`, otherwise the API server rejects the Deployment.
- \`replicas\` is the desired count; the ReplicaSet controller keeps exactly that many Pods running.
- \`template\` is a Pod spec. Any change to it triggers a new rollout.

## Services

Pods are ephemeral and their IP addresses change whenever they are recreated. A **Service** provides a stable virtual IP and DNS name in front of a changing set of Pods. It finds those Pods with a **label selector**, not by name.

\`\`\`yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80
\`\`\`

Common Service types:

- **ClusterIP** (the default) – reachable only inside the cluster, e.g. at \`web.default.svc.cluster.local\`.
- **NodePort** – additionally opens the same port (30000–32767 by default) on every node.
- **LoadBalancer** – additionally asks the cloud provider for an external load balancer.

## Applying and rolling out

Save both manifests and apply them. \`kubectl apply\` is declarative: running it again with unchanged files changes nothing.

\`\`\`bash
kubectl apply -f deployment.yaml -f service.yaml
kubectl rollout status deployment/web
kubectl get pods -l app=web

# Update the image and watch the rolling update
kubectl set image deployment/web web=nginx:1.27.3
kubectl rollout status deployment/web

# Something wrong? Roll back to the previous ReplicaSet
kubectl rollout undo deployment/web
\`\`\`

## Checklist

1. Keep labels consistent across the Deployment selector, the Pod template and the Service selector.
2. Use a specific image tag instead of \`latest\` so rollouts are reproducible.
3. Let Deployments own your Pods and let Services own your networking.
`,
            },
          },
          {
            key: 'workloads-quiz',
            title: 'Check Your Understanding: Clusters and Workloads',
            kind: 'QUIZ',
            durationSeconds: 360,
            quiz: {
              passPercent: 70,
              maxAttempts: 3,
              cooldownSeconds: 30,
              questions: [
                {
                  key: 'cluster-state-store',
                  prompt: 'Which component stores the complete state of a Kubernetes cluster?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'kube-scheduler' },
                    { key: 'b', label: 'etcd' },
                    { key: 'c', label: 'kubelet' },
                    { key: 'd', label: 'kube-proxy' },
                  ],
                  correctOptionKeys: ['b'],
                  explanation:
                    'etcd is the consistent key-value store behind the API server. The scheduler assigns Pods to nodes, the kubelet runs containers on a node, and kube-proxy programs Service networking.',
                },
                {
                  key: 'deployment-facts',
                  prompt: 'Which TWO statements about Deployments are true?',
                  multiple: true,
                  options: [
                    { key: 'a', label: 'A Deployment manages Pods through ReplicaSets' },
                    { key: 'b', label: 'Changing the Pod template triggers a rolling update' },
                    {
                      key: 'c',
                      label: 'A Deployment automatically creates a public DNS record for the application',
                    },
                    { key: 'd', label: 'A Deployment can only run one Pod per node' },
                  ],
                  correctOptionKeys: ['a', 'b'],
                  explanation:
                    'Deployments create and manage ReplicaSets, and a change to the Pod template starts a rolling update to a new ReplicaSet. Deployments do not create DNS records (Services provide in-cluster DNS) and do not limit Pods per node.',
                },
                {
                  key: 'default-service-type',
                  prompt: 'What is the default type of a Service if you do not set spec.type?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'NodePort' },
                    { key: 'b', label: 'LoadBalancer' },
                    { key: 'c', label: 'ClusterIP' },
                    { key: 'd', label: 'ExternalName' },
                  ],
                  correctOptionKeys: ['c'],
                  explanation:
                    'Without an explicit type, a Service is a ClusterIP Service that is reachable only from inside the cluster.',
                },
                {
                  key: 'service-selection',
                  prompt: 'How does a Service decide which Pods receive its traffic?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'By matching the Pod names listed in the Service' },
                    { key: 'b', label: 'By matching labels with its label selector' },
                    { key: 'c', label: 'By sending traffic to every Pod in the namespace' },
                    { key: 'd', label: 'By reading the containerPort of each Deployment' },
                  ],
                  correctOptionKeys: ['b'],
                  explanation:
                    'A Service selects Pods whose labels match spec.selector. Pod names are not used, which is why replacement Pods with new names still receive traffic.',
                },
              ],
            },
          },
          {
            key: 'first-deployment-lab',
            title: 'Lab: Deployment, Service and Kustomization',
            kind: 'LAB',
            durationSeconds: 1800,
            lab: firstDeploymentLab,
          },
        ],
      },
    ],
  },
  {
    slug: 'docker-for-developers',
    title: 'Docker for Developers',
    summary:
      'Build fast, small and secure container images and understand volumes, networks and multi-stage builds.',
    descriptionMarkdown: `You already know how to run \`docker run hello-world\`. This course takes you from there to building images you would be comfortable shipping to production. It focuses on the day-to-day decisions developers make: how to structure a Dockerfile, how to keep builds fast, where to store data and how containers find each other on a network.

The second half is all about production-ready images. You will use multi-stage builds to separate build tooling from runtime, run your application as a non-root user and keep secrets and local artifacts out of your layers. A hands-on lab has you containerize a Node.js service step by step.

## What you'll learn

- The difference between images, layers and containers
- How to write Dockerfiles that make the most of the build cache
- When to use named volumes, bind mounts and user-defined networks
- How to shrink images with multi-stage builds and \`.dockerignore\`
- Security basics: pinned base images, non-root users and secret-free layers
`,
    level: 'INTERMEDIATE',
    categorySlug: 'cloud-native',
    language: 'en',
    thumbnailUrl: '/media/thumbnails/docker-for-developers.svg',
    instructorEmail: 'instructor@learncraft.dev',
    modules: [
      {
        key: 'images-and-containers',
        title: 'Images and Containers',
        summary:
          'How images are built from layers, how containers use them, and how to manage data and networking.',
        lessons: [
          {
            key: 'images-vs-containers',
            title: 'Images vs. Containers',
            kind: 'VIDEO',
            durationSeconds: 480,
            video: {
              url: 'https://storage.googleapis.com/gtv-videos-bucket/sample/ForBiggerBlazes.mp4',
              transcriptVtt: `WEBVTT

00:00:00.000 --> 00:00:06.000
Let's make sure we are precise about two words developers often mix up: image and container.

00:00:06.000 --> 00:00:16.000
An image is a read-only template. It is a stack of filesystem layers plus metadata such as the default command, environment variables and exposed ports.

00:00:16.000 --> 00:00:26.000
A container is a running instance of an image. Docker adds a thin writable layer on top of the image layers, and any file the process changes is written there.

00:00:26.000 --> 00:00:36.000
You can start many containers from the same image. They share the read-only layers on disk, which is why starting a container is so fast and cheap.

00:00:36.000 --> 00:00:44.000
Images are identified by a repository and a tag, like node:20-alpine, and more precisely by a content digest that never changes.

00:00:44.000 --> 00:00:54.000
A container lives as long as its main process. When that process exits, the container stops. docker ps shows running containers, and docker ps -a shows stopped ones too.

00:00:54.000 --> 00:01:04.000
Removing a container with docker rm deletes its writable layer, so anything you did not store in a volume is gone. The image itself stays until you remove it.

00:01:04.000 --> 00:01:13.000
Keep this model in mind: images are built and shipped, containers are run and thrown away. Next, we will write our own Dockerfile.
`,
            },
          },
          {
            key: 'writing-dockerfiles',
            title: 'Writing Efficient Dockerfiles',
            kind: 'READING',
            durationSeconds: 540,
            reading: {
              markdown: `# Writing Efficient Dockerfiles

A Dockerfile is a recipe that the Docker builder (BuildKit) executes from top to bottom to produce an image. Each instruction that changes the filesystem — \`RUN\`, \`COPY\` and \`ADD\` — creates a new **layer**. Layers are cached, and understanding that cache is the key to fast, small and reproducible builds.

## Anatomy of a Dockerfile

\`\`\`dockerfile
FROM node:20-alpine
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
ENV NODE_ENV=production
EXPOSE 3000
USER node
CMD ["node", "server.js"]
\`\`\`

- \`FROM\` picks the base image. Prefer official, pinned tags such as \`node:20-alpine\` or \`node:20-slim\` over \`latest\`.
- \`WORKDIR\` sets (and creates) the working directory for the following instructions.
- \`COPY\` copies files from the **build context** into the image.
- \`RUN\` executes a command at build time and stores the result as a layer.
- \`ENV\` sets environment variables for later build steps and for the running container.
- \`EXPOSE\` documents the port the application listens on; it does not publish it.
- \`USER\` switches to a non-root user for the remaining instructions and at runtime.
- \`CMD\` is the default command when the container starts; arguments passed to \`docker run\` after the image name replace it.

## Layer caching

When Docker rebuilds an image, it reuses a cached layer as long as the instruction and its inputs are unchanged. As soon as one layer changes, every layer after it is rebuilt. That is why the example copies \`package.json\` and the lockfile **before** the rest of the source: editing \`server.js\` invalidates only the final \`COPY . .\` layer, and the slow \`npm ci\` step comes straight from the cache.

Rules of thumb:

1. Order instructions from least to most frequently changing.
2. Combine related shell commands in one \`RUN\` and clean up in the same step, e.g. \`apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\`. Files deleted in a later layer still take up space in the earlier one.
3. Use \`npm ci\` rather than \`npm install\` for deterministic installs from the lockfile.

## The build context and .dockerignore

\`docker build .\` sends the current directory to the builder as the build context. Without a \`.dockerignore\` file, that includes \`node_modules\`, \`.git\` and possibly secrets such as \`.env\`. A minimal ignore file looks like this:

\`\`\`text
node_modules
.git
.env
dist
*.log
\`\`\`

This speeds up builds and prevents \`COPY . .\` from accidentally baking local artifacts or credentials into the image.

## CMD vs ENTRYPOINT

\`ENTRYPOINT\` defines the executable that always runs; \`CMD\` supplies default arguments that users can override. Prefer the JSON (exec) form, \`CMD ["node", "server.js"]\`, so your process runs as PID 1 and receives signals such as \`SIGTERM\` directly instead of through an intermediate shell.

## Build and run

\`\`\`bash
docker build -t my-api:1.0 .
docker run --rm -p 3000:3000 my-api:1.0
docker image history my-api:1.0   # inspect the size of each layer
\`\`\`
`,
            },
          },
          {
            key: 'volumes-and-networks',
            title: 'Volumes and Networks',
            kind: 'VIDEO',
            durationSeconds: 660,
            video: {
              url: 'https://storage.googleapis.com/gtv-videos-bucket/sample/BigBuckBunny.mp4',
              transcriptVtt: `WEBVTT

00:00:00.000 --> 00:00:08.000
Containers are disposable, but your data usually is not. In this lesson we cover volumes for storage and networks for communication.

00:00:08.000 --> 00:00:18.000
A named volume is storage managed by Docker that lives outside any container. Create one with docker volume create pgdata, or let docker run create it for you.

00:00:18.000 --> 00:00:25.000
Mount it with -v pgdata:/var/lib/postgresql/data. If you remove and recreate the database container, the data in the volume survives.

00:00:25.000 --> 00:00:35.000
A bind mount maps a directory from your machine into the container. It is ideal during development, because code changes on the host show up immediately inside the container.

00:00:35.000 --> 00:00:45.000
For networking, every container gets its own network namespace. The -p flag, for example -p 8080:80, publishes container port 80 on port 8080 of the host.

00:00:45.000 --> 00:00:54.000
To let containers talk to each other, create a user-defined bridge network with docker network create app-net and start each container with --network app-net.

00:00:54.000 --> 00:01:04.000
On a user-defined network, Docker's embedded DNS lets containers reach each other by name, so your API can connect to the host name db. The default bridge network does not offer this.

00:01:04.000 --> 00:01:13.000
Docker Compose sets up exactly this for you: each project gets its own network, and every service is reachable by its service name.
`,
            },
          },
        ],
      },
      {
        key: 'production-images',
        title: 'Production-Ready Images',
        summary: 'Shrink and harden your images with multi-stage builds, then containerize a real service.',
        lessons: [
          {
            key: 'multi-stage-builds',
            title: 'Multi-Stage Builds',
            kind: 'READING',
            durationSeconds: 540,
            reading: {
              markdown: `# Multi-Stage Builds for Production Images

Development tooling — compilers, TypeScript, test frameworks, package caches — rarely belongs in a production image. It makes images larger and slower to pull, and it gives attackers more to work with. **Multi-stage builds** let you use a full toolchain to build your application and then copy only the results into a small runtime image, all in a single Dockerfile.

## How it works

A Dockerfile can contain several \`FROM\` instructions. Each one starts a new **stage**, which you can name with \`AS\`. Later stages copy files from earlier ones with \`COPY --from=<stage>\`. Only the last stage (or the one you select with \`--target\`) becomes the final image; everything else is discarded.

\`\`\`dockerfile
# ---- build stage ----
FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

# ---- runtime stage ----
FROM node:20-alpine AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/server.js"]
\`\`\`

The build stage installs all dependencies, including dev dependencies such as \`typescript\`, compiles the code and then prunes the dev dependencies. The runtime stage starts again from a clean base and receives only \`node_modules\`, \`dist\` and \`package.json\`. Source files, the TypeScript compiler and the npm cache never reach production.

## Benefits

- **Smaller images** – often hundreds of megabytes smaller, which means faster deploys and scale-ups.
- **Smaller attack surface** – fewer packages means fewer vulnerabilities to patch.
- **One source of truth** – no separate build scripts; CI only needs \`docker build\`.
- **Better caching** – BuildKit builds independent stages in parallel and skips stages the target does not need.

## Useful techniques

Build only a specific stage, for example to run the test suite in CI:

\`\`\`bash
docker build --target build -t my-api:build .
docker run --rm my-api:build npm test
\`\`\`

Compare the size of the final image with the build stage:

\`\`\`bash
docker build -t my-api:prod .
docker image ls my-api
\`\`\`

You can also copy from any image, not just earlier stages, e.g. \`COPY --from=busybox:1.36 /bin/busybox /busybox\`.

## Going further

- **Distroless or scratch bases.** For compiled languages such as Go you can copy a static binary into \`FROM scratch\` or a distroless image that contains no shell at all.
- **Run as non-root.** Official Node.js images ship a \`node\` user; switch to it with \`USER node\`. Many Kubernetes clusters reject containers that run as root.
- **Pin versions.** Pin base images by tag and, for maximum reproducibility, by digest (\`node:20-alpine@sha256:...\`).
- **Keep secrets out of layers.** Use \`RUN --mount=type=secret\` instead of copying tokens into the image; a file deleted in a later step still exists in an earlier layer.

## Summary

Use a full build stage for compiling and testing, and a lean runtime stage that contains only what the application needs to run. Your images become smaller, safer and faster to ship — with no extra tooling.
`,
            },
          },
          {
            key: 'docker-quiz',
            title: 'Check Your Understanding: Building Images',
            kind: 'QUIZ',
            durationSeconds: 420,
            quiz: {
              passPercent: 70,
              maxAttempts: 3,
              cooldownSeconds: 30,
              questions: [
                {
                  key: 'cmd-override',
                  prompt:
                    'Which Dockerfile instruction sets a default command that is replaced by arguments passed to docker run after the image name?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'ENTRYPOINT' },
                    { key: 'b', label: 'RUN' },
                    { key: 'c', label: 'CMD' },
                    { key: 'd', label: 'EXPOSE' },
                  ],
                  correctOptionKeys: ['c'],
                  explanation:
                    'CMD provides the default command or arguments and is overridden by anything you pass after the image name. ENTRYPOINT is not replaced that way (only with --entrypoint), RUN executes at build time and EXPOSE only documents a port.',
                },
                {
                  key: 'shrink-image',
                  prompt: 'Which TWO techniques reduce the size of the final image?',
                  multiple: true,
                  options: [
                    {
                      key: 'a',
                      label: 'Using a multi-stage build and copying only build output into the last stage',
                    },
                    { key: 'b', label: 'Adding an EXPOSE instruction for every port the app uses' },
                    { key: 'c', label: 'Starting from a smaller base image such as node:20-alpine' },
                    {
                      key: 'd',
                      label: 'Putting every shell command in its own separate RUN instruction',
                    },
                  ],
                  correctOptionKeys: ['a', 'c'],
                  explanation:
                    'Multi-stage builds leave build tooling behind, and a smaller base image contains fewer packages. EXPOSE is metadata only, and splitting commands into more RUN instructions tends to add layers rather than remove them.',
                },
                {
                  key: 'copy-package-json-first',
                  prompt:
                    'Why do Node.js Dockerfiles usually copy package.json and the lockfile before copying the rest of the source?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'Because npm refuses to run when source files are present' },
                    {
                      key: 'b',
                      label: 'So the dependency install layer stays cached when only source code changes',
                    },
                    { key: 'c', label: 'Because COPY can copy only one file at a time' },
                    { key: 'd', label: 'To make the container start faster at runtime' },
                  ],
                  correctOptionKeys: ['b'],
                  explanation:
                    'Docker rebuilds every layer after the first changed one. Installing dependencies before copying the source means source edits do not invalidate the slow npm ci layer.',
                },
                {
                  key: 'named-volume-rm',
                  prompt:
                    'A database container stores its data in a named volume. What happens to that data when you run docker rm on the container?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'It is deleted together with the container' },
                    { key: 'b', label: 'It is moved into the image' },
                    {
                      key: 'c',
                      label: 'It remains in the volume and can be mounted by a new container',
                    },
                    { key: 'd', label: 'It is archived to /tmp on the host' },
                  ],
                  correctOptionKeys: ['c'],
                  explanation:
                    'Named volumes have a lifecycle independent of containers. They are removed only explicitly, e.g. with docker volume rm or docker rm -v for anonymous volumes.',
                },
                {
                  key: 'container-dns',
                  prompt:
                    'Two containers must reach each other by container name. What is the simplest correct setup?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'Run both on the default bridge network' },
                    { key: 'b', label: 'Publish both with -p so they use the host network' },
                    { key: 'c', label: 'Attach both to the same user-defined bridge network' },
                    { key: 'd', label: "Add each container's IP address to the Dockerfile" },
                  ],
                  correctOptionKeys: ['c'],
                  explanation:
                    "User-defined bridge networks include Docker's embedded DNS, which resolves container names. The default bridge network does not provide name resolution between containers.",
                },
              ],
            },
          },
          {
            key: 'containerize-node-app',
            title: 'Lab: Containerize a Node.js Service',
            kind: 'LAB',
            durationSeconds: 2100,
            lab: containerizeNodeAppLab,
          },
        ],
      },
    ],
  },
  {
    slug: 'typescript-fundamentals',
    title: 'TypeScript Fundamentals',
    summary:
      'Learn the core of TypeScript: basic types, functions, interfaces, unions and narrowing, with a strict setup from day one.',
    descriptionMarkdown: `TypeScript is JavaScript with a type system that catches mistakes while you type instead of in production. This beginner-friendly course teaches you to read and write everyday TypeScript with confidence, whether you are starting a new project or adding types to an existing JavaScript codebase.

We start with why TypeScript exists and how the compiler fits into your workflow, then cover the core building blocks: primitive types, arrays and tuples, object types, functions and interfaces. In the second module you will model real-world data with union types and let the compiler narrow them for you. A hands-on lab has you set up a strict project and compile your first typed module.

## What you'll learn

- How the TypeScript compiler checks your code and emits JavaScript
- Primitive types, arrays, tuples, object types and type inference
- The differences between \`any\`, \`unknown\` and \`never\`
- How to type functions and describe objects with interfaces
- How to use unions, literal types and narrowing to model real data
- How to configure a strict \`tsconfig.json\`
`,
    level: 'BEGINNER',
    categorySlug: 'programming',
    language: 'en',
    thumbnailUrl: '/media/thumbnails/typescript-fundamentals.svg',
    instructorEmail: 'ada@learncraft.dev',
    modules: [
      {
        key: 'ts-getting-started',
        title: 'Getting Started with TypeScript',
        summary: 'Why TypeScript exists, how the compiler works and the basic types you use every day.',
        lessons: [
          {
            key: 'why-typescript',
            title: 'Why TypeScript?',
            kind: 'VIDEO',
            durationSeconds: 450,
            video: {
              url: 'https://storage.googleapis.com/gtv-videos-bucket/sample/ElephantsDream.mp4',
              transcriptVtt: `WEBVTT

00:00:00.000 --> 00:00:06.000
Hi, I'm Ada, and welcome to TypeScript Fundamentals. Let's start with why TypeScript exists at all.

00:00:06.000 --> 00:00:15.000
TypeScript is a superset of JavaScript. Every valid JavaScript program is also valid TypeScript syntax, but TypeScript lets you add type annotations on top.

00:00:15.000 --> 00:00:25.000
Those types are checked at compile time. If you call a function with the wrong arguments or misspell a property name, you see the error in your editor before the code ever runs.

00:00:25.000 --> 00:00:35.000
The compiler, tsc, checks your code and then emits plain JavaScript. The types are erased, so there is no runtime cost and the output runs anywhere JavaScript runs.

00:00:35.000 --> 00:00:44.000
Types also power your editor. Autocomplete, go to definition and safe renames across a whole codebase all come from the same type information.

00:00:44.000 --> 00:00:53.000
You can adopt TypeScript gradually. Rename one file from .js to .ts, fix what the compiler reports and move on to the next file.

00:00:53.000 --> 00:01:01.000
To start a project, install the compiler with npm install --save-dev typescript and create a config file with npx tsc --init.

00:01:01.000 --> 00:01:08.000
In the next lesson we will look at the basic types you will use in almost every file.
`,
            },
          },
          {
            key: 'basic-types',
            title: 'Basic Types',
            kind: 'READING',
            durationSeconds: 540,
            reading: {
              markdown: `# Basic Types in TypeScript

TypeScript adds a static type system on top of JavaScript. Types exist only at compile time: \`tsc\` checks them and then erases them, producing plain JavaScript. This lesson tours the everyday types you will use in almost every file.

## Primitives

Each JavaScript primitive has a matching type:

\`\`\`ts
let title: string = "LearnCraft";
let lessons: number = 12;          // integers and floats share one type
let published: boolean = true;
let big: bigint = 9007199254740993n;
let id: symbol = Symbol("id");
let nothing: null = null;
let notSet: undefined = undefined;
\`\`\`

Note the lowercase names. \`String\`, \`Number\` and \`Boolean\` refer to wrapper objects and should not be used as types.

## Type inference

You rarely need annotations on variables, because TypeScript **infers** the type from the initializer:

\`\`\`ts
let count = 3;             // number
const level = "beginner";  // "beginner" – a literal type, since a const cannot change
count = "three";           // Error: Type 'string' is not assignable to type 'number'.
\`\`\`

A good habit is to annotate function parameters and public APIs, and let inference handle local variables.

## Arrays and tuples

\`\`\`ts
const scores: number[] = [90, 75, 88];
const tags: Array<string> = ["ts", "web"];  // same as string[]
const point: [number, number] = [10, 20];    // tuple: fixed length and positions
const entry: [string, number] = ["age", 42];
\`\`\`

Arrays hold any number of elements of one type. Tuples describe a fixed number of elements where each position has its own type.

## Object types

Describe the shape of an object inline, or give it a name with \`type\` or \`interface\`:

\`\`\`ts
type Course = {
  slug: string;
  title: string;
  rating?: number;          // optional property
  readonly createdAt: Date; // cannot be reassigned
};

const course: Course = { slug: "ts-101", title: "TS 101", createdAt: new Date() };
\`\`\`

Object literals are checked strictly: a misspelled or unknown property is reported as an error.

## any, unknown and never

- \`any\` turns off type checking for a value. It spreads silently through your code and should be a last resort.
- \`unknown\` also accepts any value, but you must **narrow** it (for example with \`typeof\`) before you can use it. Prefer it for data from \`JSON.parse\` or external APIs.
- \`never\` is the type of values that can never occur, such as the return type of a function that always throws.

\`\`\`ts
function parse(input: string): unknown {
  return JSON.parse(input);
}

const data = parse('{"n": 1}');
// data.n;  // Error: 'data' is of type 'unknown'.
if (typeof data === "object" && data !== null && "n" in data) {
  console.log(data.n);  // OK after narrowing
}
\`\`\`

## Strict mode

Enable \`"strict": true\` in \`tsconfig.json\`. Among other checks it turns on \`strictNullChecks\`, so \`null\` and \`undefined\` are no longer silently assignable to every type. This single flag catches a whole class of "cannot read properties of undefined" bugs before your code ever runs.
`,
            },
          },
          {
            key: 'functions-and-interfaces',
            title: 'Functions and Interfaces',
            kind: 'VIDEO',
            durationSeconds: 720,
            video: {
              url: 'https://storage.googleapis.com/gtv-videos-bucket/sample/ForBiggerBlazes.mp4',
              transcriptVtt: `WEBVTT

00:00:00.000 --> 00:00:06.000
In this lesson we type functions and describe objects with interfaces.

00:00:06.000 --> 00:00:15.000
Annotate each parameter after its name, like name: string. The return type goes after the parameter list, although TypeScript can usually infer it.

00:00:15.000 --> 00:00:25.000
Mark a parameter as optional with a question mark, or give it a default value. Inside the function, an optional parameter has the type string or undefined.

00:00:25.000 --> 00:00:31.000
Rest parameters collect extra arguments into an array, for example ...values: number[].

00:00:31.000 --> 00:00:40.000
An interface describes the shape of an object: which properties it has and what their types are. Properties can be optional or readonly.

00:00:40.000 --> 00:00:48.000
Interfaces can extend other interfaces, so an Instructor interface can extend a Person interface and add a list of courses.

00:00:48.000 --> 00:00:56.000
TypeScript is structurally typed. Any object with the required properties matches an interface, even if it was never declared to implement it.

00:00:56.000 --> 00:01:05.000
Type aliases can describe objects too, and they can also name unions and function types. Use whichever your team prefers, and be consistent.
`,
            },
          },
        ],
      },
      {
        key: 'ts-working-with-types',
        title: 'Working with Types',
        summary:
          'Model real-world data with unions and literal types, then put it all together in a strict project.',
        lessons: [
          {
            key: 'unions-and-narrowing',
            title: 'Unions and Narrowing',
            kind: 'READING',
            durationSeconds: 600,
            reading: {
              markdown: `# Union Types and Narrowing

Real data is often "one of several things": an ID can be a number or a string, and a request can be loading, successful or failed. TypeScript models this with **union types**, and it uses **narrowing** to work out which member you are dealing with at each point in your code.

## Union types

A union is written with \`|\` and means "a value of any one of these types":

\`\`\`ts
type Id = number | string;

function formatId(id: Id): string {
  // id.toUpperCase();  // Error: Property 'toUpperCase' does not exist on type 'number'.
  return String(id);
}
\`\`\`

Without narrowing you can only use operations that are valid for **every** member of the union. To do something member-specific, narrow first.

## Narrowing with type guards

TypeScript follows your control flow and refines the type inside each branch:

\`\`\`ts
function describe(value: string | number | string[] | null): string {
  if (value === null) {
    return "nothing";            // value: null
  }
  if (typeof value === "string") {
    return value.toUpperCase();  // value: string
  }
  if (Array.isArray(value)) {
    return value.join(", ");     // value: string[]
  }
  return value.toFixed(2);       // value: number
}
\`\`\`

Common type guards:

- \`typeof x === "string"\` (also \`"number"\`, \`"boolean"\`, \`"object"\`, \`"function"\` ...) for primitives
- \`x instanceof Date\` for class instances
- \`Array.isArray(x)\` for arrays
- \`"prop" in x\` to check whether an object has a property
- equality checks such as \`x === null\` or \`x !== undefined\`

## Literal types

A literal type is a single exact value. Unions of literals are a lightweight, type-safe alternative to enums:

\`\`\`ts
type Level = "BEGINNER" | "INTERMEDIATE" | "ADVANCED";
let level: Level = "BEGINNER";
// level = "EXPERT";  // Error: Type '"EXPERT"' is not assignable to type 'Level'.
\`\`\`

## Discriminated unions

The most useful pattern combines object types that share a literal **discriminant** property:

\`\`\`ts
type RequestState =
  | { status: "loading" }
  | { status: "success"; data: string[] }
  | { status: "error"; message: string };

function render(state: RequestState): string {
  switch (state.status) {
    case "loading":
      return "Loading...";
    case "success":
      return state.data.join(", ");     // data is available here
    case "error":
      return \`Failed: \${state.message}\`; // message is available here
  }
}
\`\`\`

Checking \`state.status\` narrows \`state\` to exactly one member of the union, so the compiler knows which properties exist in each branch.

## Exhaustiveness checking

Add a \`default\` branch that assigns the value to \`never\`. If someone later adds a new status and forgets to handle it, the assignment fails to compile:

\`\`\`ts
    default: {
      const unreachable: never = state;
      return unreachable;
    }
\`\`\`

## Summary

1. Use unions to model values that can take several forms.
2. Narrow with \`typeof\`, \`instanceof\`, \`in\`, \`Array.isArray\` or equality checks before using member-specific features.
3. Prefer discriminated unions for state machines and API responses; the compiler then verifies that every case is handled.
`,
            },
          },
          {
            key: 'fundamentals-quiz',
            title: 'Check Your Understanding: TypeScript Basics',
            kind: 'QUIZ',
            durationSeconds: 360,
            quiz: {
              passPercent: 70,
              maxAttempts: 3,
              cooldownSeconds: 30,
              questions: [
                {
                  key: 'noemit-flag',
                  prompt: 'What does running tsc --noEmit do?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'Compiles the project and deletes the output afterwards' },
                    {
                      key: 'b',
                      label: 'Type-checks the project without writing any JavaScript files',
                    },
                    { key: 'c', label: 'Runs the program without compiling it' },
                    { key: 'd', label: 'Removes all type annotations from the source files' },
                  ],
                  correctOptionKeys: ['b'],
                  explanation:
                    '--noEmit performs the full type check but skips output. It is common in CI and when another tool (such as a bundler) produces the JavaScript.',
                },
                {
                  key: 'unknown-facts',
                  prompt: 'Which TWO statements about the unknown type are true?',
                  multiple: true,
                  options: [
                    { key: 'a', label: 'Any value can be assigned to a variable of type unknown' },
                    {
                      key: 'b',
                      label: 'You must narrow an unknown value before calling methods on it',
                    },
                    { key: 'c', label: 'unknown disables type checking exactly like any' },
                    {
                      key: 'd',
                      label: 'An unknown value can be assigned to a number variable without a check',
                    },
                  ],
                  correctOptionKeys: ['a', 'b'],
                  explanation:
                    'unknown is the type-safe counterpart of any: everything is assignable to it, but you cannot use the value or assign it to a more specific type until you narrow it.',
                },
                {
                  key: 'array-inference',
                  prompt:
                    'With default settings, what type does TypeScript infer for const items = [1, "a"]?',
                  multiple: false,
                  options: [
                    { key: 'a', label: '[number, string]' },
                    { key: 'b', label: 'any[]' },
                    { key: 'c', label: '(string | number)[]' },
                    { key: 'd', label: 'unknown[]' },
                  ],
                  correctOptionKeys: ['c'],
                  explanation:
                    'Array literals are inferred as arrays of the union of their element types. You would need an explicit annotation or "as const" to get a tuple.',
                },
                {
                  key: 'strict-null',
                  prompt: 'With "strict": true enabled, what happens with let title: string = null;?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'It compiles, because null is assignable to every type' },
                    { key: 'b', label: 'It is a compile-time error' },
                    { key: 'c', label: 'It compiles, but title becomes type any' },
                    { key: 'd', label: 'It throws an error at runtime only' },
                  ],
                  correctOptionKeys: ['b'],
                  explanation:
                    'strict enables strictNullChecks, so null is only assignable to types that include it, such as string | null.',
                },
              ],
            },
          },
          {
            key: 'typed-module-lab',
            title: 'Lab: Make a Strict Project Compile',
            kind: 'LAB',
            durationSeconds: 1500,
            lab: typedModuleLab,
          },
        ],
      },
    ],
  },
  {
    slug: 'advanced-typescript-types',
    title: 'Advanced TypeScript Types',
    summary:
      'Master generics, mapped types, conditional types and template literal types to build expressive, type-safe APIs.',
    descriptionMarkdown: `Once you are comfortable with everyday TypeScript, the type system itself becomes a programming language. This advanced course teaches you to write the kind of types you find inside well-designed libraries: APIs that infer exactly what the caller meant, reject invalid input at compile time and stay readable for the people maintaining them.

You will go deep on generics and constraints, build your own versions of the built-in utility types with mapped and conditional types, pattern-match strings with template literal types and use \`infer\` to pull types out of other types. Every technique is grounded in practical examples such as typed routers, event emitters and configuration objects, and the lab has you implement and test type utilities that the compiler verifies.

## What you'll learn

- How to design generic functions with constraints and \`keyof\`
- How mapped types work, including modifiers and key remapping with \`as\`
- Conditional types, distribution over unions and \`infer\`
- Template literal types and the intrinsic string helpers
- How to test types at compile time with \`@ts-expect-error\`
`,
    level: 'ADVANCED',
    categorySlug: 'programming',
    language: 'en',
    thumbnailUrl: '/media/thumbnails/advanced-typescript-types.svg',
    instructorEmail: 'ada@learncraft.dev',
    modules: [
      {
        key: 'generics-deep-dive',
        title: 'Generics and Type Transformations',
        summary:
          'Constrain generics, transform object types with mapped types and branch with conditional types.',
        lessons: [
          {
            key: 'generic-constraints',
            title: 'Generic Constraints and keyof',
            kind: 'VIDEO',
            durationSeconds: 780,
            video: {
              url: 'https://storage.googleapis.com/gtv-videos-bucket/sample/BigBuckBunny.mp4',
              transcriptVtt: `WEBVTT

00:00:00.000 --> 00:00:07.000
Welcome to Advanced TypeScript Types. We begin with generics, the tool every other technique in this course builds on.

00:00:07.000 --> 00:00:17.000
A generic function takes a type parameter, written in angle brackets. A function first of T that accepts an array of T and returns T or undefined works for any element type.

00:00:17.000 --> 00:00:27.000
Usually you never pass the type argument yourself. TypeScript infers T from the arguments, so first of an array of numbers returns number or undefined.

00:00:27.000 --> 00:00:37.000
A constraint limits what T can be. Writing T extends an object with a length property lets you read value.length inside the function, and rejects arguments that have no length.

00:00:37.000 --> 00:00:47.000
The keyof operator produces a union of an object type's keys. Combine it with a constraint: K extends keyof T guarantees that key is a real property of the object.

00:00:47.000 --> 00:00:57.000
The return type T indexed by K, an indexed access type, then gives you the exact type of that property. getProperty of a user and "age" returns number, not any.

00:00:57.000 --> 00:01:04.000
Type parameters can have defaults, just like function parameters, which keeps common call sites short while still allowing customization.

00:01:04.000 --> 00:01:14.000
One rule of thumb: if a type parameter appears only once in a signature, you probably do not need it. Generics should relate inputs to outputs.
`,
            },
          },
          {
            key: 'conditional-types',
            title: 'Conditional Types and infer',
            kind: 'READING',
            durationSeconds: 660,
            reading: {
              markdown: `# Conditional Types and infer

Conditional types let a type choose between two alternatives based on a relationship between types. They look like JavaScript's ternary operator and form the foundation of most advanced utility types, including several that ship with TypeScript itself.

## Syntax

\`\`\`ts
type IsString<T> = T extends string ? true : false;

type A = IsString<"hello">;  // true
type B = IsString<42>;       // false
\`\`\`

\`T extends U ? X : Y\` reads as "if \`T\` is assignable to \`U\`, the result is \`X\`, otherwise \`Y\`". The check is about **assignability**, not class inheritance.

## Distribution over unions

When the checked type is a *naked* type parameter, a conditional type **distributes** over unions: it is applied to each member separately and the results are joined with \`|\`.

\`\`\`ts
type ToArray<T> = T extends unknown ? T[] : never;

type C = ToArray<string | number>;  // string[] | number[]
\`\`\`

This is exactly how the built-in \`Exclude\` works:

\`\`\`ts
type MyExclude<T, U> = T extends U ? never : T;
type D = MyExclude<"a" | "b" | "c", "a">;  // "b" | "c"
\`\`\`

Returning \`never\` for a member removes it from the resulting union. To switch distribution off, wrap both sides in a one-element tuple:

\`\`\`ts
type ToArrayNonDist<T> = [T] extends [unknown] ? T[] : never;
type E = ToArrayNonDist<string | number>;  // (string | number)[]
\`\`\`

## Extracting types with infer

Inside the \`extends\` clause you can declare a type variable with \`infer\` and let TypeScript solve for it. The variable is available only in the true branch.

\`\`\`ts
type ElementType<T> = T extends readonly (infer U)[] ? U : never;
type F = ElementType<string[]>;  // string

type MyReturnType<T> = T extends (...args: any[]) => infer R ? R : never;
type G = MyReturnType<() => Promise<number>>;  // Promise<number>

type UnwrapPromise<T> = T extends Promise<infer V> ? UnwrapPromise<V> : T;
type H = UnwrapPromise<Promise<Promise<boolean>>>;  // boolean
\`\`\`

The last example is **recursive**: it keeps unwrapping until it reaches a type that is not a promise. The built-in \`Awaited<T>\` does the same and also handles other "thenable" objects.

Since TypeScript 4.7 you can constrain an inferred variable directly:

\`\`\`ts
type FirstString<T> = T extends [infer S extends string, ...unknown[]] ? S : never;
type I = FirstString<["id", 1]>;  // "id"
type J = FirstString<[1, "id"]>;  // never
\`\`\`

## Built-in helpers based on conditional types

- \`Exclude<T, U>\` and \`Extract<T, U>\` – filter union members.
- \`ReturnType<F>\` and \`Parameters<F>\` – read a function's signature.
- \`InstanceType<C>\` – the instance type of a constructor.
- \`Awaited<T>\` – unwrap promises recursively.

Reading their definitions in \`lib.es5.d.ts\` (use "Go to Definition" in your editor) is a great way to practise.

## Guidelines

1. Reach for conditional types when an output type depends on an input type; use overloads or plain generics when a simpler tool does the job.
2. Remember that distribution happens only for naked type parameters.
3. Keep recursion shallow. TypeScript limits instantiation depth and reports "Type instantiation is excessively deep and possibly infinite" for runaway recursion.
`,
            },
          },
          {
            key: 'mapped-types',
            title: 'Mapped Types',
            kind: 'VIDEO',
            durationSeconds: 840,
            video: {
              url: 'https://storage.googleapis.com/gtv-videos-bucket/sample/ElephantsDream.mp4',
              transcriptVtt: `WEBVTT

00:00:00.000 --> 00:00:10.000
Mapped types create a new object type by iterating over the keys of another one. They are how Partial, Required, Readonly, Pick and Record are implemented.

00:00:10.000 --> 00:00:20.000
The syntax looks like an index signature with a for-in loop: for each K in keyof T, produce a property of some type, often T indexed by K.

00:00:20.000 --> 00:00:30.000
Add a question mark after the key to make every property optional, and you have written Partial. Add readonly in front of it, and you have written Readonly.

00:00:30.000 --> 00:00:39.000
Modifiers can also be removed. Minus question mark makes properties required, which is how Required works, and minus readonly makes them mutable again.

00:00:39.000 --> 00:00:49.000
When a mapped type iterates over keyof T directly, it is called homomorphic. Homomorphic mapped types preserve the optional and readonly modifiers of the original properties.

00:00:49.000 --> 00:00:59.000
Since TypeScript 4.1 you can remap keys with an as clause. Map each key through a template literal type to turn name into getName, for example.

00:00:59.000 --> 00:01:09.000
If the as clause produces never for a key, that key is dropped. This lets you filter properties, for example keeping only the keys whose values are functions.

00:01:09.000 --> 00:01:19.000
Mapped types combined with conditional types let you describe almost any transformation of an object type. We will put them to work in the lab.
`,
            },
          },
        ],
      },
      {
        key: 'type-level-programming',
        title: 'Type-Level Programming',
        summary:
          'Manipulate strings at the type level and verify your utility types with compile-time tests.',
        lessons: [
          {
            key: 'template-literal-types',
            title: 'Template Literal Types',
            kind: 'READING',
            durationSeconds: 660,
            reading: {
              markdown: `# Template Literal Types

Template literal types bring JavaScript's template string syntax to the type level. Combined with unions, conditional types and mapped types, they let you describe string-based APIs such as event names, routes and CSS values precisely.

## Basics

\`\`\`ts
type Greeting = \`hello \${string}\`;
const ok: Greeting = "hello world";
// const bad: Greeting = "hi world";  // Error

type Size = "sm" | "md" | "lg";
type Color = "red" | "blue";
type ClassName = \`\${Color}-\${Size}\`;
// "red-sm" | "red-md" | "red-lg" | "blue-sm" | "blue-md" | "blue-lg"
\`\`\`

When a placeholder contains a union, TypeScript produces the **cross product** of all combinations. Be careful: unions multiply quickly, and the compiler refuses to build unions that are too large.

## Intrinsic string helpers

TypeScript ships four intrinsic types for changing the case of string literal types:

- \`Uppercase<S>\` and \`Lowercase<S>\`
- \`Capitalize<S>\` and \`Uncapitalize<S>\`

\`\`\`ts
type Events = "click" | "focus";
type Handlers = \`on\${Capitalize<Events>}\`;  // "onClick" | "onFocus"
\`\`\`

## Key remapping in mapped types

Mapped types can rename keys with an \`as\` clause. This is a common way to derive getter or event-handler types from a data type:

\`\`\`ts
type Getters<T> = {
  [K in keyof T & string as \`get\${Capitalize<K>}\`]: () => T[K];
};

interface User { name: string; age: number }
type UserGetters = Getters<User>;
// { getName: () => string; getAge: () => number }
\`\`\`

The \`& string\` keeps only string keys, because \`Capitalize\` accepts only string types and symbol keys cannot appear in a template literal type.

## Parsing strings with infer

Template literal types can also appear in the \`extends\` clause of a conditional type, where they pattern-match a string and extract its parts:

\`\`\`ts
type RouteParams<Path extends string> =
  Path extends \`\${string}:\${infer Param}/\${infer Rest}\`
    ? Param | RouteParams<Rest>
    : Path extends \`\${string}:\${infer Param}\`
      ? Param
      : never;

type P = RouteParams<"/courses/:courseId/lessons/:lessonId">;
// "courseId" | "lessonId"

function buildPath<Path extends string>(
  path: Path,
  params: Record<RouteParams<Path>, string>,
): string {
  return path.replace(/:([A-Za-z]+)/g, (_, key: string) => params[key as RouteParams<Path>]);
}

buildPath("/courses/:courseId", { courseId: "ts-101" });  // OK
// buildPath("/courses/:courseId", {});                   // Error: property 'courseId' is missing
\`\`\`

An \`infer\` placeholder that is followed by literal text matches as few characters as possible, up to the next occurrence of that text; a placeholder at the very end takes the rest of the string.

## Practical uses

- Strongly typed event emitters with names like \`"user:created"\`.
- CSS values such as \`\${number}px\`.
- Method names derived from resource names in API clients.
- IDs with a fixed prefix, for example \`course_\${string}\`.

## Limitations

1. Template literal types exist only at compile time. They do not validate strings that arrive at runtime from users or APIs; you still need runtime checks (or a schema library) at the boundaries.
2. Very large cross products fail with "Expression produces a union type that is too complex to represent".
3. Deeply recursive string parsing slows down the compiler, so keep parsers simple and test them.
`,
            },
          },
          {
            key: 'advanced-types-quiz',
            title: 'Check Your Understanding: Advanced Types',
            kind: 'QUIZ',
            durationSeconds: 480,
            quiz: {
              passPercent: 70,
              maxAttempts: 3,
              cooldownSeconds: 30,
              questions: [
                {
                  key: 'infer-element',
                  prompt:
                    'Given type ElementOf<T> = T extends (infer U)[] ? U : never; what is ElementOf<string[]>?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'string[]' },
                    { key: 'b', label: 'string' },
                    { key: 'c', label: 'never' },
                    { key: 'd', label: 'unknown' },
                  ],
                  correctOptionKeys: ['b'],
                  explanation:
                    'string[] matches the pattern (infer U)[] with U = string, so the true branch returns string.',
                },
                {
                  key: 'distribution',
                  prompt:
                    'Given type ToArray<T> = T extends unknown ? T[] : never; what is ToArray<string | number>?',
                  multiple: false,
                  options: [
                    { key: 'a', label: '(string | number)[]' },
                    { key: 'b', label: 'string[] | number[]' },
                    { key: 'c', label: 'never' },
                    { key: 'd', label: '[string, number]' },
                  ],
                  correctOptionKeys: ['b'],
                  explanation:
                    'Because T is a naked type parameter, the conditional type distributes over the union and produces string[] | number[]. Wrapping T in a tuple ([T] extends [unknown]) would give (string | number)[].',
                },
                {
                  key: 'builtin-utilities',
                  prompt: "Which TWO of these utility types ship with TypeScript's standard library?",
                  multiple: true,
                  options: [
                    { key: 'a', label: 'Partial<T>' },
                    { key: 'b', label: 'Awaited<T>' },
                    { key: 'c', label: 'DeepReadonly<T>' },
                    { key: 'd', label: 'Mutable<T>' },
                  ],
                  correctOptionKeys: ['a', 'b'],
                  explanation:
                    'Partial and Awaited are built in. DeepReadonly and Mutable are common community helpers that you have to define yourself.',
                },
                {
                  key: 'keyof-result',
                  prompt: 'What is keyof { id: number; title: string }?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'string' },
                    { key: 'b', label: '"id" | "title"' },
                    { key: 'c', label: 'number | string' },
                    { key: 'd', label: '["id", "title"]' },
                  ],
                  correctOptionKeys: ['b'],
                  explanation: 'keyof produces a union of the literal key types of an object type.',
                },
                {
                  key: 'minus-readonly',
                  prompt: 'What does the mapped type { -readonly [K in keyof T]: T[K] } do?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'Makes every property of T readonly' },
                    { key: 'b', label: 'Removes every property of T' },
                    { key: 'c', label: 'Removes the readonly modifier from every property of T' },
                    { key: 'd', label: 'Makes every property of T optional' },
                  ],
                  correctOptionKeys: ['c'],
                  explanation:
                    'The minus prefix removes a modifier. -readonly strips readonly, just as -? strips optionality in Required<T>.',
                },
              ],
            },
          },
          {
            key: 'type-utilities-lab',
            title: 'Lab: Build and Test Type Utilities',
            kind: 'LAB',
            durationSeconds: 2400,
            lab: typeUtilitiesLab,
          },
        ],
      },
    ],
  },
  {
    slug: 'the-linux-command-line',
    title: 'The Linux Command Line',
    summary:
      'Get comfortable in the terminal: navigate the filesystem, manage files, permissions and processes, and build pipelines.',
    descriptionMarkdown: `The command line is the most direct way to work with a Linux system, whether it is your laptop, a cloud server or a container. This course is written for people who have never used a terminal seriously, and it focuses on the skills you will use every single day.

You will learn to move around the filesystem, create and organize files, understand permissions, manage running programs and combine small tools into powerful pipelines. Every concept is demonstrated with real commands you can type along with, and the final lab puts everything together in a real Ubuntu shell.

## What you'll learn

- How the Linux directory tree is organized and how paths work
- How to create, copy, move, view and delete files and directories safely
- How to read and change file permissions with \`chmod\`
- How to inspect processes, send signals and manage background jobs
- How to use redirection and pipes with \`grep\`, \`sort\`, \`uniq\` and \`wc\`
- How to write and run a small executable shell script
`,
    level: 'BEGINNER',
    categorySlug: 'linux',
    language: 'en',
    thumbnailUrl: '/media/thumbnails/the-linux-command-line.svg',
    instructorEmail: 'instructor@learncraft.dev',
    modules: [
      {
        key: 'shell-basics',
        title: 'Shell Basics',
        summary: 'Open a terminal, find your way around the filesystem and manage files and directories.',
        lessons: [
          {
            key: 'navigating-the-filesystem',
            title: 'Navigating the Filesystem',
            kind: 'VIDEO',
            durationSeconds: 600,
            video: {
              url: 'https://storage.googleapis.com/gtv-videos-bucket/sample/ForBiggerBlazes.mp4',
              transcriptVtt: `WEBVTT

00:00:00.000 --> 00:00:10.000
Welcome to The Linux Command Line. Open a terminal and you will see a prompt, usually showing your user name, the host name and the current directory.

00:00:10.000 --> 00:00:20.000
The shell reads a command, runs it and prints the result. Let's start with pwd, print working directory, which tells you where you are right now.

00:00:20.000 --> 00:00:29.000
Type ls to list the files in the current directory. Add -l for a long listing with permissions, owner, size and modification time.

00:00:29.000 --> 00:00:39.000
cd changes directory. cd /etc goes to an absolute path, cd .. goes up one level, and cd on its own takes you back to your home directory.

00:00:39.000 --> 00:00:48.000
Paths that start with a slash are absolute; everything else is relative to where you are. The tilde is shorthand for your home directory.

00:00:48.000 --> 00:00:56.000
Press Tab to complete file and command names. If nothing happens, press Tab twice to see all the possible completions.

00:00:56.000 --> 00:01:05.000
Use the up and down arrow keys to move through your command history, or press Ctrl+R to search it for a previous command.

00:01:05.000 --> 00:01:11.000
Try these commands now. In the next reading, we will create, copy, move and delete files.
`,
            },
          },
          {
            key: 'files-and-directories',
            title: 'Working with Files and Directories',
            kind: 'READING',
            durationSeconds: 540,
            reading: {
              markdown: `# Working with Files and Directories

Everything on a Linux system lives in a single directory tree that starts at the root, \`/\`. There are no drive letters; additional disks are *mounted* somewhere inside the tree. Knowing how to move around this tree and manipulate files is the foundation of everything else you do in the shell.

## Important directories

- \`/home/<user>\` – your personal files; the shell abbreviates your own home as \`~\`.
- \`/etc\` – system-wide configuration files.
- \`/var/log\` – log files.
- \`/tmp\` – temporary files, often cleared on reboot.
- \`/usr/bin\` – most user commands.

## Absolute and relative paths

An **absolute** path starts with \`/\` and means the same thing wherever you are, e.g. \`/etc/hostname\`. A **relative** path is resolved from the current working directory. Two special names help: \`.\` is the current directory and \`..\` is its parent.

\`\`\`bash
pwd                 # print the working directory, e.g. /home/sam
cd /var/log         # absolute path
cd ..               # now in /var
cd ~/projects       # ~ expands to your home directory
cd -                # jump back to the previous directory
\`\`\`

## Listing files

\`\`\`bash
ls                  # names only
ls -l               # long format: permissions, owner, size, date
ls -la              # include hidden "dot" files such as .bashrc
ls -lh /var/log     # human-readable sizes (K, M, G)
\`\`\`

Files whose names start with a dot are hidden by default; \`-a\` shows them.

## Creating, copying, moving and deleting

\`\`\`bash
mkdir notes                        # create one directory
mkdir -p projects/demo/src         # create parents as needed; no error if it exists
touch notes/todo.txt               # create an empty file (or update its timestamp)
cp notes/todo.txt notes/todo.bak   # copy a file
cp -r projects projects-backup     # -r copies directories recursively
mv notes/todo.bak /tmp/            # move a file...
mv notes/todo.txt notes/tasks.txt  # ...or rename it
rm /tmp/todo.bak                   # delete a file
rmdir empty-dir                    # delete an empty directory
rm -r projects-backup              # delete a directory and everything in it
\`\`\`

There is no recycle bin: \`rm\` deletes immediately. Use \`rm -i\` to be asked for confirmation, and double-check any command that combines \`-r\`, \`-f\` and wildcards.

## Viewing file contents

- \`cat file\` prints a whole file.
- \`less file\` pages through a long file (\`/\` searches, \`q\` quits).
- \`head -n 20 file\` and \`tail -n 20 file\` show the first or last lines; \`tail -f file\` follows a growing log.

## Wildcards

The shell expands wildcards *before* the command runs:

- \`*\` matches any number of characters: \`ls *.log\`
- \`?\` matches exactly one character: \`ls file?.txt\`
- \`[abc]\` matches one character from the set: \`ls report[12].csv\`

Preview what a wildcard matches with \`echo\` before passing it to a destructive command, for example \`echo *.tmp\`.

## Getting help

Nearly every command documents itself. Run \`man ls\` for the full manual page, or \`ls --help\` for a quick summary of its options.
`,
            },
          },
        ],
      },
      {
        key: 'permissions-and-processes',
        title: 'Permissions and Processes',
        summary:
          'Control who can read, write and execute files, and manage the programs running on your system.',
        lessons: [
          {
            key: 'file-permissions',
            title: 'File Permissions',
            kind: 'VIDEO',
            durationSeconds: 690,
            video: {
              url: 'https://storage.googleapis.com/gtv-videos-bucket/sample/BigBuckBunny.mp4',
              transcriptVtt: `WEBVTT

00:00:00.000 --> 00:00:07.000
Linux is a multi-user system, so every file records an owner, a group and a set of permissions.

00:00:07.000 --> 00:00:17.000
Run ls -l and look at the first column, for example -rwxr-xr--. The first character is the type: a dash for a regular file, d for a directory.

00:00:17.000 --> 00:00:27.000
The next nine characters are three groups of three: permissions for the owning user, for the group, and for everyone else. r means read, w means write and x means execute.

00:00:27.000 --> 00:00:37.000
On a directory, r lets you list its contents, w lets you create and delete files in it, and x lets you enter it with cd and access the files inside.

00:00:37.000 --> 00:00:47.000
Change permissions with chmod. Symbolic mode is readable: chmod u+x script.sh adds execute for the owner, and chmod go-w file removes write for group and others.

00:00:47.000 --> 00:00:57.000
Octal mode is compact. Read is 4, write is 2 and execute is 1, so rwx is 7, r-x is 5 and r-- is 4. chmod 755 gives rwxr-xr-x, and chmod 644 gives rw-r--r--.

00:00:57.000 --> 00:01:05.000
chown changes the owner and group, for example sudo chown alice:developers report.txt. Only root can give a file away to another user.

00:01:05.000 --> 00:01:13.000
A good default: 644 for regular files, 755 for scripts and directories, and 600 for private files such as SSH keys.
`,
            },
          },
          {
            key: 'processes-and-jobs',
            title: 'Processes and Job Control',
            kind: 'READING',
            durationSeconds: 540,
            reading: {
              markdown: `# Processes and Job Control

Every running program on Linux is a **process**. Each process has a numeric process ID (PID), an owner, a parent process and a state. The shell you are typing into is itself a process, and every command you start becomes one of its children.

## Listing processes

\`\`\`bash
ps                      # processes started from this terminal
ps aux                  # every process on the system, BSD-style output
ps -ef --forest         # full listing showing the parent/child tree
pgrep -a nginx          # find processes by name and show their command lines
top                     # live view sorted by CPU usage (q to quit)
\`\`\`

Important columns in \`ps aux\`:

- **PID** – the process ID.
- **USER** – the account the process runs as.
- **%CPU / %MEM** – resource usage.
- **STAT** – state: \`R\` running, \`S\` sleeping, \`D\` uninterruptible I/O wait, \`T\` stopped, \`Z\` zombie.
- **COMMAND** – the command line.

## Signals

You communicate with processes by sending **signals**. Despite its name, \`kill\` sends \`SIGTERM\` (signal 15) by default:

\`\`\`bash
kill 4242               # SIGTERM: ask the process to shut down cleanly
kill -HUP 4242          # SIGHUP: many daemons reload their configuration
kill -9 4242            # SIGKILL: terminate immediately; cannot be caught
pkill sleep             # signal every process named "sleep"
\`\`\`

Always try \`SIGTERM\` first. It lets the program flush buffers, close connections and remove temporary files. \`SIGKILL\` is handled by the kernel and gives the process no chance to clean up, so reserve it for processes that ignore \`SIGTERM\`.

## Foreground and background jobs

By default a command runs in the **foreground**: the shell waits until it finishes. The shell's *job control* lets you run several things at once:

\`\`\`bash
sleep 300 &             # start in the background; prints [1] and the PID
jobs                    # list this shell's jobs
fg %1                   # bring job 1 to the foreground
# press Ctrl+Z          # suspend the foreground job (SIGTSTP)
bg %1                   # resume the suspended job in the background
kill %1                 # send SIGTERM to job 1
\`\`\`

\`Ctrl+C\` sends \`SIGINT\` to the foreground job, which normally stops it.

## Surviving logout

When the terminal closes, its jobs usually receive \`SIGHUP\` and exit. To keep a long task running after you log out, use one of these:

- \`nohup ./backup.sh > backup.log 2>&1 &\` – start the command immune to hang-ups.
- \`disown %1\` – remove an already running job from the shell's job table.
- A terminal multiplexer such as \`tmux\` or \`screen\`.
- For real services, a **systemd** unit, which can also restart the process when it crashes.

## Exit status

When a process finishes, it returns an exit status between 0 and 255. \`0\` means success; anything else signals an error. The shell stores the status of the last command in \`$?\`:

\`\`\`bash
grep -q root /etc/passwd
echo $?                 # 0: a match was found
ls /does-not-exist
echo $?                 # 2: ls could not access the path
\`\`\`

Operators such as \`&&\` and \`||\`, and statements such as \`if\`, use these statuses to decide what runs next.
`,
            },
          },
        ],
      },
      {
        key: 'text-and-pipelines',
        title: 'Text Processing and Pipelines',
        summary: 'Redirect input and output, chain commands with pipes and put your skills to work in a lab.',
        lessons: [
          {
            key: 'pipes-and-redirection',
            title: 'Pipes and Redirection',
            kind: 'VIDEO',
            durationSeconds: 720,
            video: {
              url: 'https://storage.googleapis.com/gtv-videos-bucket/sample/ElephantsDream.mp4',
              transcriptVtt: `WEBVTT

00:00:00.000 --> 00:00:08.000
The real power of the shell comes from combining small tools. To do that, you need to understand the three standard streams.

00:00:08.000 --> 00:00:15.000
Every process has standard input, file descriptor 0, standard output, file descriptor 1, and standard error, file descriptor 2.

00:00:15.000 --> 00:00:22.000
The greater-than sign redirects standard output to a file and overwrites it. Two greater-than signs append instead.

00:00:22.000 --> 00:00:32.000
To capture error messages, redirect file descriptor 2, as in 2> errors.log. To send both streams to one file, write > all.log 2>&1, in that order.

00:00:32.000 --> 00:00:42.000
The pipe symbol connects the standard output of one command to the standard input of the next, so data flows from left to right without temporary files.

00:00:42.000 --> 00:00:52.000
For example, grep ERROR app.log | wc -l counts the error lines, and sort | uniq -c | sort -rn shows the most frequent lines first.

00:00:52.000 --> 00:01:02.000
tee writes its input to a file and passes it on at the same time, which is handy when you want to save and see the output of a pipeline.

00:01:02.000 --> 00:01:11.000
Each tool does one thing well, and the pipe lets you combine them. In the lab, you will build a pipeline of your own.
`,
            },
          },
          {
            key: 'command-line-quiz',
            title: 'Check Your Understanding: The Command Line',
            kind: 'QUIZ',
            durationSeconds: 420,
            quiz: {
              passPercent: 70,
              maxAttempts: null,
              cooldownSeconds: 0,
              questions: [
                {
                  key: 'chmod-754',
                  prompt: 'After running chmod 754 report.sh, which permissions does the file have?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'rwxr-xr--' },
                    { key: 'b', label: 'rwxrwxr--' },
                    { key: 'c', label: 'rw-r-xr--' },
                    { key: 'd', label: 'rwxr--r-x' },
                  ],
                  correctOptionKeys: ['a'],
                  explanation: '7 = rwx for the owner, 5 = r-x for the group and 4 = r-- for others.',
                },
                {
                  key: 'stderr-to-file',
                  prompt: 'Which TWO commands write the error messages of cmd into a file?',
                  multiple: true,
                  options: [
                    { key: 'a', label: 'cmd 2> err.log' },
                    { key: 'b', label: 'cmd > out.log 2>&1' },
                    { key: 'c', label: 'cmd | tee err.log' },
                    { key: 'd', label: 'cmd > err.log' },
                  ],
                  correctOptionKeys: ['a', 'b'],
                  explanation:
                    '2> redirects standard error. > out.log 2>&1 sends standard output to the file and then points standard error at the same place. A pipe and a plain > only carry standard output.',
                },
                {
                  key: 'kill-9',
                  prompt: 'Which signal does kill -9 send?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'SIGTERM' },
                    { key: 'b', label: 'SIGHUP' },
                    { key: 'c', label: 'SIGINT' },
                    { key: 'd', label: 'SIGKILL' },
                  ],
                  correctOptionKeys: ['d'],
                  explanation:
                    'Signal 9 is SIGKILL, which the process cannot catch or ignore. Plain kill sends SIGTERM (15).',
                },
                {
                  key: 'mkdir-p',
                  prompt: 'What does mkdir -p projects/demo/src do if projects does not exist yet?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'Fails with "No such file or directory"' },
                    { key: 'b', label: 'Creates projects, projects/demo and projects/demo/src' },
                    { key: 'c', label: 'Creates only the src directory in the current directory' },
                    { key: 'd', label: 'Asks for confirmation before creating each directory' },
                  ],
                  correctOptionKeys: ['b'],
                  explanation:
                    'The -p flag creates any missing parent directories and does not complain if the directory already exists.',
                },
                {
                  key: 'grep-count',
                  prompt: 'Which command prints the number of lines in app.log that contain ERROR?',
                  multiple: false,
                  options: [
                    { key: 'a', label: 'grep ERROR app.log > wc' },
                    { key: 'b', label: 'grep -c ERROR app.log' },
                    { key: 'c', label: 'wc -l ERROR app.log' },
                    { key: 'd', label: 'cat app.log | count ERROR' },
                  ],
                  correctOptionKeys: ['b'],
                  explanation:
                    'grep -c counts matching lines. The pipeline grep ERROR app.log | wc -l would also work, but > wc writes to a file named wc.',
                },
              ],
            },
          },
          {
            key: 'shell-workout-lab',
            title: 'Lab: Shell Workout',
            kind: 'LAB',
            durationSeconds: 1800,
            lab: shellWorkoutLab,
          },
        ],
      },
    ],
  },
];
