/**
 * Learner questions over the demo courses, each with the lesson that answers it. Written from
 * the lesson content but phrased the way a learner asks, not copied from it; the retrieval bench
 * and its quality test measure how often the answering lesson comes back in the top results.
 * Lesson ids are the demo converter's `<course slug>/<lesson key>`.
 */
export interface BenchQuestion {
  courseId: string;
  question: string;
  lessonId: string;
}

const k8s = 'kubernetes-basics';
const docker = 'docker-for-developers';
const ts = 'typescript-fundamentals';
const adv = 'advanced-typescript-types';
const linux = 'the-linux-command-line';

const q = (courseId: string, lessonKey: string, question: string): BenchQuestion => ({
  courseId,
  question,
  lessonId: `${courseId}/${lessonKey}`,
});

export const benchQuestions: BenchQuestion[] = [
  q(k8s, 'pods-and-containers', 'what is a pod?'),
  q(k8s, 'pods-and-containers', 'do containers in the same pod share an IP address?'),
  q(k8s, 'pods-and-containers', 'what phases does a pod go through during its life?'),
  q(k8s, 'what-is-kubernetes', 'why would a team use kubernetes instead of running containers by hand?'),
  q(k8s, 'cluster-architecture', 'where does the cluster keep all of its state?'),
  q(k8s, 'cluster-architecture', 'which component picks the node a new pod runs on?'),
  q(k8s, 'cluster-architecture', 'what does the kubelet do on a worker node?'),
  q(k8s, 'deployments-and-services', 'how do I get a stable address for pods whose IPs keep changing?'),
  q(k8s, 'deployments-and-services', 'how does a rolling update replace old pods with new ones?'),
  q(k8s, 'first-deployment-lab', 'how should my kustomization set the replica count to 4?'),

  q(docker, 'images-vs-containers', 'what is the difference between an image and a container?'),
  q(docker, 'writing-dockerfiles', 'why does changing one line make docker rebuild every later layer?'),
  q(docker, 'writing-dockerfiles', 'how do I keep node_modules out of the build context?'),
  q(docker, 'writing-dockerfiles', 'should I use CMD or ENTRYPOINT to start my app?'),
  q(docker, 'volumes-and-networks', 'how can my database keep its data after the container is removed?'),
  q(docker, 'volumes-and-networks', 'how do two containers talk to each other by name?'),
  q(
    docker,
    'multi-stage-builds',
    'how can I leave compilers and dev dependencies out of the production image?',
  ),
  q(docker, 'multi-stage-builds', 'how do I build only the test stage in CI?'),

  q(ts, 'why-typescript', 'why was typescript created if javascript already works?'),
  q(ts, 'basic-types', 'when do I need to write type annotations on variables?'),
  q(ts, 'basic-types', 'what is the difference between any and unknown?'),
  q(ts, 'basic-types', 'what does strict mode turn on in tsconfig?'),
  q(ts, 'basic-types', 'how do I declare a tuple of two numbers?'),
  q(ts, 'functions-and-interfaces', 'can one interface extend another interface?'),
  q(ts, 'unions-and-narrowing', 'how does typescript know which type a value has inside an if branch?'),
  q(ts, 'unions-and-narrowing', 'how do I make the compiler complain when I forget a case in a switch?'),
  q(ts, 'typed-module-lab', 'how do I fix the error that a parameter implicitly has an any type?'),

  q(adv, 'generic-constraints', 'how can I restrict a generic type parameter to things that have a length?'),
  q(adv, 'conditional-types', 'how do I pull the element type out of an array type with infer?'),
  q(adv, 'conditional-types', 'why does my conditional type spread over each member of a union?'),
  q(adv, 'mapped-types', 'how are Partial and Readonly built under the hood?'),
  q(adv, 'mapped-types', 'how do I remove the readonly modifier from every property?'),
  q(adv, 'template-literal-types', 'can I turn a string literal type into uppercase at the type level?'),
  q(adv, 'template-literal-types', 'how do I extract the :id parameters from a route string type?'),
  q(adv, 'type-utilities-lab', 'how should I write a recursive DeepReadonly for the lab?'),

  q(linux, 'navigating-the-filesystem', 'how do I find out which directory I am currently in?'),
  q(linux, 'files-and-directories', 'what is the difference between an absolute and a relative path?'),
  q(linux, 'files-and-directories', 'how do I create nested folders in one command?'),
  q(linux, 'file-permissions', 'how do I make a script executable?'),
  q(linux, 'processes-and-jobs', 'how do I stop a process that ignores a normal kill?'),
  q(linux, 'processes-and-jobs', 'how can a long job keep running after I log out?'),
  q(linux, 'pipes-and-redirection', 'how do I send the error output of a command to a file?'),
  q(linux, 'pipes-and-redirection', 'how do I feed the output of one command into another?'),
];
