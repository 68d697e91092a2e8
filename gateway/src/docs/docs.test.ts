/**
 * The partner docs as a contract: the guides' examples are valid operations against the public
 * schema, the errors guide lists exactly the closed set of codes, every link inside the page lands
 * on a section, and the reference has a section for every root field and type.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate, type GraphQLEnumType } from 'graphql';
import { API_KEY_SCOPES, ErrorCode, isPublicErrorCode, scopeToEnum } from '@learncraft/kit';
import { INVALID_API_KEY_MESSAGE } from '../apiKeys';
import { DEFAULT_API_SCHEMA_PATH, DEFAULT_PARTNER_DOCS_DIR } from '../config';
import { createDocsSite, loadGuides } from '.';
import { renderDescription } from './markdown';
import { renderReference } from './reference';

const sdl = readFileSync(DEFAULT_API_SCHEMA_PATH, 'utf8');
const schema = buildSchema(sdl);
const site = createDocsSite({ apiSchemaPath: DEFAULT_API_SCHEMA_PATH, guidesDir: DEFAULT_PARTNER_DOCS_DIR });
const html = site.html();
const guideSource = (name: string) => readFileSync(join(DEFAULT_PARTNER_DOCS_DIR, `${name}.md`), 'utf8');

describe('the partner guides', () => {
  it('come in reading order, each titled by its heading', () => {
    expect(loadGuides(DEFAULT_PARTNER_DOCS_DIR).map((guide) => [guide.id, guide.title])).toEqual([
      ['guide-getting-started', 'Getting started'],
      ['guide-authentication', 'Authentication'],
      ['guide-organizations', 'Organizations: members, seats and progress'],
      ['guide-webhooks', 'Webhooks'],
      ['guide-pagination', 'Pagination'],
      ['guide-errors', 'Errors'],
      ['guide-limits', 'Operation limits'],
      ['guide-deprecation', 'Deprecation policy'],
    ]);
  });

  it('show only operations that are valid against schema/api.graphql', () => {
    const blocks = [
      'getting-started',
      'authentication',
      'organizations',
      'webhooks',
      'pagination',
      'errors',
      'limits',
      'deprecation',
    ].flatMap((name) =>
      [...guideSource(name).matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => [name, match[1] ?? '']),
    );
    expect(blocks).toHaveLength(13);
    const problems = blocks.flatMap(([name, block]) =>
      validate(schema, parse(block ?? '')).map((error) => `${name}: ${error.message}`),
    );
    expect(problems).toEqual([]);
  });

  it('list every code of the closed set in the errors guide, and no code that clients cannot receive', () => {
    const errors = guideSource('errors');
    const table = errors.slice(errors.indexOf('## GraphQL errors'));
    const documented = new Set([...table.matchAll(/`([A-Z][A-Z_]+)`/g)].map((match) => match[1]));
    expect(Object.values(ErrorCode).filter((code) => !documented.has(code))).toEqual([]);
    expect(
      [...documented].filter((code) => !isPublicErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR),
    ).toEqual([]);
  });

  it('document every API-key scope once, with its enum value, and the one message of a refused key', () => {
    const authentication = guideSource('authentication');
    const table = authentication.slice(
      authentication.indexOf('### Scopes'),
      authentication.indexOf('### Rotating'),
    );
    const rows = [...table.matchAll(/^\| `([a-z]+:[a-z]+)` \| `([A-Z_]+)` \|/gm)].map((match) => [
      match[1],
      match[2],
    ]);
    expect(rows).toEqual(API_KEY_SCOPES.map((scope) => [scope, scopeToEnum(scope)]));
    const enumValues = (schema.getType('ApiKeyScope') as GraphQLEnumType)
      .getValues()
      .map((value) => value.name);
    expect(enumValues).toEqual(API_KEY_SCOPES.map(scopeToEnum));
    expect(authentication).toContain(`\`${INVALID_API_KEY_MESSAGE}\``);
    expect(authentication).not.toContain('API keys for organizations are coming');
    expect(html).toContain('<h4 id="Mutation.apiKeyCreate">');
  });
});

describe('the docs page', () => {
  const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]));

  it('has one section per root field and per type, with the arguments of Query.courses', () => {
    const query = schema.getQueryType()!;
    const missing = Object.keys(query.getFields())
      .map((name) => `Query.${name}`)
      .concat(Object.keys(schema.getMutationType()!.getFields()).map((name) => `Mutation.${name}`))
      .concat([
        'Course',
        'CourseConnection',
        'PageInfo',
        'UserError',
        'CourseLevel',
        'CourseFilter',
        'DateTime',
      ])
      .filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
    const start = html.indexOf('<h4 id="Query.courses">');
    const courses = html.slice(start, html.indexOf('</article>', start));
    expect(courses).toContain(
      '<pre class="signature" tabindex="0"><code>courses(\n  first: Int,\n  after: String,\n' +
        '  filterBy: <a href="#CourseFilter">CourseFilter</a>,\n  orderBy: <a href="#CourseOrder">CourseOrder</a>\n' +
        '): <a href="#CourseConnection">CourseConnection</a></code></pre>',
    );
    expect(courses).toContain(
      '<dt><code>first: Int</code></dt><dd><div class="description"><p>How many courses to return (0 to 100, default 20).</p>',
    );
  });

  it('links only to sections that exist', () => {
    const targets = [...html.matchAll(/href="#([^"]+)"/g)].map((match) => match[1]);
    expect(targets.length).toBeGreaterThan(500);
    expect([...new Set(targets.filter((target) => !ids.has(target)))]).toEqual([]);
  });

  it('has unique ids', () => {
    const all = [...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
    expect(all.length - new Set(all).size).toBe(0);
  });

  it('shows HTML in a description as text, never as markup', () => {
    expect(renderDescription('A <script>alert(1)</script> and **bold**')).toBe(
      '<p>A &lt;script&gt;alert(1)&lt;/script&gt; and <strong>bold</strong></p>\n',
    );
  });

  it('serves the schema file as it is', () => {
    expect(site.schemaSdl).toBe(sdl);
  });
});

describe('the reference of a deprecated element', () => {
  it('says Deprecated with the reason next to the field, the argument and the enum value', () => {
    const { html: reference, groups } = renderReference(
      buildSchema(`
        type Query {
          """Old."""
          legacy(mode: Mode, limit: Int @deprecated(reason: "Always 10.")): String @deprecated(reason: "Use fresh.")
          fresh: String
        }
        enum Mode { FAST SLOW @deprecated(reason: "Use FAST.") }
      `),
    );
    expect(reference).toContain(
      '<h4 id="Query.legacy"><code>Query.legacy</code></h4><p class="deprecated"><strong>Deprecated:</strong> Use fresh.</p>',
    );
    expect(reference).toContain(
      '<dt><code>limit: Int</code></dt><dd><p class="deprecated"><strong>Deprecated:</strong> Always 10.</p></dd>',
    );
    expect(reference).toContain(
      '<dt id="Mode.SLOW"><code>SLOW</code></dt><dd><p class="deprecated"><strong>Deprecated:</strong> Use FAST.</p></dd>',
    );
    expect(groups.map((group) => [group.title, group.entries.map((entry) => entry.id)])).toEqual([
      ['Queries', ['Query.fresh', 'Query.legacy']],
      ['Enums', ['Mode']],
    ]);
  });
});
