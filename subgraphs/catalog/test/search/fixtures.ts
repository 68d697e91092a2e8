/**
 * Course search fixtures: seven published courses and one draft. The wording is chosen so each
 * contract assertion has one right answer under every adapter, including Elasticsearch's stemming
 * and AUTO fuzziness (up to two edits): no other fixture word lies within two edits of a query word.
 * Every course says "hands-on", so that word matches all of them (paging, filters).
 */
import type { CourseSearchDocument } from '../../src/search';

export const DOCKER: CourseSearchDocument = {
  id: 'c-docker',
  title: 'Docker for Developers',
  summary: 'Build, ship and run container images on your laptop.',
  description: `## About this course

Package an application into an image, run it, and wire services together with **Docker Compose**.
Every module ends with hands-on labs.

\`\`\`bash
docker run --rm -it busybox sh
\`\`\``,
  lessonTitles: ['Writing a Dockerfile', 'Multi-stage builds', 'Compose for local stacks'],
  categorySlug: 'devops',
  level: 'beginner',
  language: 'en',
  published: true,
};

export const KUBERNETES_BASICS: CourseSearchDocument = {
  id: 'c-k8s-basics',
  title: 'Kubernetes Fundamentals',
  summary: 'Run containers in production with pods, deployments and services.',
  description: `Deploy stateless apps with \`kubectl\`, package images built with Docker, and expose them
through [Services](https://kubernetes.io/docs/concepts/services-networking/service/).

- Rolling updates without downtime
- Hands-on labs on a real cluster`,
  lessonTitles: ['Pods and ReplicaSets', 'Deployments and rollouts', 'Services and Ingress'],
  categorySlug: 'devops',
  level: 'beginner',
  language: 'en',
  published: true,
};

export const KUBERNETES_OPERATORS: CourseSearchDocument = {
  id: 'c-k8s-operators',
  title: 'Kubernetes Operators in Go',
  summary: 'Extend the cluster API with custom controllers.',
  description:
    'Write a controller with controller-runtime, test it with envtest, and ship it. Hands-on throughout.',
  lessonTitles: ['Custom Resource Definitions', 'Reconcile loops', 'Leader election'],
  categorySlug: 'devops',
  level: 'advanced',
  language: 'en',
  published: true,
};

export const TYPESCRIPT: CourseSearchDocument = {
  id: 'c-typescript',
  title: 'TypeScript Deep Dive',
  summary: 'Model your domain with a strict type system.',
  description: '> Types are documentation the compiler checks.\n\nHands-on katas after each chapter.',
  lessonTitles: ['Generics', 'Narrowing and type guards', 'Declaration files'],
  categorySlug: 'programming',
  level: 'intermediate',
  language: 'en',
  published: true,
};

export const LINUX_BASICS: CourseSearchDocument = {
  id: 'c-linux-basics',
  title: 'Linux Command Line Basics',
  summary: 'Feel at home in a terminal.',
  description: 'Navigate, inspect and automate from the shell. Hands-on practice in a browser terminal.',
  lessonTitles: ['Navigating the filesystem', 'Permissions and ownership', 'Shell pipelines'],
  categorySlug: 'linux',
  level: 'beginner',
  language: 'en',
  published: true,
};

export const LINUX_NETWORKING: CourseSearchDocument = {
  id: 'c-linux-networking',
  title: 'Linux Networking for Engineers',
  summary: 'Routes, firewalls and name resolution explained.',
  description: 'Trace packets with tcpdump and configure nftables rules. Hands-on troubleshooting.',
  lessonTitles: ['Interfaces and routes', 'Firewalls with nftables', 'Resolving names'],
  categorySlug: 'linux',
  level: 'intermediate',
  language: 'en',
  published: true,
};

export const LINUX_GERMAN: CourseSearchDocument = {
  id: 'c-linux-de',
  title: 'Linux-Administration für Einsteiger',
  summary: 'Benutzer, Dienste und Pakete verwalten.',
  description: 'Praxisnahe Hands-on-Übungen im Browser.',
  lessonTitles: ['Benutzer anlegen', 'Dienste mit systemd', 'Pakete installieren'],
  categorySlug: 'linux',
  level: 'beginner',
  language: 'de',
  published: true,
};

/** A draft: it must never be found, whatever the query. */
export const KUBERNETES_DRAFT: CourseSearchDocument = {
  id: 'c-k8s-draft',
  title: 'Kubernetes Security Hardening',
  summary: 'Lock down a cluster.',
  description: 'Admission policies and audit logging. Hands-on.',
  lessonTitles: ['Pod security standards', 'Audit logging'],
  categorySlug: 'devops',
  level: 'advanced',
  language: 'en',
  published: false,
};

export const COURSES: CourseSearchDocument[] = [
  DOCKER,
  KUBERNETES_BASICS,
  KUBERNETES_OPERATORS,
  TYPESCRIPT,
  LINUX_BASICS,
  LINUX_NETWORKING,
  LINUX_GERMAN,
  KUBERNETES_DRAFT,
];

export const PUBLISHED_IDS = COURSES.filter((course) => course.published)
  .map((course) => course.id)
  .sort();
