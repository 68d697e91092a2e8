/**
 * Strict field checking for rendered manifests, the part of `kubectl apply --validate=strict`
 * that kubernetes-models' validate() leaves out: it accepts fields the schema does not name, so a
 * misspelt `readinesProbe` would pass and be dropped by the API server. The field names are read
 * from kubernetes-models' own TypeScript declarations (one interface per kind, generated from the
 * same OpenAPI schema) with the TypeScript compiler, walking each object beside its type.
 */
import path from 'node:path';
import ts from 'typescript';

/** `apps/v1/Deployment` → the module and interface that declare it. */
function declarationOf(kindKey: string): { module: string; name: string } {
  const kind = kindKey.slice(kindKey.lastIndexOf('/') + 1);
  return { module: `kubernetes-models/${kindKey}`, name: `I${kind}` };
}

export interface FieldChecker {
  /** Paths of the fields of `manifest` its kind's schema does not declare (empty: all known). */
  unknownFields(kindKey: string, manifest: unknown): string[];
}

export function createFieldChecker(kindKeys: string[]): FieldChecker {
  // A virtual module beside this file, so `kubernetes-models` resolves from deploy's node_modules.
  const entry = path.join(__dirname, '__k8s_kinds__.ts');
  const source = kindKeys
    .map((key, index) => {
      const { module, name } = declarationOf(key);
      return `import type { ${name} as K${index} } from '${module}';\nexport type T${index} = K${index};`;
    })
    .join('\n');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => (file === entry ? source : readFile(file));
  host.fileExists = (file) => file === entry || fileExists(file);
  host.getSourceFile = (file, language, ...rest) =>
    file === entry ? ts.createSourceFile(file, source, language) : getSourceFile(file, language, ...rest);
  const program = ts.createProgram([entry], options, host);
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const types = new Map(
    kindKeys.map((key, index) => {
      const alias = checker.getExportsOfModule(module).find((symbol) => symbol.name === `T${index}`)!;
      return [key, checker.getDeclaredTypeOfSymbol(alias)];
    }),
  );

  const members = (type: ts.Type): ts.Type[] => {
    const defined = checker.getNonNullableType(type);
    return defined.isUnion() ? defined.types : [defined];
  };

  function walk(value: unknown, type: ts.Type, at: string, found: string[]): void {
    if (value === null || typeof value !== 'object') return;
    const candidates = members(type);
    if (Array.isArray(value)) {
      const element = candidates
        .map((t) => checker.getIndexInfoOfType(t, ts.IndexKind.Number)?.type)
        .find(Boolean);
      if (element) value.forEach((item, index) => walk(item, element, `${at}[${index}]`, found));
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const property = candidates.map((t) => t.getProperty(key)).find(Boolean);
      const childType = property
        ? checker.getTypeOfSymbol(property)
        : candidates.map((t) => checker.getIndexInfoOfType(t, ts.IndexKind.String)?.type).find(Boolean);
      if (!childType) found.push(`${at}.${key}`);
      else walk(child, childType, `${at}.${key}`, found);
    }
  }

  return {
    unknownFields(kindKey, manifest) {
      const type = types.get(kindKey);
      if (!type) throw new Error(`no declaration for ${kindKey}`);
      const found: string[] = [];
      walk(manifest, type, '', found);
      return found.map((field) => field.slice(1));
    },
  };
}
