/**
 * Generates typed documents for the shared operations (src/operations.ts) from the client-facing
 * API schema, so an operation the schema no longer supports fails codegen, and with it the build
 * and typecheck of both clients (turbo runs this package's tasks first).
 *
 * Also the persisted-documents manifest (`src/generated/persisted-documents.json`: sha256 of each
 * document -> the document), the gateway's safelist for first-party clients. Its documents carry
 * `__typename` in every selection set, as Apollo Client's cache adds it to what it sends, so what
 * the gateway runs for an id is what the cache expects; the typed documents above stay as written
 * (their types do not gain `__typename`).
 */
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../schema/api.graphql',
  documents: ['src/operations.ts'],
  ignoreNoDocuments: false,
  generates: {
    'src/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string' },
        strictScalars: true,
        avoidOptionals: { field: true, inputValue: false, object: true },
      },
    },
    'src/generated/persisted-documents.json': {
      documentTransforms: [addTypenameSelectionDocumentTransform],
      plugins: ['./persistedDocuments.cjs'],
    },
  },
};

export default config;
