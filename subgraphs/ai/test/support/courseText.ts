/**
 * Passages taken from the demo catalog (the Kubernetes course's "Pods and Containers" transcript
 * and "Deployments and Services" reading, and the shell lab's grep step), as retrieval would hand
 * them to a model. Shared by the provider tests.
 */
import type { HintTask, Passage } from '../../src/providers/types';

const pods = (ref: number, text: string, startSeconds: number): Passage => ({
  ref,
  lessonId: 'k8s-pods',
  lessonTitle: 'Pods and Containers',
  source: 'TRANSCRIPT',
  heading: null,
  text,
  startSeconds,
});

const reading = (ref: number, heading: string, text: string): Passage => ({
  ref,
  lessonId: 'k8s-deployments',
  lessonTitle: 'Deployments and Services',
  source: 'READING',
  heading,
  text,
  startSeconds: null,
});

export const podPassages: Passage[] = [
  pods(
    1,
    'In this lesson we look at the Pod, the smallest deployable unit in Kubernetes. A Pod wraps one or more containers that are always scheduled together on the same node. Most Pods contain exactly one application container.',
    0,
  ),
  pods(
    2,
    "Containers in a Pod share a network namespace. They have the same IP address and can reach each other on localhost, so they must not listen on the same port. They can also share volumes. A common pattern is a sidecar container that ships the main container's log files or refreshes its configuration.",
    15,
  ),
  pods(
    3,
    'Every Pod gets its own cluster-internal IP address, but Pods are ephemeral. When a Pod is replaced, the new one usually gets a different IP. A Pod moves through phases: Pending while it is scheduled and images are pulled, Running, and finally Succeeded or Failed when its containers exit.',
    34,
  ),
  pods(
    4,
    'The kubelet restarts crashed containers according to the restart policy, and liveness and readiness probes tell it whether a container is healthy and ready for traffic. Because a bare Pod is not recreated if its node disappears, you normally let a controller such as a Deployment create Pods for you. That is our next topic.',
    53,
  ),
];

export const deploymentPassages: Passage[] = [
  reading(
    1,
    'Deployments and Services',
    'Pods are the smallest deployable unit in Kubernetes, but you almost never create them directly. A bare Pod is not recreated if its node fails, and updating it means deleting and recreating it by hand. Instead, you describe your application with a Deployment and expose it with a Service.',
  ),
  reading(
    2,
    'Deployments and Services › Deployments',
    'A Deployment declares how many identical Pods (replicas) you want and what they should look like. Under the hood it creates a ReplicaSet, which in turn creates the Pods. When you change the Pod template, for example to a new image tag, the Deployment creates a new ReplicaSet and gradually shifts replicas from the old one to the new one. This is a rolling update.',
  ),
  reading(
    3,
    'Deployments and Services › Services',
    'Pods are ephemeral and their IP addresses change whenever they are recreated. A Service provides a stable virtual IP and DNS name in front of a changing set of Pods. It finds those Pods with a label selector, not by name. ClusterIP (the default) is reachable only inside the cluster. NodePort additionally opens the same port on every node. LoadBalancer additionally asks the cloud provider for an external load balancer.',
  ),
  reading(
    4,
    'Deployments and Services › Applying and rolling out',
    'Save both manifests and apply them. kubectl apply is declarative: running it again with unchanged files changes nothing. The kubelet on each node runs the containers of the Pods scheduled there.',
  ),
];

/** The TypeScript course's first transcript: few names, so drafts must fall back to nouns. */
export const typeScriptPassages: Passage[] = [
  {
    ref: 1,
    lessonId: 'ts-why',
    lessonTitle: 'Why TypeScript',
    source: 'TRANSCRIPT',
    heading: null,
    text: "Hi, I'm Ada, and welcome to TypeScript Fundamentals. Let's start with why TypeScript exists at all. TypeScript is a superset of JavaScript. Every valid JavaScript program is also valid TypeScript syntax, but TypeScript lets you add type annotations on top. Those types are checked at compile time. If you call a function with the wrong arguments or misspell a property name, you see the error in your editor before the code ever runs. The compiler, tsc, checks your code and then emits plain JavaScript. The types are erased, so there is no runtime cost and the output runs anywhere JavaScript runs.",
    startSeconds: 0,
  },
];

/** The grep step's real check command (the tutor never receives it; hints must never contain it). */
export const grepCheckCommand = '[ "$(cat "$out")" = "$(grep ERROR "$log")" ]';

export const grepHintTask = (level: 1 | 2 | 3): HintTask => ({
  kind: 'hint',
  level,
  labTitle: 'Shell Workout',
  stepTitle: 'Extract errors with grep',
  stepInstructions:
    'The file `~/workshop/logs/app.log` holds a day of log lines. Write **only the lines containing `ERROR`**, in their order, to `~/workshop/logs/errors.txt` using `grep` and output redirection. Then count them with `wc -l`.',
  authorHint:
    'Use output redirection and write the matching lines to errors.txt. The result should contain exactly 3 lines.',
  lastCheckOutput: "Missing ~/workshop/logs/errors.txt: redirect grep's output into it with >",
  recentInput: 'cat ~/workshop/logs/app.log',
  passages: [],
});
