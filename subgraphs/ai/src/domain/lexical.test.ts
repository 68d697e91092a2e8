import {
  createLexicalEmbedder,
  hashTerm,
  inverseDocumentFrequency,
  lexicalVector,
  stem,
  termFeatures,
  tokenize,
} from './lexical';

describe('tokenize', () => {
  it('lower-cases, drops stop words and stems', () => {
    expect(tokenize('What is a Pod and how are Pods running?')).toEqual(['pod', 'pod', 'run']);
  });

  it('keeps technical tokens whole and adds their parts', () => {
    expect(tokenize('Use node.js with kube-apiserver and --force')).toEqual([
      'node.js',
      'nod',
      'js',
      'kube-apiserver',
      'kub',
      'apiserver',
      'forc',
    ]);
    expect(tokenize('k8s c++ c#')).toEqual(['k8s', 'c++', 'c#']);
  });

  it('splits camelCase words into their parts as well', () => {
    expect(tokenize('matchLabels ReplicaSet')).toEqual([
      'matchlabel',
      'match',
      'label',
      'replicaset',
      'replica',
      'set',
    ]);
  });

  it('handles letters beyond ASCII', () => {
    expect(tokenize('Größe des Clusters, ñandú')).toEqual(['größ', 'des', 'cluster', 'ñandú']);
  });

  it('drops single characters and long bare numbers', () => {
    expect(tokenize('x 8080 123456 v2')).toEqual(['8080', 'v2']);
  });
});

describe('stem', () => {
  it('merges plural, -ing and -ed forms with their base', () => {
    expect(['replicas', 'replica'].map(stem)).toEqual(['replica', 'replica']);
    expect(['running', 'run', 'runs'].map(stem)).toEqual(['run', 'run', 'run']);
    expect(['named', 'name', 'names', 'naming'].map(stem)).toEqual(['nam', 'nam', 'nam', 'nam']);
    expect(['policies', 'policy'].map(stem)).toEqual(['policy', 'policy']);
    expect(['processes', 'process'].map(stem)).toEqual(['process', 'process']);
  });

  it('leaves short words, -ss/-us/-is words and non-letters alone', () => {
    expect(['pod', 'class', 'status', 'analysis', 'k8s'].map(stem)).toEqual([
      'pod',
      'class',
      'status',
      'analysis',
      'k8s',
    ]);
  });
});

describe('lexical vectors', () => {
  it('are L2-normalised with sublinear term frequency and half-weight word pairs', () => {
    const dims = 4096;
    const vector = lexicalVector('pod pod pod', dims);
    const pod = 1 + Math.log(3);
    const pair = 1; // "pod pod" twice at weight 0.5
    const norm = Math.sqrt(pod * pod + pair * pair);
    expect(vector[hashTerm('pod', dims)]).toBeCloseTo(pod / norm, 6);
    expect(vector[hashTerm('pod pod', dims)]).toBeCloseTo(pair / norm, 6);
    expect(vector.filter((x) => x !== 0)).toHaveLength(2);
  });

  it('are all zeros for a text of stop words only', () => {
    expect(lexicalVector('what is it', 64).every((x) => x === 0)).toBe(true);
  });

  it('count each hashed feature of words and adjacent pairs', () => {
    expect(termFeatures('rolling update', 1 << 16)).toEqual(
      new Map([
        [hashTerm('roll', 1 << 16), 1],
        [hashTerm('updat', 1 << 16), 1],
        [hashTerm('roll updat', 1 << 16), 0.5],
      ]),
    );
  });
});

describe('the lexical embedder', () => {
  it('names its tokenizer and dimension in its id, so another setup rebuilds the index', () => {
    const embedder = createLexicalEmbedder({ dimensions: 2048 });
    expect(embedder.id).toMatch(/^lexical-v1-[0-9a-f]{8}-2048$/);
    expect(embedder.dimensions).toBe(2048);
    expect(embedder.termFeatures).toBe(true);
    expect(createLexicalEmbedder().dimensions).toBe(4096);
  });

  it('embeds documents and queries into the same space', async () => {
    const embedder = createLexicalEmbedder({ dimensions: 512 });
    const [doc] = await embedder.embedDocuments(['Pods run containers']);
    expect(await embedder.embedQuery('Pods run containers')).toEqual(doc);
  });

  it('rejects a dimension outside 16..65536', () => {
    expect(() => createLexicalEmbedder({ dimensions: 8 })).toThrow(
      'lexical embedder dimensions must be an integer in 16..65536, got 8',
    );
  });
});

describe('inverseDocumentFrequency', () => {
  it('weights rare features above common ones and stays positive', () => {
    expect(inverseDocumentFrequency(1, 100)).toBeCloseTo(Math.log(1 + 99.5 / 1.5), 10);
    expect(inverseDocumentFrequency(100, 100)).toBeGreaterThan(0);
    expect(inverseDocumentFrequency(1, 100)).toBeGreaterThan(inverseDocumentFrequency(50, 100));
  });
});
